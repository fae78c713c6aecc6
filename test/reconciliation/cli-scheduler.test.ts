import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { progressBar, progressLines } from '../../bin/commands/reconcile';
import { createRun, executeRun, Reconciler, RECONCILE_SCHEDULER_ID } from '../../srv/reconciliation';
import { connectAs, Devnet, newEvent, type OrgClient } from '../ledger/support';
import { applyEnv, ledgerEnv } from '../support/ledger-env';
import { PROJECT_ROOT } from '../support/lading';
import { waitFor } from '../support/wait';
import { rows, startLadingWithUrl, type Row } from './support';

/**
 * `npx lading reconcile` against a running Lading, the cron job scheduler (one schedule however
 * many instances start it), and a run whose ledger is gone.
 */

jest.setTimeout(120_000);

let devnet: Devnet;
let shipper: OrgClient;
let restoreEnv: () => void = () => undefined;
let queuePrefix = '';

beforeAll(async () => {
  devnet = await Devnet.start();
  const env = ledgerEnv(devnet);
  queuePrefix = env.QUEUE_PREFIX as string;
  // No SAP here: the ledger side alone (deliveries are not compared).
  restoreEnv = applyEnv({ ...env, LADING_SAP: 'off' });
  shipper = await connectAs(devnet, 'ShipperMSP');
  // Three shipments only the ledger knows, so that runs have something to count.
  for (let i = 0; i < 3; i++) await shipper.ledger.recordEvents([newEvent(`OTHERSYS/${randomUUID()}`)]);
}, 120_000);

const lading = startLadingWithUrl();

afterAll(async () => {
  shipper?.close();
  await devnet?.dispose();
  restoreEnv();
});

