/** Shipment IDocs (SHPMNT05/06): transports, their legs and containers, and the deliveries they carry. */
export { mapTransport } from './shpmnt';
export type { MappedTransport, TransportMappingContext } from './shpmnt';
export { transportMapper } from './transport-mapper';
export type { MappedTransportIdoc } from './transport-mapper';
export { HEADER_DEADLINE_EVENTS, SHIPPER_ACTUAL_EVENTS, STAGE_TRANSPORT_QUALIFIER, transportEvents } from './transport-events';
export type * from './transport-record';
