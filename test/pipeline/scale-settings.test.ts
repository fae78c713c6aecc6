import { ConfigError, readConfig } from '../../srv/config';

/**
 * The pipeline's concurrency and pool figures are settings (srv/config.ts): each has a default,
 * is read as given, and a bad value stops start-up with one line naming it. The embedded devnet
 * can run one peer per organisation with a policy, as long as Lading's own organisation has one.
 */

describe('scale settings', () => {
  it('reads every concurrency and pool figure from the environment', () => {
    const config = readConfig({
      LEDGER_CONFIRM_CONCURRENCY: '12', LEDGER_RELAY_INTERVAL_MS: '50', LEDGER_RELAY_BATCH: '500',
      LEDGER_PARTITIONS: '16', SAP_SEND_CONCURRENCY: '8', LADING_DB_POOL_MAX: '24', LADING_DB_POOL_ACQUIRE_MS: '5000',
    });
    expect(config.pipeline).toMatchObject({ confirmConcurrency: 12, relayIntervalMs: 50, relayBatch: 500, partitions: 16, sapSendConcurrency: 8 });
    expect(config.database).toEqual({ poolMax: 24, poolAcquireTimeoutMs: 5_000 });
  });

  it.each([
    ['LEDGER_CONFIRM_CONCURRENCY', '0'],
    ['LEDGER_CONFIRM_CONCURRENCY', 'many'],
    ['LEDGER_RELAY_INTERVAL_MS', '-1'],
    ['LEDGER_RELAY_BATCH', '2.5'],
    ['LADING_DB_POOL_MAX', '0'],
    ['LADING_DB_POOL_ACQUIRE_MS', '1s'],
  ])('stops on %s=%s with one line naming it', (name, value) => {
    expect(() => readConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => readConfig({ [name]: value })).toThrow(new RegExp(`^Configuration error: ${name} must be a positive whole number, got "${value}"$`));
  });

  it('starts the embedded devnet with one peer per organisation and a policy', () => {
    const ledger = readConfig({ DEVNET_PEERS: 'CarrierMSP, ShipperMSP', DEVNET_ENDORSEMENT_POLICY: "AND('ShipperMSP.peer','CarrierMSP.peer')" }).ledger;
    expect(ledger).toEqual({
      fabricConfigured: false, devnetMspId: 'ShipperMSP', devnetPeers: ['CarrierMSP', 'ShipperMSP'], devnetEndorsementPolicy: "AND('ShipperMSP.peer','CarrierMSP.peer')",
    });
    expect(readConfig({ DEVNET_PEERS: 'ShipperMSP,CarrierMSP' }).ledger.devnetEndorsementPolicy).toBeUndefined();
  });

  it("refuses several peers without Lading's own organisation, and a policy without peers", () => {
    expect(() => readConfig({ DEVNET_PEERS: 'CarrierMSP,BrokerMSP' })).toThrow(
      /^Configuration error: DEVNET_PEERS must name Lading's own organisation ShipperMSP \(LADING_DEVNET_MSP\), got "CarrierMSP,BrokerMSP"$/,
    );
    expect(() => readConfig({ DEVNET_PEERS: 'CarrierMSP', LADING_DEVNET_MSP: 'BrokerMSP' })).toThrow(/DEVNET_PEERS must name Lading's own organisation BrokerMSP/);
    expect(() => readConfig({ DEVNET_ENDORSEMENT_POLICY: 'MAJORITY' })).toThrow(/^Configuration error: DEVNET_ENDORSEMENT_POLICY needs several peers: set DEVNET_PEERS too/);
  });

  it('leaves devnet peers alone when a Fabric network is configured', () => {
    expect(readConfig({ FABRIC_PEER_ENDPOINT: 'peer0:7051', DEVNET_PEERS: 'CarrierMSP' }).ledger).toEqual({ fabricConfigured: true, devnetMspId: 'ShipperMSP' });
  });
});
