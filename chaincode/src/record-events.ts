import type { X509Certificate } from 'node:crypto';
import { assertCustomsMember, assertMayRecord } from './access-policy';
import type { CustomsValues } from './customs';
import { ConflictError, InvalidInputError } from './errors';
import type { LedgerStore } from './ledger-store';
import type { EventRecord, PodSigner, RecordEventsResult, ShipmentEvent, ShipmentEventsRecordedPayload, ShipmentHead } from './model';
import { assertSamePodSigner, assertSignedBySubmitter, contentFingerprint, isProofOfDeliveryEvent, parseCertificate } from './proof-of-delivery';

/** Facts about the running transaction the recording needs (all deterministic across peers). */
export interface RecordingContext {
  mspId: string;
  txId: string;
  /** Proposal timestamp, ISO 8601: the same on every endorsing peer. */
  txTime: string;
  /** The transaction creator's id bytes (PEM certificate): proofs of delivery are verified against it. */
  creatorIdBytes: Uint8Array;
}

export interface RecordingOutcome {
  result: RecordEventsResult;
  /** Null when nothing new was recorded: then the transaction emits no event. */
  notification: ShipmentEventsRecordedPayload | null;
}

/**
 * Records a batch of events in one transaction. Everything is checked before anything is
 * written, so a refused batch leaves no partial writes in the read-write set. Events of the same
 * shipment update one in-memory head, because the ledger would not show this transaction's own
 * writes to a second read.
 */
export async function recordEvents(
  store: LedgerStore,
  context: RecordingContext,
  events: ShipmentEvent[],
  customs: Map<string, CustomsValues>,
): Promise<RecordingOutcome> {
  checkCustomsBelongToBatch(events, customs);
  const fresh: ShipmentEvent[] = [];
  const unchanged: string[] = [];
  const seenInBatch = new Map<string, string>();
  const podSigners = new Map<string, PodSigner>();
  const creator = lazyCreator(context);

  for (const event of events) {
    assertMayRecord(context.mspId, event);
    // Every copy is verified, a repeat inside the batch too: no unchecked signature passes.
    const podSigner = isProofOfDeliveryEvent(event) ? assertSignedBySubmitter(event, context.mspId, creator()) : undefined;
    const customsValues = customs.get(event.eventId);
    if (customsValues) assertCustomsMember(context.mspId, `record customs values (event ${event.eventId})`);
    const fingerprint = contentFingerprint(event);
    const earlier = seenInBatch.get(event.eventId);
    if (earlier !== undefined) {
      if (earlier !== fingerprint) throw new ConflictError(`event ${event.eventId} appears twice in the batch with different content`);
      continue; // an identical repeat inside one batch is recorded once
    }
    seenInBatch.set(event.eventId, fingerprint);

    const existing = await store.getEvent(event.eventId);
    if (existing) {
      assertSameEvent(existing, fingerprint, customsValues);
      if (podSigner) assertSamePodSigner(existing, podSigner);
      unchanged.push(event.eventId);
    } else {
      fresh.push(event);
      if (podSigner) podSigners.set(event.eventId, podSigner);
    }
  }

  const records = await appendToShipments(store, context, fresh, customs, podSigners);
  for (const record of records) {
    await store.putEvent(record);
    const customsValues = customs.get(record.event.eventId);
    if (customsValues) await store.putCustoms(record.event.eventId, customsValues.bytes);
  }

  const recorded = fresh.map((event) => event.eventId);
  return { result: { recorded, unchanged }, notification: recorded.length > 0 ? notificationOf(records) : null };
}

function checkCustomsBelongToBatch(events: ShipmentEvent[], customs: Map<string, CustomsValues>): void {
  const ids = new Set(events.map((event) => event.eventId));
  for (const eventId of customs.keys()) {
    if (!ids.has(eventId)) throw new InvalidInputError(`invalid transient customs: names event ${eventId}, which is not in this batch`);
  }
}

/** The creator's certificate, parsed once and only when a proof of delivery needs it. */
function lazyCreator(context: RecordingContext): () => X509Certificate | undefined {
  let parsed: { certificate: X509Certificate | undefined } | undefined;
  return () => (parsed ??= { certificate: parseCertificate(context.creatorIdBytes) }).certificate;
}

function assertSameEvent(existing: EventRecord, fingerprint: string, customsValues: CustomsValues | undefined): void {
  const eventId = existing.event.eventId;
  if (contentFingerprint(existing.event) !== fingerprint) {
    throw new ConflictError(`event ${eventId} is already recorded with different content (recorded by ${existing.recordedBy} in transaction ${existing.txId})`);
  }
  if (existing.customsHash !== customsValues?.hash) {
    throw new ConflictError(`event ${eventId} is already recorded with different customs values (customsHash mismatch)`);
  }
}

/** Builds the records of new events and writes the heads of their shipments, one write per shipment. */
async function appendToShipments(
  store: LedgerStore,
  context: RecordingContext,
  fresh: ShipmentEvent[],
  customs: Map<string, CustomsValues>,
  podSigners: Map<string, PodSigner>,
): Promise<EventRecord[]> {
  const heads = new Map<string, ShipmentHead>();
  const records: EventRecord[] = [];
  for (const event of fresh) {
    let head = heads.get(event.shipmentId);
    if (!head) {
      head = (await store.getHead(event.shipmentId)) ?? emptyHead(event.shipmentId);
      heads.set(event.shipmentId, head);
    }
    appendEvent(head, event, context);
    const customsHash = customs.get(event.eventId)?.hash;
    const podSigner = podSigners.get(event.eventId);
    records.push({
      event,
      ...(customsHash ? { customsHash } : {}),
      recordedBy: context.mspId,
      txId: context.txId,
      recordedAt: context.txTime,
      sequence: head.version,
      ...(podSigner ? { podSigner } : {}),
    });
  }
  for (const head of heads.values()) await store.putHead(head);
  return records;
}

function emptyHead(shipmentId: string): ShipmentHead {
  return { shipmentId, status: null, lastEventId: '', version: 0, events: [], recordedBy: {}, updatedTxId: '', updatedAt: '' };
}

function appendEvent(head: ShipmentHead, event: ShipmentEvent, context: RecordingContext): void {
  head.events.push(event.eventId);
  head.recordedBy[event.eventId] = context.mspId;
  head.version = head.events.length;
  head.lastEventId = event.eventId;
  head.updatedTxId = context.txId;
  head.updatedAt = context.txTime;
  if (event.eventClassifierCode === 'ACT' && isNotEarlier(event.eventDateTime, head.status?.eventDateTime)) {
    head.status = { eventId: event.eventId, eventType: event.eventType, eventTypeCode: event.eventTypeCode, eventDateTime: event.eventDateTime };
  }
}

/** Events arrive out of order (IDocs are resent, carriers report late): the latest event time wins. */
function isNotEarlier(candidate: string, current: string | undefined): boolean {
  return current === undefined || Date.parse(candidate) >= Date.parse(current);
}

function notificationOf(records: EventRecord[]): ShipmentEventsRecordedPayload {
  return {
    recorded: records.map((record) => record.event.eventId),
    events: records.map(({ event, recordedBy }) => ({
      eventId: event.eventId,
      shipmentId: event.shipmentId,
      eventType: event.eventType,
      eventClassifierCode: event.eventClassifierCode,
      eventTypeCode: event.eventTypeCode,
      recordedBy,
    })),
  };
}
