import cds from '@sap/cds';
import type { ControlRecord, IdocErrorDetails, MappedIdoc, ShipmentEvent } from '../../mappings';
import { IdocStatusRecords, InboundIdocs, Outbox, ShipmentEvents } from '#cds-models/lading';
import { refreshShipmentStatuses } from '../shipment-status';
import { insertRows, valuesPresent } from './bulk-write';
import { GroupCommit } from './group-commit';
import { storeRecordsOfBatch } from './records';

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

function eventRow(event: ShipmentEvent, idocId: string): Record<string, unknown> {
  return {
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
  };
}

/**
 * Inserts the events of a batch not yet known; answers, per IDoc, the ids it added. A fact sent
 * twice (a resend under another DOCNUM, or twice in one batch) is recorded once, by the first IDoc.
 */
async function insertNewEvents(batch: ReadonlyArray<{ events: readonly ShipmentEvent[]; idocId: string }>): Promise<string[][]> {
  const known = await valuesPresent(ShipmentEvents, 'eventId', batch.flatMap(({ events }) => events.map((event) => event.eventId)));
  const rows: Record<string, unknown>[] = [];
  const added = batch.map(({ events, idocId }) => {
    const mine: string[] = [];
    for (const event of events) {
      if (known.has(event.eventId)) continue;
      known.add(event.eventId);
      mine.push(event.eventId);
      rows.push(eventRow(event, idocId));
    }
    return mine;
  });
  await insertRows(ShipmentEvents, rows);
  return added;
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

export type StoredAccepted = StoredIdoc & { newEventIds: string[] };

/** What an accepted IDoc becomes: posted at once (53) when it brings no ledger events, else ready (64). */
function statusOf(mapped: MappedIdoc): { status: '53' | '64'; statusText: string } {
  return mapped.events.length > 0 ? { status: '64', statusText: STATUS_TEXT.ready } : { status: '53', statusText: STATUS_TEXT.posted };
}

/**
 * Writes a batch of accepted IDocs in one transaction: the IDoc rows and their status records,
 * their records (records/), new events, shipment statuses and outbox rows, each table with one
 * statement for the whole batch where it can. An IDoc whose key is stored already (or earlier in
 * the batch) is answered AlreadyAcceptedError and not written.
 */
async function writeBatch(batch: readonly AcceptedIdoc[]): Promise<Array<StoredAccepted | Error>> {
  return cds.tx(async () => {
    const stored = await valuesPresent(InboundIdocs, 'acceptedKey', batch.map((accepted) => accepted.acceptedKey));
    const answers: Array<StoredAccepted | Error> = [];
    const written: Array<{ accepted: AcceptedIdoc; id: string; status: '53' | '64'; answer: StoredAccepted }> = [];
    for (const accepted of batch) {
      if (stored.has(accepted.acceptedKey)) {
        answers.push(new AlreadyAcceptedError(accepted.acceptedKey));
        continue;
      }
      stored.add(accepted.acceptedKey);
      const id = cds.utils.uuid();
      const { status, statusText } = statusOf(accepted.mapped);
      const answer: StoredAccepted = { id, status, statusText, newEventIds: [] };
      written.push({ accepted, id, status, answer });
      answers.push(answer);
    }
    if (written.length === 0) return answers;
    await insertRows(InboundIdocs, written.map(({ accepted, id, status, answer }) => ({
      ID: id, acceptedKey: accepted.acceptedKey, ...idocColumns(accepted), status, statusText: answer.statusText,
      shipment_ID: accepted.mapped.shipmentIds[0],
    })));
    await insertRows(IdocStatusRecords, written.flatMap(({ id, status, answer }) => [
      { idoc_ID: id, status: '50' as const, message: STATUS_TEXT.added },
      { idoc_ID: id, status, message: answer.statusText },
    ]));
    await storeRecordsOfBatch(written.map(({ accepted, id }) => ({ mapped: accepted.mapped, idocId: id })));
    const added = await insertNewEvents(written.map(({ accepted, id }) => ({ events: accepted.mapped.events, idocId: id })));
    written.forEach(({ answer }, index) => { answer.newEventIds = added[index] ?? []; });
    await refreshShipmentStatuses(written.flatMap(({ accepted }) => accepted.mapped.shipmentIds));
    const outbox = written.filter(({ accepted }) => accepted.mapped.events.length > 0).map(({ accepted, id }) => ({
      idoc_ID: id, shipmentId: accepted.mapped.shipmentIds[0], topic: 'ledger.record', state: 'pending' as const,
    }));
    await insertRows(Outbox, outbox);
    return answers;
  });
}

/**
 * A batch that failed as a whole (another instance stored one of its IDocs in the meantime, or
 * one IDoc broke a database constraint) is written again one IDoc per transaction, so one IDoc
 * never costs the others.
 */
async function writeBatchOrEach(batch: AcceptedIdoc[]): Promise<Array<StoredAccepted | Error>> {
  try {
    return await writeBatch(batch);
  } catch (error) {
    if (batch.length === 1) return [asAlreadyAccepted(error, batch[0] as AcceptedIdoc)];
    const answers: Array<StoredAccepted | Error> = [];
    for (const accepted of batch) {
      try {
        answers.push(...await writeBatch([accepted]));
      } catch (single) {
        answers.push(asAlreadyAccepted(single, accepted));
      }
    }
    return answers;
  }
}

function asAlreadyAccepted(error: unknown, accepted: AcceptedIdoc): Error {
  if (isUniqueViolation(error)) return new AlreadyAcceptedError(accepted.acceptedKey, { cause: error });
  return error instanceof Error ? error : new Error(String(error));
}

/** Up to this many IDocs share one transaction; more wait for the next. */
const MAX_BATCH = 200;

const writer = new GroupCommit<AcceptedIdoc, StoredAccepted>(writeBatchOrEach, { maxBatch: MAX_BATCH });

/**
 * Stores an accepted IDoc durably: the promise resolves once its transaction committed. Concurrent
 * calls share a transaction (group-commit.ts). Rejects with AlreadyAcceptedError when the IDoc's
 * key is stored already.
 */
export async function storeAccepted(accepted: AcceptedIdoc): Promise<StoredAccepted> {
  return writer.submit(accepted);
}
