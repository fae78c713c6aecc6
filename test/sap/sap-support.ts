import { loadSapConfig, type SapConfig, type SapError } from '../../connectors/sap';
import { startSapSimulator, type SapSimulator, type SapSimulatorOptions } from '../../sap-simulator';

/** A destination as the SAP Cloud SDK reads it from the `destinations` environment variable. */
export interface EnvDestination {
  name: string;
  url: string;
  authentication: 'BasicAuthentication' | 'NoAuthentication' | 'OAuth2ClientCredentials';
  username?: string;
  password?: string;
  headers?: Record<string, string>;
}

/**
 * Sets `destinations` for the SDK (it reads process.env on every request) and gives it back as
 * it was: Jest may run other suites in this process afterwards.
 */
export function useDestinations(destinations: readonly EnvDestination[]): () => void {
  const before = process.env.destinations;
  process.env.destinations = JSON.stringify(destinations);
  return () => {
    if (before === undefined) delete process.env.destinations;
    else process.env.destinations = before;
  };
}

export function basicDestination(name: string, simulator: SapSimulator, user = 'LADING', password = 'lading'): EnvDestination {
  return { name, url: simulator.url, authentication: 'BasicAuthentication', username: user, password };
}

/** The connector's configuration as start-up would load it, for one destination. */
export function sapConfig(destinationName: string, overrides: Record<string, string> = {}): SapConfig {
  return loadSapConfig({
    destinations: process.env.destinations,
    VCAP_SERVICES: process.env.VCAP_SERVICES,
    SAP_DESTINATION: destinationName,
    SAP_TIMEOUT_MS: '5000',
    ...overrides,
  });
}

export async function simulator(options: SapSimulatorOptions = {}): Promise<SapSimulator> {
  return startSapSimulator({ port: 0, ...options });
}

/** The SapError a promise rejects with. */
export async function sapFailure(promise: Promise<unknown>): Promise<SapError> {
  try {
    await promise;
  } catch (error) {
    return error as SapError;
  }
  throw new Error('expected the call to fail');
}
