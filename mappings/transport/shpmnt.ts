import { IdocError } from '../errors';
import type { ControlRecord } from '../idoc/control-record';
import type { Segment } from '../idoc/segment';
import { childrenNamed, field, firstChild, requiredField } from '../idoc/segment';
import { alpha, instantField, integerField, nonNegativeField, stripLeadingZeros } from '../idoc/values';
import type { DeadlineRecord, DeliveryRecord, PartnerRecord, UnmappedSegment } from '../delivery/delivery-record';
import { mapDelivery } from '../delivery/delvry';
import type { ShipmentEvent } from '../events/shipment-event';
import { transportEvents } from './transport-events';
import type {
  ContainedDeliveryRecord, LegIndicator, StageCategory, StagePointRecord, StageRecord, TransportHandlingUnitRecord,
  TransportMode, TransportRecord,
} from './transport-record';
import { distanceUnitField, invalidField, weightUnitField } from './units';

/**
 * SHPMNT05/06 (SHPMNT, TPSSHT) → a transport, the deliveries it carries and DCSA events for each
 * of them. Pure: no I/O, the same input always gives the same output. Segment and field facts
 * and what of them is assumed: mappings/idoc/layouts/README.md and mappings/transport/README.md.
 */

export interface TransportMappingContext {
  control: ControlRecord;
  payloadHash: string;
  receivedAt: string;
  senderTimeZone?: string;
}

/** Segments of SHPMNT05/06 above the deliveries; anything else (Z-segments) is kept as data. */
const STANDARD_SEGMENTS = new Set([
  'E1EDT20', 'E1EDT22', 'E1EDT18', 'E1EDT10', 'E1ADRM4', 'E1ADRE4', 'E1EDK33', 'E1EDT50', 'E1EDT44', 'E1ADRM6',
  'E1ADRE6', 'E1ADRM7', 'E1ADRE7', 'E1EDT45', 'E1EDT01', 'E1EDT37', 'E1EDT43', 'E1TXTH6', 'E1TXTP6',
]);

const CONTAINER_NUMBER = /^[A-Z]{4}\d{7}$/;
const PARTNER_FUNCTION = /^[A-Z][A-Z0-9]{1,2}$/;
const QUALIFIER = /^[A-Z0-9]{3}$/;

/** E1EDT20/E1EDK33-VSART: SAP's standard shipping types; customers add their own (kept, no mode). */
const MODES: Readonly<Record<string, TransportMode>> = { '01': 'TRUCK', '02': 'MAIL', '03': 'RAIL', '04': 'VESSEL', '05': 'AIR' };
const LEG_INDICATORS: Readonly<Record<string, LegIndicator>> = { 1: 'PRELIMINARY', 2: 'MAIN', 3: 'SUBSEQUENT', 4: 'DIRECT', 5: 'RETURN' };
const STAGE_CATEGORIES: Readonly<Record<string, StageCategory>> = { 1: 'TRANSPORT_LEG', 2: 'LOAD_TRANSFER_POINT', 3: 'BORDER_CROSSING_POINT' };
/** E1EDT44-QUALI: 001 departure point, 002 destination point of a stage. */
const POINT_QUALIFIERS = { departure: '001', destination: '002' } as const;
/** Fields of E1EDT44 that name the point, in the order Lading prefers them. */
const POINT_FIELDS = ['KNOTE', 'VSTEL', 'WERKS', 'KUNNR', 'LIFNR', 'LGNUM'] as const;
/** E1EDT18-QUALF: original, change, deletion. */
const SHIPMENT_ACTIONS = new Set(['ORI', 'CHA', 'CHG', 'DEL']);

function coded<T>(segment: Segment, name: string, table: Readonly<Record<string, T>>, what: string): T | undefined {
  const value = field(segment, name);
  if (value === undefined) return undefined;
  const meaning = table[value];
  if (meaning === undefined) throw invalidField(segment, name, `"${value}" is not a ${what} (${Object.keys(table).join(', ')})`);
  return meaning;
}

function shippingType(segment: Segment): { shippingType?: string; mode?: TransportMode } {
  const value = field(segment, 'VSART');
  if (value === undefined) return {};
  if (!/^[A-Z0-9]{1,2}$/i.test(value)) throw invalidField(segment, 'VSART', `"${value}" is not a shipping type (2 characters, e.g. 01 truck, 04 sea)`);
  return { shippingType: value, mode: MODES[value] };
}

