import cds from '@sap/cds';
import { ShipmentLedger, connectLedger, devnetConfig, loadFabricConfig, type LedgerConnection } from '../../connectors/fabric';
import { resolveRedis, type RedisEndpoint } from '../../connectors/queue';
import { startDevnet, type Devnet } from '../../devnet';
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
  stop(): Promise<void>;
}

const log = cds.log('lading');

export async function startLedgerSide(config: LadingConfig): Promise<LedgerSide> {
  const opened: (() => Promise<void>)[] = [];
  const stop = async (): Promise<void> => {
    for (const close of opened.reverse()) await close().catch((error: Error) => log.error('stopping:', error.message));
    opened.length = 0;
  };
  try {
    const redis = await resolveRedis(config.pipeline.redisUrl);
    if (redis.stop) opened.push(redis.stop);
    log.info(`Redis ${redis.embedded ? '(private redis-server) ' : ''}at ${redis.url}`);

    let devnet: Devnet | undefined;
    let fabricConfig;
    if (config.ledger.fabricConfigured) {
      fabricConfig = loadFabricConfig();
    } else {
      devnet = await startDevnet({});
      opened.push(() => (devnet as Devnet).stop());
      fabricConfig = devnetConfig(devnet.address, devnet.dir, config.ledger.devnetMspId);
      log.info(`devnet (Fabric Gateway, channel ${devnet.channel}, chaincode ${devnet.chaincode}) at ${devnet.address}, data in ${devnet.dir}${devnet.adminUrl ? `, admin ${devnet.adminUrl}` : ''}`);
    }
    const connection = await connectLedger(fabricConfig);
    opened.push(async () => connection.close());
    log.info(`ledger connection as ${fabricConfig.mspId} to ${fabricConfig.peerEndpoint}`);
    const ledger = new ShipmentLedger(connection);

    const { pipeline: settings } = config;
    const pipeline = new LedgerPipeline({
      connection: { host: redis.host, port: redis.port, maxRetriesPerRequest: null },
      prefix: settings.queuePrefix, ledger, mspId: fabricConfig.mspId, partitions: settings.partitions,
      maxBatch: settings.maxBatch, lingerMs: settings.lingerMs, lockDurationMs: settings.lockDurationMs,
      relay: { redriveAfterMs: settings.redriveAfterMs },
    }).start();
    opened.push(() => pipeline.stop());
    log.info(`pipeline: ${settings.partitions} ledger-submit partitions, batches of up to ${settings.maxBatch} IDocs`);
    return { redis, devnet, connection, ledger, pipeline, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
