import type { ControlRecord, IdocErrorDetails, MappedIdoc, XmlIdoc, XmlIdocPacket } from '../../mappings';
import { contentHashOf, IdocError, mapIdoc, readControlRecord, readIdocXml } from '../../mappings';
import { hashPayload } from '../observability/payload-hash';
import type { InboundConfig } from '../config';
import type { ReceivedIdoc } from './store';
import { acceptedKeyOf, AlreadyAcceptedError, findAccepted, storeAccepted, storeRejected } from './store';

/**
 * Receiving an IDoc packet: each IDoc is read, deduplicated, mapped and stored on its own, in
 * order, so one bad IDoc never costs the good ones of the same packet.
 */

export type IdocOutcome = 'accepted' | 'duplicate' | 'conflict' | 'rejected';

export interface IdocResult {
  docnum: string | null;
  id: string;
  status: string;
  message: string;
  outcome: IdocOutcome;
  /** Why it was not accepted, for rejected and conflicting IDocs. */
  error?: IdocErrorDetails & { code: string };
}

/** A document that could not be read at all (malformed XML, DTD): it is kept, with this reason. */
export class UnreadableDocumentError extends Error {
  constructor(readonly reason: IdocError, readonly storedId: string) {
    super(reason.message, { cause: reason });
    this.name = 'UnreadableDocumentError';
  }
}

function errorOf(error: unknown): IdocError {
  if (error instanceof IdocError) return error;
  throw error;
}

function tryControl(idoc: XmlIdoc): { control?: ControlRecord; error?: IdocError } {
  try {
    return { control: readControlRecord(idoc.control) };
  } catch (error) {
    return { error: errorOf(error) };
  }
}

/** Whatever the control record offers, even when it is incomplete: kept with a rejected IDoc. */
function partialControl(idoc: XmlIdoc): Partial<ControlRecord> {
  const fields = idoc.control?.fields ?? {};
  const value = (name: string): string | undefined => fields[name]?.trim() || undefined;
  return {
    docnum: value('DOCNUM'), idocType: value('IDOCTYP'), messageType: value('MESTYP'), extensionType: value('CIMTYP'),
    senderPort: value('SNDPOR'), senderPartnerType: value('SNDPRT'), senderPartner: value('SNDPRN'), receiverPartner: value('RCVPRN'),
  };
}

async function reject(received: ReceivedIdoc, reason: IdocError, outcome: 'rejected' | 'conflict'): Promise<IdocResult> {
  const stored = await storeRejected(received, reason.toJSON());
  return {
    docnum: received.control?.docnum ?? null, id: stored.id, status: stored.status, message: stored.statusText,
    outcome, error: reason.toJSON(),
  };
}

async function receiveOne(idoc: XmlIdoc, config: InboundConfig, transport: ReceivedIdoc['transport']): Promise<IdocResult> {
  const payloadHash = hashPayload(idoc.raw, config.payloadHashAlgorithm);
  const contentHash = contentHashOf(idoc.control, idoc.segments);
  const { control, error } = tryControl(idoc);
  if (!control) {
    return reject({ control: partialControl(idoc), payload: idoc.raw, payloadHash, contentHash, transport }, error as IdocError, 'rejected');
  }
  const received: ReceivedIdoc = { control, payload: idoc.raw, payloadHash, contentHash, transport };
  const acceptedKey = acceptedKeyOf(control, contentHash);

  // Map first and let the store find a resend: SAP sends new IDocs far more often than resends,
  // and the store checks the key of a whole batch with one statement.
  let mapped: MappedIdoc | undefined;
  let mappingError: IdocError | undefined;
  try {
    mapped = mapIdoc(control, idoc.segments, { payloadHash, receivedAt: new Date().toISOString(), senderTimeZone: config.senderTimeZone });
  } catch (error) {
    mappingError = errorOf(error);
  }
  if (mapped) {
    try {
      const stored = await storeAccepted({ ...received, control, contentHash, acceptedKey, mapped });
      return {
        docnum: control.docnum ?? null, id: stored.id, status: stored.status,
        message: `${stored.statusText}: ${mapped.summary}, ${stored.newEventIds.length} new event(s)`,
        outcome: 'accepted',
      };
    } catch (storeError) {
      if (!(storeError instanceof AlreadyAcceptedError)) throw storeError;
    }
  }
  // A resend, or an IDoc that does not map: an IDoc accepted under the same key decides the answer.
  const existing = await findAccepted(acceptedKey);
  if (existing) {
    if (existing.contentHash === contentHash) {
      return {
        docnum: control.docnum ?? null, id: existing.id, status: existing.status,
        message: `Duplicate of an IDoc already received; nothing changed (${existing.statusText})`, outcome: 'duplicate',
      };
    }
    return reject(received, new IdocError({
      code: 'DOCNUM_CONFLICT',
      message: `IDoc ${control.docnum} from ${control.senderPartner} was already received with different content (Lading id ${existing.id}); this version is kept as rejected`,
      segment: 'EDI_DC40',
      field: 'DOCNUM',
    }), 'conflict');
  }
  if (mappingError) return reject(received, mappingError, 'rejected');
  throw new Error(`IDoc ${acceptedKey} was reported as stored but cannot be read back`);
}

export interface PacketResult {
  results: IdocResult[];
}

export type Transport = ReceivedIdoc['transport'];

/** Turns a document (XML, SOAP envelope, flat file) into IDocs; throws IdocError when it cannot. */
export type DocumentReader = (document: string) => XmlIdocPacket;

/**
 * Reads a whole document with its transport's reader and stores every IDoc of it. Throws
 * UnreadableDocumentError when the document cannot be read or holds no IDoc (the document is kept).
 */
export async function receiveDocument(document: string, transport: Transport, read: DocumentReader, config: InboundConfig): Promise<PacketResult> {
  let packet;
  try {
    packet = read(document);
  } catch (error) {
    const reason = errorOf(error);
    const stored = await storeRejected({ payload: document, payloadHash: hashPayload(document, config.payloadHashAlgorithm), transport }, reason.toJSON());
    throw new UnreadableDocumentError(reason, stored.id);
  }
  if (packet.idocs.length === 0) {
    const reason = new IdocError({ code: 'MISSING_SEGMENT', message: `The document <${packet.root}> holds no IDOC element`, segment: 'IDOC' });
    const stored = await storeRejected({ payload: document, payloadHash: hashPayload(document, config.payloadHashAlgorithm), transport }, reason.toJSON());
    throw new UnreadableDocumentError(reason, stored.id);
  }
  return receivePacket(packet, transport, config);
}

/** Stores every IDoc of an already read packet, in order, each on its own; transport is recorded on each. */
export async function receivePacket(packet: XmlIdocPacket, transport: Transport, config: InboundConfig): Promise<PacketResult> {
  const results: IdocResult[] = [];
  for (const idoc of packet.idocs) results.push(await receiveOne(idoc, config, transport));
  return { results };
}

/** Reads and stores every IDoc of an XML document. Throws UnreadableDocumentError for bad XML (the document is kept). */
export async function receiveXmlPacket(document: string, config: InboundConfig): Promise<PacketResult> {
  return receiveDocument(document, 'xml', (xml) => readIdocXml(xml), config);
}
