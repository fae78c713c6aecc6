import { IdocError } from '../errors';
import type { ControlRecord } from '../idoc/control-record';
import type { Segment } from '../idoc/segment';
import { childrenNamed, field, requiredField } from '../idoc/segment';
import { alpha, instantField, integerField, nonNegativeField, stripLeadingZeros } from '../idoc/values';
import type { ShipmentEvent } from '../events/shipment-event';
import { eventIdOf } from '../events/shipment-event';
import { KILOGRAMS_PER_UNIT } from '../units';
import { DEADLINE_EVENTS, DELETION_EVENT, RECEIPT_EVENT } from './deadline-events';
import type { DeadlineRecord, DeliveryRecord, HandlingUnitRecord, ItemRecord, PartnerRecord, UnmappedSegment } from './delivery-record';

/**
 * DELVRY01/03/05/06/07 (DESADV, SHPCON, WHSCON, DELVRY, SHPORD, WHSORD) → a shipment and its
 * DCSA events. Pure: no I/O, the same input always gives the same output.
 */

export interface DeliveryMappingContext {
  control: ControlRecord;
  /** SHA-256 of the IDoc payload as stored, carried by every event as provenance. */
  payloadHash: string;
  /** Used for the receipt event when the control record has no creation date. */
  receivedAt: string;
  /** SAP time zone of the sending system, for control-record times. Default UTC. */
  senderTimeZone?: string;
}

/** Segments of the standard DELVRY types; anything else (Z-segments, extensions) is kept as data. */
const STANDARD_SEGMENTS = new Set([
  'E1EDL20', 'E1EDL22', 'E1EDL21', 'E1EDL23', 'E1EDL18', 'E1EDL28', 'E1EDL29', 'E1EDL30', 'E1EDL33',
  'E1ADRM1', 'E1ADRE1', 'E1ADRE4', 'E1EDT13', 'E1EDL24', 'E1EDL19', 'E1EDL25', 'E1EDL26', 'E1EDL27',
  'E1EDL35', 'E1EDL36', 'E1EDL41', 'E1EDL43', 'E1EDL52', 'E1EDL53', 'E1EDL37', 'E1EDL38', 'E1EDL39',
  'E1EDL44', 'E1EDL45', 'E1EDL49', 'E1TXTH8', 'E1TXTP8', 'E1EDL40', 'E1EDL32', 'E1EDL34',
]);

const CONTAINER_NUMBER = /^[A-Z]{4}\d{7}$/;

/**
 * Partner functions (PARVW) as E1ADRM1 sends them: 2 letters (AG, WE, SP) or 3 (OSP, OSO).
 * Customer-defined functions (Z1, ZA) start with a letter and may carry a digit: accepted.
 */
const PARTNER_FUNCTION = /^[A-Z][A-Z0-9]{1,2}$/;

function invalidField(segment: Segment, name: string, message: string): IdocError {
  return new IdocError({ code: 'INVALID_FIELD', message: `${segment.name}-${name}: ${message}`, segment: segment.name, field: name });
}

function partnerFunction(segment: Segment): string {
  const role = requiredField(segment, 'PARTNER_Q').toUpperCase();
  if (!PARTNER_FUNCTION.test(role)) {
    throw invalidField(segment, 'PARTNER_Q', `"${role}" is not a partner function (2 or 3 letters, such as AG, WE, SP, OSP)`);
  }
  return role;
}

/**
 * An item's weight unit, checked against the header's GEWEI when both are given. An item may state
 * its weights in another unit than the header (SAP converts when it sums them): accepted and kept
 * per item when both are weight units Lading can convert (../units), refused otherwise.
 */
function itemWeightUnit(segment: Segment, headerUnit: string | undefined): string | undefined {
  const unit = field(segment, 'GEWEI')?.toUpperCase();
  if (unit === undefined || headerUnit === undefined || unit === headerUnit.toUpperCase()) return field(segment, 'GEWEI');
  if (KILOGRAMS_PER_UNIT[unit] === undefined || KILOGRAMS_PER_UNIT[headerUnit.toUpperCase()] === undefined) {
    throw invalidField(segment, 'GEWEI', `weight unit "${unit}" differs from the delivery header's GEWEI "${headerUnit}" and cannot be converted to it`);
  }
  return field(segment, 'GEWEI');
}

