import cds from '@sap/cds';
import type { Checkpointer, LedgerCheckpoint, LedgerConnection, LedgerEventRecord, ShipmentEventsNotice, ShipmentEventStream, ShipmentLedger } from '../../connectors/fabric';
import { openShipmentEvents } from '../../connectors/fabric';
import type { IdocEnvelope, LedgerEventForSap } from '../../mappings/outbound';
import { sapUpdateFor } from '../../mappings/outbound';
import { InboundIdocs, LedgerCheckpoints, ShipmentEvents, ShipmentItems, Shipments } from '#cds-models/lading';
import { refreshShipmentStatus } from '../shipment-status';
import { listenerHandled } from '../observability/metrics';
import { queueForSap } from './outbound-store';

/**
 * Ledger → SAP: other parties' events (carrier, customs broker, consignee) become IDocs for SAP.
 * The checkpoint lives in the database and is saved in the same transaction that queues the
 * resulting IDocs, so a crash either loses both (the notice comes again) or keeps both (it does
 * not): no effect is lost or doubled. Lading's own events are not echoed back to SAP.
 */

export interface LedgerListenerOptions {
  connection: LedgerConnection;
  ledger: ShipmentLedger;
  /** Lading's own organisation: events it recorded came from SAP and are not sent back. */
  ownMspId: string;
  /** Lading's side of the IDoc envelope; the receiver is the SAP system that sent the delivery. */
  envelope: Pick<IdocEnvelope, 'client' | 'senderPort' | 'senderPartner'>;
  /** SAP's port when Lading never received an IDoc from that system. */
  defaultReceiverPort: string;
  /** Key of the checkpoint row. Default 'sap-outbound'. */
  name?: string;
}

const log = cds.log('listener');

/** The checkpoint row, read and written in the current transaction. */
function databaseCheckpointer(listener: string): Checkpointer {
  return {
    async load(): Promise<LedgerCheckpoint | undefined> {
      const row = await SELECT.one.from(LedgerCheckpoints).where({ listener });
      if (!row || row.blockNumber === null || row.blockNumber === undefined) return undefined;
      return { blockNumber: BigInt(row.blockNumber), transactionId: row.transactionId ?? undefined };
    },
    async save(checkpoint: LedgerCheckpoint): Promise<void> {
      await UPSERT.into(LedgerCheckpoints).entries({
        listener, blockNumber: Number(checkpoint.blockNumber), transactionId: checkpoint.transactionId ?? null, updatedAt: new Date().toISOString(),
      });
    },
  };
}

/** Most events per getEvents call: the chaincode's limit. */
const EVENTS_PER_READ = 1000;

/**
 * The block's foreign events as recorded, in one evaluate per thousand instead of one per event. A
 * committed event missing from the ledger's state is an error: the stream reopens from the checkpoint.
 */
export async function recordsOf(ledger: ShipmentLedger, eventIds: readonly string[], blockNumber: bigint): Promise<LedgerEventRecord[]> {
  const records: LedgerEventRecord[] = [];
  for (let from = 0; from < eventIds.length; from += EVENTS_PER_READ) {
    const chunk = eventIds.slice(from, from + EVENTS_PER_READ);
    const found = await ledger.getEvents(chunk);
    chunk.forEach((eventId, at) => {
      const record = found[at];
      if (!record) throw new Error(`event ${eventId} of block ${blockNumber} is not in the ledger's state`);
      records.push(record);
    });
  }
  return records;
}

function forSap(record: LedgerEventRecord): LedgerEventForSap {
  return record.event as unknown as LedgerEventForSap;
}

export class LedgerListener {
  readonly #options: LedgerListenerOptions;
  readonly #checkpointer: Checkpointer;
  #stream: ShipmentEventStream | undefined;
  #loop: Promise<void> | undefined;
  #stopping = false;

  constructor(options: LedgerListenerOptions) {
    this.#options = options;
    this.#checkpointer = databaseCheckpointer(options.name ?? 'sap-outbound');
  }

  start(): this {
    this.#loop = this.#run();
    return this;
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    this.#stream?.close();
    await this.#loop;
  }

