sap.ui.define(['sap/ui/core/mvc/Controller', 'sap/ui/model/Filter', 'sap/ui/model/FilterOperator'], (Controller, Filter, FilterOperator) => {
  'use strict';
  /** Shipment ids hold a slash (sender/delivery); in the URL hash it becomes a tilde. */
  const toHash = (id) => id.replace(/\//g, '~');
  return Controller.extend('lading.ui.controller.Shipments', {
    onOpen(event) {
      const id = event.getSource().getBindingContext('shipment').getProperty('ID');
      this.getOwnerComponent().getRouter().navTo('timeline', { shipment: toHash(id) });
    },
    onSearch(event) {
      const query = event.getParameter('query');
      this.byId('shipments').getBinding('items').filter(query ? [new Filter('deliveryNumber', FilterOperator.Contains, query)] : []);
    },
    onRefresh() {
      this.byId('shipments').getBinding('items').refresh();
    },
  });
});