function readPartners(header: Segment): PartnerRecord[] {
  return childrenNamed(header, 'E1ADRM1').map((segment) => {
    const extensions: Record<string, string> = {};
    for (const extended of childrenNamed(segment, 'E1ADRE1')) {
      const qualifier = field(extended, 'EXTEND_Q');
      const value = field(extended, 'EXTEND_D');
      if (qualifier !== undefined && value !== undefined) extensions[qualifier] = value;
    }
    return {
      role: partnerFunction(segment),
      partnerId: field(segment, 'PARTNER_ID'),
      name: [field(segment, 'NAME1'), field(segment, 'NAME2')].filter(Boolean).join(' ') || undefined,
      street: field(segment, 'STREET1') ?? field(segment, 'STREET'),
      city: field(segment, 'CITY1') ?? field(segment, 'CITY'),
      postalCode: field(segment, 'POSTL_COD1') ?? field(segment, 'POSTL_CODE'),
      country: (field(segment, 'COUNTRY1') ?? field(segment, 'COUNTRY'))?.toUpperCase(),
      extensions: Object.keys(extensions).length > 0 ? extensions : undefined,
    };
  });
}

function readItems(header: Segment): ItemRecord[] {
  const headerWeightUnit = field(header, 'GEWEI');
  return childrenNamed(header, 'E1EDL24').map((segment) => {
    const material = field(segment, 'MATNR');
    return {
      itemNumber: alpha(requiredField(segment, 'POSNR'), 6),
      material: material === undefined ? undefined : /^\d+$/.test(material) ? stripLeadingZeros(material) : material,
      customerMaterial: field(segment, 'KDMAT'),
      description: field(segment, 'ARKTX'),
      quantity: nonNegativeField(segment, 'LFIMG'),
      unit: field(segment, 'VRKME'),
      netWeight: nonNegativeField(segment, 'NTGEW'),
      grossWeight: nonNegativeField(segment, 'BRGEW'),
      weightUnit: itemWeightUnit(segment, headerWeightUnit),
      plant: field(segment, 'WERKS'),
      storageLocation: field(segment, 'LGORT'),
      batch: field(segment, 'CHARG'),
      originCountry: field(segment, 'HERKL')?.toUpperCase(),
      commodityCode: field(segment, 'STAWN'),
      referenceDocument: field(segment, 'VGBEL'),
      referenceItem: field(segment, 'VGPOS'),
    };
  });
}

function packageCount(header: Segment): number | undefined {
  const count = integerField(header, 'ANZPK');
  if (count !== undefined && count < 0) throw invalidField(header, 'ANZPK', `must not be negative (got ${count})`);
  return count;
}

function readHandlingUnits(header: Segment): HandlingUnitRecord[] {
  return childrenNamed(header, 'E1EDL37').map((segment) => {
    // Contents come as E1EDL44 in current releases; older configurations send them as E1EDL39.
    const contentSegments = [...childrenNamed(segment, 'E1EDL44'), ...childrenNamed(segment, 'E1EDL39')]
      .filter((content) => field(content, 'POSNR') !== undefined || field(content, 'VEMNG') !== undefined);
    return {
      externalId: requiredField(segment, 'EXIDV'),
      packagingMaterial: field(segment, 'VHILM'),
      packagingType: field(segment, 'VHART'),
      grossWeight: nonNegativeField(segment, 'BRGEW'),
      weightUnit: field(segment, 'GWEIT') ?? field(segment, 'GEWEI'),
      // No standard seal field exists; SEALN is the convention of our extension, EXIDV2 the fallback.
      sealNumber: field(segment, 'SEALN') ?? field(segment, 'EXIDV2'),
      contents: contentSegments.map((content, index) => ({
        position: String(index + 1).padStart(6, '0'),
        deliveryNumber: field(content, 'VBELN') === undefined ? undefined : alpha(field(content, 'VBELN') as string),
        itemNumber: field(content, 'POSNR') === undefined ? undefined : alpha(field(content, 'POSNR') as string, 6),
        material: field(content, 'MATNR'),
        batch: field(content, 'CHARG'),
        quantity: nonNegativeField(content, 'VEMNG'),
        unit: field(content, 'VEMEH'),
      })),
    };
  });
}

