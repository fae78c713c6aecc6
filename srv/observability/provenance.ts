import type { LedgerEventRecord, ShipmentLedger } from '../../connectors/fabric';
import { ContractRejectedError } from '../../connectors/fabric';
import type { XmlIdoc, XmlIdocPacket } from '../../mappings';
import { mapIdoc, readControlRecord, readIdocFlat, readIdocSoap, readIdocXml } from '../../mappings';
import { algorithmOf, hashUnder, payloadHashes, type PayloadHashAlgorithm, type PayloadHashes } from './payload-hash';

/**
 * Provenance: proves an IDoc unchanged against the ledger. Every ledger event carries the hash of
 * its source IDoc's payload (the payload itself stays off the ledger); the IDoc is hashed again
 * now and compared, event by event, naming the transaction and block that recorded each.
 *
 * Two ways in: an IDoc Lading stored (provenance-stored.ts: its payload as the database holds it
 * now, so a tampered row shows), or an IDoc document someone holds (here: a file, hashed and
 * mapped again, its events looked up by their content-derived ids, so no database is needed and
 * the CLI can run it against the ledger alone).
 */

/** Per event: its hash on the ledger equals the payload's now, differs, it is not on the ledger, or another IDoc brought it. */
export type EventVerdict = 'unchanged' | 'changed' | 'missing' | 'other-source';

/** unchanged: every event matches; changed: one differs; incomplete: some are not on the ledger (yet); not-on-ledger: none is. */
export type Verdict = 'unchanged' | 'changed' | 'incomplete' | 'not-on-ledger';

export interface EventProof {
  eventId: string;
  shipmentId: string;
  eventTypeCode: string;
  verdict: EventVerdict;
  /** The payload hash the ledger keeps for this event. */
  ledgerPayloadHash?: string;
  /** DOCNUM of the IDoc the ledger names as the event's source. */
  sourceDocnum?: string;
  transactionId?: string;
  blockNumber?: string;
  recordedBy?: string;
  recordedAt?: string;
  /** The algorithm under which the payload hashes to the ledger's hash (unchanged events only). */
  algorithm?: PayloadHashAlgorithm;
}

export interface ProvenanceReport {
  /** Lading's id of the IDoc (absent for a document that was not looked up in the database). */
  idocId?: string;
  docnum: string | null;
  idocType: string | null;
  verdict: Verdict;
  /** The algorithm the ledger's hashes were made with (as far as they match), else the configured one. */
  algorithm: PayloadHashAlgorithm;
  /** Hash of the payload now under that algorithm (the stored row, or the document given). */
  payloadHash: string;
  /** The hash column stored with the IDoc when it was received. */
  storedPayloadHash?: string;
  events: EventProof[];
  /** Each difference in one sentence: which event, hash on the ledger vs hash of the payload now. */
  differences: string[];
}

export class ProvenanceError extends Error {
  constructor(readonly reason: 'not-found' | 'unreadable', message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ProvenanceError';
  }
}

export interface ExpectedEvent {
  eventId: string;
  shipmentId: string;
  eventTypeCode: string;
}

/** Reads events from the ledger; one commit-status call per transaction, for its block. */
export class LedgerReader {
  readonly #blocks = new Map<string, Promise<string>>();

  constructor(private readonly ledger: ShipmentLedger) {}

  async event(eventId: string): Promise<LedgerEventRecord | undefined> {
    try {
      return await this.ledger.getEvent(eventId);
    } catch (error) {
      if (error instanceof ContractRejectedError && error.reason === 'not-found') return undefined;
      throw error;
    }
  }

  block(transactionId: string): Promise<string> {
    let block = this.#blocks.get(transactionId);
    if (!block) {
      block = this.ledger.getCommitStatus(transactionId).then((status) => String(status.blockNumber));
      this.#blocks.set(transactionId, block);
    }
    return block;
  }
}

async function proveEvent(reader: LedgerReader, expected: ExpectedEvent, hashes: PayloadHashes, docnum: string | null): Promise<EventProof> {
  const base = { eventId: expected.eventId, shipmentId: expected.shipmentId, eventTypeCode: expected.eventTypeCode };
  const record = await reader.event(expected.eventId);
  if (!record) return { ...base, verdict: 'missing' };
  const sourceDocnum = record.event.source?.docnum;
  const onLedger = {
    ledgerPayloadHash: record.event.payloadHash, sourceDocnum, transactionId: record.txId,
    blockNumber: await reader.block(record.txId), recordedBy: record.recordedBy, recordedAt: record.recordedAt,
  };
  const algorithm = algorithmOf(hashes, record.event.payloadHash);
  if (algorithm) return { ...base, ...onLedger, verdict: 'unchanged', algorithm };
  // The same fact sent first by another IDoc (a resend under a new DOCNUM) carries that IDoc's hash.
  if (docnum && sourceDocnum && sourceDocnum !== docnum) return { ...base, ...onLedger, verdict: 'other-source' };
  return { ...base, ...onLedger, verdict: 'changed' };
}

