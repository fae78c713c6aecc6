import type { DeliveryRecord } from '../../../mappings';
import {
  HandlingUnitContents, HandlingUnits, ShipmentDeadlines, ShipmentItems, ShipmentPartners, Shipments,
} from '#cds-models/lading';

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

async function replaceShipmentDetails(shipment: DeliveryRecord): Promise<void> {
  const shipment_ID = shipment.shipmentId;
  // A newer IDoc of a delivery describes it whole: its items, partners, units and dates replace the old.
  await DELETE.from(HandlingUnitContents).where({ handlingUnit_shipment_ID: shipment_ID });
  for (const entity of [ShipmentItems, ShipmentPartners, HandlingUnits, ShipmentDeadlines]) {
    await DELETE.from(entity).where({ shipment_ID });
  }
  if (shipment.items.length > 0) {
    await INSERT.into(ShipmentItems).entries(shipment.items.map((item) => ({ ...item, shipment_ID })));
  }
  if (shipment.partners.length > 0) {
    await INSERT.into(ShipmentPartners).entries(shipment.partners.map(({ extensions, ...partner }) => ({
      ...partner, shipment_ID, extensions: extensions ? JSON.stringify(extensions) : null,
    })));
  }
  // SAP may list a handling unit twice (once per content level); the first occurrence wins.
  const units = [...new Map(shipment.handlingUnits.map((unit) => [unit.externalId, unit])).values()];
  if (units.length > 0) {
    await INSERT.into(HandlingUnits).entries(units.map(({ contents, ...unit }) => ({ ...unit, shipment_ID })));
    const contents = units.flatMap((unit) => unit.contents.map((content) => ({
      ...content, handlingUnit_shipment_ID: shipment_ID, handlingUnit_externalId: unit.externalId,
    })));
    if (contents.length > 0) await INSERT.into(HandlingUnitContents).entries(contents);
  }
  const deadlines = [...new Map(shipment.deadlines.map((deadline) => [deadline.qualifier, deadline])).values()];
  if (deadlines.length > 0) {
    await INSERT.into(ShipmentDeadlines).entries(deadlines.map((deadline) => ({ ...deadline, shipment_ID })));
  }
}

/** Runs in the caller's transaction. */
export async function storeDelivery(shipment: DeliveryRecord, idocId: string): Promise<void> {
  await UPSERT.into(Shipments).entries(shipmentColumns(shipment, idocId));
  await replaceShipmentDetails(shipment);
}