function readDeadlines(header: Segment): DeadlineRecord[] {
  return childrenNamed(header, 'E1EDT13').map((segment) => {
    const beginZone = field(segment, 'TZONE_BEG');
    const endZone = field(segment, 'TZONE_END') ?? beginZone;
    return {
      qualifier: requiredField(segment, 'QUALF'),
      plannedStart: instantField(segment, 'NTANF', 'NTANZ', beginZone, 'TZONE_BEG'),
      plannedEnd: instantField(segment, 'NTEND', 'NTENZ', endZone, 'TZONE_END'),
      actualStart: instantField(segment, 'ISDD', 'ISDZ', beginZone, 'TZONE_BEG'),
      actualEnd: instantField(segment, 'IEDD', 'IEDZ', endZone, 'TZONE_END'),
      timeZone: beginZone,
    };
  });
}

function collectUnmapped(segments: Segment[], path: string, out: UnmappedSegment[]): void {
  for (const segment of segments) {
    const here = path === '' ? segment.name : `${path}/${segment.name}`;
    if (STANDARD_SEGMENTS.has(segment.name)) collectUnmapped(segment.children, here, out);
    else out.push({ path: here, fields: segment.fields, children: segment.children.length });
  }
}

function place(partner: PartnerRecord | undefined): string | undefined {
  if (!partner) return undefined;
  return [partner.city, partner.country].filter(Boolean).join(', ') || undefined;
}

function controlInstant(control: ControlRecord, zone: string | undefined): string | undefined {
  if (!control.createdDate) return undefined;
  const pseudo: Segment = { name: 'EDI_DC40', fields: { CREDAT: control.createdDate, CRETIM: control.createdTime ?? '' }, children: [], offset: 0 };
  return instantField(pseudo, 'CREDAT', 'CRETIM', zone, 'CRETIM');
}

function deliveryEvents(delivery: DeliveryRecord, context: DeliveryMappingContext, deleted: boolean): ShipmentEvent[] {
  const { control, payloadHash } = context;
  const source = { idocType: control.idocType, docnum: control.docnum };
  const containers = delivery.handlingUnits.filter((unit) => CONTAINER_NUMBER.test(unit.externalId));
  const equipmentReference = containers.length === 1 ? containers[0]?.externalId : undefined;
  const shipFrom = delivery.partners.find((partner) => partner.role === 'OSP' || partner.role === 'OSO');
  const shipTo = delivery.partners.find((partner) => partner.role === 'WE');
  const events: ShipmentEvent[] = [];
  const add = (event: Omit<ShipmentEvent, 'eventId' | 'shipmentId' | 'payloadHash' | 'source'>, discriminator?: string): void => {
    const identity = { ...event, shipmentId: delivery.shipmentId, discriminator };
    events.push({ eventId: eventIdOf(identity), shipmentId: delivery.shipmentId, ...event, payloadHash, source });
  };

  const receipt = deleted ? DELETION_EVENT : RECEIPT_EVENT;
  add({
    eventType: receipt.eventType, eventClassifierCode: 'ACT', eventTypeCode: receipt.eventTypeCode,
    eventDateTime: controlInstant(control, context.senderTimeZone) ?? context.receivedAt,
    documentTypeCode: receipt.documentTypeCode, documentID: delivery.deliveryNumber, description: receipt.description,
  }, `${control.docnum ?? ''}/${control.messageType}`);
  if (deleted) return events;

  for (const deadline of delivery.deadlines) {
    const meaning = DEADLINE_EVENTS[deadline.qualifier];
    if (!meaning) continue; // unknown qualifiers stay data on the shipment (deadlines)
    const location = place(meaning.at === 'ship-to' ? shipTo : shipFrom) ?? (meaning.at === 'ship-from' ? delivery.shippingPoint : undefined);
    const common = {
      eventType: meaning.eventType, eventTypeCode: meaning.eventTypeCode, location,
      documentTypeCode: meaning.documentTypeCode, documentID: meaning.documentTypeCode ? delivery.deliveryNumber : undefined,
      equipmentReference: meaning.eventType === 'EQUIPMENT' ? equipmentReference : undefined,
      emptyIndicatorCode: meaning.eventType === 'EQUIPMENT' ? ('LADEN' as const) : undefined,
      description: meaning.description,
    };
    if (deadline.plannedStart) add({ ...common, eventClassifierCode: 'PLN', eventDateTime: deadline.plannedStart }, deadline.qualifier);
    if (deadline.actualStart && meaning.actualByShipper !== false) add({ ...common, eventClassifierCode: 'ACT', eventDateTime: deadline.actualStart }, deadline.qualifier);
  }
  return events;
}

