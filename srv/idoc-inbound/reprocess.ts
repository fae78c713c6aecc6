import cds from '@sap/cds';
import type { XmlIdocPacket } from '../../mappings';
import { contentHashOf, IdocError, mapIdoc, readControlRecord, readIdocFlat, readIdocSoap, readIdocXml } from '../../mappings';
import { hashPayload } from '../observability/payload-hash';
import { IdocStatusRecords, InboundIdocs, Outbox } from '#cds-models/lading';
import type { InboundConfig } from '../config';
import { redrive } from '../pipeline/settlement';
import type { Transport } from './ingest';
import { receivePacket } from './ingest';
import { acceptedKeyOf, findAccepted } from './store';

/**
 * An operator's second chance for an IDoc in status 51 (SAP's BD87), and its cancellation (68).
 *
 * A dead-lettered IDoc (the ledger refused it) goes back on the ledger queue. One rejected at
 * ingest is read and mapped again from its stored payload, with the configuration the process
 * runs with now. When it maps, it is stored as any arriving IDoc is (a new accepted IDoc with its
 * shipment, events and outbox row) and the rejected one gets 68 naming it: the rejected row keeps
 * its history untouched, as SAP keeps the original of an edited IDoc. When it still fails, the
 * IDoc gets a new 51 record with the reason.
 *
 * Every step runs in a transaction of its own, never in the caller's: a refusal is recorded even
 * though the OData action then fails, and the store's own transaction never waits on the caller's
 * (SQLite has one connection).
 */

export type ReprocessOutcome = 'accepted' | 'redriven' | 'duplicate';

export interface ReprocessResult {
  idoc: string;
  outcome: ReprocessOutcome;
  /** The reprocessed IDoc's status afterwards. */
  status: string;
  message: string;
  /** The accepted IDoc that continues the work. */
  acceptedIdoc: string;
}

/** Why an operator's action was refused; status is the HTTP status to answer. */
export class IdocActionRefused extends Error {
  constructor(readonly status: 404 | 409 | 422, message: string, readonly idocId: string) {
    super(message);
    this.name = 'IdocActionRefused';
  }
}

interface StoredRow {
  ID: string;
  status: string | null;
  transport: string | null;
  payload: string | null;
  receivedAt: string | null;
  acceptedKey: string | null;
}

async function load(idocId: string): Promise<StoredRow> {
  const row = await cds.tx(() => SELECT.one.from(InboundIdocs)
    .columns('ID', 'status', 'transport', 'payload', 'receivedAt', 'acceptedKey').where({ ID: idocId }));
  if (!row) throw new IdocActionRefused(404, `IDoc ${idocId} does not exist`, idocId);
  return row as StoredRow;
}

async function setStatus(idocId: string, status: '51' | '68', message: string, place: { segment?: string; field?: string } = {}): Promise<void> {
  const text = message.slice(0, 500);
  await cds.tx(async () => {
    await UPDATE.entity(InboundIdocs).set({ status, statusText: text }).where({ ID: idocId });
    await INSERT.into(IdocStatusRecords).entries({ idoc_ID: idocId, status, message: text, segment: place.segment, field: place.field });
  });
}

function transportOf(row: StoredRow): Transport {
  return row.transport === 'flat' || row.transport === 'soap' ? row.transport : 'xml';
}

/** The stored payload is one IDOC element (or flat IDoc), or the whole document when it could not be read. */
function readStored(payload: string, transport: Transport): XmlIdocPacket {
  if (transport === 'flat') return readIdocFlat(payload);
  const packet = readIdocXml(payload);
  if (packet.idocs.length === 0 && transport === 'soap') return readIdocSoap(payload);
  return packet;
}

async function stillFailing(row: StoredRow, reason: IdocError): Promise<never> {
  const message = `Reprocessing failed: ${reason.message}`;
  await setStatus(row.ID, '51', message, { segment: reason.segment, field: reason.field });
  throw new IdocActionRefused(422, message, row.ID);
}

