import type { ShipmentLedger } from '../../connectors/fabric';
import { InboundIdocs, ShipmentEvents } from '#cds-models/lading';
import type { PayloadHashAlgorithm } from './payload-hash';
import { LedgerReader, ProvenanceError, prove, type ProvenanceReport } from './provenance';

/**
 * Verifies an IDoc Lading stored: its payload as the database holds it now against the ledger
 * events it brought. ProvenanceError `not-found` for an unknown id; LedgerError when the ledger
 * does not answer.
 */
export async function verifyStoredIdoc(idocId: string, ledger: ShipmentLedger, algorithm: PayloadHashAlgorithm = 'sha256'): Promise<ProvenanceReport> {
  const idoc = await SELECT.one.from(InboundIdocs).columns('ID', 'docnum', 'idocType', 'payload', 'payloadHash').where({ ID: idocId });
  if (!idoc) throw new ProvenanceError('not-found', `IDoc ${idocId} does not exist`);
  const rows = await SELECT.from(ShipmentEvents).columns('eventId', 'shipment_ID', 'eventTypeCode').where({ sourceIdoc_ID: idocId }).orderBy('eventDateTime', 'eventId');
  const expected = rows.map((row) => ({ eventId: row.eventId as string, shipmentId: row.shipment_ID ?? '', eventTypeCode: row.eventTypeCode ?? '' }));
  const docnum = idoc.docnum ?? null;
  const proof = await prove(new LedgerReader(ledger), expected, idoc.payload ?? '', algorithm, docnum);
  const differences = [...proof.differences];
  if (idoc.payloadHash && idoc.payloadHash !== proof.payloadHash) {
    differences.push(`the payload stored now hashes to ${proof.payloadHash} (${proof.algorithm}), not to the hash stored when it was received (${idoc.payloadHash})`);
  }
  return { idocId, docnum, idocType: idoc.idocType ?? null, storedPayloadHash: idoc.payloadHash ?? undefined, ...proof, differences };
}