function verdictOf(events: readonly EventProof[]): Verdict {
  if (events.some((event) => event.verdict === 'changed')) return 'changed';
  const found = events.filter((event) => event.verdict === 'unchanged').length;
  if (found === 0) return 'not-on-ledger';
  return events.some((event) => event.verdict === 'missing') ? 'incomplete' : 'unchanged';
}

function differencesOf(events: readonly EventProof[], payloadHash: string, algorithm: PayloadHashAlgorithm): string[] {
  return events.flatMap((event) => {
    if (event.verdict === 'changed') {
      return [`event ${event.eventId} (${event.eventTypeCode} of ${event.shipmentId}): the ledger has payload hash ${event.ledgerPayloadHash} `
        + `(transaction ${event.transactionId}, block ${event.blockNumber}), the payload now hashes to ${payloadHash} (${algorithm})`];
    }
    if (event.verdict === 'missing') return [`event ${event.eventId} (${event.eventTypeCode} of ${event.shipmentId}) is not on the ledger`];
    return [];
  });
}

export type Proof = Pick<ProvenanceReport, 'verdict' | 'events' | 'differences' | 'algorithm' | 'payloadHash'>;

/** Each expected event against the ledger, the payload's hashes against the ledger's. */
export async function prove(reader: LedgerReader, expected: readonly ExpectedEvent[], payload: string, preferred: PayloadHashAlgorithm, docnum: string | null): Promise<Proof> {
  const hashes = payloadHashes(payload, preferred);
  const events = await Promise.all(expected.map((event) => proveEvent(reader, event, hashes, docnum)));
  const algorithm = events.find((event) => event.algorithm)?.algorithm ?? preferred;
  const payloadHash = hashUnder(hashes, algorithm);
  return { verdict: verdictOf(events), events, differences: differencesOf(events, payloadHash, algorithm), algorithm, payloadHash };
}

/** Reads a document as Lading's inbound routes would: SOAP envelope, IDoc XML, or flat file. */
export function readDocument(document: string): XmlIdocPacket {
  const text = document.replace(/^\uFEFF/, '');
  const head = text.trimStart();
  if (!head.startsWith('<')) return readIdocFlat(text);
  // The root element's local name decides between a SOAP envelope and IDoc XML.
  const root = /<(?![?!])(?:[\w.-]+:)?([\w.-]+)/.exec(head)?.[1];
  return root === 'Envelope' ? readIdocSoap(text) : readIdocXml(text);
}

export interface DocumentOptions {
  /** SAP time zone of the sender, as Lading was configured when it received the IDoc (IDOC_SENDER_TIME_ZONE). Default UTC. */
  senderTimeZone?: string;
  /** The configured algorithm (LADING_HASH_ALGORITHM); the others are accepted too. Default sha256. */
  algorithm?: PayloadHashAlgorithm;
}

function eventsOf(idoc: XmlIdoc, payloadHash: string, options: DocumentOptions): { docnum: string | null; idocType: string | null; expected: ExpectedEvent[] } {
  const control = readControlRecord(idoc.control);
  // Event ids derive from the IDoc's facts, not from the time it arrived: mapping again gives the ids the ledger holds.
  const mapped = mapIdoc(control, idoc.segments, { payloadHash, receivedAt: new Date().toISOString(), senderTimeZone: options.senderTimeZone ?? 'UTC' });
  return {
    docnum: control.docnum ?? null,
    idocType: control.idocType ?? null,
    expected: mapped.events.map((event) => ({ eventId: event.eventId, shipmentId: event.shipmentId, eventTypeCode: event.eventTypeCode })),
  };
}

/**
 * Verifies every IDoc of a document against the ledger alone. ProvenanceError `unreadable` when
 * the document or an IDoc of it cannot be read or mapped (Lading would have rejected it too).
 */
export async function verifyDocument(document: string, ledger: ShipmentLedger, options: DocumentOptions = {}): Promise<ProvenanceReport[]> {
  const algorithm = options.algorithm ?? 'sha256';
  let packet: XmlIdocPacket;
  try {
    packet = readDocument(document);
  } catch (error) {
    throw new ProvenanceError('unreadable', `The document cannot be read as an IDoc: ${(error as Error).message}`, { cause: error });
  }
  if (packet.idocs.length === 0) throw new ProvenanceError('unreadable', 'The document holds no IDoc');
  const reader = new LedgerReader(ledger);
  const reports: ProvenanceReport[] = [];
  for (const idoc of packet.idocs) {
    let mapped;
    try {
      // The hash mapped into the events does not matter here: only their ids are used.
      mapped = eventsOf(idoc, '', options);
    } catch (error) {
      throw new ProvenanceError('unreadable', `An IDoc of the document cannot be mapped: ${(error as Error).message}`, { cause: error });
    }
    const proof = await prove(reader, mapped.expected, idoc.raw, algorithm, mapped.docnum);
    reports.push({ docnum: mapped.docnum, idocType: mapped.idocType, ...proof });
  }
  return reports;
}
