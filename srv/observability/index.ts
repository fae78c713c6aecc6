/**
 * Observability and provenance (README.md here): Prometheus metrics, correlated log lines, the
 * queue board, and proof that an IDoc is unchanged against the ledger.
 */
export { countReconciliationFinding, registry, timeLedger, timedBatchProcessor, timedProcessor, blockSeen, listenerHandled } from './metrics';
export { formatIds, traced, type CorrelationIds, type TracedLogger } from './log';
export { observabilityRoutes, QUEUE_BOARD_PATH } from './routes';
export { aleaudQueued, idocsAnswered, ledgerBatchCommitted, ledgerBatchSubmitted, outboundFailed, outboundSent } from './trail';
export {
  PAYLOAD_HASH_ALGORITHMS, PayloadHashConfigError, hashPayload, payloadHashAlgorithm, payloadHashes, type PayloadHashAlgorithm, type PayloadHashes,
} from './payload-hash';
export {
  ProvenanceError, readDocument, verifyDocument, type DocumentOptions, type EventProof, type EventVerdict, type ProvenanceReport, type Verdict,
} from './provenance';
export { verifyStoredIdoc } from './provenance-stored';
