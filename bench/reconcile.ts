import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import cds from '@sap/cds';
import { connectLedger, devnetConfig, ShipmentLedger } from '../connectors/fabric';
import { createRun, executeRun, messageOf } from '../srv/reconciliation';
import { ledgerShipmentsOf, mapLimited } from '../srv/reconciliation/ledger-state';
import { connectAs, Devnet, newEvent } from '../test/ledger/support';
import type { BenchContext } from './lib/context';
import { PROJECT_ROOT } from './lib/idocs';
import type { Measurement } from './lib/result';

/**
 * 6. reconciliation (`reconcile`): seconds and peak RSS of a full run over N shipments and of an
 * incremental run after 1% of them changed — as the first run of a fresh process and in steady
 * state (a run before it), each against the changed heads read alone. Seeding writes in bulk — the Lading database (SQLite
 * file) row by row through better-sqlite3, the ledger straight into devnet's world state while
 * devnet is stopped (heads and event records as the chaincode writes them) — but what is measured
 * is the real thing: srv/reconciliation's executeRun in a child process of its own (so that its
 * peak RSS is its own), reading the database through CAP and the ledger through the Fabric
 * Gateway and the chaincode's paginated range query on devnet. SAP's delivery API is not part of
 * it (see README). Baseline: the same child reading the ledger alone page by page
 * (listShipments), the floor any reconciliation through the gateway pays.
 */

const BASE = 'BENCHSYS';
const MSP = 'ShipperMSP';
const EVENT_TIME = '2026-11-25T10:15:00.000Z';
/** Heads per listShipments page of the ledger-alone baseline: the page the run itself reads (ledger-state.ts). */
const LEDGER_PAGE = Number(process.env.BENCH_RECONCILE_LEDGER_PAGE ?? 1000);
/** From this count on, the ledger is seeded straight into devnet's world state (chaincode: ~1,100 events/s). */
const DIRECT_SEED_FROM = 5_000;

interface ChildResult {
  ms: number;
  /** CPU time (user + system) of the measured child during the step: Lading's side and its gateway client, not devnet's. */
  cpuMs: number;
  /** Highest V8 heap (total, used) and memory outside it (external: Buffers etc.) seen during the step, sampled every 50 ms. */
  heapMiB: { total: number; used: number; external: number };
  changed?: number;
  /** Incremental steps: the changed shipments' heads read alone afterwards (getShipments as the run reads them), ms. */
  changedHeadsMs?: number;
  maxRssMiB: number;
  shipments: number;
  message?: string;
  discrepancies?: number;
}

export const shipmentIdOf = (n: number): string => `${BASE}/${String(n).padStart(10, '0')}`;
const eventIdOf = (n: number): string => `bench-${String(n).padStart(10, '0')}`;
const sha256Hex = (text: string): string => createHash('sha256').update(text).digest('hex');
const payloadOf = (n: number): string => `<DELVRY07><E1EDL20><VBELN>${String(n).padStart(10, '0')}</VBELN></E1EDL20></DELVRY07>`;

