import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../connectors/queue';
import { PROJECT_ROOT } from '../support/lading';

/**
 * The front door as a newcomer meets it: `npm start` (the README's command, as a child process,
 * on a state like a clean clone's: no database file, no devnet data), then `npm run demo`
 * against it, every step's outcome checked through the public APIs, then Ctrl+C — and nothing
 * left behind: no process of the group, no port taken.
 */

jest.setTimeout(300_000);

interface Started {
  child: ChildProcess;
  output: string[];
  exited: Promise<number | null>;
}

const auth = (user: string): string => `Basic ${Buffer.from(`${user}:${user}`).toString('base64')}`;

function startNpm(args: string[], env: NodeJS.ProcessEnv): Started {
  // detached: its own process group, so a signal reaches npm and all it started, as Ctrl+C does.
  const child = spawn('npm', args, { cwd: PROJECT_ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output, exited };
}

function processesOfGroup(pgid: number): string[] {
  const listing = spawnSync('ps', ['-eo', 'pid=,pgid=,args='], { encoding: 'utf8' }).stdout;
  return listing.split('\n').filter((line) => line.trim().split(/\s+/)[1] === String(pgid));
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number, context: () => string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${context().slice(-3000)}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

async function get<T>(url: string, user: string): Promise<T> {
  const response = await fetch(url, { headers: { authorization: auth(user) } });
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`);
  return (await response.json()) as T;
}

describe('npm start, then npm run demo', () => {
  let dir: string;
  let lading: Started | undefined;
  const ports: Record<string, number> = {};

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lading-front-door-'));
    for (const name of ['PORT', 'SAPSIM_PORT', 'DEVNET_PORT', 'DEVNET_ADMIN_PORT']) ports[name] = await freePort();
  });

  afterAll(async () => {
    if (lading?.child.pid && lading.child.exitCode === null) {
      try {
        process.kill(-lading.child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await rm(dir, { recursive: true, force: true });
  });

  test('shows a whole cross-border shipment and stops without leaving anything behind', async () => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      // What a developer's shell has: no test profile, the pipeline and SAP side on.
      NODE_ENV: 'development', LADING_PIPELINE: 'on', LADING_SAP: 'on',
      CDS_CONFIG: JSON.stringify({ requires: { db: { kind: 'sqlite', credentials: { url: join(dir, 'lading.sqlite') } } } }),
      DEVNET_DIR: join(dir, '.devnet'), QUEUE_PREFIX: `front-door-${process.pid}`,
      ...Object.fromEntries(Object.entries(ports).map(([name, port]) => [name, String(port)])),
    };
    delete env.JEST_WORKER_ID;
    lading = startNpm(['start'], env);
    const started = lading;
    const log = (): string => started.output.join('');
    const lading_url = `http://127.0.0.1:${ports.PORT}`;
    await until('Lading to be ready', async () => ((await fetch(`${lading_url}/ready`)).ok ? true : undefined), 180_000, log);

    // Each embedded part announced in one line, with its address.
    expect(log()).toMatch(/\[lading\] - Redis at redis:\/\/127\.0\.0\.1:6379/);
    expect(log()).toMatch(new RegExp(`\\[lading\\] - devnet \\(Fabric Gateway.*at 127\\.0\\.0\\.1:${ports.DEVNET_PORT}.*admin http://127\\.0\\.0\\.1:${ports.DEVNET_ADMIN_PORT}`));
    expect(log()).toMatch(new RegExp(`\\[lading\\] - SAP simulator .* at http://127\\.0\\.0\\.1:${ports.SAPSIM_PORT}`));

    const demo = startNpm(['run', '--silent', 'demo'], {
      ...env, LADING_URL: lading_url, DEVNET_ADDRESS: `127.0.0.1:${ports.DEVNET_PORT}`,
    });
    const demoCode = await demo.exited;
    const story = demo.output.join('');
    expect({ demoCode, story }).toMatchObject({ demoCode: 0 });
    const delivery = /posts outbound delivery (\d{10})/.exec(story)?.[1];
    expect(delivery).toBeDefined();
    const shipmentId = `S4HCLNT100/${delivery}`;

    // Every party's facts are on the shipment's timeline, each with its ledger proof.
    const shipment = await get<{ status: string; events: { recordedBy: string; eventTypeCode: string; ledgerTxId: string | null; ledgerBlock: number | null }[] }>(
      `${lading_url}/odata/v4/shipment/Shipments('${encodeURIComponent(shipmentId)}')?$expand=events`, 'operator');
    const byParty = new Map<string, string[]>();
    for (const event of shipment.events) byParty.set(event.recordedBy, [...(byParty.get(event.recordedBy) ?? []), event.eventTypeCode]);
    expect(byParty.get('ShipperMSP')).toEqual(expect.arrayContaining(['RECE']));
    expect(byParty.get('CarrierMSP')?.sort()).toEqual(['ARRI', 'DEPA', 'LOAD']);
    expect(byParty.get('BrokerMSP')?.sort()).toEqual(['HOLD', 'RELS', 'SUBM']);
    expect(byParty.get('ConsigneeMSP')).toEqual(['CMPL']);
    for (const event of shipment.events) expect(event.ledgerTxId).toMatch(/^[0-9a-f]{64}$/);

    // The customs broker sees it (the delivery names BROKER-A), the other broker does not.
    const brokerA = await get<{ value: { ID: string }[] }>(`${lading_url}/odata/v4/broker/Shipments`, 'broker-a');
    expect(brokerA.value.map((row) => row.ID)).toContain(shipmentId);
    const brokerB = await get<{ value: { ID: string }[] }>(`${lading_url}/odata/v4/broker/Shipments`, 'broker-b');
    expect(brokerB.value.map((row) => row.ID)).not.toContain(shipmentId);

    // SAP heard of every fact exactly once.
    const sap = await get<{ idocs: { messageType: string; docnum: string; xml: string }[] }>(`http://127.0.0.1:${ports.SAPSIM_PORT}/admin/idocs`, 'LADING');
    const mine = sap.idocs.filter((idoc) => delivery && idoc.xml.includes(delivery));
    const docnums = mine.map((idoc) => idoc.docnum);
    expect(new Set(docnums).size).toBe(docnums.length);
    const kinds = mine.map((idoc) => idoc.messageType);
    expect(kinds.filter((kind) => kind === 'SHPMNT')).toHaveLength(3);
    expect(kinds).toContain('STPPOD');

    // Finance: the invoice matched against delivered quantities and the signed POD (one housing cracked).
    const invoiceNumber = /INVOIC02 (\d{10})/.exec(story)?.[1];
    expect(invoiceNumber).toBeDefined();
    const settlement = await get<{ value: { lineNumber: string; status: string; reasonCode: string | null; invoicedQuantity: number; podQuantity: number }[] }>(
      `${lading_url}/odata/v4/finance/Settlements?$filter=invoice_ID eq '${encodeURIComponent(`S4HCLNT100/${invoiceNumber}`)}'&$orderby=lineNumber`, 'finance');
    expect(settlement.value.map((line) => [line.lineNumber, line.status, line.reasonCode, Number(line.invoicedQuantity), Number(line.podQuantity)])).toEqual([
      ['000010', 'ready', null, 10, 10], ['000020', 'blocked', 'QUANTITY_MISMATCH', 11, 10], ['000030', 'ready', null, 12, 12],
    ]);

    // Reconciliation: SAP (its delivery API), Lading and the ledger agree on this delivery.
    expect(story).toContain(`delivery ${delivery}: SAP, Lading and the ledger agree`);
    const open = await get<{ value: unknown[] }>(`${lading_url}/odata/v4/reconciliation/Discrepancies?$filter=${encodeURIComponent(`shipmentId eq '${shipmentId}' and status eq 'open'`)}`, 'operator');
    expect(open.value).toEqual([]);

    // Ctrl+C: the whole group stops, no process and no port is left.
    const pgid = started.child.pid as number;
    process.kill(-pgid, 'SIGINT');
    await until('npm start to exit', async () => (started.child.exitCode !== null || started.child.signalCode !== null ? true : undefined), 30_000, log);
    await until('every process of the group to end', async () => (processesOfGroup(pgid).length === 0 ? true : undefined), 20_000, () => processesOfGroup(pgid).join('\n'));
    for (const [name, port] of Object.entries(ports)) expect({ name, free: await portIsFree(port) }).toEqual({ name, free: true });
  });
});
