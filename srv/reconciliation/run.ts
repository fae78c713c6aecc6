import { setImmediate } from 'node:timers/promises';
import cds from '@sap/cds';
import { onSqlite } from '../database-kind';
import { Discrepancies, LedgerCheckpoints, OutboundIdocs, Outbox, ReconciliationRuns, ShipmentEvents, Shipments } from '#cds-models/lading';
import { compareShipment } from './compare';
import { DiscrepancyRecorder } from './discrepancies';
import { ensureIndexes } from './indexes';
import { erpDeliveriesOf, erpPages, type ErpSource } from './erp-state';
import { ledgerPages, ledgerShipmentsOf, type LedgerSource } from './ledger-state';
import { mergeStates } from './merge';
import { receivedCount, receivedPages, receivedShipmentsOf } from './received-state';
import type { RepairDeps } from './repair';
import type { ErpDelivery, LedgerShipment, ShipmentState } from './state';

/**
 * One reconciliation run: read the three sources (whole, or only what changed since the last
 * finished run), compare each shipment, record the findings, report progress on the run row (and
 * to the caller, e.g. the BullMQ job). Memory stays at a batch of shipments: sources are read
 * page by page, and the incremental set holds only the changed ids.
 */

export type ReconciliationMode = 'full' | 'incremental';

export interface ReconcileDeps extends RepairDeps {
  ledger: LedgerSource;
  /** Absent: SAP is not compared (LADING_SAP=off). */
  erp?: ErpSource;
  /** Shipments per batch (reads, comparison, one database transaction). Default 500. */
  batchSize?: number;
}

export interface RunProgress {
  done: number;
  total: number;
  /** ISO instant the run is expected to end, from the pace so far. */
  eta?: string;
}

export interface RunSummary extends RunProgress {
  runId: string;
  mode: ReconciliationMode;
  matched: number;
  discrepancies: number;
  opened: number;
  repaired: number;
  resolved: number;
}

const log = cds.log('reconciliation');

/** Creates a queued run; the job (or the caller) executes it. */
export async function createRun(mode: ReconciliationMode, trigger: string): Promise<string> {
  const ID = cds.utils.uuid();
  await INSERT.into(ReconciliationRuns).entries({ ID, mode, trigger, status: 'queued' });
  return ID;
}

/** A run queued or running: only one at a time, so that two never record the same finding at once. */
export async function activeRun(): Promise<string | undefined> {
  const row = await SELECT.one.from(ReconciliationRuns).columns('ID').where({ status: { in: ['queued', 'running'] } });
  return row?.ID ?? undefined;
}

async function highestKnownBlock(): Promise<number> {
  const events = await SELECT.one.from(ShipmentEvents).columns('max(ledgerBlock) as block');
  const checkpoints = await SELECT.one.from(LedgerCheckpoints).columns('max(blockNumber) as block');
  return Math.max(Number((events as { block?: number } | undefined)?.block ?? 0), Number((checkpoints as { block?: number } | undefined)?.block ?? 0));
}

interface Previous {
  startedAt: string;
  ledgerBlock: number;
}

async function previousRun(runId: string): Promise<Previous | undefined> {
  const row = await SELECT.one.from(ReconciliationRuns).columns('startedAt', 'ledgerBlock')
    .where({ status: 'finished', ID: { '!=': runId } }).orderBy('startedAt desc');
  return row?.startedAt ? { startedAt: row.startedAt, ledgerBlock: Number(row.ledgerBlock ?? 0) } : undefined;
}

async function distinctIds(query: Promise<unknown[]>, column: string, into: Set<string>): Promise<void> {
  for (const row of (await query) as Record<string, unknown>[]) {
    const id = row[column];
    if (typeof id === 'string' && id !== '') into.add(id);
  }
}

/** Shipments that need a look whatever the time: failed outbox rows, refused outbound IDocs, open discrepancies. */
async function pendingShipments(ids: Set<string>): Promise<void> {
  if (onSqlite()) {
    // Literal states, so that SQLite uses the partial indexes (indexes.ts) instead of scanning the tables.
    await distinctIds(cds.run("SELECT shipmentId FROM lading_Outbox WHERE state = 'failed'") as Promise<unknown[]>, 'shipmentId', ids);
    await distinctIds(cds.run("SELECT shipment_ID FROM lading_OutboundIdocs WHERE status = '02'") as Promise<unknown[]>, 'shipment_ID', ids);
    await distinctIds(cds.run("SELECT shipmentId FROM lading_Discrepancies WHERE status = 'open'") as Promise<unknown[]>, 'shipmentId', ids);
    return;
  }
  await distinctIds(SELECT.from(Outbox).columns('shipmentId').where({ state: 'failed' }), 'shipmentId', ids);
  await distinctIds(SELECT.from(OutboundIdocs).columns('shipment_ID').where({ status: '02' }), 'shipment_ID', ids);
  await distinctIds(SELECT.from(Discrepancies).columns('shipmentId').where({ status: 'open' }), 'shipmentId', ids);
}

