import { FabricConfigError } from '../connectors/fabric';
import { RedisUnavailableError } from '../connectors/queue';
import { SapConfigError } from '../connectors/sap';
import { ConfigError as DevnetConfigError } from '../devnet';
import { ConfigError } from './config';

/** Errors that mean "the operator must change a setting or install something", not a bug. */
export function isSetupError(error: unknown): error is Error {
  return error instanceof ConfigError || error instanceof FabricConfigError || error instanceof SapConfigError
    || error instanceof DevnetConfigError || error instanceof RedisUnavailableError;
}

/**
 * A bad setting stops Lading with one line naming it, not a stack trace. Under Jest the error is
 * thrown instead, so a test sees it and the test runner lives on.
 */
export function stopOnSetupError(error: unknown): never {
  if (isSetupError(error) && process.env.JEST_WORKER_ID === undefined) {
    process.stderr.write(`lading: ${error.message}\n`);
    process.exit(1);
  }
  throw error;
}
