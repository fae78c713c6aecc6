import { randomBytes, randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { startSapSimulator, type SapSimulator } from '../../sap-simulator';
import { connectAs, Devnet, newEvent, type OrgClient } from '../ledger/support';
import { basic, LadingProcess } from '../support/lading-process';
import { ledgerEnv } from '../support/ledger-env';
import { waitFor } from '../support/wait';
import { deliveryIdoc, matchingDelivery, shipmentIdOf } from '../reconciliation/support';
import { pgClient, pgCredentials, type PgClient } from '../support/postgres';

/**
 * Scale-out acceptance: three Lading processes on one PostgreSQL schema, one Redis and one
 * ledger. IDocs are posted to all three at once while a carrier records events; mid-run the
 * instance holding the ledger listener and one more are SIGKILLed. Afterwards every IDoc's events
 * are on the ledger exactly once, every outbound IDoc (shipment updates, ALEAUD) is in SAP exactly
 * once — an IDoc whose HTTP post was in flight at the kill is sent again by the worker taking over,
 * under the same exactly-once message id, and SAP answers that resend from memory — the listener
 * runs on the survivor, and a full reconciliation finds nothing.
 * The test makes its own schema (whatever jest project runs it) and drops it afterwards.
 */

const DELIVERIES = 60;
const CARRIER_EVENTS = 24;
const CONCURRENCY = 6;
const LEASE_MS = 3_000;


const schema = `lading_scale_${process.pid}_${randomBytes(4).toString('hex')}`;

let devnet: Devnet;
let sap: SapSimulator;
let carrier: OrgClient;
let shipper: OrgClient;
let redis: Redis;
let db: PgClient;
let env: Record<string, string>;
const instances: LadingProcess[] = [];

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

const deliveryNumber = (index: number): string => `00811${String(index).padStart(5, '0')}`;
const docnumOf = (index: number): string => `00000000081${String(index).padStart(5, '0')}`;

function alive(): LadingProcess[] {
  return instances.filter((instance) => instance.child.exitCode === null && instance.child.signalCode === null);
}

/** The pid of the process holding a role, from its token `<host>/<pid>/<uuid>` in Redis. */
async function holderPid(role: string): Promise<number | undefined> {
  const token = await redis.get(`${env.QUEUE_PREFIX}:leader:${role}`);
  return token ? Number(token.split('/')[1]) : undefined;
}

/** Posts like SAP's port: round robin, and on a dead connection or a 5xx again to another live instance. */
async function post(xml: string, turn: number, attempt = 0): Promise<number> {
  const live = alive();
  const target = live[(turn + attempt) % live.length] as LadingProcess;
  try {
    const response = await fetch(`${target.url}/idoc/xml`, {
      method: 'POST', body: xml, headers: { 'content-type': 'application/xml', authorization: basic('erp'), connection: 'close' }, signal: AbortSignal.timeout(30_000),
    });
    await response.arrayBuffer();
    if (response.status >= 500 && attempt < 30) {
      await sleep(200);
      return post(xml, turn, attempt + 1);
    }
    return response.status;
  } catch (error) {
    if (attempt >= 30) throw error;
    await sleep(200);
    return post(xml, turn, attempt + 1);
  }
}

async function count(sql: string): Promise<number> {
  const result = await db.query<{ n: string }>(sql);
  return Number(result.rows[0]?.n);
}

beforeAll(async () => {
  db = pgClient();
  await db.connect();
  await db.query(`CREATE SCHEMA "${schema}"`);
  await db.query(`SET search_path TO "${schema}"`);
  devnet = await Devnet.start();
  sap = await startSapSimulator({ port: 0, users: { LADING: 'lading' } });
  sap.seedDeliveries(Array.from({ length: DELIVERIES }, (_, index) => matchingDelivery(deliveryNumber(index))));
  env = {
    ...ledgerEnv(devnet),
    CDS_CONFIG: JSON.stringify({
      requires: { db: { kind: 'postgres', credentials: { ...pgCredentials, schema } } },
      log: { levels: { cds: 'warn', odata: 'warn', lading: 'info', pipeline: 'error', sap: 'info', listener: 'warn' } },
    }),
    destinations: JSON.stringify([{ name: 'SAP_ERP', url: sap.url, username: 'LADING', password: 'lading' }]),
    LADING_LEADER_LEASE_MS: String(LEASE_MS),
    LEDGER_LOCK_MS: '4000',
    LEDGER_REDRIVE_AFTER_MS: '3000',
    LEDGER_PARTITIONS: '4',
  };
  redis = new Redis({ host: '127.0.0.1', port: 6379 });
  // The first instance deploys the schema; the other two find it deployed.
  instances.push(await LadingProcess.start('a', env));
  instances.push(...(await Promise.all([LadingProcess.start('b', env), LadingProcess.start('c', env)])));
  carrier = await connectAs(devnet, 'CarrierMSP');
  shipper = await connectAs(devnet, 'ShipperMSP');
}, 240_000);

afterAll(async () => {
  carrier?.close();
  shipper?.close();
  await Promise.all(instances.map((instance) => instance.kill('SIGKILL')));
  await devnet?.dispose();
  await sap?.stop();
  await redis?.quit();
  if (db) {
    await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
    await db.end();
  }
});

it('keeps every IDoc exactly once on the ledger and at SAP when the listener\'s instance and a worker are killed', async () => {
  const pids = instances.map((instance) => instance.child.pid);
  const firstListener = await waitFor('a listener on one instance', () => holderPid('sap-outbound'));
  expect(pids).toContain(firstListener);

  const statuses = new Map<number, number>();
  let next = 0;
  let killed: LadingProcess[] = [];
  let killedAt = '';
  const kill = async (): Promise<void> => {
    // The listener's instance and one more, without warning.
    const listener = instances.find((instance) => instance.child.pid === firstListener) as LadingProcess;
    const other = instances.find((instance) => instance !== listener) as LadingProcess;
    killed = [listener, other];
    console.log(`killing ${listener.name} (listener, pid ${listener.child.pid}) and ${other.name} after ${next} posts, ${sap.stats().received} IDocs at SAP, ${sap.inFlight()} POSTs held there`);
    killedAt = new Date().toISOString();
    await Promise.all(killed.map((instance) => instance.kill('SIGKILL')));
    sap.clearFaults();
  };
  const carrierEvents: string[] = [];
  const recordCarrierEvent = async (index: number): Promise<void> => {
    // A UUID as event id: Lading keeps event ids in String(36) columns (newEvent's default is longer).
    const event = newEvent(shipmentIdOf(deliveryNumber(index % DELIVERIES)), {
      eventId: randomUUID(), eventType: 'TRANSPORT', eventTypeCode: index % 2 === 0 ? 'DEPA' : 'ARRI', documentTypeCode: undefined,
      eventDateTime: `2026-11-2${6 + (index % 3)}T${String(index % 24).padStart(2, '0')}:00:00Z`,
    });
    carrierEvents.push(event.eventId);
    await carrier.ledger.recordEvents([event]);
  };

  // Deliveries to all three instances at once; the carrier records events on delivered shipments meanwhile.
  // SAP is slow until the kill (a token fetch and a POST, each held 1.5 s), and the second half of
  // the deliveries goes out once SAP holds outbound IDoc POSTs: the kill, after the first of that
  // half, hits posts in flight to Lading and POSTs in flight to SAP. SAP stores those, the answer
  // never arrives, and the worker taking the job over sends them again.
  sap.fail({ status: 0, delayMs: 1_500, forSeconds: 600, scope: 'idoc' });
  const sapBusy = waitFor('IDoc POSTs held at SAP', () => (sap.inFlight() >= 2 ? true : undefined), 60_000, 20).catch(() => false);
  let killing: Promise<void> | undefined;
  const posting = Promise.all(Array.from({ length: CONCURRENCY }, async (_, worker) => {
    while (next < DELIVERIES) {
      const index = next++;
      if (index >= DELIVERIES / 2) await sapBusy;
      const status = await post(deliveryIdoc(deliveryNumber(index), docnumOf(index)), index + worker);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      if (index === Math.floor(DELIVERIES / 2)) killing = kill();
    }
  }));
  // The carrier's first half on deliveries already on the ledger, before the kill; the rest after.
  await waitFor('the first deliveries on the ledger', async () => ((await count(`SELECT count(*) AS n FROM lading_inboundidocs WHERE status = '53'`)) >= CARRIER_EVENTS / 2 ? true : undefined), 120_000);
  for (let index = 0; index < CARRIER_EVENTS / 2; index++) await recordCarrierEvent(index);
  await posting;
  await killing;
  expect(killed).toHaveLength(2);
  for (let index = CARRIER_EVENTS / 2; index < CARRIER_EVENTS; index++) await recordCarrierEvent(index);
  expect(Object.fromEntries(statuses)).toEqual({ 200: DELIVERIES });

  // The listener moved to the survivor within the lease.
  const [survivor] = alive();
  expect(alive()).toHaveLength(1);
  const moved = await waitFor('the listener on the survivor', async () => ((await holderPid('sap-outbound')) === survivor?.child.pid ? true : undefined), LEASE_MS * 5, 100);
  expect(moved).toBe(true);
  // Each role has its own lease, taken over on the survivor's next try after it lapsed.
  const relayMoved = await waitFor('the ledger relay on the survivor', async () => ((await holderPid('ledger-relay')) === survivor?.child.pid ? true : undefined), LEASE_MS * 5, 100);
  expect(relayMoved).toBe(true);

  // Every delivery posted (53) once, with each of its events on the ledger exactly once.
  await waitFor('every delivery posted', async () => ((await count(`SELECT count(*) AS n FROM lading_inboundidocs WHERE status = '53'`)) === DELIVERIES ? true : undefined), 120_000, 500);
  expect(await count(`SELECT count(*) AS n FROM lading_inboundidocs WHERE status <> '53'`)).toBe(0);
  const localEvents = (await db.query<{ eventid: string; shipment_id: string }>(
    `SELECT e.eventid, e.shipment_id FROM lading_shipmentevents e JOIN lading_inboundidocs i ON i.id = e.sourceidoc_id WHERE i.status = '53'`,
  )).rows;
  const onLedger = new Map<string, readonly string[]>();
  for await (const head of shipper.ledger.allShipments(500)) onLedger.set(head.shipmentId, head.events);
  const ledgerEventIds = [...onLedger.values()].flat();
  expect(localEvents.length).toBeGreaterThanOrEqual(DELIVERIES);
  expect(localEvents.filter((event) => !(onLedger.get(event.shipment_id) ?? []).includes(event.eventid))).toEqual([]);
  expect(ledgerEventIds.length).toBe(new Set(ledgerEventIds).size);
  expect(ledgerEventIds.length).toBe(localEvents.length + CARRIER_EVENTS);
  for (const eventId of carrierEvents) expect(ledgerEventIds.filter((id) => id === eventId)).toHaveLength(1);

  // Every outbound IDoc reached SAP exactly once: one shipment update per carrier event, one confirmation per delivery.
  await waitFor('a shipment update per carrier event at SAP', () => (sap.received({ messageType: 'SHPMNT' }).length >= CARRIER_EVENTS ? true : undefined), 120_000, 250)
    .catch(async (error: Error) => {
      const rows = (await db.query<Record<string, unknown>>('SELECT messagetype, status, count(*) AS n FROM lading_outboundidocs GROUP BY messagetype, status')).rows;
      const checkpoints = (await db.query<Record<string, unknown>>('SELECT * FROM lading_ledgercheckpoints')).rows;
      throw new Error(`${error.message}; at SAP ${JSON.stringify(sap.stats())}; outbound ${JSON.stringify(rows)}; checkpoints ${JSON.stringify(checkpoints)}; survivor's log: ${survivor?.output.join('').slice(-6_000)}`);
    });
  const confirmed = (): string[] => sap.received({ messageType: 'ALEAUD' }).flatMap((idoc) => [...idoc.xml.matchAll(/<E1STATE[^>]*>\s*<DOCNUM>(\d+)<\/DOCNUM>/g)].map((match) => match[1] as string));
  await waitFor('an acknowledgement of every delivery at SAP', () => (new Set(confirmed()).size >= DELIVERIES ? true : undefined), 120_000, 250);
  // A sap-send job in the hands of a killed worker is taken over once its lock (30 s) has run out.
  await waitFor('every outbound IDoc sent', async () => ((await count(`SELECT count(*) AS n FROM lading_outboundidocs WHERE status <> '03'`)) === 0 ? true : undefined), 120_000, 250)
    .catch(async (error: Error) => {
      const rows = (await db.query<Record<string, unknown>>(`SELECT id, docnum, messagetype, status, statustext, queuedat, createdat FROM lading_outboundidocs WHERE status <> '03'`)).rows;
      throw new Error(`${error.message}; unsent ${JSON.stringify(rows)}; at SAP ${JSON.stringify(sap.stats())}; survivor's log: ${survivor?.output.join('').slice(-4_000)}`);
    });
  await sleep(2_000); // anything sent twice would have arrived by now
  const stats = sap.stats();
  const outbound = (await db.query<{ docnum: string; messagetype: string }>('SELECT docnum, messagetype FROM lading_outboundidocs')).rows;
  console.log(JSON.stringify({
    deliveries: DELIVERIES, carrierEvents: CARRIER_EVENTS, eventsOnLedger: ledgerEventIds.length, outboundIdocs: outbound.length, atSap: stats.byMessageType,
    repeatsOnTheWire: stats.duplicates, answeredFromMemory: stats.redeliveries, survivor: survivor?.name, killed: killed.map((instance) => instance.name),
  }));
  // SAP's answer and Lading's record of it cannot be one transaction: an IDoc whose POST was in
  // flight when its instance died is sent again by the worker that takes the job over. It goes
  // under the same exactly-once message id, so SAP answers it from memory: a repeat on the wire,
  // never a second IDoc in SAP. Logged, to see the takeover happen.
  const redelivered = sap.received().filter((idoc) => idoc.redeliveredAt.length > 0);
  if (redelivered.length > 0) {
    console.log(JSON.stringify({ killedAt, redelivered: redelivered.map((idoc) => ({ docnum: idoc.docnum, messageType: idoc.messageType, storedAt: idoc.receivedAt, againAt: idoc.redeliveredAt })) }));
  }
  // Exactly once at SAP: every outbound IDoc stored once, under its message id, and nothing else.
  expect(sap.received().map((idoc) => idoc.docnum).sort()).toEqual(outbound.map((row) => row.docnum).sort());
  expect(stats.received).toBe(outbound.length);
  expect(sap.received().filter((idoc) => idoc.messageId === undefined).map((idoc) => idoc.docnum)).toEqual([]);
  // Every repeat of a DOCNUM on the wire was such a resend, answered from memory.
  expect(stats.duplicates).toBe(stats.redeliveries);
  expect(sap.received({ messageType: 'SHPMNT' })).toHaveLength(CARRIER_EVENTS);
  expect(outbound.filter((row) => row.messagetype === 'SHPMNT')).toHaveLength(CARRIER_EVENTS);
  expect(confirmed().sort()).toEqual(Array.from({ length: DELIVERIES }, (_, index) => docnumOf(index)).sort());

  // A full reconciliation on the survivor finds SAP, Lading and the ledger in agreement. Its run
  // row is committed before its job is queued, so the worker of any instance finds it: one asking
  // is enough (a job failing before the run started is reported with its reason).
  type RunRow = { status: string; discrepancies: number; done: number; message: string };
  const reconcile = async (): Promise<RunRow | undefined> => {
    const started = await fetch(`${survivor?.url}/odata/v4/reconciliation/startRun`, {
      method: 'POST', body: JSON.stringify({ mode: 'full' }), headers: { 'content-type': 'application/json', authorization: basic('operator') },
    });
    expect(started.status).toBe(200);
    const { ID } = (await started.json()) as { ID: string };
    const failedJob = async (): Promise<string | undefined> => (await redis.hget(`${env.QUEUE_PREFIX}:reconcile:run-${ID}`, 'failedReason')) ?? undefined;
    const outcome = await waitFor(`reconciliation run ${ID}`, async () => {
      const response = await fetch(`${survivor?.url}/odata/v4/reconciliation/ReconciliationRuns(${ID})`, { headers: { authorization: basic('operator') } });
      const body = (await response.json()) as RunRow;
      if (body.status === 'finished' || body.status === 'failed') return body;
      const reason = body.status === 'queued' ? await failedJob() : undefined;
      return reason ? { status: 'lost', reason } : undefined;
    }, 120_000, 250);
    if ('reason' in outcome) {
      console.log(`reconciliation run ${ID} never started: its job failed with "${outcome.reason}"`);
      return undefined;
    }
    return outcome;
  };
  const run = await reconcile();
  if (!run) throw new Error('the reconciliation run never started (see the log line above)');
  const open = (await fetch(`${survivor?.url}/odata/v4/reconciliation/Discrepancies?$filter=status eq 'open'`, { headers: { authorization: basic('operator') } }).then((response) => response.json())) as { value: unknown[] };
  console.log(JSON.stringify({ reconciliation: run.message, open: open.value }));
  expect(run).toMatchObject({ status: 'finished', discrepancies: 0, done: DELIVERIES });
  expect(open.value).toEqual([]);
}, 300_000);
