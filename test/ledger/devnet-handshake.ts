/** The one-line handshake between devnet-host.ts (child) and support.ts (test process). */
export const READY_PREFIX = 'DEVNET_READY ';

/** What the child reports once devnet is serving. */
export interface DevnetHostInfo {
  port: number;
  /** `host:port` of the Gateway gRPC endpoint. */
  address: string;
  /** Base URL of devnet's HTTP admin API (fault injection); undefined when disabled. */
  adminUrl: string | undefined;
  /** Data directory: ledger, blocks and `orgs/<MSPID>/cert.pem|key.pem`. */
  dir: string;
}
