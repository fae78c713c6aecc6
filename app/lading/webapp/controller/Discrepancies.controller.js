sap.ui.define([
  'sap/ui/core/mvc/Controller', 'sap/ui/model/Filter', 'sap/ui/model/FilterOperator', 'sap/ui/model/json/JSONModel', 'sap/m/MessageBox', 'sap/m/MessageToast',
  './AcknowledgeDialog',
], (Controller, Filter, FilterOperator, JSONModel, MessageBox, MessageToast, acknowledgeDialog) => {
  'use strict';

  const RUNS = '/odata/v4/reconciliation/ReconciliationRuns';
  const POLL_MS = 1000;

  function isoDate(date) {
    const pad = (value) => String(value).padStart(2, '0');
    return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
  }

  /** The run as the progress panel shows it: done/total, percent, and the expected end while it runs. */
  function progressOf(run) {
    const active = run.status === 'queued' || run.status === 'running';
    const percent = run.total > 0 ? Math.min(100, Math.round((run.done / run.total) * 100)) : run.status === 'finished' ? 100 : 0;
    let detail = '';
    if (active && run.eta) detail = `expected end ${new Date(run.eta).toLocaleTimeString()}`;
    if (run.status === 'finished') detail = `${run.matched} matched, ${run.discrepancies} discrepancies (${run.opened} new, ${run.repaired} repaired, ${run.resolved} resolved)`;
    if (run.status === 'failed') detail = run.message ?? 'failed';
    return { ...run, active, percent, progressText: `${run.done} / ${run.total}`, detail };
  }

  async function answerOf(response) {
    const body = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(body.error?.message ?? `${response.status} ${response.statusText}`);
    return body;
  }

  /**
   * Reconciliation's discrepancies (ReconciliationService), paged by the server, filtered by status,
   * kind and period; operators start a run and follow its progress (polled from ReconciliationRuns
   * until it ends) and acknowledge an open discrepancy with a comment. Finance reads.
   */
  return Controller.extend('lading.ui.controller.Discrepancies', {
    ...acknowledgeDialog({
      model: 'reconciliation',
      action: 'ReconciliationService.acknowledge(...)',
      acknowledged: (discrepancy) => `Discrepancy of ${discrepancy.getProperty('shipmentId')} acknowledged`,
    }),
    onInit() {
      this.getView().setModel(new JSONModel({ csv: '' }), 'view');
      this.getView().setModel(new JSONModel({ active: false }), 'run');
      const table = this.byId('discrepancies');
      table.attachUpdateFinished(() => {
        const count = table.getBinding('items')?.getCount();
        this.byId('count').setText(count === undefined ? 'Discrepancies' : `Discrepancies (${count})`);
      });
      this.getOwnerComponent().getRouter().getRoute('discrepancies').attachPatternMatched(this.onShow, this);
    },
    onExit() {
      clearTimeout(this.poll);
    },
    /** An operator coming back to the screen sees the newest run still in work. */
    async onShow() {
      const { operator } = await this.getOwnerComponent().roles;
      if (!operator || this.getView().getModel('run').getProperty('/active')) return;
      const latest = await fetch(`${RUNS}?$filter=status eq 'queued' or status eq 'running'&$orderby=requestedAt desc&$top=1`).then(answerOf).catch(() => undefined);
      const [run] = latest?.value ?? [];
      if (run) this.follow(run);
    },
    onFilter() {
      const filters = [];
      const status = this.byId('status').getSelectedKey();
      if (status) filters.push(new Filter('status', FilterOperator.EQ, status));
      const kind = this.byId('kind').getSelectedKey();
      if (kind) filters.push(new Filter('kind', FilterOperator.EQ, kind));
      const range = this.byId('period');
      const from = range.getDateValue();
      let csv = '';
      if (from) {
        const to = range.getSecondDateValue() ?? from;
        const end = new Date(to.getFullYear(), to.getMonth(), to.getDate() + 1);
        filters.push(new Filter('firstSeenAt', FilterOperator.GE, from.toISOString()), new Filter('firstSeenAt', FilterOperator.LT, end.toISOString()));
        csv = `/finance/export/discrepancies.csv?from=${isoDate(from)}&to=${isoDate(to)}`;
      }
      this.byId('discrepancies').getBinding('items').filter(filters);
      this.getView().getModel('view').setProperty('/csv', csv);
    },
    onRefresh() {
      this.byId('discrepancies').getBinding('items').refresh();
    },
    async onRun() {
      const mode = this.byId('mode').getSelectedKey();
      try {
        const run = await fetch('/odata/v4/reconciliation/startRun', {
          method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ mode }),
        }).then(answerOf);
        MessageToast.show(`Reconciliation run (${mode}) started`);
        this.follow(run);
      } catch (error) {
        MessageBox.error(error.message, { title: 'Reconciliation did not start' });
      }
    },
    /** Shows the run and polls it until it is finished or failed; then the list shows what it found. */
    follow(run) {
      clearTimeout(this.poll);
      const model = this.getView().getModel('run');
      model.setData(progressOf(run));
      if (!model.getProperty('/active')) {
        this.onRefresh();
        return;
      }
      this.poll = setTimeout(async () => {
        try {
          this.follow(await fetch(`${RUNS}(${run.ID})`, { credentials: 'same-origin' }).then(answerOf));
        } catch (error) {
          model.setProperty('/detail', `progress not readable: ${error.message}; retrying`);
          this.follow(run);
        }
      }, POLL_MS);
    },
  });
});