export interface MappedDelivery {
  shipment: DeliveryRecord;
  events: ShipmentEvent[];
}

export function mapDelivery(segments: Segment[], context: DeliveryMappingContext): MappedDelivery {
  const header = segments.find((segment) => segment.name === 'E1EDL20');
  if (!header) {
    throw new IdocError({ code: 'MISSING_SEGMENT', message: 'Mandatory segment E1EDL20 (delivery header) is missing', segment: 'E1EDL20' });
  }
  const deliveryNumber = alpha(requiredField(header, 'VBELN'));
  const partners = readPartners(header);
  const byRole = (...roles: string[]): PartnerRecord | undefined => partners.find((partner) => roles.includes(partner.role));
  const shipTo = byRole('WE');
  const shipFrom = byRole('OSP', 'OSO', 'LF');
  const carrier = byRole('SP', 'CAR', 'FW');
  const control21 = childrenNamed(header, 'E1EDL21')[0];
  const qualifiers = childrenNamed(header, 'E1EDL18').map((segment) => field(segment, 'QUALF')?.toUpperCase());
  const unmapped: UnmappedSegment[] = [];
  collectUnmapped(segments, '', unmapped);

  const shipment: DeliveryRecord = {
    shipmentId: `${context.control.senderPartner}/${deliveryNumber}`,
    deliveryNumber,
    senderPartner: context.control.senderPartner,
    shipper: shipFrom?.name ?? context.control.senderPartner,
    shipperPartnerId: shipFrom?.partnerId,
    consignee: shipTo?.name,
    consigneePartnerId: shipTo?.partnerId,
    soldTo: byRole('AG')?.name,
    carrier: carrier?.name,
    carrierPartnerId: carrier?.partnerId,
    shipFromCountry: shipFrom?.country,
    shipToCountry: shipTo?.country,
    shippingPoint: field(header, 'VSTEL'),
    salesOrganization: field(header, 'VKORG'),
    route: field(header, 'ROUTE'),
    incoterms: field(header, 'INCO1'),
    incotermsPlace: field(header, 'INCO2'),
    billOfLading: field(header, 'BOLNR'),
    externalId: field(header, 'LIFEX'),
    deliveryType: control21 ? field(control21, 'LFART') : undefined,
    grossWeight: nonNegativeField(header, 'BTGEW'),
    netWeight: nonNegativeField(header, 'NTGEW'),
    weightUnit: field(header, 'GEWEI'),
    volume: nonNegativeField(header, 'VOLUM'),
    volumeUnit: field(header, 'VOLEH'),
    packageCount: packageCount(header),
    items: readItems(header),
    partners,
    handlingUnits: readHandlingUnits(header),
    deadlines: readDeadlines(header),
    extensionSegments: unmapped,
  };
  return { shipment, events: deliveryEvents(shipment, context, qualifiers.includes('DEL')) };
}