function readDeadlines(parent: Segment, name: 'E1EDT10' | 'E1EDT45'): DeadlineRecord[] {
  return childrenNamed(parent, name).map((segment) => {
    const qualifier = requiredField(segment, 'QUALF').toUpperCase();
    if (!QUALIFIER.test(qualifier)) throw invalidField(segment, 'QUALF', `"${qualifier}" is not a deadline qualifier (3 letters or digits, e.g. 006)`);
    const beginZone = field(segment, 'TZONE_BEG');
    const endZone = field(segment, 'TZONE_END') ?? beginZone;
    const deadline: DeadlineRecord = {
      qualifier,
      plannedStart: instantField(segment, 'NTANF', 'NTANZ', beginZone, 'TZONE_BEG'),
      plannedEnd: instantField(segment, 'NTEND', 'NTENZ', endZone, 'TZONE_END'),
      actualStart: instantField(segment, 'ISDD', 'ISDZ', beginZone, 'TZONE_BEG'),
      actualEnd: instantField(segment, 'IEDD', 'IEDZ', endZone, 'TZONE_END'),
      timeZone: beginZone,
    };
    // An end before its start is no date SAP can hold: the sender's data is wrong.
    if (deadline.plannedStart && deadline.plannedEnd && deadline.plannedEnd < deadline.plannedStart) {
      throw invalidField(segment, 'NTEND', `planned end ${deadline.plannedEnd} is before the planned start ${deadline.plannedStart}`);
    }
    if (deadline.actualStart && deadline.actualEnd && deadline.actualEnd < deadline.actualStart) {
      throw invalidField(segment, 'IEDD', `actual end ${deadline.actualEnd} is before the actual start ${deadline.actualStart}`);
    }
    return deadline;
  });
}

function readPartner(segment: Segment, extension: string): PartnerRecord {
  const role = requiredField(segment, 'PARTNER_Q').toUpperCase();
  if (!PARTNER_FUNCTION.test(role)) {
    throw invalidField(segment, 'PARTNER_Q', `"${role}" is not a partner function (2 or 3 letters, such as SP, AG, WE)`);
  }
  const extensions: Record<string, string> = {};
  for (const extended of childrenNamed(segment, extension)) {
    const qualifier = field(extended, 'EXTEND_Q');
    const value = field(extended, 'EXTEND_D');
    if (qualifier !== undefined && value !== undefined) extensions[qualifier] = value;
  }
  return {
    role,
    partnerId: field(segment, 'PARTNER_ID'),
    name: [field(segment, 'NAME1'), field(segment, 'NAME2')].filter(Boolean).join(' ') || undefined,
    street: field(segment, 'STREET1') ?? field(segment, 'STREET'),
    city: field(segment, 'CITY1') ?? field(segment, 'CITY'),
    postalCode: field(segment, 'POSTL_COD1') ?? field(segment, 'POSTL_CODE'),
    country: (field(segment, 'COUNTRY1') ?? field(segment, 'COUNTRY'))?.toUpperCase(),
    extensions: Object.keys(extensions).length > 0 ? extensions : undefined,
  };
}

const isCarrier = (partner: PartnerRecord): boolean => partner.role === 'SP' || partner.role === 'CAR' || partner.role === 'FW';

function readPoint(segment: Segment): StagePointRecord {
  const kind = POINT_FIELDS.find((name) => field(segment, name) !== undefined);
  const address = firstChild(segment, 'E1ADRM6');
  const raw = kind === undefined ? undefined : (field(segment, kind) as string);
  return {
    pointId: raw !== undefined && /^\d+$/.test(raw) ? stripLeadingZeros(raw) : raw,
    pointKind: kind,
    name: address ? field(address, 'NAME1') : undefined,
    city: address ? field(address, 'CITY1') ?? field(address, 'CITY') : undefined,
    country: address ? (field(address, 'COUNTRY1') ?? field(address, 'COUNTRY'))?.toUpperCase() : undefined,
  };
}

function readStagePoints(stage: Segment): { departure?: StagePointRecord; destination?: StagePointRecord } {
  const points: { departure?: StagePointRecord; destination?: StagePointRecord } = {};
  for (const segment of childrenNamed(stage, 'E1EDT44')) {
    const qualifier = requiredField(segment, 'QUALI');
    if (qualifier === POINT_QUALIFIERS.departure) points.departure ??= readPoint(segment);
    else if (qualifier === POINT_QUALIFIERS.destination) points.destination ??= readPoint(segment);
    else throw invalidField(segment, 'QUALI', `"${qualifier}" is not a stage point qualifier (001 departure, 002 destination)`);
  }
  return points;
}

