import cds from '@sap/cds';
import type { Checkpointer, LedgerCheckpoint, LedgerConnection, LedgerEventRecord, ShipmentEventsNotice, ShipmentEventStream, ShipmentLedger } from '../../connectors/fabric';
import { openShipmentEvents } from '../../connectors/fabric';
import type { DeliveryFacts, IdocEnvelope, LedgerEventForSap } from '../../mappings/outbound';
import { sapUpdateFor } from '../../mappings/outbound';
import { InboundIdocs, LedgerCheckpoints, ShipmentEvents, ShipmentItems, Shipments } from '#cds-models/lading';
import { refreshShipmentStatuses } from '../shipment-status';
import { listenerHandled } from '../observability/metrics';
import { queueAllForSap } from './outbound-store';

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

/** Events handled per step of a block's transaction (bounds the IN lists of its statements). */
const RECORDS_PER_STEP = 500;

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
      // A block's events a few hundred at a time: a handful of statements each, not several per event.
      for (let from = 0; from < records.length; from += RECORDS_PER_STEP) {
        await this.#queueUpdates(records.slice(from, from + RECORDS_PER_STEP), notice.blockNumber);
      }
      await notice.checkpoint();
    });
    listenerHandled(notice.blockNumber);
  }

  async #queueUpdates(records: readonly LedgerEventRecord[], blockNumber: bigint): Promise<void> {
    const shipments = await shipmentsOf(records.map((record) => record.event.shipmentId));
    const ours = records.filter((record) => {
      if (shipments.has(record.event.shipmentId)) return true;
      log.info(`event ${record.event.eventId} concerns shipment ${record.event.shipmentId}, which no SAP system of ours sent: not forwarded`);
      return false;
    });
    if (ours.length === 0) return;
    await keepEvents(ours, blockNumber);
    const createdAt = new Date().toISOString();
    const updates = ours.flatMap((record) => {
      const event = forSap(record);
      const shipment = shipments.get(event.shipmentId) as ShipmentFacts;
      const envelope: IdocEnvelope = {
        ...this.#options.envelope,
        receiverPartner: shipment.senderPartner,
        receiverPort: shipment.senderPort ?? this.#options.defaultReceiverPort,
      };
      const update = sapUpdateFor(event, { deliveryNumber: shipment.deliveryNumber, items: shipment.items }, envelope, createdAt);
      return update ? [{ idoc: update.idoc, purpose: update.purpose, ledgerEventId: event.eventId, shipmentId: shipment.ID, recordedBy: record.recordedBy, eventTypeCode: event.eventTypeCode }] : [];
    });
    for (const queued of await queueAllForSap(updates)) {
      const update = queued as (typeof updates)[number];
      log.info(`${update.idoc.messageType} ${update.idoc.docnum} for ${update.eventTypeCode} of ${update.shipmentId} recorded by ${update.recordedBy}`);
    }
  }
}

/** What an outbound IDoc needs of a shipment Lading holds. */
interface ShipmentFacts {
  ID: string;
  deliveryNumber: string;
  senderPartner: string;
  /** SAP's port on the shipment's latest IDoc that named one. */
  senderPort: string | undefined;
  items: DeliveryFacts['items'][number][];
}

/** The shipments Lading holds among these ids, with their items and SAP port: three statements. */
async function shipmentsOf(shipmentIds: readonly string[]): Promise<Map<string, ShipmentFacts>> {
  const ids = [...new Set(shipmentIds)];
  const rows = await SELECT.from(Shipments).columns('ID', 'deliveryNumber', 'senderPartner').where({ ID: { in: ids } });
  const facts = new Map<string, ShipmentFacts>(rows.map((row) => [row.ID as string, {
    ID: row.ID as string, deliveryNumber: row.deliveryNumber ?? '', senderPartner: row.senderPartner ?? '', senderPort: undefined, items: [],
  }]));
  if (facts.size === 0) return facts;
  const held = [...facts.keys()];
  const items = await SELECT.from(ShipmentItems).columns('shipment_ID', 'itemNumber', 'quantity', 'unit').where({ shipment_ID: { in: held } });
  for (const item of items) {
    facts.get(item.shipment_ID as string)?.items.push({
      itemNumber: item.itemNumber as string, quantity: item.quantity === null || item.quantity === undefined ? undefined : Number(item.quantity), unit: item.unit ?? undefined,
    });
  }
  const idocs = await SELECT.from(InboundIdocs).columns('shipment_ID', 'senderPort').where({ shipment_ID: { in: held }, senderPort: { '!=': null } }).orderBy('receivedAt desc');
  for (const idoc of idocs) {
    const shipment = facts.get(idoc.shipment_ID as string);
    if (shipment && shipment.senderPort === undefined) shipment.senderPort = idoc.senderPort ?? undefined;
  }
  return facts;
}

/** Other parties' events join their shipments' own timelines, with their ledger proof; then the shipments' statuses. */
async function keepEvents(records: readonly LedgerEventRecord[], blockNumber: bigint): Promise<void> {
  const known = await SELECT.from(ShipmentEvents).columns('eventId').where({ eventId: { in: records.map((record) => record.event.eventId) } });
  const kept = new Set(known.map((row) => row.eventId));
  const fresh = records.filter((record) => !kept.has(record.event.eventId));
  if (fresh.length > 0) {
    await INSERT.into(ShipmentEvents).entries(fresh.map(({ event, recordedBy, txId }) => ({
      eventId: event.eventId, shipment_ID: event.shipmentId, eventType: event.eventType, eventClassifierCode: event.eventClassifierCode,
      eventTypeCode: event.eventTypeCode, eventDateTime: event.eventDateTime, location: locationOf(event), documentTypeCode: event.documentTypeCode,
      documentId: event.documentID, equipmentReference: event.equipmentReference, payloadHash: event.payloadHash,
      recordedBy, ledgerTxId: txId, ledgerBlock: Number(blockNumber),
    })));
  }
  await refreshShipmentStatuses(records.map((record) => record.event.shipmentId));
}

function locationOf(event: LedgerEventRecord['event']): string | undefined {
  return typeof event.location === 'string' ? event.location : event.location?.UNLocationCode ?? event.location?.locationName;
}
