sap.ui.define(['sap/ui/core/mvc/Controller', 'sap/ui/model/Filter', 'sap/m/MessageBox', 'sap/m/MessageToast'], (Controller, Filter, MessageBox, MessageToast) => {
  'use strict';
  /** Dead letters with re-drive: the IDoc goes back on the ledger queue after a fix. */
  return Controller.extend('lading.ui.controller.DeadLetters', {
    onScope(event) {
      this.byId('letters').getBinding('items').filter(event.getParameter('selected') ? [] : [new Filter('redrivenAt', 'EQ', null)]);
    },
    onRefresh() {
      this.byId('letters').getBinding('items').refresh();
    },
    async onRedrive(event) {
      const context = event.getSource().getBindingContext('admin');
      const operation = context.getModel().bindContext('AdminService.redrive(...)', context);
      const table = this.byId('letters');
      table.setBusy(true);
      try {
        await operation.invoke();
        MessageToast.show(`IDoc ${context.getProperty('idoc/docnum')} is back on the ledger queue`);
      } catch (error) {
        MessageBox.error(error.message, { title: 'Re-drive failed' });
      } finally {
        table.getBinding('items').refresh();
        table.setBusy(false);
      }
    },
  });
});
