import cds from '@sap/cds';
import { runningLedgerSide } from './running';
import { stopOnSetupError } from './startup-errors';
import { SettlementJob, settlementIntervalMs } from './settlement/job';
import type { PodLedger } from './settlement/pod-reader';
import { settleDue, settleInvoice } from './settlement/settle';

/**
 * Finance over OData: invoices, their lines and settlements (read), `acknowledge` on a blocked
 * settlement line, `settle` on demand. The settlement job (srv/settlement/job.ts) settles due
 * invoices in the background; it starts with this service and stops at shutdown.
 */

const ledger = (): PodLedger | undefined => runningLedgerSide()?.ledger;

export default class FinanceService extends cds.ApplicationService {
  override init(): Promise<void> {
    const { Settlements } = this.entities;
    const job = new SettlementJob((() => {
      try {
        return settlementIntervalMs();
      } catch (error) {
        return stopOnSetupError(error);
      }
    })(), ledger);
    cds.once('served', () => job.start());
    cds.once('shutdown', () => job.stop());

    this.on('settle', async (req) => {
      const { invoice } = req.data as { invoice?: string | null };
      if (invoice) {
        const result = await settleInvoice(invoice, ledger());
        if (!result) return req.reject(404, `Invoice ${invoice} does not exist`, 'invoice');
        return [result];
      }
      return settleDue(ledger());
    });

    this.on('acknowledge', Settlements, async (req) => {
      const [key] = req.params as [{ ID: string } | string];
      const id = typeof key === 'string' ? key : key.ID;
      const comment = String((req.data as { comment?: string | null }).comment ?? '').trim();
      if (comment === '') return req.reject(400, 'An acknowledgement needs a comment saying how the blocked line is handled', 'comment');
      const found = await SELECT.one.from(Settlements).columns('ID', 'status', 'lifecycle').where({ ID: id });
      if (!found) return req.reject(404, `Settlement ${id} does not exist`);
      if (found.status !== 'blocked') return req.reject(409, `Settlement ${id} is ${found.status}: only blocked lines are acknowledged`);
      const changed = await UPDATE.entity(Settlements)
        .set({ lifecycle: 'acknowledged', comment, acknowledgedBy: req.user.id, acknowledgedAt: new Date().toISOString() })
        .where({ ID: id, lifecycle: 'open' });
      if (!changed) return req.reject(409, `Settlement ${id} is already ${found.lifecycle}`);
      return SELECT.one.from(Settlements).where({ ID: id });
    });

    return super.init();
  }
}
