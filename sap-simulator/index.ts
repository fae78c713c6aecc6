/**
 * A simulated SAP system for tests and Lading's embedded default: SAP's IDoc XML inbound service
 * (/sap/bc/idoc_xml), the outbound delivery API (API_OUTBOUND_DELIVERY_SRV, OData V2) and a JSON
 * admin API. Imports nothing of Lading. See README.md here.
 */
export { startSapSimulator } from './server';
export type { SapSimulator, SapSimulatorOptions } from './server';
export type { ActiveFault, FaultScope, FaultSpec } from './faults';
export type { IdocFilter, ReceivedIdoc, SimulatorStats } from './idoc-store';
export type { DeliveryProperty, DeliverySeed, SimDelivery } from './deliveries';
export { DELIVERY_SERVICE_PATH } from './delivery-api';
export { IDOC_PATH, MESSAGE_ID_PARAMETER, QUALITY_OF_SERVICE_PARAMETER } from './idoc-inbound';
