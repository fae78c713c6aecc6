import type { DeadlineRecord } from '../delivery/delivery-record';
import type { EventClassifierCode, EventType, ShipmentEvent } from '../events/shipment-event';
import { eventIdOf } from '../events/shipment-event';
import type { ControlRecord } from '../idoc/control-record';
import { DEFAULT_DEADLINE_QUALIFIERS } from '../outbound/shipment-deadlines';
import type { StagePointRecord, StageRecord, TransportRecord } from './transport-record';

/** What a shipment deadline means as a DCSA event. */
interface TransportEventMeaning {
  eventType: EventType;
  eventTypeCode: string;
  description: string;
  /** EQUIPMENT events: one per container on the shipment, none when it names no container. */
  perContainer: boolean;
  /** Where it happens: the first stage's departure point or the last stage's destination. */
  at: 'departure' | 'arrival';
}

const Q = DEFAULT_DEADLINE_QUALIFIERS;

/**
 * E1EDT10 header deadline qualifiers Lading turns into events: the same qualifiers Lading writes
 * when it reports milestones to SAP (mappings/outbound/shipment-deadlines.ts), so that what goes
 * out comes back with the same meaning. The list is an inference (see that module's README);
 * any other qualifier is kept as a deadline of the transport, never rejected.
 */
export const HEADER_DEADLINE_EVENTS: Readonly<Record<string, TransportEventMeaning>> = {
  [Q.loaded]: { eventType: 'EQUIPMENT', eventTypeCode: 'LOAD', description: 'Loading end', perContainer: true, at: 'departure' },
  [Q.departed]: { eventType: 'TRANSPORT', eventTypeCode: 'DEPA', description: 'Shipment start', perContainer: false, at: 'departure' },
  [Q.arrived]: { eventType: 'TRANSPORT', eventTypeCode: 'ARRI', description: 'Shipment end', perContainer: false, at: 'arrival' },
  [Q.discharged]: { eventType: 'EQUIPMENT', eventTypeCode: 'DISC', description: 'Discharge', perContainer: true, at: 'arrival' },
};

/**
 * E1EDT45 qualifier of a stage's transport dates, as public integrations read it: start =
 * departure from the stage's departure point, end = arrival at its destination. Not confirmed by
 * SAP documentation; other stage qualifiers are kept as data.
 */
export const STAGE_TRANSPORT_QUALIFIER = '005';

/**
 * Actual (ACT) events Lading may put on the ledger from the shipper's SAP. The recording grants
 * (chaincode/src/access-policy.ts) let the shipper record actual loading at its dock, but only
 * plans of departures, arrivals and discharges: what actually happened on the way is the
 * carrier's to report. Actual dates of those stay on the transport as deadlines (visible in
 * Transports), not on the ledger, so a shipment IDoc is never refused by the ledger.
 */
export const SHIPPER_ACTUAL_EVENTS: ReadonlySet<string> = new Set(['LOAD']);

const LOCATION_LENGTH = 80;

function placeOf(point: StagePointRecord | undefined): string | undefined {
  if (!point) return undefined;
  const text = [point.name ?? point.pointId, point.city, point.country].filter(Boolean).join(', ');
  return text === '' ? undefined : text.slice(0, LOCATION_LENGTH);
}

interface Timing {
  classifier: EventClassifierCode;
  at: string;
}

/** The times of one side of a deadline that may go on the ledger. */
function timings(planned: string | undefined, actual: string | undefined, eventTypeCode: string): Timing[] {
  const out: Timing[] = [];
  if (planned) out.push({ classifier: 'PLN', at: planned });
  if (actual && SHIPPER_ACTUAL_EVENTS.has(eventTypeCode)) out.push({ classifier: 'ACT', at: actual });
  return out;
}

/** Start side of a header deadline (Lading's own SHPMNT writes there), the end side when the start is empty. */
function headerTimings(deadline: DeadlineRecord, eventTypeCode: string): Timing[] {
  return timings(deadline.plannedStart ?? deadline.plannedEnd, deadline.actualStart ?? deadline.actualEnd, eventTypeCode);
}

export interface TransportEventContext {
  control: ControlRecord;
  payloadHash: string;
}

class EventCollector {
  readonly events: ShipmentEvent[] = [];
  private readonly seen = new Set<string>();

  constructor(private readonly context: TransportEventContext) {}

  add(shipmentId: string, event: Omit<ShipmentEvent, 'eventId' | 'shipmentId' | 'payloadHash' | 'source'>, discriminator: string): void {
    // A header date equal to a stage's (same code, class and instant) is the same fact: recorded once, with the stage's place.
    const fact = [shipmentId, event.eventTypeCode, event.eventClassifierCode, event.eventDateTime, event.equipmentReference ?? ''].join('|');
    if (this.seen.has(fact)) return;
    this.seen.add(fact);
    const { control, payloadHash } = this.context;
    const eventId = eventIdOf({ ...event, shipmentId, discriminator });
    this.events.push({ eventId, shipmentId, ...event, payloadHash, source: { idocType: control.idocType, docnum: control.docnum } });
  }
}

