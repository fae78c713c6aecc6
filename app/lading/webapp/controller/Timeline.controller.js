sap.ui.define(['sap/ui/core/mvc/Controller', 'sap/ui/model/Filter', 'sap/ui/model/Sorter'], (Controller, Filter, Sorter) => {
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
      const table = this.byId('events');
      table.bindItems({
        path: 'shipment>/ShipmentEvents',
        template: this.byId('eventRow'),
        templateShareable: true,
        filters: [new Filter('shipment_ID', 'EQ', id)],
        sorter: [new Sorter('eventDateTime'), new Sorter('createdAt')],
        parameters: { $count: true, $expand: 'sourceIdoc($select=ID,docnum,idocType,messageType,status)' },
      });
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
