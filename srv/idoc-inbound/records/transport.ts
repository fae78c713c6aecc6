import type { ContainedDeliveryRecord, DeadlineRecord, StagePointRecord, TransportRecord } from '../../../mappings';
import {
  Shipments, TransportDeadlines, TransportDeliveries, TransportHandlingUnitContents, TransportHandlingUnits, TransportPartners,
  Transports, TransportStageDeadlines, TransportStages,
} from '#cds-models/lading';

/**
 * A shipment IDoc's records: the transport and its partners, dates, legs, containers and the
 * deliveries it carries. A newer IDoc of a shipment describes it whole, so its parts replace the
 * old. Runs in the caller's transaction.
 */

function deadlineRow(deadline: DeadlineRecord): Record<string, unknown> {
  const { qualifier, plannedStart, plannedEnd, actualStart, actualEnd, timeZone } = deadline;
  return { qualifier, plannedStart, plannedEnd, actualStart, actualEnd, timeZone };
}

/** Deadlines by qualifier, the first of a repeated qualifier winning (the key). */
function uniqueDeadlines(deadlines: DeadlineRecord[]): DeadlineRecord[] {
  return [...new Map([...deadlines].reverse().map((deadline) => [deadline.qualifier, deadline])).values()].reverse();
}

function pointColumns(prefix: 'departure' | 'destination', point: StagePointRecord | undefined): Record<string, unknown> {
  return {
    [`${prefix}PointId`]: point?.pointId,
    [`${prefix}PointKind`]: point?.pointKind,
    [`${prefix}Name`]: point?.name,
    [`${prefix}City`]: point?.city,
    [`${prefix}Country`]: point?.country,
  };
}

async function deleteParts(transport_ID: string): Promise<void> {
  await DELETE.from(TransportHandlingUnitContents).where({ handlingUnit_transport_ID: transport_ID });
  await DELETE.from(TransportStageDeadlines).where({ stage_transport_ID: transport_ID });
  for (const entity of [TransportPartners, TransportDeadlines, TransportStages, TransportHandlingUnits, TransportDeliveries]) {
    await DELETE.from(entity).where({ transport_ID });
  }
}

async function insertParts(transport: TransportRecord): Promise<void> {
  const transport_ID = transport.transportId;
  const partners = [...new Map(transport.partners.map((partner) => [partner.role, partner])).values()];
  if (partners.length > 0) {
    await INSERT.into(TransportPartners).entries(partners.map(({ extensions, ...partner }) => ({
      ...partner, transport_ID, extensions: extensions ? JSON.stringify(extensions) : null,
    })));
  }
  const deadlines = uniqueDeadlines(transport.deadlines);
  if (deadlines.length > 0) await INSERT.into(TransportDeadlines).entries(deadlines.map((deadline) => ({ ...deadlineRow(deadline), transport_ID })));
  const stages = [...new Map(transport.stages.map((stage) => [stage.stageNumber, stage])).values()];
  if (stages.length > 0) {
    await INSERT.into(TransportStages).entries(stages.map(({ departure, destination, deadlines: _deadlines, deliveryNumbers, ...stage }) => ({
      ...stage, transport_ID, ...pointColumns('departure', departure), ...pointColumns('destination', destination),
      deliveryNumbers: JSON.stringify(deliveryNumbers),
    })));
    const stageDeadlines = stages.flatMap((stage) => uniqueDeadlines(stage.deadlines).map((deadline) => ({
      ...deadlineRow(deadline), stage_transport_ID: transport_ID, stage_stageNumber: stage.stageNumber,
    })));
    if (stageDeadlines.length > 0) await INSERT.into(TransportStageDeadlines).entries(stageDeadlines);
  }
  const units = [...new Map(transport.handlingUnits.map((unit) => [unit.externalId, unit])).values()];
  if (units.length > 0) {
    await INSERT.into(TransportHandlingUnits).entries(units.map(({ contents: _contents, ...unit }) => ({ ...unit, transport_ID })));
    const contents = units.flatMap((unit) => unit.contents.map((content) => ({
      ...content, handlingUnit_transport_ID: transport_ID, handlingUnit_externalId: unit.externalId,
    })));
    if (contents.length > 0) await INSERT.into(TransportHandlingUnitContents).entries(contents);
  }
  if (transport.deliveries.length > 0) {
    await INSERT.into(TransportDeliveries).entries(transport.deliveries.map(({ shipmentId, ...delivery }) => ({
      ...delivery, transport_ID, shipment_ID: shipmentId,
    })));
  }
}

/**
 * Every delivery on the transport must be a Shipments row (events, status and the services join
 * on it). A delivery Lading already knows keeps its row untouched; one it has not received yet
 * gets a minimal row from what the shipment IDoc says, which its own DELVRY later completes.
 */
async function ensureShipments(deliveries: ContainedDeliveryRecord[], senderPartner: string, idocId: string): Promise<void> {
  if (deliveries.length === 0) return;
  const ids = deliveries.map((delivery) => delivery.shipmentId);
  const known = new Set((await SELECT.from(Shipments).columns('ID').where({ ID: { in: ids } })).map((row) => row.ID as string));
  const missing = deliveries.filter((delivery) => !known.has(delivery.shipmentId));
  if (missing.length === 0) return;
  await INSERT.into(Shipments).entries(missing.map(({ shipmentId, ...delivery }) => ({
    ID: shipmentId, ...delivery, senderPartner, status: 'ANNOUNCED', lastIdoc_ID: idocId,
  })));
}

export async function storeTransport(transport: TransportRecord, idocId: string): Promise<void> {
  const { partners: _p, deadlines: _d, stages: _s, handlingUnits: _h, deliveries, extensionSegments, transportId, ...header } = transport;
  await ensureShipments(deliveries, transport.senderPartner, idocId);
  await UPSERT.into(Transports).entries({
    ...header,
    ID: transportId,
    extensionSegments: extensionSegments.length > 0 ? JSON.stringify(extensionSegments) : null,
    lastIdoc_ID: idocId,
  });
  await deleteParts(transportId);
  await insertParts(transport);
}
