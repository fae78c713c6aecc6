import { connectLedger, devnetConfig, loadFabricConfig, ShipmentLedger, type FabricConfig } from '../connectors/fabric';
import type { LedgerSide } from './pipeline/runtime';

/**
 * The consignee's identity for signing PODs: POD_SIGNER_MSP_ID / POD_SIGNER_CERT_PATH /
 * POD_SIGNER_KEY_PATH on a real network (same peer as FABRIC_PEER_ENDPOINT), or devnet's
 * ConsigneeMSP when devnet is embedded.
 */
export function podSignerConfig(ledgerSide: LedgerSide | undefined, env: Record<string, string | undefined> = process.env): FabricConfig {
  if (env.POD_SIGNER_MSP_ID) {
    return loadFabricConfig({ ...env, FABRIC_MSP_ID: env.POD_SIGNER_MSP_ID, FABRIC_CERT_PATH: env.POD_SIGNER_CERT_PATH, FABRIC_KEY_PATH: env.POD_SIGNER_KEY_PATH });
  }
  if (ledgerSide?.devnet) return devnetConfig(ledgerSide.devnet.address, ledgerSide.devnet.dir, 'ConsigneeMSP');
  throw new Error('No POD signer is configured: set POD_SIGNER_MSP_ID, POD_SIGNER_CERT_PATH and POD_SIGNER_KEY_PATH');
}

/** Runs `work` with a ledger connection as the POD signer, closed afterwards. */
export async function withPodSigner<T>(config: FabricConfig, work: (ledger: ShipmentLedger, keyPath: string) => Promise<T>): Promise<T> {
  const connection = await connectLedger(config);
  try {
    return await work(new ShipmentLedger(connection), config.keyPath);
  } finally {
    connection.close();
  }
}
