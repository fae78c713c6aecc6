import cds from '@sap/cds';
import { ShipmentLedger, connectLedger, devnetConfig, loadFabricConfig, type LedgerConnection } from '../../connectors/fabric';
import { resolveRedis, type RedisEndpoint } from '../../connectors/queue';
import { redisConnections, type RedisTopology } from '../../connectors/queue/connection';
import { Leadership } from '../../connectors/queue/leadership';
import { loadSapConfig } from '../../connectors/sap';
import { startDevnet, type Devnet } from '../../devnet';
import { startSapSimulator, type SapSimulator } from '../../sap-simulator';
import { SapSide } from '../sap-outbound/sap-side';
import { startReconciler, type Reconciler } from '../reconciliation';
import type { LadingConfig } from '../config';
import { LedgerPipeline } from './pipeline';

/**
 * The ledger side of one Lading process: Redis (given, local, or a private one), the Fabric
 * connection (a configured network, or devnet embedded), and the pipeline between them. Each
 * part is announced in one log line; stop() closes them in reverse order.
 */

export interface LedgerSide {
  redis: RedisEndpoint;
  devnet?: Devnet;
  connection: LedgerConnection;
  ledger: ShipmentLedger;
  pipeline: LedgerPipeline;
  sapSide?: SapSide;
  sapSimulator?: SapSimulator;
  reconciler: Reconciler;
  stop(): Promise<void>;
}

const log = cds.log('lading');

/** The role whose holder relays the outbox to the ledger-submit queues (one poller across instances). */
export const LEDGER_RELAY_ROLE = 'ledger-relay';

/** One server: REDIS_URL, the local one, or a private one. Sentinel and Cluster: as configured, never started here. */
async function redisEndpoint(redisUrl: string | undefined, topology: RedisTopology): Promise<RedisEndpoint> {
  if (topology.kind === 'standalone') return resolveRedis(redisUrl);
  const first = topology.kind === 'sentinel' ? topology.sentinels[0] : topology.nodes[0];
  const hosts = (topology.kind === 'sentinel' ? topology.sentinels : topology.nodes).map((node) => `${node.host}:${node.port}`).join(',');
  return { host: first?.host ?? '', port: first?.port ?? 0, url: `${topology.kind}:${topology.kind === 'sentinel' ? `${topology.name}@` : ''}${hosts}`, embedded: false };
}

