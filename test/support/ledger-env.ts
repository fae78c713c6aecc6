import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Devnet } from '../ledger/support';

/** Environment that points Lading at a test's devnet (as ShipperMSP), a Redis and its own queue prefix. */
export function ledgerEnv(devnet: Devnet, redisUrl = 'redis://127.0.0.1:6379'): Record<string, string> {
  const orgDir = join(devnet.dir, 'orgs', 'ShipperMSP');
  return {
    LADING_PIPELINE: 'on',
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: `test-${randomUUID().slice(0, 8)}`,
    FABRIC_PEER_ENDPOINT: devnet.address,
    FABRIC_MSP_ID: 'ShipperMSP',
    FABRIC_CERT_PATH: join(orgDir, 'cert.pem'),
    FABRIC_KEY_PATH: join(orgDir, 'key.pem'),
  };
}

/** Sets variables for an in-process Lading and returns a function that removes them again. */
export function applyEnv(variables: Record<string, string>): () => void {
  Object.assign(process.env, variables);
  return () => {
    for (const name of Object.keys(variables)) delete process.env[name];
  };
}
