import { traced } from './log';
import { blockSeen, idocReceived, sapSendFailed, sapSendSucceeded } from './metrics';

/**
 * The key points of one IDoc's way, each a log line with its correlation ids and, where one
 * belongs, a metric: accepted or rejected over HTTP → submitted in a ledger batch → committed in
 * a block → ALEAUD queued for SAP → passed to SAP. The pipeline calls these in one line each.
 */

export interface AnsweredIdoc {
  docnum: string | null;
  id: string;
  status: string;
  outcome: string;
  message: string;
  error?: { code: string };
}

/** The inbound routes answered these IDocs (one call per request). */
export function idocsAnswered(transport: string, results: readonly AnsweredIdoc[]): void {
  for (const result of results) {
    idocReceived(transport, result.outcome, result.status);
    const log = traced('idoc', { docnum: result.docnum, idoc: result.id });
    if (result.outcome === 'accepted') log.info(`IDoc accepted (${transport}, status ${result.status}): ${result.message}`);
    else if (result.outcome === 'duplicate') log.info(`IDoc received again (${transport}): ${result.message}`);
    else log.warn(`IDoc ${result.outcome} (${transport}, status ${result.status}, ${result.error?.code ?? 'no code'}): ${result.message}`);
  }
}

export interface BatchMember {
  idocId: string;
  shipmentId: string;
}

/** A batch of IDocs was endorsed and goes to ordering as this transaction. */
export function ledgerBatchSubmitted(members: readonly BatchMember[], transactionId: string): void {
  traced('pipeline', { idoc: members.map((member) => member.idocId), shipment: members.map((member) => member.shipmentId), tx: transactionId })
    .info(`ledger batch of ${members.length} IDoc(s) submitted`);
}

/** A batch of IDocs is on the ledger: this transaction, this block. */
export function ledgerBatchCommitted(members: readonly BatchMember[], committed: { transactionId: string; blockNumber: bigint | string; result?: { recorded: readonly string[] } }, events: number): void {
  if (committed.result && committed.result.recorded.length > 0) blockSeen(committed.blockNumber);
  traced('pipeline', {
    idoc: members.map((member) => member.idocId), shipment: members.map((member) => member.shipmentId),
    tx: committed.transactionId, block: committed.blockNumber,
  }).info(`ledger batch of ${members.length} IDoc(s) committed with ${events} event(s)`);
}

/** An ALEAUD confirming these inbound IDocs to SAP was queued (sent by sap-send under its own DOCNUM). */
export function aleaudQueued(aleaudDocnum: string, confirmed: readonly { docnum: string; status: string }[]): void {
  const statuses = [...new Set(confirmed.map((row) => row.status))].join('/');
  traced('sap', { docnum: confirmed.map((row) => row.docnum), mestyp: 'ALEAUD' })
    .info(`ALEAUD ${aleaudDocnum} queued for SAP, confirming ${confirmed.length} IDoc(s) with status ${statuses}`);
}

/** An outbound IDoc was passed to SAP (status 03). */
export function outboundSent(idoc: { docnum?: string | null; messageType?: string | null; shipment_ID?: string | null }, httpStatus: number): void {
  sapSendSucceeded(idoc.messageType);
  traced('sap', { docnum: idoc.docnum, shipment: idoc.shipment_ID, mestyp: idoc.messageType }).info(`IDoc passed to SAP (HTTP ${httpStatus})`);
}

/** Passing an outbound IDoc to SAP failed: BullMQ retries it, or it was given up (status 02, dead letter). */
export function outboundFailed(idoc: { docnum?: string | null; messageType?: string | null }, error: Error, retrying: boolean): void {
  sapSendFailed(retrying ? 'retry' : 'refused', error);
  const log = traced('sap', { docnum: idoc.docnum, mestyp: idoc.messageType });
  if (retrying) log.warn(`passing IDoc to SAP failed, will retry: ${error.message}`);
}
