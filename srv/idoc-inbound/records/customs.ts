import type { CustomsDeclarationRecord, MappedCustomsIdoc } from '../../../mappings';
import {
  CustomsDeclarationItems, CustomsDeclarations, CustomsLedgerValues, CustomsStatusRecords, ShipmentEvents, Shipments,
} from '#cds-models/lading';
import { storeDelivery } from './delivery';

/**
 * A customs IDoc's records: the delivery (when the IDoc describes it), the declarations with
 * their items and status history, and the customs values of its events for the ledger's private
 * collection. Runs in the caller's transaction, with the events ../store.ts writes.
 */

/**
 * CAP writes a decimal given as a string exactly (a number would pass through binary floating
 * point); cds-typer declares Decimal elements as number, so the string is handed over as one.
 */
function exactDecimal(amount: string): number {
  return amount as unknown as number;
}

/** A bare status message names a delivery by VBELN only: make sure its row exists, never blank it. */
async function ensureShipment(mapped: MappedCustomsIdoc, idocId: string): Promise<void> {
  const { shipment } = mapped;
  const known = await SELECT.one.from(Shipments).columns('ID').where({ ID: shipment.shipmentId });
  if (known) return;
  await INSERT.into(Shipments).entries({
    ID: shipment.shipmentId, deliveryNumber: shipment.deliveryNumber, senderPartner: shipment.senderPartner,
    shipper: shipment.shipper, lastIdoc_ID: idocId,
  });
}

async function storeStatus(declaration: CustomsDeclarationRecord, idocId: string): Promise<void> {
  // The event id names the fact: a status resent in another IDoc is recorded once.
  const known = await SELECT.one.from(CustomsStatusRecords).columns('eventId').where({ eventId: declaration.eventId });
  if (known) return;
  await INSERT.into(CustomsStatusRecords).entries({
    eventId: declaration.eventId, declaration_ID: declaration.declarationId, status: declaration.status,
    statusAt: declaration.statusAt, mrn: declaration.mrn, customsOffice: declaration.customsOffice,
    reason: declaration.reason, sourceIdoc_ID: idocId,
  });
}

/**
 * Values go with a new event only, as the ledger gets each event once (store.ts inserts only new
 * events, after these records): values arriving for an event already known would never reach it.
 */
async function storeLedgerValues(declaration: CustomsDeclarationRecord): Promise<void> {
  const { values, eventId } = declaration;
  if (!values) return;
  const known = await SELECT.one.from(CustomsLedgerValues).columns('eventId').where({ eventId })
    ?? await SELECT.one.from(ShipmentEvents).columns('eventId').where({ eventId });
  if (known) return;
  await INSERT.into(CustomsLedgerValues).entries({
    eventId, declaredValue: values.declaredValue, currency: values.currency, duty: values.duty ?? null,
    hsCodes: JSON.stringify(values.hsCodes),
  });
}

async function storeDeclaration(declaration: CustomsDeclarationRecord, idocId: string): Promise<void> {
  const declaration_ID = declaration.declarationId;
  const known = await SELECT.one.from(CustomsDeclarations).columns('ID').where({ ID: declaration_ID });
  // Fields a message leaves empty keep what an earlier message said (the MRN arrives with acceptance).
  const header: Record<string, unknown> = {
    shipment_ID: declaration.shipmentId, declarationType: declaration.declarationType, lastIdoc_ID: idocId,
  };
  for (const [column, value] of Object.entries({
    declarationNumber: declaration.declarationNumber, mrn: declaration.mrn, customsOffice: declaration.customsOffice,
    procedureCode: declaration.procedureCode, currency: declaration.values?.currency ?? declaration.currency,
  })) {
    if (value !== undefined) header[column] = value;
  }
  if (known) await UPDATE(CustomsDeclarations, declaration_ID).with(header);
  else await INSERT.into(CustomsDeclarations).entries({ ID: declaration_ID, ...header });
  if (declaration.items.length > 0) {
    // A message that lists items lists them all: they replace the ones known.
    await DELETE.from(CustomsDeclarationItems).where({ declaration_ID });
    await INSERT.into(CustomsDeclarationItems).entries(declaration.items.map((item) => ({
      ...item, declaration_ID, customsValue: exactDecimal(item.customsValue), duty: item.duty === undefined ? null : exactDecimal(item.duty),
    })));
  }
  await storeStatus(declaration, idocId);
  await storeLedgerValues(declaration);
  // The current status is the latest by time, so a late message about an earlier status changes nothing.
  const latest = await SELECT.one.from(CustomsStatusRecords).columns('status', 'statusAt')
    .where({ declaration_ID }).orderBy('statusAt desc', 'eventId desc');
  await UPDATE(CustomsDeclarations, declaration_ID).with({ status: latest?.status ?? null, statusAt: latest?.statusAt ?? null });
}

export async function storeCustoms(mapped: MappedCustomsIdoc, idocId: string): Promise<void> {
  if (mapped.deliveryIncluded) await storeDelivery(mapped.shipment, idocId);
  else await ensureShipment(mapped, idocId);
  for (const declaration of mapped.declarations) await storeDeclaration(declaration, idocId);
}
