using { lading } from '../db/schema';

/**
 * Operators: what the pipeline gave up on, and re-driving it after a fix. The IDoc monitor,
 * queue health and reconciliation runs join here (see the services issue).
 */
@path: '/odata/v4/admin'
@requires: 'operator'
service AdminService {
  @readonly
  entity DeadLetters as projection on lading.DeadLetters actions {
    /** Puts the IDoc back on the ledger queue; answers the dead letter, now marked re-driven. */
    action redrive() returns DeadLetters;
  };
  @readonly entity InboundIdocs as projection on lading.InboundIdocs excluding { acceptedKey };
  @readonly entity IdocStatusRecords as projection on lading.IdocStatusRecords;
  @readonly entity Outbox as projection on lading.Outbox;
  /** IDocs for SAP: 30 ready for dispatch, 03 passed to SAP, 02 refused (see DeadLetters). */
  @readonly entity OutboundIdocs as projection on lading.OutboundIdocs;
}
