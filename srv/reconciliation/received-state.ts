import { createHash } from 'node:crypto';
import { setImmediate } from 'node:timers/promises';
import cds from '@sap/cds';
import { onSqlite } from '../database-kind';
import { InboundIdocs, OutboundIdocs, Outbox, ShipmentEvents, Shipments } from '#cds-models/lading';
import type { OutboxState, ReceivedEvent, ReceivedShipment, UnsentOutboundIdoc } from './state';

/**
 * What Lading received: shipments page by page (keyset on the id, never a whole-table load), each
 * with its events, the outbox state and stored payload hash of their IDocs, and the IDocs for SAP
 * it still owes. Ordered by id in the database's ordering (binary on SQLite; the merge checks it).
 *
 * On SQLite the five reads of a page run as plain SQL with bound parameters through `cds.run`
 * (CAP's API for native SQL), each id list bound as one JSON array (`IN (SELECT value FROM
 * json_each(?))`, so the statement text never changes): CAP's query pipeline (inference, cqn4sql,
 * rendering, a prepared statement per call) cost about as much CPU per page as the rows themselves
 * (bench/README.md, reconciliation). The columns read are strings and decimals, which
 * @cap-js/sqlite returns as stored, so both paths give the same values. Everywhere else
 * (PostgreSQL, HANA) the same reads run as CAP queries. test/reconciliation/received-state.test.ts
 * pins both paths to the same answer.
 */

type Text = string | number | null | undefined;

interface ShipmentRow {
  ID?: string | null; deliveryNumber?: Text; shippingPoint?: Text; salesOrganization?: Text; deliveryType?: Text;
  grossWeight?: Text; netWeight?: Text; weightUnit?: Text; status?: Text;
}
interface EventRow { eventId?: string | null; shipment_ID?: string | null; payloadHash?: Text; ledgerTxId?: Text; recordedBy?: Text; sourceIdoc_ID?: Text }
interface OutboxRow { idoc_ID?: string | null; state?: string | null }
interface PayloadRow { ID?: string | null; payload?: unknown }
interface OutboundRow { ID?: string | null; docnum?: string | null; status?: string | null; shipment_ID?: string | null }

/** The reads of received state, as plain SQL (SQLite) or CAP queries (elsewhere). */
interface Reader {
  /** Up to `limit` shipments ordered by id, after `after` (from the start when undefined). */
  shipmentsAfter(after: string | undefined, limit: number): Promise<ShipmentRow[]>;
  shipmentsWithIds(ids: readonly string[]): Promise<ShipmentRow[]>;
  /** Events of these shipments, ordered by event id; `page`: the ids are all the shipments from its first to its last (a keyset page). */
  eventsOf(shipmentIds: readonly string[], page?: Page): Promise<EventRow[]>;
  outboxOf(idocIds: readonly string[]): Promise<OutboxRow[]>;
  payloadsOf(idocIds: readonly string[]): Promise<PayloadRow[]>;
  /** Outbound IDocs refused (02) or waiting (30) of these shipments, ordered by DOCNUM. */
  unsentOf(shipmentIds: readonly string[], page?: Page): Promise<OutboundRow[]>;
}

/** The first and last id of a keyset page in the database's order: every shipment between them is on the page. */
interface Page {
  first: string;
  last: string;
}

const SHIPMENT_COLUMNS = ['ID', 'deliveryNumber', 'shippingPoint', 'salesOrganization', 'deliveryType', 'grossWeight', 'netWeight', 'weightUnit', 'status'] as const;
const EVENT_COLUMNS = ['eventId', 'shipment_ID', 'payloadHash', 'ledgerTxId', 'recordedBy', 'sourceIdoc_ID'] as const;
const UNSENT = ['02', '30'];

