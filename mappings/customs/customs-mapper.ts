import { IdocError } from '../errors';
import type { ControlRecord } from '../idoc/control-record';
import type { Segment } from '../idoc/segment';
import { childrenNamed, field } from '../idoc/segment';
import { alpha } from '../idoc/values';
import type { ShipmentEvent } from '../events/shipment-event';
import { eventIdOf } from '../events/shipment-event';
import { mapDelivery } from '../delivery/delvry';
import type { DeliveryRecord } from '../delivery/delivery-record';
import type { IdocMapper, MappingOptions } from '../mapped-idoc';
import { sumAmounts } from './amounts';
import type { CustomsDeclarationRecord, CustomsLedgerValues } from './customs-record';
import type { DeclarationReading } from './customs-record';
import { DECLARATION_SEGMENT, readDeclaration } from './declarations';
import { CUSTOMS_STATUS_EVENTS } from './status-events';

/**
 * DELVRY07 with extension ZLADING_DECL01: a delivery with its customs declarations and the status
 * each has reached (README.md here). Pure: the same IDoc always maps to the same records and ids.
 */

/** Lading's inbound customs extension of DELVRY07 and its message type (README.md here). */
export const DECLARATION_EXTENSION = 'ZLADING_DECL01';
export const DECLARATION_MESSAGE_TYPE = 'ZLADING_DECL';

const CONTAINER_NUMBER = /^[A-Z]{4}\d{7}$/;

export interface MappedCustoms {
  /** The delivery as the IDoc describes it. */
  shipment: DeliveryRecord;
  /**
   * Whether the IDoc describes the delivery (items or partners), so that its records replace the
   * stored ones; a bare status message (E1EDL20 with only VBELN) must not blank a known delivery.
   */
  deliveryIncluded: boolean;
  declarations: CustomsDeclarationRecord[];
  events: ShipmentEvent[];
  /** Private customs values by event id: for the ledger's private collection, never the public event. */
  customsValues: Record<string, CustomsLedgerValues>;
}

function ledgerValues(reading: DeclarationReading): CustomsLedgerValues | undefined {
  const first = reading.items[0];
  if (!first) return undefined;
  const duties = reading.items.flatMap((item) => (item.duty === undefined ? [] : [item.duty]));
  return {
    declaredValue: sumAmounts(reading.items.map((item) => item.customsValue)),
    currency: first.currency,
    ...(duties.length > 0 ? { duty: sumAmounts(duties) } : {}),
    hsCodes: [...new Set(reading.items.map((item) => item.commodityCode))],
  };
}

function eventOf(reading: DeclarationReading, shipment: DeliveryRecord, control: ControlRecord, payloadHash: string): ShipmentEvent {
  const meaning = CUSTOMS_STATUS_EVENTS[reading.status];
  const reference = reading.declarationNumber ?? (reading.mrn as string);
  const containers = shipment.handlingUnits.filter((unit) => CONTAINER_NUMBER.test(unit.externalId));
  const equipment = meaning.eventType === 'EQUIPMENT';
  const event: Omit<ShipmentEvent, 'eventId'> = {
    shipmentId: shipment.shipmentId,
    eventType: meaning.eventType,
    eventClassifierCode: 'ACT',
    eventTypeCode: meaning.eventTypeCode,
    eventDateTime: reading.statusAt,
    location: reading.customsOffice ? `Customs office ${reading.customsOffice}` : undefined,
    documentTypeCode: 'CUS',
    documentID: reading.mrn ?? reading.declarationNumber,
    equipmentReference: equipment && containers.length === 1 ? containers[0]?.externalId : undefined,
    emptyIndicatorCode: equipment ? 'LADEN' : undefined,
    description: `${reading.declarationType === 'EX' ? 'Export' : 'Import'} declaration ${meaning.verb}`,
    payloadHash,
    source: { idocType: control.idocType, docnum: control.docnum },
  };
  // The declaration (not its MRN, which appears only once accepted) and the status name the fact.
  const eventId = eventIdOf({ ...event, discriminator: `${reading.declarationType}/${reference}/${reading.status}` });
  return { eventId, ...event };
}

const LOGICAL_SYSTEM = /^[A-Z0-9_]{1,10}$/;