export async function startLedgerSide(config: LadingConfig): Promise<LedgerSide> {
  const opened: (() => Promise<void>)[] = [];
  const stop = async (): Promise<void> => {
    for (const close of opened.reverse()) await close().catch((error: Error) => log.error('stopping:', error.message));
    opened.length = 0;
  };
  try {
    const redis = await redisEndpoint(config.pipeline.redisUrl, config.pipeline.redisTopology);
    if (redis.stop) opened.push(redis.stop);
    log.info(`Redis ${redis.embedded ? '(private redis-server) ' : ''}at ${redis.url}`);
    const connections = redisConnections(redis, config.pipeline.redisTopology);
    opened.push(connections.close);

    let devnet: Devnet | undefined;
    let fabricConfig;
    if (config.ledger.fabricConfigured) {
      fabricConfig = loadFabricConfig();
    } else {
      const { devnetMspId, devnetPeers, devnetEndorsementPolicy, devnetIdentityAlgorithm } = config.ledger;
      devnet = await startDevnet({
        ...(devnetPeers ? { peers: devnetPeers } : {}), ...(devnetEndorsementPolicy ? { endorsementPolicy: devnetEndorsementPolicy } : {}),
        ...(devnetIdentityAlgorithm ? { identityAlgorithm: devnetIdentityAlgorithm } : {}),
      });
      opened.push(() => (devnet as Devnet).stop());
      // Several peers: Lading's client talks to its own organisation's peer, as on a real network.
      const ownPeer = devnet.peers.find((peer) => peer.mspId === devnetMspId)?.address ?? devnet.address;
      fabricConfig = devnetConfig(ownPeer, devnet.dir, devnetMspId);
      const peers = devnet.peers.length > 0 ? `, peers ${devnet.peers.map((peer) => `${peer.mspId}@${peer.address}`).join(' ')}${devnetEndorsementPolicy ? `, policy ${devnetEndorsementPolicy}` : ''}` : '';
      log.info(`devnet (Fabric Gateway, channel ${devnet.channel}, chaincode ${devnet.chaincode}) at ${devnet.address}${peers}, data in ${devnet.dir}${devnet.adminUrl ? `, admin ${devnet.adminUrl}` : ''}`);
    }
    const connection = await connectLedger(fabricConfig);
    opened.push(async () => connection.close());
    log.info(`ledger connection as ${fabricConfig.mspId} to ${fabricConfig.peerEndpoint}`);
    const ledger = new ShipmentLedger(connection);

    const { pipeline: settings } = config;
    // Every instance works the queues; one at a time polls the outbox.
    const leadership = { connection: connections.leadership, prefix: settings.queuePrefix, leaseMs: settings.leaderLeaseMs };
    const relayRole = await new Leadership({
      ...leadership, name: LEDGER_RELAY_ROLE,
      onAcquired: () => log.info(`this instance took the ${LEDGER_RELAY_ROLE} role: it relays the outbox`),
      onLost: (reason) => log.info(`this instance gave the ${LEDGER_RELAY_ROLE} role up (${reason})`),
      onError: (error) => log.warn(`${LEDGER_RELAY_ROLE} role:`, error.message),
    }).start();
    opened.push(() => relayRole.stop());
    const pipeline = new LedgerPipeline({
      connection: connections.queues,
      prefix: settings.queuePrefix, ledger, mspId: fabricConfig.mspId, partitions: settings.partitions,
      maxBatch: settings.maxBatch, lingerMs: settings.lingerMs, lockDurationMs: settings.lockDurationMs, confirmConcurrency: settings.confirmConcurrency,
      relay: { redriveAfterMs: settings.redriveAfterMs, intervalMs: settings.relayIntervalMs, batchSize: settings.relayBatch, activeWhen: () => relayRole.isLeader },
    }).start();
    opened.push(() => pipeline.stop());
    log.info(`pipeline: ${settings.partitions} ledger-submit partitions, batches of up to ${settings.maxBatch} IDocs, ${settings.confirmConcurrency} confirms at once`);

    let sapSide: SapSide | undefined;
    let sapSimulator: SapSimulator | undefined;
    if (config.sap.enabled) {
      if (!config.sap.destinationConfigured) {
        sapSimulator = await startSapSimulator({ port: config.sap.simulatorPort, users: { LADING: 'lading' } });
        opened.push(() => (sapSimulator as SapSimulator).stop());
        // The SDK reads destinations from the environment: point SAP_ERP at the simulator.
        process.env.destinations = JSON.stringify([{ name: process.env.SAP_DESTINATION ?? 'SAP_ERP', url: sapSimulator.url, username: 'LADING', password: 'lading' }]);
        log.info(`SAP simulator (IDoc inbound, delivery API) at ${sapSimulator.url}, admin ${sapSimulator.url}/admin/stats`);
      }
      const sap = loadSapConfig();
      sapSide = await new SapSide({
        connection: connections.queues, prefix: settings.queuePrefix, sap, concurrency: settings.sapSendConcurrency, lockDurationMs: settings.lockDurationMs, leadership,
        ledgerConnection: connection, ledger, ownMspId: fabricConfig.mspId, redriveAfterMs: settings.redriveAfterMs,
      }).start();
      opened.push(() => (sapSide as SapSide).stop());
      log.info(`SAP outbound: destination ${sap.destinationName}; ledger listener and acknowledgements on the instance holding the sap-outbound role`);
    }
    const reconciler = await startReconciler({
      connection: connections.queues, prefix: settings.queuePrefix, ledger,
      sap: config.sap.enabled ? loadSapConfig() : undefined, sapSide,
    });
    opened.push(() => reconciler.stop());
    return { redis, devnet, connection, ledger, pipeline, sapSide, sapSimulator, reconciler, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
