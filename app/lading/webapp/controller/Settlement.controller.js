sap.ui.define([
  'sap/ui/core/mvc/Controller', 'sap/ui/model/Filter', 'sap/ui/model/FilterOperator', 'sap/ui/model/json/JSONModel', './AcknowledgeDialog',
], (Controller, Filter, FilterOperator, JSONModel, acknowledgeDialog) => {
  'use strict';

  /** A local calendar date as YYYY-MM-DD (what the period means to the user, not UTC). */
  function isoDate(date) {
    const pad = (value) => String(value).padStart(2, '0');
    return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
  }

  /**
   * Settlement lines (FinanceService.Settlements), paged by the server: filter by status and
   * invoice date, see each line's reasons, quantities and amounts; finance acknowledges a blocked
   * line with a comment and downloads the period's CSV.
   */
  return Controller.extend('lading.ui.controller.Settlement', {
    ...acknowledgeDialog({
      model: 'finance',
      action: 'FinanceService.acknowledge(...)',
      acknowledged: (line) => `Line ${line.getProperty('lineNumber')} of invoice ${line.getProperty('invoice/invoiceNumber')} acknowledged`,
    }),
    onInit() {
      this.getView().setModel(new JSONModel({ csv: '' }), 'view');
      const table = this.byId('lines');
      table.attachUpdateFinished(() => {
        const count = table.getBinding('items')?.getCount();
        this.byId('count').setText(count === undefined ? 'Settlement lines' : `Settlement lines (${count})`);
      });
    },
    period() {
      const range = this.byId('period');
      const from = range.getDateValue();
      const to = range.getSecondDateValue() ?? from;
      return from ? { from: isoDate(from), to: isoDate(to) } : undefined;
    },
    onFilter() {
      const filters = [];
      const status = this.byId('status').getSelectedKey();
      if (status) filters.push(new Filter('status', FilterOperator.EQ, status));
      const period = this.period();
      if (period) filters.push(new Filter('invoice/invoiceDate', FilterOperator.BT, period.from, period.to));
      this.byId('lines').getBinding('items').filter(filters);
      this.getView().getModel('view').setProperty('/csv', period ? `/finance/export/settlements.csv?from=${period.from}&to=${period.to}` : '');
    },
    onRefresh() {
      this.byId('lines').getBinding('items').refresh();
    },
  });
});
