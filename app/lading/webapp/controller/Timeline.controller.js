sap.ui.define(['sap/ui/core/mvc/Controller'], (Controller) => {
  'use strict';
  const fromHash = (value) => value.replace(/~/g, '/');
  /** One shipment with its events in time order, each with its ledger proof and the IDoc it came from. */
  return Controller.extend('lading.ui.controller.Timeline', {
    onInit() {
      this.getOwnerComponent().getRouter().getRoute('timeline').attachPatternMatched(this.onShow, this);
    },
    onShow(event) {
      const id = fromHash(event.getParameter('arguments').shipment);
      this.getView().bindElement({ path: `/Shipments('${encodeURIComponent(id)}')`, model: 'shipment' });
    },
    onRefresh() {
      this.getView().getElementBinding('shipment')?.refresh();
      this.byId('events').getBinding('items').refresh();
    },
    onOpenIdoc(event) {
      const docnum = event.getSource().getBindingContext('shipment').getProperty('sourceIdoc/docnum');
      this.getOwnerComponent().getRouter().navTo('monitor', { '?query': { docnum } });
    },
    onBack() {
      this.getOwnerComponent().getRouter().navTo('shipments');
    },
  });
});
