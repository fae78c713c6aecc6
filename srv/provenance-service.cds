/**
 * Provenance for operators and auditors: is an IDoc still what the ledger recorded? Every ledger
 * event carries the hash of its source IDoc's payload; these hash the IDoc again and compare,
 * naming the transaction and block of each event (srv/observability/provenance.ts).
 */
@path: '/odata/v4/provenance'
@requires: 'operator'
service ProvenanceService {
  type EventProof {
    eventId           : String(36);
    shipmentId        : String(80);
    eventTypeCode     : String(4);
    /** unchanged, changed, missing (not on the ledger), other-source (another IDoc brought it first). */
    verdict           : String(20);
    ledgerPayloadHash : String(64);
    sourceDocnum      : String(16);
    transactionId     : String(64);
    blockNumber       : Integer64;
    recordedBy        : String(40);
    recordedAt        : Timestamp;
    /** sha256 or sm3: the algorithm under which the payload hashes to the ledger's hash (unchanged events). */
    algorithm         : String(10);
  }
  type Verification {
    idocId            : UUID;
    docnum            : String(16);
    idocType          : String(30);
    /** unchanged, changed, incomplete (some events not on the ledger yet), not-on-ledger. */
    verdict           : String(20);
    /** sha256 or sm3: what the ledger's hashes were made with, else the configured one (LADING_HASH_ALGORITHM). */
    algorithm         : String(10);
    /** Hash of the payload now. */
    payloadHash       : String(64);
    /** The hash stored with the IDoc when it was received. */
    storedPayloadHash : String(64);
    events            : many EventProof;
    differences       : many String(1000);
  }
  /** Proves a stored IDoc (its payload as the database holds it now) against the ledger. */
  function verifyIdoc(idocId : UUID) returns Verification;
  /** Proves an IDoc document (XML, SOAP envelope or flat file, as sent to Lading) against the ledger; one answer per IDoc. */
  action verifyPayload(payload : LargeString) returns many Verification;
}