const cqnReader: Reader = {
  async shipmentsAfter(after, limit) {
    const query = SELECT.from(Shipments).columns(...SHIPMENT_COLUMNS).orderBy('ID').limit(limit);
    return (await (after === undefined ? query : query.where({ ID: { '>': after } }))) as ShipmentRow[];
  },
  async shipmentsWithIds(ids) {
    return (await SELECT.from(Shipments).columns(...SHIPMENT_COLUMNS).where({ ID: { in: [...ids] } })) as ShipmentRow[];
  },
  async eventsOf(shipmentIds) {
    return (await SELECT.from(ShipmentEvents).columns(...EVENT_COLUMNS).where({ shipment_ID: { in: [...shipmentIds] } }).orderBy('eventId')) as EventRow[];
  },
  async outboxOf(idocIds) {
    return (await SELECT.from(Outbox).columns('idoc_ID', 'state').where({ idoc_ID: { in: [...idocIds] } })) as OutboxRow[];
  },
  async payloadsOf(idocIds) {
    return (await SELECT.from(InboundIdocs).columns('ID', 'payload').where({ ID: { in: [...idocIds] } })) as PayloadRow[];
  },
  async unsentOf(shipmentIds) {
    return (await SELECT.from(OutboundIdocs).columns('ID', 'docnum', 'status', 'shipment_ID')
      .where({ shipment_ID: { in: [...shipmentIds] }, status: { in: UNSENT } }).orderBy('docnum')) as OutboundRow[];
  },
};

const IN_LIST = 'IN (SELECT value FROM json_each(?))';
const IN_RANGE = 'BETWEEN ? AND ?';
const SQL = {
  shipments: `SELECT ${SHIPMENT_COLUMNS.join(', ')} FROM lading_Shipments`,
  events: (where: string) => `SELECT ${EVENT_COLUMNS.join(', ')} FROM lading_ShipmentEvents WHERE shipment_ID ${where} ORDER BY eventId`,
  outbox: `SELECT idoc_ID, state FROM lading_Outbox WHERE idoc_ID ${IN_LIST}`,
  payloads: `SELECT ID, payload FROM lading_InboundIdocs WHERE ID ${IN_LIST}`,
  unsent: (where: string) => `SELECT ID, docnum, status, shipment_ID FROM lading_OutboundIdocs WHERE shipment_ID ${where} AND status IN ('02', '30') ORDER BY docnum`,
};
const EVENTS = { list: SQL.events(IN_LIST), range: SQL.events(IN_RANGE) };
const UNSENT_SQL = { list: SQL.unsent(IN_LIST), range: SQL.unsent(IN_RANGE) };

async function sql<T>(statement: string, values: unknown[]): Promise<T[]> {
  return (await cds.run(statement, values)) as T[];
}

const sqliteReader: Reader = {
  shipmentsAfter: (after, limit) => (after === undefined
    ? sql<ShipmentRow>(`${SQL.shipments} ORDER BY ID LIMIT ?`, [limit])
    : sql<ShipmentRow>(`${SQL.shipments} WHERE ID > ? ORDER BY ID LIMIT ?`, [after, limit])),
  shipmentsWithIds: (ids) => sql<ShipmentRow>(`${SQL.shipments} WHERE ID ${IN_LIST}`, [JSON.stringify(ids)]),
  // A page's rows by one index range (rows of shipments not on it cannot be in it; orphans are dropped below), else by the id list.
  eventsOf: (shipmentIds, page) => (page ? sql<EventRow>(EVENTS.range, [page.first, page.last]) : sql<EventRow>(EVENTS.list, [JSON.stringify(shipmentIds)])),
  outboxOf: (idocIds) => sql<OutboxRow>(SQL.outbox, [JSON.stringify(idocIds)]),
  payloadsOf: (idocIds) => sql<PayloadRow>(SQL.payloads, [JSON.stringify(idocIds)]),
  unsentOf: (shipmentIds, page) => (page ? sql<OutboundRow>(UNSENT_SQL.range, [page.first, page.last]) : sql<OutboundRow>(UNSENT_SQL.list, [JSON.stringify(shipmentIds)])),
};

/** Plain SQL on SQLite, CAP queries elsewhere; `plainSql: false` forces CAP's (the tests compare both). */
function readerFor(plainSql: boolean | undefined): Reader {
  return plainSql !== false && onSqlite() ? sqliteReader : cqnReader;
}

export interface ReadOptions {
  /** Plain SQL where the database allows it (SQLite). Default true; false: CAP queries everywhere. */
  plainSql?: boolean;
}

function text(value: Text): string | undefined {
  return value === null || value === undefined || value === '' ? undefined : String(value);
}

function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

function receivedShipment(row: ShipmentRow): ReceivedShipment {
  const shipment: ReceivedShipment = { shipmentId: row.ID as string, events: [], outbound: [] };
  // The same keys in the same order as before: only the columns with a value.
  for (let at = 1; at < SHIPMENT_COLUMNS.length; at++) {
    const column = SHIPMENT_COLUMNS[at] as Exclude<(typeof SHIPMENT_COLUMNS)[number], 'ID'>;
    const value = text(row[column]);
    if (value !== undefined) shipment[column] = value;
  }
  return shipment;
}