function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(PROJECT_ROOT, 'bin', 'lading.js'), ...args], {
      cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LADING_USER: '', LADING_TOKEN: '', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

const operator = (): string[] => ['--url', lading.url, '--user', 'operator', '--password', 'operator', '--interval', '100'];

describe('npx lading reconcile', () => {
  it('runs a full reconciliation on the running Lading, with progress lines and a summary', async () => {
    const result = await cli(['reconcile', '--full', ...operator()]);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^reconciliation run [0-9a-f-]{36} \(full\) queued at http/);
    expect(result.stderr).toContain('100% 3/3\n');
    expect(result.stdout).toMatch(/^full: 3 shipments, 0 matched, 3 discrepancies/);
  });

  it('prints the finished run as JSON with --json (incremental by default)', async () => {
    const result = await cli(['reconcile', '--json', ...operator()]);
    expect(result.code).toBe(0);
    const run = JSON.parse(result.stdout) as Row;
    expect(run).toMatchObject({ status: 'finished', mode: 'incremental' });
    const [stored] = await rows('lading.ReconciliationRuns', { ID: run.ID });
    expect(stored?.trigger).toBe('operator');
  });

  it('exits 1 naming the cause when Lading refuses or cannot be reached, 2 for wrong usage', async () => {
    const refused = await cli(['reconcile', '--url', lading.url, '--user', 'finance', '--password', 'finance']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^lading: Lading at http\S+ answered 403/);
    const unreachable = await cli(['reconcile', '--url', 'http://127.0.0.1:9', '--user', 'operator', '--password', 'operator']);
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(/^lading: cannot reach Lading at http:\/\/127\.0\.0\.1:9/);
    const usage = await cli(['reconcile', 'everything', ...operator()]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('reconcile takes no arguments');
    const tooFast = await cli(['reconcile', '--url', lading.url, '--user', 'operator', '--password', 'operator', '--interval', '1']);
    expect(tooFast.code).toBe(2);
    expect(tooFast.stderr).toContain('--interval must be at least 50');
  });

  it('draws a bar on a terminal and one line per 10% otherwise', () => {
    const now = Date.parse('2026-11-25T12:00:00Z');
    expect(progressBar({ done: 500, total: 1000, eta: '2026-11-25T12:01:05Z' }, now)).toBe(`\r[${'#'.repeat(15)}${'.'.repeat(15)}]  50% 500/1000 ETA 1m05s\u001b[K`);
    expect(progressBar({ done: 0, total: 0 }, now)).toBe(`\r[${'.'.repeat(30)}]   0% 0/0\u001b[K`);
    expect(progressLines({ done: 250, total: 1000, eta: '2026-11-25T12:00:12Z' }, 1, now)).toEqual({ lines: ['20% 250/1000 ETA 12s\n'], step: 2 });
    expect(progressLines({ done: 290, total: 1000 }, 2, now)).toEqual({ lines: [], step: 2 });
  });
});

describe('the job scheduler', () => {
  it('keeps one schedule across instances and runs incremental reconciliations on it', async () => {
    const deps = { ledger: { ledger: shipper.ledger } };
    const connection = { host: '127.0.0.1', port: 6379, maxRetriesPerRequest: null };
    const instances = [
      new Reconciler({ connection, prefix: queuePrefix, deps, cron: '* * * * * *' }),
      new Reconciler({ connection, prefix: queuePrefix, deps, cron: '* * * * * *' }),
    ];
    try {
      for (const instance of instances) await instance.start();
      const schedulers = await instances[0]!.queue.getJobSchedulers();
      expect(schedulers.map((scheduler) => [scheduler.key, scheduler.pattern])).toEqual([[RECONCILE_SCHEDULER_ID, '* * * * * *']]);
      const run = await waitFor('a scheduled run', async () => {
        const [found] = (await SELECT.from('lading.ReconciliationRuns').where({ trigger: 'scheduler', status: 'finished' })) as Row[];
        return found;
      }, 30_000, 200);
      expect(run.mode).toBe('incremental');
    } finally {
      await instances[0]?.queue.removeJobScheduler(RECONCILE_SCHEDULER_ID);
      for (const instance of instances) await instance.stop();
    }
  });
});

describe('batch reads for reconciliation (chaincode getShipments, getEvents)', () => {
  it('answers heads and events in the order asked, undefined where there is none', async () => {
    const shipmentId = `OTHERSYS/${randomUUID()}`;
    const event = newEvent(shipmentId);
    await shipper.ledger.recordEvents([event]);
    const heads = await shipper.ledger.getShipments([shipmentId, 'OTHERSYS/none']);
    expect(heads[0]).toMatchObject({ shipmentId, events: [event.eventId], recordedBy: { [event.eventId]: 'ShipperMSP' } });
    expect(heads[1]).toBeUndefined();
    const records = await shipper.ledger.getEvents(['none', event.eventId]);
    expect(records[0]).toBeUndefined();
    expect(records[1]?.event.payloadHash).toBe(event.payloadHash);
    expect(await shipper.ledger.getShipments([])).toEqual([]);
  });

  it('refuses more than 1000 ids, and malformed ones, as invalid input', async () => {
    const tooMany = Array.from({ length: 1001 }, (_, at) => `X/${at}`);
    await expect(shipper.ledger.getShipments(tooMany)).rejects.toMatchObject({ name: 'ContractRejectedError', reason: 'invalid' });
    await expect(shipper.ledger.getEvents(['ok', ''])).rejects.toMatchObject({ name: 'ContractRejectedError', reason: 'invalid' });
  });
});

describe('a run that cannot read the ledger', () => {
  it('ends failed with the reason on the run, and rethrows', async () => {
    const gone = await connectAs(devnet, 'ShipperMSP');
    gone.close();
    const runId = await createRun('full', 'test');
    await expect(executeRun(runId, { ledger: { ledger: gone.ledger } })).rejects.toThrow();
    const [run] = await rows('lading.ReconciliationRuns', { ID: runId });
    expect(run).toMatchObject({ status: 'failed' });
    expect(String(run?.message)).toMatch(/\w+Error: /);
  });

  it('refuses a run that does not exist', async () => {
    await expect(executeRun(randomUUID(), { ledger: { ledger: shipper.ledger } })).rejects.toThrow(/does not exist/);
  });
});
