import cds from '@sap/cds';
import { connectLedger, LedgerError, loadFabricConfig, ShipmentLedger } from '../connectors/fabric';
import { payloadHashAlgorithm } from './observability/payload-hash';
import type { ProvenanceReport } from './observability/provenance';
import { ProvenanceError, verifyDocument } from './observability/provenance';
import { verifyStoredIdoc } from './observability/provenance-stored';
import { runningLedgerSide } from './running';

/** Raised when no ledger can be asked: answered 503. */
class NoLedgerError extends Error {}

/** The ledger this process runs; with the pipeline off, a connection of its own to a configured network. */
async function withLedger<T>(work: (ledger: ShipmentLedger) => Promise<T>): Promise<T> {
  const side = runningLedgerSide();
  if (side) return work(side.ledger);
  if (!process.env.FABRIC_PEER_ENDPOINT?.trim()) throw new NoLedgerError('No ledger to verify against: the ledger side is off (LADING_PIPELINE=off) and FABRIC_PEER_ENDPOINT is not set');
  const connection = await connectLedger(loadFabricConfig());
  try {
    return await work(new ShipmentLedger(connection));
  } finally {
    connection.close();
  }
}

/** The report in the service's types: block numbers as numbers, absent values as null. */
function answerOf(report: ProvenanceReport): Record<string, unknown> {
  return {
    idocId: report.idocId ?? null,
    docnum: report.docnum,
    idocType: report.idocType,
    verdict: report.verdict,
    algorithm: report.algorithm,
    payloadHash: report.payloadHash,
    storedPayloadHash: report.storedPayloadHash ?? null,
    events: report.events.map((event) => ({
      eventId: event.eventId,
      shipmentId: event.shipmentId,
      eventTypeCode: event.eventTypeCode,
      verdict: event.verdict,
      ledgerPayloadHash: event.ledgerPayloadHash ?? null,
      sourceDocnum: event.sourceDocnum ?? null,
      transactionId: event.transactionId ?? null,
      blockNumber: event.blockNumber === undefined ? null : Number(event.blockNumber),
      recordedBy: event.recordedBy ?? null,
      recordedAt: event.recordedAt ?? null,
      algorithm: event.algorithm ?? null,
    })),
    differences: report.differences,
  };
}

export default class ProvenanceService extends cds.ApplicationService {
  override init(): Promise<void> {
    const algorithm = payloadHashAlgorithm();

    const answering = async (req: cds.Request, work: () => Promise<unknown>): Promise<unknown> => {
      try {
        return await work();
      } catch (error) {
        if (error instanceof ProvenanceError) return req.reject(error.reason === 'not-found' ? 404 : 400, error.message);
        if (error instanceof NoLedgerError) return req.reject(503, error.message);
        if (error instanceof LedgerError && error.retry !== 'never') return req.reject(503, `The ledger did not answer: ${error.message}`);
        throw error;
      }
    };

    this.on('verifyIdoc', async (req) => {
      const { idocId } = req.data as { idocId?: string };
      if (!idocId) return req.reject(400, 'idocId is required', 'idocId');
      return answering(req, async () => answerOf(await withLedger((ledger) => verifyStoredIdoc(idocId, ledger, algorithm))));
    });

    this.on('verifyPayload', async (req) => {
      const { payload } = req.data as { payload?: string };
      if (!payload?.trim()) return req.reject(400, 'payload is required: the IDoc document as sent to Lading', 'payload');
      const senderTimeZone = process.env.IDOC_SENDER_TIME_ZONE?.trim() || 'UTC';
      return answering(req, async () => (await withLedger((ledger) => verifyDocument(payload, ledger, { senderTimeZone, algorithm }))).map(answerOf));
    });

    return super.init();
  }
}
