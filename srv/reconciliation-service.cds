using { lading } from '../db/reconciliation';

/**
 * Reconciliation of ERP state (SAP's delivery API and what Lading received) with the ledger:
 * operators start runs and follow their progress, and acknowledge what Lading cannot repair;
 * finance reads the discrepancies.
 */
@path: '/odata/v4/reconciliation'
@requires: ['operator', 'finance']
service ReconciliationService {
  @readonly
  @restrict: [{ grant: 'READ', to: 'operator' }]
  entity ReconciliationRuns as projection on lading.ReconciliationRuns;

  @readonly
  @restrict: [{ grant: 'READ', to: ['operator', 'finance'] }, { grant: 'acknowledge', to: 'operator' }]
  entity Discrepancies as projection on lading.Discrepancies actions {
    /** Accepts the difference as it is, with the operator's reason; answers the discrepancy. */
    action acknowledge(comment : String(1000)) returns Discrepancies;
  };

  @readonly
  @restrict: [{ grant: 'READ', to: ['operator', 'finance'] }]
  entity DiscrepancyEvents as projection on lading.DiscrepancyEvents;

  /** Starts a run (full or incremental; default incremental) on the job queue; answers the run, status queued. */
  @requires: 'operator'
  action startRun(mode : String(12)) returns ReconciliationRuns;
}
