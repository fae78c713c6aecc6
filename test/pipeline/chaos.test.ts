import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { freePort, redisAnswers } from '../../connectors/queue';
import { mapIdoc, readControlRecord, readIdocXml } from '../../mappings';
import { connectAs, Devnet, type OrgClient } from '../ledger/support';
import { fixture } from '../support/lading';
import { basic, LadingProcess } from '../support/lading-process';
import { ledgerEnv } from '../support/ledger-env';

/**
 * Chaos, bounded: 2,000 IDoc posts (good ones, resends, bad ones, and IDocs the ledger refuses)
 * to two Lading processes sharing one SQLite database, while instances are SIGKILLed and
 * restarted, Redis is restarted empty, and devnet fails endorsements, answers MVCC conflicts and
 * refuses connections. Afterwards every good IDoc is posted (53) with its events on the ledger
 * exactly once, and the failures are exactly the bad ones, each with its reason.
 */

const GOOD = 1_800;
const RESENDS = 120;
const BAD = 60;
const REFUSED = 20;
const CONCURRENCY = 12;

let devnet: Devnet;
let shipper: OrgClient;
let workDir: string;
let redisPort: number;
let redisServer: ChildProcess | undefined;
const instances: Record<'a' | 'b', LadingProcess | undefined> = { a: undefined, b: undefined };
let env: Record<string, string>;

async function startRedis(): Promise<void> {
  redisServer = spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  for (let i = 0; i < 100 && !(await redisAnswers('127.0.0.1', redisPort)); i++) await sleep(50);
}

async function stopRedis(): Promise<void> {
  const server = redisServer;
  if (!server || server.exitCode !== null) return;
  const exited = new Promise((resolve) => server.once('exit', resolve));
  server.kill('SIGKILL');
  await exited;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

const template = fixture('delvry/delvry07-desadv-3-items.xml');

function deliveryXml(index: number): string {
  return template.replace(/0080004242/g, `009${String(index).padStart(7, '0')}`).replace(/0000000001004242/g, `00000000070${String(index).padStart(5, '0')}`);
}

function badXml(index: number): string {
  return deliveryXml(50_000 + index).replace(/<VBELN>\d+<\/VBELN>/, '');
}

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'lading-chaos-'));
  devnet = await Devnet.start();
  redisPort = await freePort();
  await startRedis();
  env = {
    ...ledgerEnv(devnet, `redis://127.0.0.1:${redisPort}`),
    CDS_CONFIG: JSON.stringify({ requires: { db: { kind: 'sqlite', credentials: { url: join(workDir, 'lading.sqlite') } } }, log: { levels: { cds: 'warn', odata: 'warn', lading: 'warn', pipeline: 'error' } } }),
    QUEUE_PREFIX: 'chaos',
    FABRIC_SUBMIT_TIMEOUT_MS: '5000',
    FABRIC_COMMIT_STATUS_TIMEOUT_MS: '10000',
    LEDGER_LOCK_MS: '4000',
    LEDGER_REDRIVE_AFTER_MS: '3000',
    LEDGER_PARTITIONS: '4',
  };
  // The first instance creates the database; the second opens it.
  instances.a = await LadingProcess.start('a', env);
  instances.b = await LadingProcess.start('b', env);
  shipper = await connectAs(devnet, 'ShipperMSP');
}, 180_000);

afterAll(async () => {
  shipper?.close();
  await Promise.all([instances.a?.kill(), instances.b?.kill()]);
  await devnet?.dispose();
  await stopRedis();
  await rm(workDir, { recursive: true, force: true });
});

/** Posts like SAP's port does: on a dead connection or a 5xx, it resends (to whichever instance answers). */
async function post(xml: string, attempt = 0): Promise<number> {
  const target = (attempt % 2 === 0 ? instances.a : instances.b) ?? instances.a ?? instances.b;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 30_000);
  try {
    const response = await fetch(`${target?.url}/idoc/xml`, {
      method: 'POST', body: xml, headers: { 'content-type': 'application/xml', authorization: basic('erp'), connection: 'close' },
      signal: controller.signal,
    });
    await response.arrayBuffer();
    if (response.status >= 500 && attempt < 50) {
      await sleep(200);
      return post(xml, attempt + 1);
    }
    return response.status;
  } catch (error) {
    if (attempt >= 50) throw error;
    await sleep(200);
    return post(xml, attempt + 1);
  } finally {
    clearTimeout(timer);
  }
}

async function restart(name: 'a' | 'b'): Promise<void> {
  const instance = instances[name];
  instances[name] = undefined;
  await instance?.kill('SIGKILL');
  await sleep(500);
  instances[name] = await LadingProcess.start(name, env);
}