/** The ledger shipments a stage concerns: those its E1EDT01 names, else all of the transport's. */
function shipmentsOfStage(transport: TransportRecord, stage: StageRecord): string[] {
  const named = new Set(stage.deliveryNumbers);
  return transport.deliveries.filter((delivery) => named.size === 0 || named.has(delivery.deliveryNumber)).map((delivery) => delivery.shipmentId);
}

/** Containers on the transport and the ledger shipments each carries (its contents' deliveries, else all). */
function containersOf(transport: TransportRecord): { equipmentReference: string; shipmentIds: string[] }[] {
  const all = transport.deliveries.map((delivery) => delivery.shipmentId);
  const byNumber = new Map(transport.deliveries.map((delivery) => [delivery.deliveryNumber, delivery.shipmentId]));
  const containers = transport.handlingUnits.filter((unit) => unit.isContainer).map((unit) => {
    const carried = [...new Set(unit.contents.map((content) => content.deliveryNumber).filter((number): number is string => number !== undefined))]
      .map((number) => byNumber.get(number))
      .filter((id): id is string => id !== undefined);
    return { equipmentReference: unit.externalId, shipmentIds: carried.length > 0 ? carried : all };
  });
  if (transport.containerId && !containers.some((container) => container.equipmentReference === transport.containerId)) {
    containers.push({ equipmentReference: transport.containerId, shipmentIds: all });
  }
  return containers;
}

function stageEvents(transport: TransportRecord, collector: EventCollector): void {
  for (const stage of [...transport.stages].sort((a, b) => (a.sequence ?? 0) - (b.sequence ?? 0))) {
    const shipmentIds = shipmentsOfStage(transport, stage);
    for (const deadline of stage.deadlines) {
      if (deadline.qualifier !== STAGE_TRANSPORT_QUALIFIER) continue;
      const sides = [
        { code: 'DEPA', text: 'Departure', point: stage.departure, times: timings(deadline.plannedStart, deadline.actualStart, 'DEPA') },
        { code: 'ARRI', text: 'Arrival', point: stage.destination, times: timings(deadline.plannedEnd, deadline.actualEnd, 'ARRI') },
      ];
      for (const side of sides) {
        for (const timing of side.times) {
          for (const shipmentId of shipmentIds) {
            collector.add(shipmentId, {
              eventType: 'TRANSPORT', eventClassifierCode: timing.classifier, eventTypeCode: side.code, eventDateTime: timing.at,
              location: placeOf(side.point), description: `${side.text}, shipment ${transport.shipmentNumber} stage ${stage.stageNumber}`,
            }, `${transport.shipmentNumber}/${stage.stageNumber}/${deadline.qualifier}`);
          }
        }
      }
    }
  }
}

function headerEvents(transport: TransportRecord, collector: EventCollector): void {
  const ordered = [...transport.stages].sort((a, b) => (a.sequence ?? 0) - (b.sequence ?? 0));
  const origin = placeOf(ordered[0]?.departure);
  const destination = placeOf(ordered[ordered.length - 1]?.destination);
  const all = transport.deliveries.map((delivery) => delivery.shipmentId);
  const containers = containersOf(transport);
  for (const deadline of transport.deadlines) {
    const meaning = HEADER_DEADLINE_EVENTS[deadline.qualifier];
    if (!meaning) continue; // other qualifiers stay data on the transport
    const location = meaning.at === 'departure' ? origin : destination;
    const description = `${meaning.description}, shipment ${transport.shipmentNumber}`;
    for (const timing of headerTimings(deadline, meaning.eventTypeCode)) {
      const common = { eventType: meaning.eventType, eventClassifierCode: timing.classifier, eventTypeCode: meaning.eventTypeCode, eventDateTime: timing.at, location, description };
      if (!meaning.perContainer) {
        for (const shipmentId of all) collector.add(shipmentId, common, `${transport.shipmentNumber}/${deadline.qualifier}`);
        continue;
      }
      for (const container of containers) {
        for (const shipmentId of container.shipmentIds) {
          collector.add(shipmentId, { ...common, equipmentReference: container.equipmentReference, emptyIndicatorCode: 'LADEN' },
            `${transport.shipmentNumber}/${container.equipmentReference}/${deadline.qualifier}`);
        }
      }
    }
  }
}

/**
 * DCSA events of a transport, one per fact and per delivery on it (each delivery is a ledger
 * shipment). Stages first, so a header date that repeats a stage's is recorded once, with the
 * stage's place. A deleted shipment brings no events. Ids are name-based: a resend changes nothing.
 */
export function transportEvents(transport: TransportRecord, context: TransportEventContext): ShipmentEvent[] {
  if (transport.deleted || transport.deliveries.length === 0) return [];
  const collector = new EventCollector(context);
  stageEvents(transport, collector);
  headerEvents(transport, collector);
  return collector.events;
}
