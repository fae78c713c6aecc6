sap.ui.define([
  'sap/ui/core/mvc/Controller', 'sap/ui/model/Filter', 'sap/ui/model/FilterOperator', 'sap/m/MessageBox', 'sap/m/MessageToast',
], (Controller, Filter, FilterOperator, MessageBox, MessageToast) => {
  'use strict';
  /** SAP's IDoc monitor for Lading: filter, open an IDoc's payload and history, reprocess or cancel it. */
  return Controller.extend('lading.ui.controller.Monitor', {
    onInit() {
      this.getOwnerComponent().getRouter().getRoute('monitor').attachPatternMatched(this.onShow, this);
      const table = this.byId('idocs');
      table.attachUpdateFinished(() => {
        const count = table.getBinding('items')?.getCount();
        this.byId('count').setText(count === undefined ? 'IDocs' : `IDocs (${count})`);
      });
    },
    onShow(event) {
      const docnum = event.getParameter('arguments')['?query']?.docnum;
      if (docnum !== undefined) {
        this.byId('docnum').setValue(docnum);
        this.onFilter();
      }
    },
    filters() {
      const filters = [];
      const value = (id) => this.byId(id).getValue().trim();
      const status = this.byId('status').getSelectedKey();
      if (status) filters.push(new Filter('status', FilterOperator.EQ, status));
      if (value('type')) filters.push(new Filter('idocType', FilterOperator.EQ, value('type').toUpperCase()));
      if (value('partner')) filters.push(new Filter('senderPartner', FilterOperator.EQ, value('partner')));
      if (value('docnum')) filters.push(new Filter('docnum', FilterOperator.Contains, value('docnum')));
      const since = this.byId('since').getDateValue();
      if (since) filters.push(new Filter('receivedAt', FilterOperator.GE, since.toISOString()));
      return filters;
    },
    onFilter() {
      this.byId('idocs').getBinding('items').filter(this.filters());
    },
    onRefresh() {
      this.byId('idocs').getBinding('items').refresh();
    },
    onOpen(event) {
      const dialog = this.byId('detail');
      dialog.setBindingContext(event.getSource().getBindingContext('admin'), 'admin');
      dialog.open();
    },
    onClose() {
      this.byId('detail').close();
      // A reprocessed IDoc may have a new accepted version: show it.
      this.onRefresh();
    },
    /** Runs a bound action of the open IDoc with the dialog busy; answers the action's result or undefined after an error. */
    async invoke(action) {
      const dialog = this.byId('detail');
      const context = dialog.getBindingContext('admin');
      const operation = context.getModel().bindContext(`AdminService.${action}(...)`, context);
      dialog.setBusy(true);
      try {
        await operation.invoke();
        return operation.getBoundContext().getObject();
      } catch (error) {
        MessageBox.error(error.message, { title: `${action === 'reprocess' ? 'Reprocessing' : 'Cancelling'} failed` });
        return undefined;
      } finally {
        context.refresh();
        dialog.setBusy(false);
      }
    },
    async onReprocess() {
      const result = await this.invoke('reprocess');
      if (result) MessageToast.show(result.message, { duration: 6000, width: '40rem' });
    },
    async onCancel() {
      const result = await this.invoke('cancel');
      if (result) MessageToast.show(`IDoc ${result.docnum ?? ''} cancelled (68)`);
    },
  });
});
