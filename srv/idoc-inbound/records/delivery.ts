import type { DeliveryRecord } from '../../../mappings';
import {
  HandlingUnitContents, HandlingUnits, ShipmentDeadlines, ShipmentItems, ShipmentPartners, Shipments,
} from '#cds-models/lading';
import { deleteWhereIn, insertRows, upsertRows, valuesPresent } from '../bulk-write';

/** A delivery IDoc's records: the shipment header and its items, partners, units and dates. */

function shipmentColumns(shipment: DeliveryRecord, idocId: string): Record<string, unknown> {
  const { items, partners, handlingUnits, deadlines, extensionSegments, shipmentId, ...header } = shipment;
  return {
    ...header,
    ID: shipmentId,
    extensionSegments: extensionSegments.length > 0 ? JSON.stringify(extensionSegments) : null,
    lastIdoc_ID: idocId,
  };
}

/**
 * Deliveries of one batch, in arrival order. A newer IDoc of a delivery describes it whole: its
 * items, partners, units and dates replace the old, so within a batch the last IDoc of a delivery
 * wins, and details are deleted only for deliveries already stored (a new one has none).
 */
export async function storeDeliveries(deliveries: ReadonlyArray<{ shipment: DeliveryRecord; idocId: string }>): Promise<void> {
  if (deliveries.length === 0) return;
  const latest = [...new Map(deliveries.map((delivery) => [delivery.shipment.shipmentId, delivery])).values()];
  const ids = latest.map((delivery) => delivery.shipment.shipmentId);
  const known = [...await valuesPresent(Shipments, 'ID', ids)];
  if (known.length > 0) {
    // Contents first: HandlingUnits' composition is emptied here, so a plain DELETE of the units leaves nothing behind.
    await deleteWhereIn(HandlingUnitContents, 'handlingUnit_shipment_ID', known);
    for (const entity of [ShipmentItems, ShipmentPartners, HandlingUnits, ShipmentDeadlines]) {
      await deleteWhereIn(entity, 'shipment_ID', known);
    }
  }
  await upsertRows(Shipments, latest.map(({ shipment, idocId }) => shipmentColumns(shipment, idocId)));
  const items = latest.flatMap(({ shipment }) => shipment.items.map((item) => ({ ...item, shipment_ID: shipment.shipmentId })));
  await insertRows(ShipmentItems, items);
  const partners = latest.flatMap(({ shipment }) => shipment.partners.map(({ extensions, ...partner }) => ({
    ...partner, shipment_ID: shipment.shipmentId, extensions: extensions ? JSON.stringify(extensions) : null,
  })));
  await insertRows(ShipmentPartners, partners);
  // SAP may list a handling unit twice (once per content level); the first occurrence wins.
  const units = latest.flatMap(({ shipment }) =>
    [...new Map(shipment.handlingUnits.map((unit) => [unit.externalId, unit])).values()].map((unit) => ({ unit, shipment_ID: shipment.shipmentId })));
  await insertRows(HandlingUnits, units.map(({ unit: { contents, ...unit }, shipment_ID }) => ({ ...unit, shipment_ID })));
  await insertRows(HandlingUnitContents, units.flatMap(({ unit, shipment_ID }) => unit.contents.map((content) => ({
    ...content, handlingUnit_shipment_ID: shipment_ID, handlingUnit_externalId: unit.externalId,
  }))));
  const deadlines = latest.flatMap(({ shipment }) =>
    [...new Map(shipment.deadlines.map((deadline) => [deadline.qualifier, deadline])).values()].map((deadline) => ({ ...deadline, shipment_ID: shipment.shipmentId })));
  await insertRows(ShipmentDeadlines, deadlines);
}

/** Runs in the caller's transaction. */
export async function storeDelivery(shipment: DeliveryRecord, idocId: string): Promise<void> {
  await storeDeliveries([{ shipment, idocId }]);
}
