import cds from '@sap/cds';
import { Worker, type ConnectionOptions } from 'bullmq';
import type { LedgerConnection, ShipmentLedger } from '../../connectors/fabric';
import { PartitionedQueue } from '../../connectors/queue';
import { Leadership, type LeadershipOptions } from '../../connectors/queue/leadership';
import type { SapConfig } from '../../connectors/sap';
import { Relay } from '../pipeline/relay';
import { acknowledgeFinalStatuses } from './acknowledgements';
import { LedgerListener } from './listener';
import type { SapSendJob } from './sap-send';
import { timedProcessor } from '../observability/metrics';
import { outboundIdocSource, sapSendProcessor } from './sap-send';

/**
 * Ledger → SAP: the listener turns other parties' events into IDocs, the acknowledgement sweep
 * answers SAP's own IDocs with ALEAUD, and the sap-send queue delivers both. With several
 * instances, every instance's worker sends, while the listener, the sweep and the relay run on
 * the one instance that holds the 'sap-outbound' role (`leadership`): two listeners or sweeps
 * would queue the same news twice under different DOCNUMs.
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
  /** SAP deliveries sent at once by this instance. Default 4. */
  concurrency?: number;
  /** Lock on a send in work: a killed instance's sends are taken over after it, ms. Default 30,000. */
  lockDurationMs?: number;
  /** Run the listener, sweep and relay only while holding the role (several instances). Absent: always (one instance). */
  leadership?: Omit<LeadershipOptions, 'name' | 'onAcquired' | 'onLost'>;
}

export const SAP_OUTBOUND_ROLE = 'sap-outbound';

export const SAP_SEND_QUEUE = 'sap-send';
const log = cds.log('sap');

export class SapSide {
  readonly queue: PartitionedQueue<SapSendJob>;
  readonly #worker: Worker<SapSendJob>;
  readonly #relay: Relay<SapSendJob>;
  #listener: LedgerListener | undefined;
  readonly #leadership: Leadership | undefined;
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
    this.#worker = new Worker<SapSendJob>(this.queue.queueNames()[0] as string, timedProcessor(sapSendProcessor(sap)), {
      connection, prefix, concurrency: options.concurrency ?? 4, autorun: false,
      lockDuration: options.lockDurationMs ?? 30_000, stalledInterval: Math.max(1_000, (options.lockDurationMs ?? 30_000) / 2),
    });
    this.#worker.on('error', (error) => log.error('sap-send worker:', error.message));
    this.#relay = new Relay('sap', outboundIdocSource, this.queue, { redriveAfterMs: options.redriveAfterMs });
    if (options.leadership) {
      this.#leadership = new Leadership({
        ...options.leadership, name: SAP_OUTBOUND_ROLE,
        onAcquired: () => {
          log.info(`this instance (${this.#leadership?.token}) took the ${SAP_OUTBOUND_ROLE} role: ledger listener, acknowledgements and SAP relay on`);
          this.#lead();
        },
        onLost: async (reason) => {
          await this.#follow();
          log.info(`this instance gave the ${SAP_OUTBOUND_ROLE} role up (${reason}): ledger listener, acknowledgements and SAP relay off`);
        },
        onError: (error) => log.warn(`${SAP_OUTBOUND_ROLE} role:`, error.message),
      });
    }
  }

  /** True while this instance runs the listener (always with one instance). */
  get leading(): boolean {
    return this.#listener !== undefined;
  }

  /** Token of this instance in the role's Redis key (`<host>/<pid>/<uuid>`), when contending. */
  get leadershipToken(): string | undefined {
    return this.#leadership?.token;
  }

  async start(): Promise<this> {
    void this.#worker.run().catch((error: Error) => log.error('sap-send worker stopped:', error.message));
    if (this.#leadership) await this.#leadership.start();
    else this.#lead();
    return this;
  }

  /** The singleton work: a fresh listener (it resumes from the database checkpoint), the relay and the sweep. */
  #lead(): void {
    const { sap } = this.#options;
    const envelope = { client: sap.client, senderPort: sap.idocEnvelope.senderPort, senderPartner: sap.idocEnvelope.senderPartner };
    this.#listener = new LedgerListener({
      connection: this.#options.ledgerConnection, ledger: this.#options.ledger, ownMspId: this.#options.ownMspId, envelope, defaultReceiverPort: sap.idocEnvelope.receiverPort,
    }).start();
    this.#relay.start();
    const acknowledge = (): void => {
      this.#sweeping = acknowledgeFinalStatuses({
        envelope: { client: sap.client, senderPort: sap.idocEnvelope.senderPort, senderPartner: sap.idocEnvelope.senderPartner },
        defaultReceiverPort: sap.idocEnvelope.receiverPort,
      }).catch((error: Error) => log.error('acknowledgement sweep failed:', error.message)).finally(() => {
        if (this.#sweep) this.#sweep = setTimeout(acknowledge, this.#options.acknowledgeEveryMs ?? 1_000);
      });
    };
    this.#sweep = setTimeout(acknowledge, 0);
  }

  async #follow(): Promise<void> {
    const sweep = this.#sweep;
    this.#sweep = undefined;
    if (sweep) clearTimeout(sweep);
    await this.#sweeping;
    const listener = this.#listener;
    this.#listener = undefined;
    await listener?.stop();
    await this.#relay.stop();
  }

  async stop(): Promise<void> {
    if (this.#leadership) await this.#leadership.stop();
    else await this.#follow();
    await this.#worker.close();
    await this.queue.close();
  }
}