/** Reads and maps the stored payload; throws IdocActionRefused (recorded as 51) when it still fails. */
async function tryMapping(row: StoredRow, config: InboundConfig): Promise<XmlIdocPacket> {
  try {
    const packet = readStored(row.payload ?? '', transportOf(row));
    if (packet.idocs.length !== 1) {
      throw new IdocError({ code: 'MISSING_SEGMENT', message: `The stored payload holds ${packet.idocs.length} IDocs, not one`, segment: 'IDOC' });
    }
    const [idoc] = packet.idocs as [XmlIdocPacket['idocs'][number]];
    const control = readControlRecord(idoc.control);
    mapIdoc(control, idoc.segments, {
      payloadHash: hashPayload(idoc.raw, config.payloadHashAlgorithm), receivedAt: row.receivedAt ?? new Date().toISOString(), senderTimeZone: config.senderTimeZone,
    });
    return packet;
  } catch (error) {
    if (error instanceof IdocError) return stillFailing(row, error);
    throw error;
  }
}

async function reprocessRejected(row: StoredRow, config: InboundConfig, operator: string): Promise<ReprocessResult> {
  const packet = await tryMapping(row, config);
  const [idoc] = packet.idocs as [XmlIdocPacket['idocs'][number]];
  const control = readControlRecord(idoc.control);
  const contentHash = contentHashOf(idoc.control, idoc.segments);
  const existing = await cds.tx(() => findAccepted(acceptedKeyOf(control, contentHash)));
  if (existing && existing.contentHash !== contentHash) {
    const message = `Reprocessing failed: IDoc ${control.docnum} from ${control.senderPartner} was accepted with different content (Lading id ${existing.id})`;
    await setStatus(row.ID, '51', message, { segment: 'EDI_DC40', field: 'DOCNUM' });
    throw new IdocActionRefused(409, message, row.ID);
  }
  if (existing) {
    const message = `Reprocessed by ${operator}: the same IDoc was accepted meanwhile as ${existing.id}; no further processing`;
    await setStatus(row.ID, '68', message);
    return { idoc: row.ID, outcome: 'duplicate', status: '68', message, acceptedIdoc: existing.id };
  }
  const [result] = (await receivePacket(packet, transportOf(row), config)).results;
  if (!result || (result.outcome !== 'accepted' && result.outcome !== 'duplicate')) {
    // Only a concurrent arrival of a conflicting version gets here; the store kept that answer as its own IDoc.
    throw new IdocActionRefused(409, `Reprocessing failed: ${result?.message ?? 'no result'}`, row.ID);
  }
  const message = `Reprocessed by ${operator}: accepted as IDoc ${result.id} (${result.message}); no further processing of this one`;
  await setStatus(row.ID, '68', message);
  return { idoc: row.ID, outcome: 'accepted', status: '68', message, acceptedIdoc: result.id };
}

/** Reprocesses an IDoc in status 51 (see the module comment). Throws IdocActionRefused when it cannot. */
export async function reprocessIdoc(idocId: string, config: InboundConfig, operator: string): Promise<ReprocessResult> {
  const row = await load(idocId);
  if (row.status !== '51') {
    throw new IdocActionRefused(409, `IDoc ${idocId} has status ${row.status}; only IDocs in status 51 can be reprocessed`, idocId);
  }
  const deadLettered = await cds.tx(() => SELECT.one.from(Outbox).columns('ID').where({ idoc_ID: idocId, state: 'failed' }));
  if (deadLettered) {
    await cds.tx(() => redrive(idocId));
    const message = 'Re-driven by an operator: ready to be passed to the ledger again';
    return { idoc: idocId, outcome: 'redriven', status: '64', message, acceptedIdoc: idocId };
  }
  if (row.acceptedKey) {
    // Accepted, then failed on the ledger, but its dead letter is not settled yet: nothing to redo now.
    throw new IdocActionRefused(409, `IDoc ${idocId} is on its way to the dead letters; reprocess it once it is listed there`, idocId);
  }
  return reprocessRejected(row, config, operator);
}

/** Status 68 for an IDoc that is not posted and not on its way to the ledger. */
export async function cancelIdoc(idocId: string, operator: string): Promise<void> {
  const row = await load(idocId);
  const refusals: Record<string, string> = {
    '53': 'is posted on the ledger; a posted IDoc cannot be cancelled',
    '64': 'is on its way to the ledger; it cannot be stopped there',
    '68': 'is already marked for no further processing',
  };
  const refusal = refusals[row.status ?? ''];
  if (refusal) throw new IdocActionRefused(409, `IDoc ${idocId} ${refusal}`, idocId);
  await setStatus(idocId, '68', `Cancelled by ${operator}: no further processing`);
}