  async #run(): Promise<void> {
    while (!this.#stopping) {
      try {
        // From the start of the chain the first time: SAP hears of everything that happened.
        this.#stream = await openShipmentEvents(this.#options.connection, { checkpointer: this.#checkpointer, startBlock: 0n });
        for await (const notice of this.#stream) {
          if (this.#stopping) break;
          await this.#handle(notice);
        }
      } catch (error) {
        if (this.#stopping) break;
        log.warn('ledger event stream failed, reopening from the checkpoint:', (error as Error).message);
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
    }
  }

  async #handle(notice: ShipmentEventsNotice): Promise<void> {
    const foreign = notice.payload.events.filter((event) => event.recordedBy !== this.#options.ownMspId);
    // Read outside the transaction: evaluating on the ledger may take a while.
    const records = await recordsOf(this.#options.ledger, foreign.map((event) => event.eventId), notice.blockNumber);
    await cds.tx(async () => {
      for (const record of records) await this.#queueUpdate(record, notice.blockNumber);
      await notice.checkpoint();
    });
    listenerHandled(notice.blockNumber);
  }

  /** Other parties' events join the shipment's own timeline, with their ledger proof. */
  async #keepEvent(record: LedgerEventRecord, blockNumber: bigint): Promise<void> {
    const event = record.event;
    const known = await SELECT.one.from(ShipmentEvents).columns('eventId').where({ eventId: event.eventId });
    if (!known) {
      const location = typeof event.location === 'string' ? event.location : event.location?.UNLocationCode ?? event.location?.locationName;
      await INSERT.into(ShipmentEvents).entries({
        eventId: event.eventId, shipment_ID: event.shipmentId, eventType: event.eventType, eventClassifierCode: event.eventClassifierCode,
        eventTypeCode: event.eventTypeCode, eventDateTime: event.eventDateTime, location, documentTypeCode: event.documentTypeCode,
        documentId: event.documentID, equipmentReference: event.equipmentReference, payloadHash: event.payloadHash,
        recordedBy: record.recordedBy, ledgerTxId: record.txId, ledgerBlock: Number(blockNumber),
      });
    }
    await refreshShipmentStatus(event.shipmentId);
  }

  async #queueUpdate(record: LedgerEventRecord, blockNumber: bigint): Promise<void> {
    const event = forSap(record);
    const shipment = await SELECT.one.from(Shipments).columns('ID', 'deliveryNumber', 'senderPartner').where({ ID: event.shipmentId });
    if (!shipment) {
      log.info(`event ${event.eventId} concerns shipment ${event.shipmentId}, which no SAP system of ours sent: not forwarded`);
      return;
    }
    await this.#keepEvent(record, blockNumber);
    const items = await SELECT.from(ShipmentItems).columns('itemNumber', 'quantity', 'unit').where({ shipment_ID: shipment.ID });
    const lastIdoc = await SELECT.one.from(InboundIdocs).columns('senderPort').where({ shipment_ID: shipment.ID, senderPort: { '!=': null } }).orderBy('receivedAt desc');
    const envelope: IdocEnvelope = {
      ...this.#options.envelope,
      receiverPartner: shipment.senderPartner ?? '',
      receiverPort: lastIdoc?.senderPort ?? this.#options.defaultReceiverPort,
    };
    const update = sapUpdateFor(event, {
      deliveryNumber: shipment.deliveryNumber ?? '',
      items: items.map((item) => ({ itemNumber: item.itemNumber as string, quantity: item.quantity === null || item.quantity === undefined ? undefined : Number(item.quantity), unit: item.unit ?? undefined })),
    }, envelope, new Date().toISOString());
    if (!update) return;
    const queued = await queueForSap({ idoc: update.idoc, purpose: update.purpose, ledgerEventId: event.eventId, shipmentId: shipment.ID as string });
    if (queued) log.info(`${update.idoc.messageType} ${update.idoc.docnum} for ${event.eventTypeCode} of ${event.shipmentId} recorded by ${record.recordedBy}`);
  }
}
