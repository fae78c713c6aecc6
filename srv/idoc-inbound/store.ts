import cds from '@sap/cds';
import type { ControlRecord, DeliveryRecord, IdocErrorDetails, ShipmentEvent } from '../../mappings';
import {
  HandlingUnitContents, HandlingUnits, IdocStatusRecords, InboundIdocs, Outbox, ShipmentDeadlines,
  ShipmentEvents, ShipmentItems, ShipmentPartners, Shipments,
} from '#cds-models/lading';
import { refreshShipmentStatus } from '../shipment-status';

/**
 * Durable storage of inbound IDocs. Each IDoc is written in one transaction: the IDoc with its
 * payload and status, the shipment it describes, its new events and an outbox row for the
 * pipeline. Nothing is half-written; a rejected IDoc is kept with status 51.
 */

export interface ReceivedIdoc {
  control?: Partial<ControlRecord>;
  payload: string;
  payloadHash: string;
  contentHash?: string;
  transport: 'xml' | 'soap' | 'flat';
}

export interface StoredIdoc {
  id: string;
  status: string;
  statusText: string;
}

export interface ExistingIdoc extends StoredIdoc {
  contentHash: string | null;
}

const STATUS_TEXT = {
  added: 'IDoc added',
  ready: 'IDoc ready to be passed to the ledger',
};

/** The key that makes resends idempotent: sender partner + DOCNUM, or the content hash without DOCNUM. */
export function acceptedKeyOf(control: Pick<ControlRecord, 'senderPartner' | 'docnum'>, contentHash: string): string {
  return control.docnum ? `${control.senderPartner}/${control.docnum}` : `${control.senderPartner}/sha256:${contentHash}`;
}

export async function findAccepted(acceptedKey: string): Promise<ExistingIdoc | undefined> {
  const row = await SELECT.one.from(InboundIdocs).columns('ID', 'status', 'statusText', 'contentHash').where({ acceptedKey });
  if (!row) return undefined;
  return { id: row.ID as string, status: row.status ?? '', statusText: row.statusText ?? '', contentHash: row.contentHash ?? null };
}

function idocColumns(received: ReceivedIdoc): Record<string, unknown> {
  const control = received.control ?? {};
  return {
    senderPort: control.senderPort,
    senderPartnerType: control.senderPartnerType,
    senderPartner: control.senderPartner,
    receiverPartner: control.receiverPartner,
    docnum: control.docnum,
    idocType: control.idocType,
    messageType: control.messageType,
    extensionType: control.extensionType,
    transport: received.transport,
    payload: received.payload,
    payloadHash: received.payloadHash,
    contentHash: received.contentHash,
  };
}

/** Keeps an IDoc Lading could not accept, with status 51 and the reason. */
export async function storeRejected(received: ReceivedIdoc, reason: IdocErrorDetails): Promise<StoredIdoc> {
  const id = cds.utils.uuid();
  const statusText = reason.message.slice(0, 500);
  await cds.tx(async () => {
    await INSERT.into(InboundIdocs).entries({ ID: id, ...idocColumns(received), status: '51', statusText });
    await INSERT.into(IdocStatusRecords).entries({
      idoc_ID: id, status: '51', message: statusText, segment: reason.segment, field: reason.field,
    });
  });
  return { id, status: '51', statusText };
}

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

/** Inserts events not yet known; returns the ids of the new ones (a resent fact is recorded once). */
async function insertNewEvents(events: ShipmentEvent[], idocId: string): Promise<string[]> {
  if (events.length === 0) return [];
  const ids = events.map((event) => event.eventId);
  const known = new Set(
    (await SELECT.from(ShipmentEvents).columns('eventId').where({ eventId: { in: ids } })).map((row) => row.eventId as string),
  );
  const fresh = [...new Map(events.filter((event) => !known.has(event.eventId)).map((event) => [event.eventId, event])).values()];
  if (fresh.length > 0) {
    await INSERT.into(ShipmentEvents).entries(fresh.map((event) => ({
      eventId: event.eventId,
      shipment_ID: event.shipmentId,
      eventType: event.eventType,
      eventClassifierCode: event.eventClassifierCode,
      eventTypeCode: event.eventTypeCode,
      eventDateTime: event.eventDateTime,
      location: event.location,
      documentTypeCode: event.documentTypeCode,
      documentId: event.documentID,
      equipmentReference: event.equipmentReference,
      emptyIndicatorCode: event.emptyIndicatorCode,
      description: event.description,
      payloadHash: event.payloadHash,
      sourceIdoc_ID: idocId,
    })));
  }
  return fresh.map((event) => event.eventId);
}

export interface AcceptedIdoc extends ReceivedIdoc {
  control: ControlRecord;
  contentHash: string;
  acceptedKey: string;
  shipment: DeliveryRecord;
  events: ShipmentEvent[];
}

/** Thrown when a concurrent request stored the same IDoc first; the caller re-reads it. */
export class AlreadyAcceptedError extends Error {
  constructor(readonly acceptedKey: string, options?: { cause?: unknown }) {
    super(`IDoc ${acceptedKey} was stored concurrently`, options);
    this.name = 'AlreadyAcceptedError';
  }
}

function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  // SQLite and PostgreSQL report a unique constraint violation with these codes.
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === '23505' || code === 'UNIQUE_CONSTRAINT_VIOLATION';
}

export async function storeAccepted(accepted: AcceptedIdoc): Promise<StoredIdoc & { newEventIds: string[] }> {
  const id = cds.utils.uuid();
  const statusText = STATUS_TEXT.ready;
  try {
    return await cds.tx(async () => {
      await INSERT.into(InboundIdocs).entries({
        ID: id, acceptedKey: accepted.acceptedKey, ...idocColumns(accepted), status: '64', statusText,
        shipment_ID: accepted.shipment.shipmentId,
      });
      await INSERT.into(IdocStatusRecords).entries([
        { idoc_ID: id, status: '50', message: STATUS_TEXT.added },
        { idoc_ID: id, status: '64', message: statusText },
      ]);
      await UPSERT.into(Shipments).entries(shipmentColumns(accepted.shipment, id));
      await replaceShipmentDetails(accepted.shipment);
      const newEventIds = await insertNewEvents(accepted.events, id);
      await refreshShipmentStatus(accepted.shipment.shipmentId);
      await INSERT.into(Outbox).entries({ idoc_ID: id, shipmentId: accepted.shipment.shipmentId, topic: 'ledger.record', state: 'pending' });
      return { id, status: '64', statusText, newEventIds };
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new AlreadyAcceptedError(accepted.acceptedKey, { cause: error });
    throw error;
  }
}
