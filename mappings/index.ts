/**
 * Lading's mappings: pure functions from IDocs to shipments and DCSA events (and back, in later
 * issues). No I/O, no connector imports.
 */
import { IdocError } from './errors';
import type { ControlRecord } from './idoc/control-record';
import type { Segment } from './idoc/segment';
import type { MappedDelivery } from './delivery/delvry';
import { mapDelivery } from './delivery/delvry';

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

/** Basic types and the message types Lading accepts on them. */
const DELIVERY_TYPES = new Set(['DELVRY01', 'DELVRY03', 'DELVRY05', 'DELVRY06', 'DELVRY07']);
const DELIVERY_MESSAGES = new Set(['DESADV', 'SHPCON', 'WHSCON', 'DELVRY', 'SHPORD', 'WHSORD']);

export interface MappingOptions {
  /** SHA-256 of the IDoc payload as stored. */
  payloadHash: string;
  /** ISO instant the IDoc arrived; used when the control record carries no creation time. */
  receivedAt: string;
  /** SAP time zone code of the sending system, for EDI_DC40 CREDAT/CRETIM. Default UTC. */
  senderTimeZone?: string;
}

export type MappedIdoc = { kind: 'delivery' } & MappedDelivery;

export function isSupported(control: Pick<ControlRecord, 'idocType' | 'messageType'>): boolean {
  return DELIVERY_TYPES.has(control.idocType) && DELIVERY_MESSAGES.has(control.messageType);
}

/** Maps one IDoc by its control record's basic type and message type. */
export function mapIdoc(control: ControlRecord, segments: Segment[], options: MappingOptions): MappedIdoc {
  if (!DELIVERY_TYPES.has(control.idocType)) {
    throw new IdocError({
      code: 'UNKNOWN_IDOC_TYPE',
      message: `Basic type ${control.idocType} is not supported (supported: ${[...DELIVERY_TYPES].join(', ')})`,
      segment: 'EDI_DC40',
      field: 'IDOCTYP',
    });
  }
  if (!DELIVERY_MESSAGES.has(control.messageType)) {
    throw new IdocError({
      code: 'UNKNOWN_IDOC_TYPE',
      message: `Message type ${control.messageType} is not supported on ${control.idocType} (supported: ${[...DELIVERY_MESSAGES].join(', ')})`,
      segment: 'EDI_DC40',
      field: 'MESTYP',
    });
  }
  return { kind: 'delivery', ...mapDelivery(segments, { control, ...options }) };
}
export { readIdocSoap, soapFaultEnvelope, soapResultsEnvelope, SOAP_11_NAMESPACE, SOAP_12_NAMESPACE, IDOC_SOAP_NAMESPACE, LADING_SOAP_NAMESPACE } from './idoc/soap-reader';
export type { SoapIdocPacket, SoapVersion, SoapErrorDetail, SoapIdocResult } from './idoc/soap-reader';
export { readIdocFlat, segmentTypeOf, DEFAULT_FLAT_LIMITS } from './idoc/flat-reader';
export type { FlatLimits } from './idoc/flat-reader';
export { DELVRY_LAYOUTS } from './idoc/layouts/delvry';
export { CONTROL_RECORD, DATA_RECORD_HEADER, SDATA_LENGTH } from './idoc/layouts/records';
export type { FieldLayout, SegmentLayout } from './idoc/layouts/records';