it('keeps every good IDoc exactly once on the ledger through kills, an empty Redis and ledger faults', async () => {
  // IDocs the ledger will refuse: another party recorded a different fact under their receipt event id.
  for (let index = 0; index < REFUSED; index++) {
    const xml = deliveryXml(GOOD + index);
    const [idoc] = readIdocXml(xml).idocs;
    const [receipt] = mapIdoc(readControlRecord(idoc?.control), idoc?.segments ?? [], { payloadHash: 'a'.repeat(64), receivedAt: new Date().toISOString() }).events;
    if (!receipt) throw new Error('no receipt event');
    await shipper.ledger.recordEvents([{ ...receipt, payloadHash: 'c'.repeat(64), source: { idocType: 'DELVRY07', docnum: '0000000000000009' } }]);
  }

  const posts: string[] = [];
  for (let index = 0; index < GOOD + REFUSED; index++) posts.push(deliveryXml(index));
  for (let index = 0; index < RESENDS; index++) posts.push(deliveryXml((index * 7) % GOOD));
  for (let index = 0; index < BAD; index++) posts.push(badXml(index));
  // A fixed shuffle (seeded), so a failing run can be repeated.
  let seed = 42;
  for (let i = posts.length - 1; i > 0; i--) {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    const j = seed % (i + 1);
    [posts[i], posts[j]] = [posts[j] as string, posts[i] as string];
  }
  expect(posts).toHaveLength(2_000);

  const chaos: [number, string, () => Promise<unknown>][] = [
    [300, 'devnet fails 5 endorsements and answers 5 MVCC conflicts', () => devnet.injectFaults({ failEndorsements: 5, mvccConflicts: 5 })],
    [600, 'SIGKILL instance b, restart it', () => restart('b')],
    [900, 'restart Redis empty', async () => { await stopRedis(); await sleep(300); await startRedis(); }],
    [1_200, 'devnet refuses connections for 3 s', () => devnet.injectFaults({ refuseSeconds: 3 })],
    [1_500, 'SIGKILL instance a, restart it', () => restart('a')],
  ];
  const statuses = new Map<number, number>();
  let next = 0;
  let sent = 0;
  const chaosDone: Promise<unknown>[] = [];
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < posts.length) {
      const xml = posts[next++] as string;
      const status = await post(xml);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      sent++;
      while (chaos.length > 0 && sent >= (chaos[0] as [number, string, () => Promise<unknown>])[0]) {
        const [, what, act] = chaos.shift() as [number, string, () => Promise<unknown>];
        console.log(`chaos at ${sent} posts: ${what}`);
        chaosDone.push(act());
      }
    }
  }));
  await Promise.all(chaosDone);
  expect(statuses.get(422)).toBe(BAD);
  expect((statuses.get(200) ?? 0) + (statuses.get(422) ?? 0)).toBe(2_000);

  const db = new Database(join(workDir, 'lading.sqlite'), { readonly: true, fileMustExist: true });
  const count = (sql: string): number => (db.prepare(sql).get() as { n: number }).n;
  try {
    const deadline = Date.now() + 240_000;
    while (Date.now() < deadline) {
      const settled = count("SELECT count(*) AS n FROM lading_InboundIdocs WHERE status IN ('53','51')");
      if (settled === GOOD + REFUSED + BAD) break;
      await sleep(500);
    }
    const posted = count("SELECT count(*) AS n FROM lading_InboundIdocs WHERE status = '53'");
    const rejected = count("SELECT count(*) AS n FROM lading_InboundIdocs WHERE status = '51' AND acceptedKey IS NULL");
    const deadLetters = db.prepare('SELECT d.reason, i.docnum FROM lading_DeadLetters d JOIN lading_InboundIdocs i ON i.ID = d.idoc_ID WHERE d.redrivenAt IS NULL').all() as { reason: string; docnum: string }[];
    const localEvents = db.prepare("SELECT e.eventId, e.shipment_ID FROM lading_ShipmentEvents e JOIN lading_InboundIdocs i ON i.ID = e.sourceIdoc_ID WHERE i.status = '53'").all() as { eventId: string; shipment_ID: string }[];

    const onLedger = new Map<string, readonly string[]>();
    for await (const head of shipper.ledger.allShipments(500)) onLedger.set(head.shipmentId, head.events);
    const ledgerEventIds = [...onLedger.values()].flat();
    const expectedByShipment = new Map<string, string[]>();
    for (const event of localEvents) expectedByShipment.set(event.shipment_ID, [...(expectedByShipment.get(event.shipment_ID) ?? []), event.eventId]);
    const missing = localEvents.filter((event) => !(onLedger.get(event.shipment_ID) ?? []).includes(event.eventId)).length;
    const twice = ledgerEventIds.length - new Set(ledgerEventIds).size;
    const transactions = await devnet.transactionCounts();

    console.log(JSON.stringify({
      posts: 2_000, httpStatuses: Object.fromEntries(statuses), posted, rejectedAtIngest: rejected,
      deadLetters: deadLetters.length, eventsExpected: localEvents.length, eventsMissingOnLedger: missing,
      eventsOnLedgerTwice: twice, ledgerTransactions: transactions,
    }));
    expect(posted).toBe(GOOD);
    expect(rejected).toBe(BAD);
    expect(count("SELECT count(*) AS n FROM lading_InboundIdocs WHERE status = '51' AND acceptedKey IS NULL AND statusText LIKE '%VBELN%'")).toBe(BAD);
    expect(deadLetters.map((letter) => letter.docnum).sort()).toEqual(
      Array.from({ length: REFUSED }, (_, index) => `00000000070${String(GOOD + index).padStart(5, '0')}`).sort(),
    );
    for (const letter of deadLetters) expect(letter.reason).toContain('The ledger refused the events of this IDoc');
    expect(localEvents).toHaveLength(GOOD * 4);
    expect(missing).toBe(0);
    expect(twice).toBe(0);
    for (const [shipmentId, expected] of expectedByShipment) expect([...(onLedger.get(shipmentId) ?? [])].sort()).toEqual(expected.sort());
  } finally {
    db.close();
  }

  // Graceful shutdown: SIGTERM drains and exits cleanly.
  const exits = await Promise.all([instances.a?.kill('SIGTERM'), instances.b?.kill('SIGTERM')]);
  instances.a = undefined;
  instances.b = undefined;
  expect(exits).toEqual([0, 0]);
}, 480_000);
