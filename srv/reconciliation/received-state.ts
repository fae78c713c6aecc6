import { createHash } from 'node:crypto';
import { InboundIdocs, OutboundIdocs, Outbox, ShipmentEvents, Shipments } from '#cds-models/lading';
import type { OutboxState, ReceivedEvent, ReceivedShipment, UnsentOutboundIdoc } from './state';

/**
 * What Lading received: shipments page by page (keyset on the id, never a whole-table load), each
 * with its events, the outbox state and stored payload hash of their IDocs, and the IDocs for SAP
 * it still owes. Ordered by id in the database's ordering (binary on SQLite; the merge checks it).
 */

const SHIPMENT_COLUMNS = ['ID', 'deliveryNumber', 'shippingPoint', 'salesOrganization', 'deliveryType', 'grossWeight', 'netWeight', 'weightUnit', 'status'] as const;

type Text = string | number | null | undefined;

function text(value: Text): string | undefined {
  return value === null || value === undefined || value === '' ? undefined : String(value);
}

interface ShipmentRow { ID?: string | null; deliveryNumber?: Text; shippingPoint?: Text; salesOrganization?: Text; deliveryType?: Text; grossWeight?: Text; netWeight?: Text; weightUnit?: Text; status?: Text }

function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/** Events, outbox states, payload hashes and unsent outbound IDocs of these shipments (one query each). */
async function detailsOf(rows: ShipmentRow[]): Promise<ReceivedShipment[]> {
  const ids = rows.map((row) => row.ID as string);
  if (ids.length === 0) return [];
  const events = await SELECT.from(ShipmentEvents).columns('eventId', 'shipment_ID', 'payloadHash', 'ledgerTxId', 'recordedBy', 'sourceIdoc_ID')
    .where({ shipment_ID: { in: ids } }).orderBy('eventId');
  const idocIds = [...new Set(events.map((event) => event.sourceIdoc_ID).filter((id): id is string => typeof id === 'string'))];
  const outbox = new Map<string, OutboxState>();
  const storedHash = new Map<string, string>();
  if (idocIds.length > 0) {
    for (const row of await SELECT.from(Outbox).columns('idoc_ID', 'state').where({ idoc_ID: { in: idocIds } })) {
      if (row.idoc_ID && row.state) outbox.set(row.idoc_ID, row.state as OutboxState);
    }
    for (const row of await SELECT.from(InboundIdocs).columns('ID', 'payload').where({ ID: { in: idocIds } })) {
      if (row.ID && typeof row.payload === 'string') storedHash.set(row.ID, sha256Hex(row.payload));
    }
  }
  const outbound = await SELECT.from(OutboundIdocs).columns('ID', 'docnum', 'status', 'shipment_ID')
    .where({ shipment_ID: { in: ids }, status: { in: ['02', '30'] } }).orderBy('docnum');

  const byShipment = new Map<string, ReceivedShipment>();
  for (const row of rows) {
    byShipment.set(row.ID as string, {
      shipmentId: row.ID as string,
      ...Object.fromEntries(SHIPMENT_COLUMNS.slice(1).map((column) => [column, text(row[column])]).filter(([, value]) => value !== undefined)),
      events: [],
      outbound: [],
    });
  }
  for (const event of events) {
    const shipment = byShipment.get(event.shipment_ID as string);
    if (!shipment) continue;
    const source = text(event.sourceIdoc_ID);
    const received: ReceivedEvent = {
      eventId: event.eventId as string,
      settled: Boolean(event.ledgerTxId),
      ...(text(event.payloadHash) ? { payloadHash: text(event.payloadHash) } : {}),
      ...(text(event.recordedBy) ? { recordedBy: text(event.recordedBy) } : {}),
      ...(source ? { sourceIdocId: source } : {}),
      ...(source && outbox.has(source) ? { outboxState: outbox.get(source) } : {}),
      ...(source && storedHash.has(source) ? { storedPayloadHash: storedHash.get(source) } : {}),
    };
    shipment.events.push(received);
  }
  for (const idoc of outbound) {
    const unsent: UnsentOutboundIdoc = { id: idoc.ID as string, docnum: idoc.docnum ?? '', status: idoc.status ?? '' };
    byShipment.get(idoc.shipment_ID as string)?.outbound.push(unsent);
  }
  return [...byShipment.values()];
}

/** Every shipment Lading received, in pages of `pageSize`, ordered by id. */
export async function* receivedPages(pageSize: number): AsyncGenerator<ReceivedShipment[]> {
  let after: string | undefined;
  for (;;) {
    const query = SELECT.from(Shipments).columns(...SHIPMENT_COLUMNS).orderBy('ID').limit(pageSize);
    const rows = (await (after === undefined ? query : query.where({ ID: { '>': after } }))) as ShipmentRow[];
    if (rows.length === 0) return;
    yield await detailsOf(rows);
    if (rows.length < pageSize) return;
    after = rows[rows.length - 1]?.ID as string;
  }
}

/** These shipments as received (those Lading does not know are left out). */
export async function receivedShipmentsOf(shipmentIds: readonly string[]): Promise<Map<string, ReceivedShipment>> {
  if (shipmentIds.length === 0) return new Map();
  const rows = (await SELECT.from(Shipments).columns(...SHIPMENT_COLUMNS).where({ ID: { in: [...shipmentIds] } })) as ShipmentRow[];
  return new Map((await detailsOf(rows)).map((shipment) => [shipment.shipmentId, shipment]));
}

/** How many shipments Lading received: the denominator of a full run's progress. */
export async function receivedCount(): Promise<number> {
  const row = await SELECT.one.from(Shipments).columns('count(1) as count');
  return Number((row as { count?: number | string } | undefined)?.count ?? 0);
}