/**
 * Shipments changed since the previous run: received or modified in Lading, with events committed
 * in later blocks, with a failed outbox row or a refused outbound IDoc, with an open discrepancy,
 * or changed in SAP (LastChangeDate).
 */
async function changedShipments(deps: ReconcileDeps, since: Previous): Promise<string[]> {
  const ids = new Set<string>();
  // No SELECT DISTINCT: the set removes duplicates, and DISTINCT made SQLite walk the whole events
  // table in shipment order (its index on shipment_ID) instead of the few rows of later blocks.
  // On SQLite plain SQL: CAP wraps each of the (10,000 at 1 % of a million) rows in JSON and parses it
  // again, 77 ms of a run whose ledger reads cannot start before this set is known.
  await distinctIds(onSqlite()
    ? cds.run('SELECT ID FROM lading_Shipments WHERE modifiedAt >= ?', [since.startedAt]) as Promise<unknown[]>
    : SELECT.from(Shipments).columns('ID').where({ modifiedAt: { '>=': since.startedAt } }), 'ID', ids);
  // Events received or settled, and other parties' events taken in, touch their shipment (modifiedAt);
  // the block checkpoint also catches events settled without that.
  await distinctIds(SELECT.from(ShipmentEvents).columns('shipment_ID').where({ ledgerBlock: { '>': since.ledgerBlock } }), 'shipment_ID', ids);
  await pendingShipments(ids);
  if (deps.erp) for await (const page of erpPages(deps.erp, since.startedAt)) for (const delivery of page) ids.add(delivery.shipmentId);
  return [...ids].sort();
}

/** Batches of changed shipments whose ledger (and SAP) state is read ahead of the one being compared and recorded. */
const CHANGED_READ_AHEAD = 2;

interface Remote {
  ledger: Map<string, LedgerShipment>;
  erp: Map<string, ErpDelivery>;
}

async function remoteStateOf(deps: ReconcileDeps, chunk: readonly string[]): Promise<Remote> {
  const [ledger, erp] = await Promise.all([
    ledgerShipmentsOf(deps.ledger, chunk),
    deps.erp ? erpDeliveriesOf(deps.erp, chunk) : Promise.resolve(new Map<string, ErpDelivery>()),
  ]);
  return { ledger, erp };
}

/**
 * The changed shipments' states batch by batch. The ledger's point reads (the slow part) and SAP's
 * run ahead, for the next batches while this one is compared and recorded; Lading's own rows are
 * read when their batch is due, after the previous batch's repairs, as before. A failed read
 * surfaces when its batch is due.
 */
async function* changedStates(deps: ReconcileDeps, ids: readonly string[], batchSize: number): AsyncGenerator<ShipmentState[]> {
  const erpPrefix = deps.erp ? `${deps.erp.partner}/` : undefined;
  const ahead: { chunk: string[]; remote: Promise<Remote> }[] = [];
  let next = 0;
  const askAhead = (): void => {
    while (ahead.length < CHANGED_READ_AHEAD && next < ids.length) {
      const chunk = ids.slice(next, next + batchSize);
      const remote = remoteStateOf(deps, chunk);
      remote.catch(() => undefined);
      ahead.push({ chunk, remote });
      next += batchSize;
    }
  };
  askAhead();
  for (let due = ahead.shift(); due; due = ahead.shift()) {
    askAhead();
    const [received, { ledger, erp }] = await Promise.all([receivedShipmentsOf(due.chunk), due.remote]);
    yield due.chunk.map((shipmentId) => {
      const state: ShipmentState = { shipmentId, erpApplies: erpPrefix !== undefined && shipmentId.startsWith(erpPrefix) };
      const fromErp = erp.get(shipmentId);
      const fromDb = received.get(shipmentId);
      const fromLedger = ledger.get(shipmentId);
      if (fromErp) state.erp = fromErp;
      if (fromDb) state.received = fromDb;
      if (fromLedger) state.ledger = fromLedger;
      return state;
    });
  }
}

function fullStates(deps: ReconcileDeps, batchSize: number): AsyncGenerator<ShipmentState[]> {
  const erp = deps.erp;
  return mergeStates({
    ...(erp ? { erp: erpPages(erp) } : {}),
    received: receivedPages(batchSize),
    ledger: ledgerPages(deps.ledger),
    erpApplies: (id) => erp !== undefined && id.startsWith(`${erp.partner}/`),
  }, batchSize);
}

function etaOf(startedMs: number, done: number, total: number): string | undefined {
  if (done === 0 || total <= done) return undefined;
  const elapsed = Date.now() - startedMs;
  return new Date(Date.now() + (elapsed / done) * (total - done)).toISOString();
}

/**
 * Executes a created run to its end (status finished, or failed with the reason, then rethrows).
 * `onProgress` is called after each batch.
 */
