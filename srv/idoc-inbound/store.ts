import cds from '@sap/cds';
import type { ControlRecord, IdocErrorDetails, MappedIdoc, ShipmentEvent } from '../../mappings';
import { IdocStatusRecords, InboundIdocs, Outbox, ShipmentEvents } from '#cds-models/lading';
import { refreshShipmentStatus } from '../shipment-status';
import { storeRecordsOf } from './records';

/**
 * Durable storage of inbound IDocs. Each IDoc is written in one transaction: the IDoc with its
 * payload and status, what it describes (records/, per kind), its new events and an outbox row
 * for the pipeline. Nothing is half-written; a rejected IDoc is kept with status 51.
 */

export interface ReceivedIdoc {
  control?: Partial<ControlRecord>;
  payload: string;
  payloadHash: string;
  contentHash?: string;
  transport: 'xml' | 'soap' | 'flat';
}

export interface StoredIdoc {
  id: string;
  status: string;
  statusText: string;
}

export interface ExistingIdoc extends StoredIdoc {
  contentHash: string | null;
}

const STATUS_TEXT = {
  added: 'IDoc added',
  ready: 'IDoc ready to be passed to the ledger',
  posted: 'Application document posted',
};

/** The key that makes resends idempotent: sender partner + DOCNUM, or the content hash without DOCNUM. */
export function acceptedKeyOf(control: Pick<ControlRecord, 'senderPartner' | 'docnum'>, contentHash: string): string {
  return control.docnum ? `${control.senderPartner}/${control.docnum}` : `${control.senderPartner}/sha256:${contentHash}`;
}

export async function findAccepted(acceptedKey: string): Promise<ExistingIdoc | undefined> {
  const row = await SELECT.one.from(InboundIdocs).columns('ID', 'status', 'statusText', 'contentHash').where({ acceptedKey });
  if (!row) return undefined;
  return { id: row.ID as string, status: row.status ?? '', statusText: row.statusText ?? '', contentHash: row.contentHash ?? null };
}

function idocColumns(received: ReceivedIdoc): Record<string, unknown> {
  const control = received.control ?? {};
  return {
    senderPort: control.senderPort,
    senderPartnerType: control.senderPartnerType,
    senderPartner: control.senderPartner,
    receiverPartner: control.receiverPartner,
    docnum: control.docnum,
    idocType: control.idocType,
    messageType: control.messageType,
    extensionType: control.extensionType,
    transport: received.transport,
    payload: received.payload,
    payloadHash: received.payloadHash,
    contentHash: received.contentHash,
  };
}

/** Keeps an IDoc Lading could not accept, with status 51 and the reason. */
export async function storeRejected(received: ReceivedIdoc, reason: IdocErrorDetails): Promise<StoredIdoc> {
  const id = cds.utils.uuid();
  const statusText = reason.message.slice(0, 500);
  await cds.tx(async () => {
    await INSERT.into(InboundIdocs).entries({ ID: id, ...idocColumns(received), status: '51', statusText });
    await INSERT.into(IdocStatusRecords).entries({
      idoc_ID: id, status: '51', message: statusText, segment: reason.segment, field: reason.field,
    });
  });
  return { id, status: '51', statusText };
}

/** Inserts events not yet known; returns the ids of the new ones (a resent fact is recorded once). */
async function insertNewEvents(events: ShipmentEvent[], idocId: string): Promise<string[]> {
  if (events.length === 0) return [];
  const ids = events.map((event) => event.eventId);
  const known = new Set(
    (await SELECT.from(ShipmentEvents).columns('eventId').where({ eventId: { in: ids } })).map((row) => row.eventId as string),
  );
  const fresh = [...new Map(events.filter((event) => !known.has(event.eventId)).map((event) => [event.eventId, event])).values()];
  if (fresh.length > 0) {
    await INSERT.into(ShipmentEvents).entries(fresh.map((event) => ({
      eventId: event.eventId,
      shipment_ID: event.shipmentId,
      eventType: event.eventType,
      eventClassifierCode: event.eventClassifierCode,
      eventTypeCode: event.eventTypeCode,
      eventDateTime: event.eventDateTime,
      location: event.location,
      documentTypeCode: event.documentTypeCode,
      documentId: event.documentID,
      equipmentReference: event.equipmentReference,
      emptyIndicatorCode: event.emptyIndicatorCode,
      description: event.description,
      payloadHash: event.payloadHash,
      sourceIdoc_ID: idocId,
    })));
  }
  return fresh.map((event) => event.eventId);
}

export interface AcceptedIdoc extends ReceivedIdoc {
  control: ControlRecord;
  contentHash: string;
  acceptedKey: string;
  mapped: MappedIdoc;
}

/** Thrown when a concurrent request stored the same IDoc first; the caller re-reads it. */
export class AlreadyAcceptedError extends Error {
  constructor(readonly acceptedKey: string, options?: { cause?: unknown }) {
    super(`IDoc ${acceptedKey} was stored concurrently`, options);
    this.name = 'AlreadyAcceptedError';
  }
}

function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  // SQLite and PostgreSQL report a unique constraint violation with these codes.
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === '23505' || code === 'UNIQUE_CONSTRAINT_VIOLATION';
}

export async function storeAccepted(accepted: AcceptedIdoc): Promise<StoredIdoc & { newEventIds: string[] }> {
  const id = cds.utils.uuid();
  const { mapped } = accepted;
  // A document that brings no ledger events (an invoice) is done once stored: 53, no outbox row.
  const forLedger = mapped.events.length > 0;
  const status = forLedger ? '64' : '53';
  const statusText = forLedger ? STATUS_TEXT.ready : STATUS_TEXT.posted;
  const shipmentId = mapped.shipmentIds[0];
  try {
    return await cds.tx(async () => {
      await INSERT.into(InboundIdocs).entries({
        ID: id, acceptedKey: accepted.acceptedKey, ...idocColumns(accepted), status, statusText, shipment_ID: shipmentId,
      });
      await INSERT.into(IdocStatusRecords).entries([
        { idoc_ID: id, status: '50', message: STATUS_TEXT.added },
        { idoc_ID: id, status, message: statusText },
      ]);
      await storeRecordsOf(mapped, id);
      const newEventIds = await insertNewEvents(mapped.events, id);
      for (const affected of mapped.shipmentIds) await refreshShipmentStatus(affected);
      if (forLedger) await INSERT.into(Outbox).entries({ idoc_ID: id, shipmentId, topic: 'ledger.record', state: 'pending' });
      return { id, status, statusText, newEventIds };
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new AlreadyAcceptedError(accepted.acceptedKey, { cause: error });
    throw error;
  }
}
