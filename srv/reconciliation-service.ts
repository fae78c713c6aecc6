import cds from '@sap/cds';
import { acknowledgeDiscrepancy, activeRun, createRun, type ReconciliationMode } from './reconciliation';
import { runningLedgerSide } from './running';
import { ReconciliationRuns as RunRows } from '#cds-models/lading';

/**
 * Reconciliation over OData: `run` queues a run on the job queue (answered at once, status
 * queued; poll ReconciliationRuns for done/total/eta), `acknowledge` closes an open discrepancy
 * with the operator's comment.
 */
export default class ReconciliationService extends cds.ApplicationService {
  override init(): Promise<void> {
    const { Discrepancies, ReconciliationRuns } = this.entities;

    this.on('startRun', async (req) => {
      const { mode = 'incremental' } = req.data as { mode?: string | null };
      const wanted = mode ?? 'incremental';
      if (wanted !== 'full' && wanted !== 'incremental') return req.reject(400, `mode must be full or incremental, got "${wanted}"`, 'mode');
      const side = runningLedgerSide();
      if (!side) return req.reject(503, 'Reconciliation needs the ledger side, which this Lading does not run (LADING_PIPELINE=off)');
      // The queue, not the run rows, says what is in work: a row left 'running' by a killed process must not block.
      if (await side.reconciler.busy()) {
        const active = await activeRun();
        return req.reject(409, `A reconciliation run is already queued or running${active ? ` (run ${active})` : ''}`);
      }
      // The run row is committed before its job exists: a worker on any instance must find it
      // (in the request's own transaction it stayed invisible to the worker on PostgreSQL).
      const runId = await cds.tx(() => createRun(wanted as ReconciliationMode, req.user.id));
      try {
        await side.reconciler.enqueue(runId, wanted as ReconciliationMode, req.user.id);
      } catch (error) {
        await cds.tx(() => UPDATE.entity(RunRows).set({ status: 'failed', finishedAt: new Date().toISOString() }).where({ ID: runId }));
        return req.reject(503, `The reconciliation run could not be queued: ${(error as Error).message}`);
      }
      return SELECT.one.from(ReconciliationRuns).where({ ID: runId });
    });

    this.on('acknowledge', Discrepancies, async (req) => {
      const [key] = req.params as [{ ID: string } | string];
      const id = typeof key === 'string' ? key : key.ID;
      const comment = String((req.data as { comment?: string | null }).comment ?? '').trim();
      if (comment === '') return req.reject(400, 'An acknowledgement needs a comment saying why the difference is accepted', 'comment');
      const found = await SELECT.one.from(Discrepancies).columns('ID', 'status').where({ ID: id });
      if (!found) return req.reject(404, `Discrepancy ${id} does not exist`);
      if (!(await acknowledgeDiscrepancy(id, comment, req.user.id))) return req.reject(409, `Discrepancy ${id} is ${found.status}, not open`);
      return SELECT.one.from(Discrepancies).where({ ID: id });
    });

    return super.init();
  }
}
