import { ProofOfDeliveryItems, ProofsOfDelivery } from '#cds-models/lading';
import type { ShipmentLedger } from '../../connectors/fabric';
import { alpha } from '../../mappings/idoc/values';
import type { PodFacts } from './three-way-match';

/**
 * The accepted quantities of a POD. Lading's copy of the ledger's events (ShipmentEvents, kept by
 * the ledger listener) says that a POD exists and in which transaction; the items it accepts live
 * only on the ledger (the event's proofOfDelivery), so they are read there once — with the
 * signature re-verified by the chaincode — and kept in ProofsOfDelivery.
 */

/** The two ledger reads settlement needs; any channel member may evaluate them. */
export type PodLedger = Pick<ShipmentLedger, 'getEvent' | 'verifyProofOfDelivery'>;

export interface KnownPod {
  eventId: string;
  shipmentId: string;
  ledgerTxId?: string;
}

async function cached(pod: KnownPod): Promise<PodFacts | undefined> {
  const row = await SELECT.one.from(ProofsOfDelivery).where({ eventId: pod.eventId });
  if (!row) return undefined;
  if (!row.valid) return { state: 'invalid', eventId: pod.eventId, ledgerTxId: pod.ledgerTxId, reason: row.reason ?? 'the signature does not verify' };
  const items = await SELECT.from(ProofOfDeliveryItems).where({ pod_eventId: pod.eventId });
  return {
    state: 'read', eventId: pod.eventId, ledgerTxId: pod.ledgerTxId,
    items: new Map(items.map((item) => [item.itemNumber as string, { quantity: Number(item.quantity), unit: item.unit ?? '' }])),
  };
}

/** Reads the POD from the ledger (outside any database transaction: evaluating may take a while). */
async function fromLedger(pod: KnownPod, ledger: PodLedger): Promise<{ facts: PodFacts; row?: Record<string, unknown> }> {
  try {
    const [record, verification] = await Promise.all([ledger.getEvent(pod.eventId), ledger.verifyProofOfDelivery(pod.eventId)]);
    const proof = record.event.proofOfDelivery;
    const items = (proof?.items ?? []).map((item) => ({ itemNumber: alpha(item.itemNumber, 6), quantity: item.quantity, unit: item.unit }));
    const row = {
      eventId: pod.eventId, shipment_ID: pod.shipmentId, receivedAt: proof?.receivedAt, signerMspId: verification.signer?.mspId ?? record.recordedBy,
      valid: verification.valid && proof !== undefined, reason: verification.reason ?? (proof ? null : 'the event carries no proofOfDelivery'),
      ledgerTxId: record.txId, readAt: new Date().toISOString(), items,
    };
    const facts: PodFacts = row.valid
      ? { state: 'read', eventId: pod.eventId, ledgerTxId: record.txId, items: new Map(items.map((item) => [item.itemNumber, { quantity: item.quantity, unit: item.unit }])) }
      : { state: 'invalid', eventId: pod.eventId, ledgerTxId: record.txId, reason: row.reason ?? 'the signature does not verify' };
    return { facts, row };
  } catch (error) {
    return { facts: { state: 'unreadable', eventId: pod.eventId, ledgerTxId: pod.ledgerTxId, reason: (error as Error).message } };
  }
}

export interface PodRead {
  facts: PodFacts;
  /** A ledger read to keep (in the settlement's transaction); undefined when it came from the cache or failed. */
  toKeep?: Record<string, unknown>;
}

/** The POD's facts: from the cache, else from the ledger; without a ledger, unreadable (retried on the next run). */
export async function readPod(pod: KnownPod, ledger: PodLedger | undefined): Promise<PodRead> {
  const known = await cached(pod);
  if (known) return { facts: known };
  if (!ledger) {
    return { facts: { state: 'unreadable', eventId: pod.eventId, ledgerTxId: pod.ledgerTxId, reason: 'this Lading runs without a ledger connection' } };
  }
  const read = await fromLedger(pod, ledger);
  return { facts: read.facts, toKeep: read.row };
}

/** Keeps a ledger read; a concurrent run may have kept it first. Runs in the caller's transaction. */
export async function keepPod(row: Record<string, unknown>): Promise<void> {
  const exists = await SELECT.one.from(ProofsOfDelivery).columns('eventId').where({ eventId: row.eventId as string });
  if (!exists) await INSERT.into(ProofsOfDelivery).entries(row);
}
