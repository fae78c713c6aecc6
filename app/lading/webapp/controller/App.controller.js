sap.ui.define(['sap/ui/core/mvc/Controller'], (Controller) => {
  'use strict';
  /** The navigation between the screens; the tab follows the route (deep links included). */
  const TAB_OF_ROUTE = { timeline: 'shipments' };
  return Controller.extend('lading.ui.controller.App', {
    onInit() {
      const router = this.getOwnerComponent().getRouter();
      router.attachRouteMatched((event) => {
        const route = event.getParameter('name');
        this.byId('nav').setSelectedKey(TAB_OF_ROUTE[route] ?? route);
      });
    },
    onNavigate(event) {
      this.getOwnerComponent().getRouter().navTo(event.getParameter('key'));
    },
  });
});
