sap.ui.define(['sap/ui/core/UIComponent', 'sap/ui/model/json/JSONModel'], (UIComponent, JSONModel) => {
  'use strict';

  /**
   * What the signed-in user may do, for hiding actions. Lading has no "who am I" endpoint, so each
   * role is probed with a cheap read only that role may make (the browser sends its basic-auth
   * credentials): ReconciliationRuns for operator, an empty-period CSV export for finance. The
   * services still check every action themselves; this only keeps buttons away from those who
   * would get a 403.
   */
  async function allowed(url) {
    try {
      const response = await fetch(url, { credentials: 'same-origin' });
      await response.body?.cancel();
      return response.ok;
    } catch {
      return false;
    }
  }

  /** Lading's UI: shipments and their ledger timeline, the IDoc monitor, dead letters, health, discrepancies, settlement. */
  return UIComponent.extend('lading.ui.Component', {
    metadata: { manifest: 'json', interfaces: ['sap.ui.core.IAsyncContentCreation'] },
    init() {
      UIComponent.prototype.init.apply(this, arguments);
      const user = new JSONModel({ known: false, operator: false, finance: false });
      this.setModel(user, 'user');
      this.roles = Promise.all([
        allowed('/odata/v4/reconciliation/ReconciliationRuns?$top=0&$select=ID'),
        allowed('/finance/export/settlements.csv?from=1970-01-01&to=1970-01-01'),
      ]).then(([operator, finance]) => {
        user.setData({ known: true, operator, finance });
        return { operator, finance };
      });
      this.getRouter().initialize();
    },
  });
});
