import cds from '@sap/cds';
import { Worker, type ConnectionOptions } from 'bullmq';
import type { LedgerConnection, ShipmentLedger } from '../../connectors/fabric';
import { PartitionedQueue } from '../../connectors/queue';
import type { SapConfig } from '../../connectors/sap';
import { Relay } from '../pipeline/relay';
import { acknowledgeFinalStatuses } from './acknowledgements';
import { LedgerListener } from './listener';
import type { SapSendJob } from './sap-send';
import { timedProcessor } from '../observability/metrics';
import { outboundIdocSource, sapSendProcessor } from './sap-send';

/**
 * Ledger → SAP: the listener turns other parties' events into IDocs, the acknowledgement sweep
 * answers SAP's own IDocs with ALEAUD, and the sap-send queue delivers both.
 */

export interface SapSideOptions {
  connection: ConnectionOptions;
  prefix: string;
  sap: SapConfig;
  ledgerConnection: LedgerConnection;
  ledger: ShipmentLedger;
  ownMspId: string;
  redriveAfterMs?: number;
  /** How often final inbound statuses are confirmed to SAP, ms. Default 1,000. */
  acknowledgeEveryMs?: number;
}

export const SAP_SEND_QUEUE = 'sap-send';
const log = cds.log('sap');

export class SapSide {
  readonly queue: PartitionedQueue<SapSendJob>;
  readonly #worker: Worker<SapSendJob>;
  readonly #relay: Relay<SapSendJob>;
  readonly #listener: LedgerListener;
  readonly #options: SapSideOptions;
  #sweep: NodeJS.Timeout | undefined;
  #sweeping: Promise<unknown> | undefined;

  constructor(options: SapSideOptions) {
    this.#options = options;
    const { connection, prefix, sap } = options;
    this.queue = new PartitionedQueue<SapSendJob>(SAP_SEND_QUEUE, {
      connection, prefix, partitions: 1,
      defaultJobOptions: { attempts: 20, backoff: { type: 'exponential', delay: 500 }, removeOnComplete: { age: 3_600, count: 50_000 }, removeOnFail: false },
    });
    this.#worker = new Worker<SapSendJob>(this.queue.queueNames()[0] as string, timedProcessor(sapSendProcessor(sap)), { connection, prefix, concurrency: 4, autorun: false });
    this.#worker.on('error', (error) => log.error('sap-send worker:', error.message));
    this.#relay = new Relay('sap', outboundIdocSource, this.queue, { redriveAfterMs: options.redriveAfterMs });
    const envelope = { client: sap.client, senderPort: sap.idocEnvelope.senderPort, senderPartner: sap.idocEnvelope.senderPartner };
    this.#listener = new LedgerListener({
      connection: options.ledgerConnection, ledger: options.ledger, ownMspId: options.ownMspId, envelope, defaultReceiverPort: sap.idocEnvelope.receiverPort,
    });
  }

  start(): this {
    void this.#worker.run().catch((error: Error) => log.error('sap-send worker stopped:', error.message));
    this.#relay.start();
    this.#listener.start();
    const { sap } = this.#options;
    const acknowledge = (): void => {
      this.#sweeping = acknowledgeFinalStatuses({
        envelope: { client: sap.client, senderPort: sap.idocEnvelope.senderPort, senderPartner: sap.idocEnvelope.senderPartner },
        defaultReceiverPort: sap.idocEnvelope.receiverPort,
      }).catch((error: Error) => log.error('acknowledgement sweep failed:', error.message)).finally(() => {
        if (this.#sweep) this.#sweep = setTimeout(acknowledge, this.#options.acknowledgeEveryMs ?? 1_000);
      });
    };
    this.#sweep = setTimeout(acknowledge, 0);
    return this;
  }

  async stop(): Promise<void> {
    const sweep = this.#sweep;
    this.#sweep = undefined;
    if (sweep) clearTimeout(sweep);
    await this.#sweeping;
    await this.#listener.stop();
    await this.#relay.stop();
    await this.#worker.close();
    await this.queue.close();
  }
}