function readStage(segment: Segment, deliveryNumbers: ReadonlySet<string>): StageRecord {
  const distance = nonNegativeField(segment, 'DISTZ');
  const carrier = childrenNamed(segment, 'E1ADRM7').map((partner) => readPartner(partner, 'E1ADRE7')).find(isCarrier);
  const sequence = integerField(segment, 'TSRFO');
  if (sequence !== undefined && sequence < 0) throw invalidField(segment, 'TSRFO', `must not be negative (got ${sequence})`);
  const stageDeliveries = childrenNamed(segment, 'E1EDT01').map((link) => {
    const number = alpha(requiredField(link, 'VBELN'));
    if (!deliveryNumbers.has(number)) throw invalidField(link, 'VBELN', `delivery ${number} is not among the shipment's deliveries (E1EDL20)`);
    return number;
  });
  return {
    stageNumber: alpha(requiredField(segment, 'TSNUM'), 4),
    sequence,
    category: coded(segment, 'TSTYP', STAGE_CATEGORIES, 'stage category'),
    legIndicator: coded(segment, 'LAUFK', LEG_INDICATORS, 'leg indicator'),
    ...shippingType(segment),
    distance,
    distanceUnit: distanceUnitField(segment, distance),
    ...readStagePoints(segment),
    carrier: carrier?.name,
    carrierPartnerId: carrier?.partnerId,
    deadlines: readDeadlines(segment, 'E1EDT45'),
    deliveryNumbers: [...new Set(stageDeliveries)],
  };
}

/** Units of each delivery item, to check a handling unit's contents against. */
type ItemUnits = Map<string, string | undefined>;

function readHandlingUnit(segment: Segment, deliveries: ReadonlyMap<string, DeliveryRecord>, itemUnits: ItemUnits): TransportHandlingUnitRecord {
  const externalId = requiredField(segment, 'EXIDV');
  const weightField = field(segment, 'GWEIT') !== undefined ? 'GWEIT' : 'GEWEI';
  return {
    externalId,
    isContainer: CONTAINER_NUMBER.test(externalId),
    packagingMaterial: field(segment, 'VHILM'),
    grossWeight: nonNegativeField(segment, 'BRGEW'),
    weightUnit: weightUnitField(segment, weightField),
    contents: childrenNamed(segment, 'E1EDT43').map((content, index) => {
      const number = field(content, 'VBELN') === undefined ? undefined : alpha(field(content, 'VBELN') as string);
      if (number !== undefined && !deliveries.has(number)) {
        throw invalidField(content, 'VBELN', `delivery ${number} is not among the shipment's deliveries (E1EDL20)`);
      }
      const item = field(content, 'POSNR') === undefined ? undefined : alpha(field(content, 'POSNR') as string, 6);
      const unit = field(content, 'VEMEH');
      const itemUnit = number !== undefined && item !== undefined ? itemUnits.get(`${number}/${item}`) : undefined;
      if (unit !== undefined && itemUnit !== undefined && unit.toUpperCase() !== itemUnit.toUpperCase()) {
        throw invalidField(content, 'VEMEH', `unit "${unit}" differs from delivery ${number} item ${item}'s unit "${itemUnit}"`);
      }
      return {
        position: String(index + 1).padStart(6, '0'),
        deliveryNumber: number,
        itemNumber: item,
        material: field(content, 'MATNR'),
        quantity: nonNegativeField(content, 'VEMNG'),
        unit,
      };
    }),
  };
}

function collectUnmapped(segments: Segment[], path: string, out: UnmappedSegment[]): void {
  for (const segment of segments) {
    if (segment.name === 'E1EDL20') continue; // a delivery's own extensions come from its mapping
    const here = path === '' ? segment.name : `${path}/${segment.name}`;
    if (STANDARD_SEGMENTS.has(segment.name)) collectUnmapped(segment.children, here, out);
    else out.push({ path: here, fields: segment.fields, children: segment.children.length });
  }
}

function containedDelivery(record: DeliveryRecord): ContainedDeliveryRecord {
  return {
    shipmentId: record.shipmentId,
    deliveryNumber: record.deliveryNumber,
    consignee: record.consignee,
    consigneePartnerId: record.consigneePartnerId,
    shipToCountry: record.shipToCountry,
    shippingPoint: record.shippingPoint,
    grossWeight: record.grossWeight,
    weightUnit: record.weightUnit,
  };
}