function receivedEvent(event: EventRow, outbox: ReadonlyMap<string, OutboxState>, storedHash: ReadonlyMap<string, string>): ReceivedEvent {
  const received: ReceivedEvent = { eventId: event.eventId as string, settled: Boolean(event.ledgerTxId) };
  const payloadHash = text(event.payloadHash);
  if (payloadHash) received.payloadHash = payloadHash;
  const recordedBy = text(event.recordedBy);
  if (recordedBy) received.recordedBy = recordedBy;
  const source = text(event.sourceIdoc_ID);
  if (source) {
    received.sourceIdocId = source;
    const state = outbox.get(source);
    if (state !== undefined) received.outboxState = state;
    const stored = storedHash.get(source);
    if (stored !== undefined) received.storedPayloadHash = stored;
  }
  return received;
}

/** Events, outbox states, payload hashes and unsent outbound IDocs of these shipments (one query each). */
async function detailsOf(reader: Reader, rows: readonly ShipmentRow[], page?: Page): Promise<ReceivedShipment[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((row) => row.ID as string);
  const events = await reader.eventsOf(ids, page);
  const idocIds = [...new Set(events.map((event) => event.sourceIdoc_ID).filter((id): id is string => typeof id === 'string'))];
  const outbox = new Map<string, OutboxState>();
  const storedHash = new Map<string, string>();
  if (idocIds.length > 0) {
    for (const row of await reader.outboxOf(idocIds)) {
      if (row.idoc_ID && row.state) outbox.set(row.idoc_ID, row.state as OutboxState);
    }
    for (const row of await reader.payloadsOf(idocIds)) {
      if (row.ID && typeof row.payload === 'string') storedHash.set(row.ID, sha256Hex(row.payload));
    }
  }
  const outbound = await reader.unsentOf(ids, page);

  const byShipment = new Map<string, ReceivedShipment>();
  for (const row of rows) byShipment.set(row.ID as string, receivedShipment(row));
  for (const event of events) byShipment.get(event.shipment_ID as string)?.events.push(receivedEvent(event, outbox, storedHash));
  for (const idoc of outbound) {
    const unsent: UnsentOutboundIdoc = { id: idoc.ID as string, docnum: idoc.docnum ?? '', status: idoc.status ?? '' };
    byShipment.get(idoc.shipment_ID as string)?.outbound.push(unsent);
  }
  return [...byShipment.values()];
}

/** Every shipment Lading received, in pages of `pageSize`, ordered by id. */
export async function* receivedPages(pageSize: number, options: ReadOptions = {}): AsyncGenerator<ReceivedShipment[]> {
  const reader = readerFor(options.plainSql);
  let after: string | undefined;
  for (;;) {
    const from = after;
    // A page's reads in one transaction: one snapshot, one BEGIN/COMMIT instead of one per statement.
    const { rows, shipments } = await cds.tx(async () => {
      const page = await reader.shipmentsAfter(from, pageSize);
      const range = page.length > 0 ? { first: page[0]?.ID as string, last: page[page.length - 1]?.ID as string } : undefined;
      return { rows: page.length, shipments: range ? await detailsOf(reader, page, range) : [] };
    });
    if (rows === 0) return;
    // The page's statements chain promises without an I/O turn: let the ledger's answers in (see run.ts).
    await setImmediate();
    yield shipments;
    if (rows < pageSize) return;
    after = shipments[shipments.length - 1]?.shipmentId as string;
  }
}

/** These shipments as received (those Lading does not know are left out). */
export async function receivedShipmentsOf(shipmentIds: readonly string[], options: ReadOptions = {}): Promise<Map<string, ReceivedShipment>> {
  if (shipmentIds.length === 0) return new Map();
  const reader = readerFor(options.plainSql);
  const shipments = await cds.tx(async () => detailsOf(reader, await reader.shipmentsWithIds(shipmentIds)));
  return new Map(shipments.map((shipment) => [shipment.shipmentId, shipment]));
}

/** How many shipments Lading received: the denominator of a full run's progress. */
export async function receivedCount(): Promise<number> {
  const row = await SELECT.one.from(Shipments).columns('count(1) as count');
  return Number((row as { count?: number | string } | undefined)?.count ?? 0);
}