/** Canonical JSON (sorted keys, no whitespace), as the chaincode stores state. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

const compositeKey = (type: string, id: string): string => `\u0000${type}\u0000${id}\u0000`;

/** Heads and event records of N shipments (one booking confirmation each) into devnet's state, in one transaction per 20,000. */
function seedLedgerState(dir: string, count: number, namespace: string): void {
  const db = new Database(join(dir, 'ledger', 'state.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  const put = db.prepare('INSERT OR REPLACE INTO state (ns, coll, key, key_hash, value, block, txnum) VALUES (?, \'\', ?, ?, ?, 1, 0)');
  const chunk = db.transaction((from: number, to: number) => {
    for (let n = from; n < to; n++) {
      const shipmentId = shipmentIdOf(n);
      const eventId = eventIdOf(n);
      const txId = sha256Hex(`tx-${n}`);
      const event = { eventId, shipmentId, eventType: 'SHIPMENT', eventClassifierCode: 'ACT', eventTypeCode: 'CONF', documentTypeCode: 'BKG', eventDateTime: EVENT_TIME, payloadHash: sha256Hex(payloadOf(n)) };
      const head = {
        shipmentId, status: { eventId, eventType: 'SHIPMENT', eventTypeCode: 'CONF', eventDateTime: EVENT_TIME }, lastEventId: eventId, version: 1,
        events: [eventId], recordedBy: { [eventId]: MSP }, updatedTxId: txId, updatedAt: EVENT_TIME,
      };
      const record = { event, recordedBy: MSP, txId, recordedAt: EVENT_TIME, sequence: 1 };
      for (const [key, value] of [[compositeKey('lading.shipment', shipmentId), head], [compositeKey('lading.event', eventId), record]] as const) {
        put.run(namespace, key, createHash('sha256').update(key).digest(), Buffer.from(canonical(value)));
      }
    }
  });
  for (let from = 0; from < count; from += 20_000) chunk(from, Math.min(count, from + 20_000));
  db.close();
}

/** Lading's tables for the same N shipments: shipment, IDoc, event (settled), outbox row (confirmed). */
function seedLadingDb(file: string, count: number): void {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  const now = new Date(Date.now() - 3_600_000).toISOString();
  const shipment = db.prepare(`INSERT INTO lading_Shipments (ID, deliveryNumber, senderPartner, status, ledgerVersion, createdAt, modifiedAt) VALUES (?, ?, '${BASE}', ?, 1, ?, ?)`);
  const idoc = db.prepare(`INSERT INTO lading_InboundIdocs (ID, acceptedKey, senderPartner, docnum, idocType, messageType, payload, payloadHash, status, shipment_ID, receivedAt) VALUES (?, ?, '${BASE}', ?, 'DELVRY07', 'DESADV', ?, ?, '53', ?, ?)`);
  const event = db.prepare(`INSERT INTO lading_ShipmentEvents (eventId, shipment_ID, eventType, eventClassifierCode, eventTypeCode, eventDateTime, documentTypeCode, payloadHash, sourceIdoc_ID, recordedBy, ledgerTxId, ledgerBlock, createdAt) VALUES (?, ?, 'SHIPMENT', 'ACT', 'CONF', ?, 'BKG', ?, ?, '${MSP}', ?, 1, ?)`);
  const outbox = db.prepare(`INSERT INTO lading_Outbox (ID, idoc_ID, shipmentId, topic, state, redriveCount, createdAt, confirmedAt, ledgerTxId, ledgerBlock) VALUES (?, ?, ?, 'ledger', 'confirmed', 0, ?, ?, ?, 1)`);
  const chunk = db.transaction((from: number, to: number) => {
    for (let n = from; n < to; n++) {
      const id = shipmentIdOf(n);
      const idocId = `idoc-${n}`;
      const payload = payloadOf(n);
      const hash = sha256Hex(payload);
      const tx = sha256Hex(`tx-${n}`);
      // Every 1,000th status differs from the ledger's: the run has findings to record.
      shipment.run(id, String(n).padStart(10, '0'), n % 1000 === 7 ? 'ARRIVED' : 'TRANSPORT_PLANNED', now, now);
      idoc.run(idocId, `${BASE}/${n}`, String(n).padStart(16, '0'), payload, hash, id, now);
      event.run(eventIdOf(n), id, EVENT_TIME, hash, idocId, tx, now);
      outbox.run(`outbox-${n}`, idocId, id, now, now, tx);
    }
  });
  for (let from = 0; from < count; from += 20_000) chunk(from, Math.min(count, from + 20_000));
  db.close();
}

/** Which 1% (n % 100) the first incremental run and the steady one see changed; neither meets the seeded findings (n % 1000 === 7). */
const FIRST_CHANGE = 3;
const STEADY_CHANGE = 9;

/**
 * 1% of the shipments change in Lading (status, modifiedAt now): what an incremental run must pick
 * up. A status other than the ledger's (TRANSPORT_PLANNED) is a finding per shipment.
 */
function changeOnePercent(file: string, count: number, offset: number, status: string): number {
  const db = new Database(file);
  const now = new Date().toISOString();
  const update = db.prepare('UPDATE lading_Shipments SET status = ?, modifiedAt = ? WHERE ID = ?');
  let changed = 0;
  db.transaction(() => {
    for (let n = offset; n < count; n += 100) {
      update.run(status, now, shipmentIdOf(n));
      changed++;
    }
  })();
  db.close();
  return changed;
}

async function deployModel(file: string): Promise<void> {
  const csn = await cds.load('*', { root: PROJECT_ROOT } as never);
  const db = await cds.connect.to('bench-db', { kind: 'sqlite', credentials: { url: file } } as never);
  await (cds as unknown as { deploy(model: unknown): { to(db: unknown): Promise<unknown> } }).deploy(csn).to(db);
  await (db as unknown as { disconnect(): Promise<void> }).disconnect();
}

/**
 * `incremental`: the first incremental run of a fresh process, as after a restart. `incremental-steady`:
 * an incremental run of a process that has run one before (a server's scheduled run): first an
 * unmeasured run over another 1% that changed without findings, then the measured one.
 */
type Step = 'full' | 'incremental' | 'incremental-steady' | 'ledger-only';

interface ChildTask {
  /** Measured one after the other in the same process; before an incremental step 1 % of the shipments change. */
  steps: Step[];
  count: number;
  /** Read the ledger's event records to compare payload hashes (getEvents per page). */
  verifyHashes: boolean;
  dbFile: string;
  address: string;
  devnetDir: string;
}

/** Runs measured steps in a fresh Node process and reads its one JSON line (one result per step). */
function inChild(task: ChildTask): Promise<ChildResult[]> {
  return new Promise((resolve, reject) => {
    const heap = process.env.BENCH_RECONCILE_HEAP_MB ? [`--max-old-space-size=${process.env.BENCH_RECONCILE_HEAP_MB}`] : [];
    // BENCH_RECONCILE_CPU_PROF=<dir>: a V8 CPU profile of each measured child (npx tsx bench/profile-top.ts <file>).
    const profile = process.env.BENCH_RECONCILE_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_RECONCILE_CPU_PROF}`] : [];
    const child = spawn(process.execPath, [...heap, ...profile, '--import', 'tsx', join(PROJECT_ROOT, 'bench', 'reconcile.ts'), '--child', JSON.stringify(task)], {
      cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, CDS_CONFIG: JSON.stringify({ requires: { db: { kind: 'sqlite', credentials: { url: task.dbFile } } }, log: { levels: { cds: 'warn', reconciliation: 'warn', lading: 'warn' } } }) },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { stderr = (stderr + chunk.toString()).slice(-4000); });
    child.once('error', reject);
    child.once('exit', (code) => {
      const line = stdout.trim().split('\n').pop() ?? '';
      if (code !== 0 || !line.startsWith('[')) reject(new Error(`reconcile child (${task.steps.join(', ')}) exited ${code}: ${stderr}`));
      else resolve(JSON.parse(line) as ChildResult[]);
    });
  });
}

/** The measured part, in the child: CAP on the SQLite file, the ledger through the gateway, executeRun. */
async function childMain(task: ChildTask): Promise<void> {
  const csn = await cds.load('*');
  cds.model = cds.compile.for.nodejs(csn);
  await cds.connect.to('db');
  const connection = await connectLedger(devnetConfig(task.address, task.devnetDir, MSP));
  const ledger = new ShipmentLedger(connection);
  const results: ChildResult[] = [];
  for (const step of task.steps) {
    let changed = 0;
    if (step === 'incremental-steady') {
      // The warm-up, not measured: the 1% an `incremental` step changed go back to the ledger's status
      // (their findings are resolved), which is also a 1% change without findings where none ran before.
      changeOnePercent(task.dbFile, task.count, FIRST_CHANGE, 'TRANSPORT_PLANNED');
      await executeRun(await createRun('incremental', 'bench warm-up'), { ledger: { ledger, verifyPayloadHashes: task.verifyHashes }, batchSize: 500 });
    }
    if (step === 'incremental' || step === 'incremental-steady') {
      // A second SQLite connection writes the change; CAP's next reads see it (WAL).
      changed = changeOnePercent(task.dbFile, task.count, step === 'incremental' ? FIRST_CHANGE : STEADY_CHANGE, 'DEPARTED');
    }
    const heap = { total: 0, used: 0, external: 0 };
    const sample = (): void => {
      const memory = process.memoryUsage();
      heap.total = Math.max(heap.total, memory.heapTotal / 2 ** 20);
      heap.used = Math.max(heap.used, memory.heapUsed / 2 ** 20);
      heap.external = Math.max(heap.external, memory.external / 2 ** 20);
    };
    const sampler = setInterval(sample, 50);
    const started = process.hrtime.bigint();
    const cpu = process.cpuUsage();
    let result: Omit<ChildResult, 'ms' | 'cpuMs' | 'heapMiB' | 'maxRssMiB'>;
    if (step === 'ledger-only') {
      let shipments = 0;
      for await (const head of ledger.allShipments(LEDGER_PAGE)) if (head.shipmentId) shipments++;
      result = { shipments };
    } else {
      // An incremental run starts from the previous finished run (the full one) as its checkpoint.
      const runId = await createRun(step === 'full' ? 'full' : 'incremental', 'bench');
      const summary = await executeRun(runId, { ledger: { ledger, verifyPayloadHashes: task.verifyHashes }, batchSize: 500 });
      result = { shipments: summary.done, discrepancies: summary.discrepancies, message: messageOf(summary), changed };
    }
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const used = process.cpuUsage(cpu);
    clearInterval(sampler);
    sample();
    const maxRssMiB = process.resourceUsage().maxRSS / 1024;
    let changedHeadsMs: number | undefined;
    if (step === 'incremental' || step === 'incremental-steady') {
      // The ledger's part alone: the changed shipments' heads by id as the run reads them (batches of 500, two
      // in flight, each over the run's lanes), after the run, so that the run did not profit from it.
      const offset = step === 'incremental' ? FIRST_CHANGE : STEADY_CHANGE;
      const ids = Array.from({ length: Math.ceil((task.count - offset) / 100) }, (_, at) => shipmentIdOf(offset + at * 100));
      const batches = Array.from({ length: Math.ceil(ids.length / 500) }, (_, at) => ids.slice(at * 500, at * 500 + 500));
      const from = process.hrtime.bigint();
      await mapLimited(batches, 2, (batch) => ledgerShipmentsOf({ ledger, verifyPayloadHashes: task.verifyHashes }, batch));
      changedHeadsMs = Number(process.hrtime.bigint() - from) / 1e6;
    }
    results.push({ ...result, ...(changedHeadsMs !== undefined ? { changedHeadsMs } : {}), ms, cpuMs: (used.user + used.system) / 1000, heapMiB: heap, maxRssMiB });
  }
  connection.close();
  process.stdout.write(`${JSON.stringify(results)}\n`);
}

/**
 * A devnet holding N shipments (heads and event records), started on a new temp dir (or `dir`): small counts
 * through the chaincode itself (quicker than stopping devnet), larger ones straight into its world state.
 */
export async function seededDevnet(count: number, dir?: string): Promise<Devnet> {
  let devnet = await Devnet.start(dir === undefined ? {} : { dir });
  try {
    const shipper = await connectAs(devnet, MSP);
    if (count <= DIRECT_SEED_FROM) {
      for (let from = 0; from < count; from += 500) {
        await shipper.ledger.recordEvents(Array.from({ length: Math.min(500, count - from) }, (_, at) => {
          const n = from + at;
          return newEvent(shipmentIdOf(n), { eventId: eventIdOf(n), eventDateTime: EVENT_TIME, payloadHash: sha256Hex(payloadOf(n)) });
        }));
      }
      shipper.close();
      return devnet;
    }
    // One real transaction, so that the chaincode's namespace exists as devnet names it.
    await shipper.ledger.recordEvents([newEvent(`AAAWARMUP/${count}`)]);
    shipper.close();
    await devnet.stop();
    const state = new Database(join(devnet.dir, 'ledger', 'state.sqlite'), { readonly: true });
    const namespace = (state.prepare('SELECT ns FROM state WHERE coll = \'\' AND key LIKE ? LIMIT 1').get('\u0000lading.shipment%') as { ns: string }).ns;
    state.close();
    seedLedgerState(devnet.dir, count, namespace);
    devnet = await devnet.restart();
    return devnet;
  } catch (error) {
    await devnet.dispose();
    throw error;
  }
}

async function measureSize(context: BenchContext, count: number): Promise<Measurement[]> {
  const work = await mkdtemp(join(tmpdir(), 'lading-bench-reconcile-'));
  const started = Date.now();
  const devnet = await seededDevnet(count);
  try {
    const dbFile = join(work, 'lading.sqlite');
    await deployModel(dbFile);
    seedLadingDb(dbFile, count);
    context.log(`reconcile ${count}: seeded ledger state and database in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    // BENCH_RECONCILE_HASHES=on: also compare every ledger event's payload hash (getEvents, one point read per event on devnet).
    const verifyHashes = process.env.BENCH_RECONCILE_HASHES === 'on';
    const task = { dbFile, address: devnet.address, devnetDir: devnet.dir, verifyHashes, count };

    // Quick: one child for all steps (each Node + CAP start costs seconds); else one each, so that each peak RSS is its own
    // and the first incremental run is the first of its process.
    const steps: Step[] = ['ledger-only', 'full', 'incremental', 'incremental-steady'];
    const stepResults: ChildResult[] = [];
    if (context.quick) stepResults.push(...await inChild({ ...task, steps }));
    else for (const step of steps) stepResults.push(...await inChild({ ...task, steps: [step] }));
    const [ledgerOnly, full, incremental, steady] = stepResults as [ChildResult, ChildResult, ChildResult, ChildResult];
    const heapOf = (step: ChildResult): string => `V8 heap ≤ ${step.heapMiB.total.toFixed(0)} MiB (used ≤ ${step.heapMiB.used.toFixed(0)}), external ≤ ${step.heapMiB.external.toFixed(0)} MiB`;
    for (const [name, step] of [['ledger read alone', ledgerOnly], ['full', full], ['incremental', incremental], ['incremental, steady', steady]] as const) context.log(`reconcile ${count}: ${name}: ${heapOf(step)}`);
    context.log(`reconcile ${count}: ledger read alone ${(ledgerOnly.ms / 1000).toFixed(1)} s (${ledgerOnly.shipments} heads, CPU ${(ledgerOnly.cpuMs / 1000).toFixed(1)} s), ${ledgerOnly.maxRssMiB.toFixed(0)} MiB`);
    context.log(`reconcile ${count}: full run ${(full.ms / 1000).toFixed(1)} s (CPU ${(full.cpuMs / 1000).toFixed(1)} s), peak RSS ${full.maxRssMiB.toFixed(0)} MiB — ${full.message}`);
    for (const [name, step] of [['incremental, first run of its process', incremental], ['incremental, steady (a run before it)', steady]] as const) {
      context.log(`reconcile ${count}: ${name}: ${step.changed ?? 0} changed, ${(step.ms / 1000).toFixed(2)} s (CPU ${(step.cpuMs / 1000).toFixed(2)} s), their heads alone ${((step.changedHeadsMs ?? 0) / 1000).toFixed(2)} s, peak RSS ${step.maxRssMiB.toFixed(0)} MiB — ${step.message}`);
    }

    const baseline = { name: `listShipments page by page alone (${ledgerOnly.shipments} heads), s`, value: ledgerOnly.ms / 1000, unit: 's' };
    const label = count.toLocaleString('en-US');
    const fullTarget = count >= 1_000_000 ? { value: 60, atMost: true } : undefined;
    const incrementalRow = (name: string, step: ChildResult): Measurement => ({
      name: `reconcile incremental ${label} (1% changed), ${name}`, value: step.ms / 1000, unit: 's',
      baseline: { name: `the ${step.changed ?? 0} changed heads read alone (getShipments as the run reads them), s`, value: (step.changedHeadsMs ?? 0) / 1000, unit: 's' },
      target: { value: 2, atMost: true },
      notes: `${step.changed ?? 0} shipments changed; ${step.message}; CPU ${(step.cpuMs / 1000).toFixed(2)} s; peak RSS ${step.maxRssMiB.toFixed(0)} MiB`,
    });
    return [
      { name: `reconcile full ${label} shipments`, value: full.ms / 1000, unit: 's', baseline, ...(fullTarget ? { target: fullTarget } : {}), notes: `${full.message}; ${verifyHashes ? 'payload hashes of the ledger events compared (getEvents)' : 'heads only (LADING_RECONCILE_VERIFY_HASHES=off)'}; SAP not compared${process.env.BENCH_RECONCILE_HEAP_MB ? `; --max-old-space-size=${process.env.BENCH_RECONCILE_HEAP_MB}` : ''}` },
      { name: `reconcile full ${label} peak RSS`, value: full.maxRssMiB, unit: 'MiB', baseline: { name: 'ledger read alone, peak RSS', value: ledgerOnly.maxRssMiB, unit: 'MiB' }, target: { value: 300, atMost: true } },
      incrementalRow('first run of a process', incremental),
      incrementalRow('steady (the process ran one before)', steady),
    ];
  } finally {
    await devnet.dispose();
    await rm(work, { recursive: true, force: true });
  }
}

export async function run(context: BenchContext): Promise<Measurement[]> {
  const sizes = context.quick ? [1_000] : (process.env.BENCH_RECONCILE_SIZES ?? '100000').split(',').map(Number);
  const measurements: Measurement[] = [];
  for (const size of sizes) measurements.push(...(await measureSize(context, size)));
  return measurements;
}

if (process.argv[2] === '--child') {
  childMain(JSON.parse(process.argv[3] ?? '{}') as ChildTask).then(() => process.exit(0), (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
