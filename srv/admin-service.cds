using { lading } from '../db/schema';

/**
 * Operators: the IDoc monitor (filter by status, type, partner, date; payload and status history;
 * reprocess or cancel), what the pipeline gave up on and re-driving it after a fix, queue health.
 * Reconciliation runs join here (see the reconciliation issue).
 */
@path: '/odata/v4/admin'
@requires: 'operator'
service AdminService {
  /** What a reprocess did: accepted (a new accepted IDoc continues), redriven (back on the ledger queue) or duplicate. */
  type ReprocessResult {
    idoc         : UUID;
    outcome      : String(20);
    status       : String(2);
    message      : String(500);
    /** The accepted IDoc that continues the work (the reprocessed one when it was re-driven). */
    acceptedIdoc : UUID;
  }

  /** The ledger pipeline at a glance: outbox rows by state, open dead letters, BullMQ queues. */
  type QueueHealth {
    /** on when this process runs the ledger pipeline, off otherwise (queue figures are then null). */
    pipeline        : String(3);
    outboxPending   : Integer;
    outboxQueued    : Integer;
    outboxConfirmed : Integer;
    outboxFailed    : Integer;
    openDeadLetters : Integer;
    /** Jobs waiting on the ledger-submit partitions. */
    submitWaiting   : Integer;
    /** Committed batches waiting to be settled in the database. */
    confirmWaiting  : Integer;
    confirmFailed   : Integer;
  }

  @readonly
  entity DeadLetters as projection on lading.DeadLetters actions {
    /** Puts the IDoc back on the ledger queue; answers the dead letter, now marked re-driven. */
    action redrive() returns DeadLetters;
  };

  /** The IDoc monitor (SAP's BD87 / WE02 for Lading). */
  @readonly
  entity InboundIdocs as projection on lading.InboundIdocs excluding { acceptedKey } actions {
    /**
     * For an IDoc in status 51: re-drives a dead-lettered one; maps a rejected one again from its
     * stored payload (accepted: a new accepted IDoc continues and this one gets 68; still failing:
     * a new 51 record and 422, or 409 for a DOCNUM conflict).
     */
    action reprocess() returns ReprocessResult;
    /** Status 68, no further processing; refused for IDocs posted (53) or on their way to the ledger (64). */
    action cancel() returns InboundIdocs;
  };
  @readonly entity IdocStatusRecords as projection on lading.IdocStatusRecords;
  @readonly entity Outbox as projection on lading.Outbox;
  /** IDocs for SAP: 30 ready for dispatch, 03 passed to SAP, 02 refused (see DeadLetters). */
  @readonly entity OutboundIdocs as projection on lading.OutboundIdocs;

  function queueHealth() returns QueueHealth;
}
