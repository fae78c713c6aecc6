sap.ui.define(['sap/ui/core/UIComponent'], (UIComponent) => {
  'use strict';
  /** Lading's operator UI: shipments and their ledger timeline, the IDoc monitor, dead letters, health. */
  return UIComponent.extend('lading.ui.Component', {
    metadata: { manifest: 'json', interfaces: ['sap.ui.core.IAsyncContentCreation'] },
    init() {
      UIComponent.prototype.init.apply(this, arguments);
      this.getRouter().initialize();
    },
  });
});
