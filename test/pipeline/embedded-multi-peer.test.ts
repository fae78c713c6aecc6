import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deliveryIdoc } from '../reconciliation/support';
import { basic, LadingProcess } from '../support/lading-process';
import { waitFor } from '../support/wait';
import { pgClient, pgCredentials, type PgClient } from '../support/postgres';

/**
 * `npm start` against a devnet with one peer per organisation: Lading (a child process, as
 * `npm start` runs it, devnet embedded) started with DEVNET_PEERS and an AND policy connects to
 * its own organisation's peer, and its IDocs reach the ledger only while the other organisation's
 * peer endorses too. On PostgreSQL, with its connection pool capped by LADING_DB_POOL_MAX.
 */

jest.setTimeout(180_000);


const schema = `lading_peers_${process.pid}_${randomBytes(4).toString('hex')}`;
// Lading's connections carry this name, so the test can count them in pg_stat_activity.
const applicationName = `lading-pool-${randomBytes(4).toString('hex')}`;
const POOL_MAX = 2;

let db: PgClient;
let devnetDir: string;
let lading: LadingProcess;

async function statusOf(docnum: string): Promise<string | undefined> {
  return (await db.query<{ status: string }>('SELECT status FROM lading_inboundidocs WHERE docnum = $1', [docnum])).rows[0]?.status;
}

async function post(docnum: string, delivery: string): Promise<number> {
  const response = await fetch(`${lading.url}/idoc/xml`, {
    method: 'POST', body: deliveryIdoc(delivery, docnum), headers: { 'content-type': 'application/xml', authorization: basic('erp') },
  });
  await response.arrayBuffer();
  return response.status;
}

beforeAll(async () => {
  db = pgClient();
  await db.connect();
  await db.query(`CREATE SCHEMA "${schema}"`);
  await db.query(`SET search_path TO "${schema}"`);
  devnetDir = await mkdtemp(join(tmpdir(), 'lading-peers-'));
  lading = await LadingProcess.start('multi-peer', {
    LADING_PIPELINE: 'on', LADING_SAP: 'off', REDIS_URL: 'redis://127.0.0.1:6379', QUEUE_PREFIX: `test-${randomUUID().slice(0, 8)}`,
    // The own organisation listed second: its peer is not the first endpoint.
    DEVNET_PEERS: 'CarrierMSP,ShipperMSP', DEVNET_ENDORSEMENT_POLICY: "AND('ShipperMSP.peer','CarrierMSP.peer')",
    DEVNET_PORT: '0', DEVNET_ADMIN_PORT: '0', DEVNET_DIR: devnetDir,
    LADING_DB_POOL_MAX: String(POOL_MAX), LADING_DB_POOL_ACQUIRE_MS: '20000', LEDGER_REDRIVE_AFTER_MS: '2000',
    CDS_CONFIG: JSON.stringify({
      requires: { db: { kind: 'postgres', credentials: { ...pgCredentials, schema }, client: { application_name: applicationName } } },
      log: { levels: { cds: 'warn', odata: 'warn', lading: 'info', pipeline: 'error', serve: 'warn', deploy: 'warn' } },
    }),
  });
}, 180_000);

afterAll(async () => {
  await lading?.kill('SIGTERM');
  if (devnetDir) await rm(devnetDir, { recursive: true, force: true });
  if (db) {
    await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
    await db.end();
  }
});

it("connects to its own organisation's peer and records only with the other peer's endorsement", async () => {
  const output = (): string => lading.output.join('');
  const peers = await waitFor('the devnet line', () => /peers CarrierMSP@(\S+) ShipperMSP@(\S+), policy AND\('ShipperMSP.peer','CarrierMSP.peer'\)/.exec(output()) ?? undefined);
  const [, carrierPeer, shipperPeer] = peers;
  expect(carrierPeer).not.toBe(shipperPeer);
  expect(output()).toContain(`ledger connection as ShipperMSP to ${shipperPeer}`);
  const adminUrl = (/admin (http:\/\/127\.0\.0\.1:\d+)/.exec(output()) ?? [])[1] as string;

  expect(await post('0000000091000001', '0091000001')).toBe(200);
  await waitFor('the first IDoc posted (53)', async () => ((await statusOf('0000000091000001')) === '53' ? true : undefined), 60_000, 250);

  // Without the carrier's peer the policy cannot be met: the IDoc waits, then goes through once it is back.
  const stop = await fetch(`${adminUrl}/peers/CarrierMSP`, { method: 'POST', body: JSON.stringify({ stopped: true }), headers: { 'content-type': 'application/json' } });
  expect(stop.status).toBe(200);
  expect(await post('0000000091000002', '0091000002')).toBe(200);
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  expect(await statusOf('0000000091000002')).not.toBe('53');
  await fetch(`${adminUrl}/peers/CarrierMSP`, { method: 'POST', body: JSON.stringify({ stopped: false }), headers: { 'content-type': 'application/json' } });
  await waitFor('the second IDoc posted (53) after the carrier peer is back', async () => ((await statusOf('0000000091000002')) === '53' ? true : undefined), 90_000, 250);
});

it('opens no more PostgreSQL connections than LADING_DB_POOL_MAX', async () => {
  let most = 0;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const { rows } = await db.query<{ n: string }>('SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1', [applicationName]);
      most = Math.max(most, Number(rows[0]?.n));
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  // Twenty reads at once, three times: each would take a connection of its own from an unbounded pool.
  const statuses: number[] = [];
  for (let round = 0; round < 3; round++) {
    statuses.push(...(await Promise.all(Array.from({ length: 20 }, async () => {
      const response = await fetch(`${lading.url}/odata/v4/shipment/InboundIdocs?$count=true&$expand=statusHistory`, { headers: { authorization: basic('operator') } });
      await response.arrayBuffer();
      return response.status;
    }))));
  }
  sampling = false;
  await sampler;
  expect(statuses.every((status) => status === 200)).toBe(true);
  expect(most).toBeGreaterThan(0);
  expect(most).toBeLessThanOrEqual(POOL_MAX);
});