/**
 * Z1LADING_DECL-LOGSYS: the logical system of the SAP system the delivery belongs to, when the
 * sender is another one (GTS sends with its own). Shipment ids are `<delivery's system>/<VBELN>`,
 * so without it the declarations would join a shipment of the sender's name, not the delivery's.
 */
function deliverySystem(header: Segment | undefined): string | undefined {
  let system: string | undefined;
  for (const segment of header ? childrenNamed(header, DECLARATION_SEGMENT) : []) {
    const value = field(segment, 'LOGSYS')?.toUpperCase();
    if (value === undefined) continue;
    const fail = (message: string): IdocError => new IdocError({ code: 'INVALID_FIELD', message: `${segment.name}-LOGSYS: ${message}`, segment: segment.name, field: 'LOGSYS' });
    if (!LOGICAL_SYSTEM.test(value)) throw fail(`"${value}" is not a logical system name (up to 10 letters, digits, _)`);
    if (system !== undefined && value !== system) throw fail(`${value} differs from ${system} of another declaration: one IDoc, one delivery`);
    system = value;
  }
  return system;
}

export function mapCustoms(control: ControlRecord, segments: Segment[], options: MappingOptions): MappedCustoms {
  const header = segments.find((segment) => segment.name === 'E1EDL20');
  const system = deliverySystem(header);
  const { shipment: delivery } = mapDelivery(segments, { control: system ? { ...control, senderPartner: system } : control, ...options });
  // Present: mapDelivery refuses an IDoc without its E1EDL20.
  const deliveryHeader = header as Segment;
  // The declarations are mapped here, so they are no unmapped extension of the delivery.
  const shipment: DeliveryRecord = { ...delivery, extensionSegments: delivery.extensionSegments.filter((unmapped) => unmapped.path !== `E1EDL20/${DECLARATION_SEGMENT}`) };
  const deliveryItems = new Set(childrenNamed(deliveryHeader, 'E1EDL24').flatMap((item) => {
    const number = field(item, 'POSNR');
    return number === undefined ? [] : [alpha(number, 6)];
  }));
  const declarations: CustomsDeclarationRecord[] = [];
  const events: ShipmentEvent[] = [];
  const customsValues: Record<string, CustomsLedgerValues> = {};
  for (const segment of childrenNamed(deliveryHeader, DECLARATION_SEGMENT)) {
    const reading = readDeclaration(segment, deliveryItems);
    const event = eventOf(reading, shipment, control, options.payloadHash);
    const values = ledgerValues(reading);
    const reference = reading.declarationNumber ?? (reading.mrn as string);
    declarations.push({ ...reading, declarationId: `${shipment.shipmentId}/${reading.declarationType}/${reference}`, shipmentId: shipment.shipmentId, eventId: event.eventId, values });
    if (!events.some((known) => known.eventId === event.eventId)) events.push(event);
    if (values && customsValues[event.eventId] === undefined) customsValues[event.eventId] = values;
  }
  return {
    shipment,
    deliveryIncluded: childrenNamed(deliveryHeader, 'E1EDL24').length > 0 || childrenNamed(deliveryHeader, 'E1ADRM1').length > 0,
    declarations,
    events,
    customsValues,
  };
}

function summaryOf(mapped: MappedCustoms): string {
  const declarations = mapped.declarations.map((declaration) => `${declaration.declarationType} ${declaration.mrn ?? declaration.declarationNumber} ${declaration.status}`);
  return `customs ${declarations.length > 0 ? declarations.join(', ') : 'no declaration'} for delivery ${mapped.shipment.deliveryNumber}`;
}

/**
 * Claims DELVRY07 IDocs with CIMTYP ZLADING_DECL01; every other DELVRY stays with the delivery
 * mapper. Message type ZLADING_DECL, or a delivery message type the declarations ride along on.
 */
export const customsMapper: IdocMapper = {
  kind: 'customs',
  idocTypes: new Set(['DELVRY07']),
  messageTypes: new Set([DECLARATION_MESSAGE_TYPE, 'DESADV', 'SHPCON', 'WHSCON', 'DELVRY', 'SHPORD', 'WHSORD']),
  extensionTypes: new Set([DECLARATION_EXTENSION]),
  map(control, segments, options) {
    const mapped = mapCustoms(control, segments, options);
    return { kind: 'customs', ...mapped, shipmentIds: [mapped.shipment.shipmentId], summary: summaryOf(mapped) };
  },
};
