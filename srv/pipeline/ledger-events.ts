import type { CustomsByEvent, CustomsValues, LedgerEvent } from '../../connectors/fabric';
import { CustomsLedgerValues, InboundIdocs, ShipmentEvents } from '#cds-models/lading';

/**
 * The events an IDoc brought, as they go on the ledger. Built from the database, never from
 * memory, so a retry after a crash submits byte-for-byte the same content (the chaincode rejects
 * an event id whose content changed).
 */
export async function ledgerEventsOf(idocIds: readonly string[]): Promise<Map<string, LedgerEvent[]>> {
  const byIdoc = new Map<string, LedgerEvent[]>(idocIds.map((id) => [id, []]));
  if (idocIds.length === 0) return byIdoc;
  const idocs = await SELECT.from(InboundIdocs).columns('ID', 'idocType', 'docnum').where({ ID: { in: [...idocIds] } });
  const sourceOf = new Map(idocs.map((idoc) => [idoc.ID as string, idoc.docnum ? { idocType: idoc.idocType ?? '', docnum: idoc.docnum } : { idocType: idoc.idocType ?? '' }]));
  const rows = await SELECT.from(ShipmentEvents).where({ sourceIdoc_ID: { in: [...idocIds] } }).orderBy('eventDateTime', 'eventId');
  for (const row of rows) {
    const idocId = row.sourceIdoc_ID as string;
    const event: LedgerEvent = {
      eventId: row.eventId as string,
      shipmentId: row.shipment_ID as string,
      eventType: row.eventType as LedgerEvent['eventType'],
      eventClassifierCode: row.eventClassifierCode as LedgerEvent['eventClassifierCode'],
      eventTypeCode: row.eventTypeCode as string,
      eventDateTime: new Date(row.eventDateTime as string).toISOString(),
      payloadHash: row.payloadHash as string,
    };
    const source = sourceOf.get(idocId);
    if (source) event.source = source;
    if (row.location) event.location = row.location;
    if (row.documentTypeCode) event.documentTypeCode = row.documentTypeCode as LedgerEvent['documentTypeCode'];
    if (row.documentId) event.documentID = row.documentId;
    if (row.equipmentReference) event.equipmentReference = row.equipmentReference;
    const extra = event as LedgerEvent & { emptyIndicatorCode?: string; description?: string };
    if (row.emptyIndicatorCode) extra.emptyIndicatorCode = row.emptyIndicatorCode;
    if (row.description) extra.description = row.description;
    byIdoc.get(idocId)?.push(event);
  }
  return byIdoc;
}

/**
 * The customs values of events, for the ledger's private collection (transient data, never the
 * public event); undefined when none of them has any. Read from the database like the events, so a
 * retry sends the same values.
 */
export async function customsValuesOf(eventIds: readonly string[]): Promise<CustomsByEvent | undefined> {
  if (eventIds.length === 0) return undefined;
  const rows = await SELECT.from(CustomsLedgerValues).where({ eventId: { in: [...eventIds] } });
  if (rows.length === 0) return undefined;
  const byEvent: Record<string, CustomsValues> = {};
  for (const row of rows) {
    const values: CustomsValues = { declaredValue: row.declaredValue as string, currency: row.currency as string, hsCodes: JSON.parse(row.hsCodes as string) as string[] };
    if (row.duty) values.duty = row.duty;
    byEvent[row.eventId as string] = values;
  }
  return byEvent;
}
