sap.ui.define(['sap/ui/core/mvc/Controller', 'sap/ui/model/json/JSONModel'], (Controller, JSONModel) => {
  'use strict';
  /** GET /ready (database, Redis, ledger) and AdminService.queueHealth(), read when the screen shows and on demand. */
  return Controller.extend('lading.ui.controller.Health', {
    onInit() {
      this.getView().setModel(new JSONModel({ ready: {}, queues: {}, checkedAt: '' }), 'health');
      this.getOwnerComponent().getRouter().getRoute('health').attachPatternMatched(this.onRefresh, this);
    },
    async onRefresh() {
      const page = this.byId('page');
      const model = this.getView().getModel('health');
      page.setBusy(true);
      try {
        const [ready, queues] = await Promise.all([
          fetch('/ready').then((response) => response.json()),
          fetch('/odata/v4/admin/queueHealth()', { credentials: 'same-origin' }).then((response) => response.json()),
        ]);
        model.setData({ ready, queues, checkedAt: new Date().toLocaleTimeString() });
      } finally {
        page.setBusy(false);
      }
    },
  });
});