export async function executeRun(runId: string, deps: ReconcileDeps, onProgress?: (progress: RunProgress) => Promise<void> | void): Promise<RunSummary> {
  const run = await SELECT.one.from(ReconciliationRuns).columns('ID', 'mode').where({ ID: runId });
  if (!run) throw new Error(`Reconciliation run ${runId} does not exist`);
  const startedMs = Date.now();
  const startedAt = new Date(startedMs).toISOString();
  const batchSize = deps.batchSize ?? 500;
  const summary: RunSummary = { runId, mode: run.mode === 'full' ? 'full' : 'incremental', done: 0, total: 0, matched: 0, discrepancies: 0, opened: 0, repaired: 0, resolved: 0 };
  try {
    await ensureIndexes();
    const ledgerBlock = await highestKnownBlock();
    const previous = summary.mode === 'incremental' ? await previousRun(runId) : undefined;
    // Without a finished run to start from, an incremental run is a full one.
    if (!previous) summary.mode = 'full';
    const changed = previous ? await changedShipments(deps, previous) : undefined;
    summary.total = changed ? changed.length : await receivedCount();
    await UPDATE.entity(ReconciliationRuns).set({
      status: 'running', mode: summary.mode, startedAt, ledgerBlock, total: summary.total, ...(previous ? { changedSince: previous.startedAt } : {}),
    }).where({ ID: runId });

    const recorder = new DiscrepancyRecorder(runId, deps);
    const batches = changed ? changedStates(deps, changed, batchSize) : fullStates(deps, batchSize);
    for await (const states of batches) {
      // Reads, comparison and recording of a batch are promise chains (SQLite answers synchronously) that
      // never let the event loop take I/O: give the ledger's answer its turn, so that its next page is asked for.
      await setImmediate();
      const findings = states.flatMap(compareShipment);
      const outcome = await cds.tx(() => recorder.record(states.map((state) => state.shipmentId), findings));
      const mismatched = new Set(findings.map((finding) => finding.shipmentId));
      summary.done += states.length;
      // Shipments only SAP or the ledger knows come on top of the estimate.
      summary.total = Math.max(summary.total, summary.done);
      summary.matched += states.length - mismatched.size;
      summary.discrepancies += findings.length;
      summary.opened += outcome.opened;
      summary.repaired += outcome.repaired;
      summary.resolved += outcome.resolved;
      const eta = etaOf(startedMs, summary.done, summary.total);
      summary.eta = eta;
      await saveProgress(runId, summary);
      await onProgress?.({ done: summary.done, total: summary.total, ...(eta ? { eta } : {}) });
    }
    summary.total = summary.done;
    summary.eta = undefined;
    await UPDATE.entity(ReconciliationRuns).set({ ...progressColumns(summary), status: 'finished', finishedAt: new Date().toISOString(), message: messageOf(summary) }).where({ ID: runId });
    await onProgress?.({ done: summary.done, total: summary.total });
    log.info(`run ${runId}: ${messageOf(summary)}`);
    return summary;
  } catch (error) {
    const message = `${(error as Error).name}: ${(error as Error).message}`.slice(0, 1000);
    await UPDATE.entity(ReconciliationRuns).set({ status: 'failed', finishedAt: new Date().toISOString(), message }).where({ ID: runId });
    log.error(`run ${runId} failed:`, message);
    throw error;
  }
}

function progressColumns(summary: RunSummary): Record<string, unknown> {
  return {
    done: summary.done, total: summary.total, eta: summary.eta ?? null, matched: summary.matched, discrepancies: summary.discrepancies,
    opened: summary.opened, repaired: summary.repaired, resolved: summary.resolved,
  };
}

const PROGRESS_COLUMNS = ['done', 'total', 'eta', 'matched', 'discrepancies', 'opened', 'repaired', 'resolved'] as const;
const PROGRESS_SQL = `UPDATE lading_ReconciliationRuns SET ${PROGRESS_COLUMNS.map((column) => `${column} = ?`).join(', ')} WHERE ID = ?`;

/**
 * The run row's progress after each batch. On SQLite plain SQL through `cds.run` (integers, and the
 * ETA as the ISO text with milliseconds CAP stores): CAP's UPDATE cost ≈ 1 ms of CPU per batch,
 * 2 s per million shipments. Elsewhere CAP's UPDATE.
 */
async function saveProgress(runId: string, summary: RunSummary): Promise<void> {
  const columns = progressColumns(summary);
  if (onSqlite()) {
    await cds.run(PROGRESS_SQL, [...PROGRESS_COLUMNS.map((column) => columns[column] ?? null), runId]);
    return;
  }
  await UPDATE.entity(ReconciliationRuns).set(columns).where({ ID: runId });
}

export function messageOf(summary: RunSummary): string {
  return `${summary.mode}: ${summary.done} shipments, ${summary.matched} matched, ${summary.discrepancies} discrepancies (${summary.opened} new, ${summary.repaired} repaired, ${summary.resolved} resolved)`;
}