/** The deliveries inside E1EDT20, each mapped (and so checked) as its own DELVRY would be. */
function readDeliveries(header: Segment, context: TransportMappingContext): Map<string, DeliveryRecord> {
  const deliveries = new Map<string, DeliveryRecord>();
  for (const segment of childrenNamed(header, 'E1EDL20')) {
    const { shipment } = mapDelivery([segment], context);
    if (!deliveries.has(shipment.deliveryNumber)) deliveries.set(shipment.deliveryNumber, shipment);
  }
  return deliveries;
}

function shipmentAction(header: Segment): boolean {
  let deleted = false;
  for (const segment of childrenNamed(header, 'E1EDT18')) {
    const qualifier = field(segment, 'QUALF')?.toUpperCase();
    if (qualifier === undefined) continue;
    if (!SHIPMENT_ACTIONS.has(qualifier)) throw invalidField(segment, 'QUALF', `"${qualifier}" is not a shipment action (ORI, CHA, CHG, DEL)`);
    if (qualifier === 'DEL') deleted = true;
  }
  return deleted;
}

/** SIGNI, TPBEZ and EXTI2 as Lading reads them: see README.md here (a convention, not SAP's). */
function vehicleFields(header: Segment, mode: TransportMode | undefined): Pick<TransportRecord, 'containerId' | 'vehicleId' | 'vesselName' | 'voyageNumber'> {
  const signi = field(header, 'SIGNI')?.toUpperCase();
  const isContainer = signi !== undefined && CONTAINER_NUMBER.test(signi);
  return {
    containerId: isContainer ? signi : undefined,
    vehicleId: isContainer ? undefined : field(header, 'SIGNI'),
    vesselName: mode === 'VESSEL' ? field(header, 'TPBEZ') : undefined,
    voyageNumber: mode === 'VESSEL' ? field(header, 'EXTI2') : undefined,
  };
}

export interface MappedTransport {
  transport: TransportRecord;
  events: ShipmentEvent[];
}

export function mapTransport(segments: Segment[], context: TransportMappingContext): MappedTransport {
  const header = segments.find((segment) => segment.name === 'E1EDT20');
  if (!header) {
    throw new IdocError({ code: 'MISSING_SEGMENT', message: 'Mandatory segment E1EDT20 (shipment header) is missing', segment: 'E1EDT20' });
  }
  const shipmentNumber = alpha(requiredField(header, 'TKNUM'));
  const deliveries = readDeliveries(header, context);
  const itemUnits: ItemUnits = new Map([...deliveries.values()].flatMap((delivery) =>
    delivery.items.map((item) => [`${delivery.deliveryNumber}/${item.itemNumber}`, item.unit] as const)));
  const partners = childrenNamed(header, 'E1ADRM4').map((partner) => readPartner(partner, 'E1ADRE4'));
  const carrier = partners.find(isCarrier);
  const { shippingType: vsart, mode } = shippingType(header);
  const distance = nonNegativeField(header, 'DISTZ');
  const unmapped: UnmappedSegment[] = [];
  collectUnmapped(segments, '', unmapped);
  for (const delivery of deliveries.values()) {
    unmapped.push(...delivery.extensionSegments.map((segment) => ({ ...segment, path: `E1EDT20/${segment.path}` })));
  }

  const transport: TransportRecord = {
    transportId: `${context.control.senderPartner}/${shipmentNumber}`,
    shipmentNumber,
    senderPartner: context.control.senderPartner,
    shipmentType: field(header, 'SHTYP'),
    shippingType: vsart,
    mode,
    legIndicator: coded(header, 'LAUFK', LEG_INDICATORS, 'leg indicator'),
    route: field(header, 'ROUTE'),
    description: field(header, 'TPBEZ'),
    ...vehicleFields(header, mode),
    externalId1: field(header, 'EXTI1'),
    externalId2: field(header, 'EXTI2'),
    carrier: carrier?.name,
    carrierPartnerId: carrier?.partnerId,
    distance,
    distanceUnit: distanceUnitField(header, distance),
    deleted: shipmentAction(header),
    partners,
    deadlines: readDeadlines(header, 'E1EDT10'),
    stages: childrenNamed(header, 'E1EDK33').map((stage) => readStage(stage, new Set(deliveries.keys()))),
    handlingUnits: childrenNamed(header, 'E1EDT37').map((unit) => readHandlingUnit(unit, deliveries, itemUnits)),
    deliveries: [...deliveries.values()].map(containedDelivery),
    extensionSegments: unmapped,
  };
  return { transport, events: transportEvents(transport, context) };
}
