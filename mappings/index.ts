/**
 * Lading's mappings: pure functions from IDocs to shipments and DCSA events (and back, in later
 * issues). No I/O, no connector imports.
 */
export { IdocError, isContentError } from './errors';
export type { IdocErrorBody, IdocErrorCode, IdocErrorDetails } from './errors';
export { readIdocXml, DEFAULT_XML_LIMITS } from './idoc/xml-reader';
export type { XmlIdoc, XmlIdocPacket, XmlLimits } from './idoc/xml-reader';
export { readControlRecord } from './idoc/control-record';
export type { ControlRecord } from './idoc/control-record';
export type { Segment } from './idoc/segment';
export { contentHashOf, sha256Hex } from './idoc/content-hash';
export type { ShipmentEvent, EventType, EventClassifierCode, DocumentTypeCode } from './events/shipment-event';
export { eventIdOf, statusAfter } from './events/shipment-event';
export type * from './delivery/delivery-record';

export type { MappingOptions, MappedIdoc, MappedDeliveryIdoc, IdocKind, IdocMapper } from './mapped-idoc';
export type { MappedInvoiceIdoc } from './mapped-idoc';
export * from './invoice';
export * from './customs';
export * from './transport';
export { mapIdoc, mapperFor, isSupported, IDOC_MAPPERS } from './registry';
export { readIdocSoap, soapFaultEnvelope, soapResultsEnvelope, SOAP_11_NAMESPACE, SOAP_12_NAMESPACE, IDOC_SOAP_NAMESPACE, LADING_SOAP_NAMESPACE } from './idoc/soap-reader';
export type { SoapIdocPacket, SoapVersion, SoapErrorDetail, SoapIdocResult } from './idoc/soap-reader';
export { readIdocFlat, segmentTypeOf, DEFAULT_FLAT_LIMITS } from './idoc/flat-reader';
export type { FlatLimits } from './idoc/flat-reader';
export { DELVRY_LAYOUTS } from './idoc/layouts/delvry';
export { SEGMENT_LAYOUTS } from './idoc/layouts';
export { CONTROL_RECORD, DATA_RECORD_HEADER, SDATA_LENGTH } from './idoc/layouts/records';
export type { FieldLayout, SegmentLayout } from './idoc/layouts/records';
export { KILOGRAMS_PER_UNIT, METRES_PER_UNIT, isWeightUnit, kilogramsOf, sameWeightUnit } from './units';
