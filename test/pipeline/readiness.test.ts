import { spawn, type ChildProcess } from 'node:child_process';
import { freePort, redisAnswers } from '../../connectors/queue';
import { Devnet } from '../ledger/support';
import { applyEnv, ledgerEnv } from '../support/ledger-env';
import { startLading } from '../support/lading';
import { waitFor } from '../support/wait';

/** /health and /ready over real HTTP while Redis stops and returns and devnet refuses connections. */

let devnet: Devnet;
let redisPort: number;
let redisServer: ChildProcess | undefined;
let restoreEnv: () => void = () => undefined;

async function startRedis(): Promise<void> {
  redisServer = spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  await waitFor('redis-server', async () => ((await redisAnswers('127.0.0.1', redisPort)) ? true : undefined), 5_000, 50);
}

async function stopRedis(): Promise<void> {
  const server = redisServer;
  if (!server || server.exitCode !== null) return;
  const exited = new Promise((resolve) => server.once('exit', resolve));
  server.kill('SIGKILL');
  await exited;
}

beforeAll(async () => {
  devnet = await Devnet.start();
  redisPort = await freePort();
  await startRedis();
  restoreEnv = applyEnv({ ...ledgerEnv(devnet, `redis://127.0.0.1:${redisPort}`), LADING_SAP: 'off' });
}, 120_000);

const lading = startLading();

afterAll(async () => {
  restoreEnv();
  await devnet?.dispose();
  await stopRedis();
});

interface Readiness {
  ready: boolean;
  checks: { database: string; redis: string; ledger: string };
}

const ready = () => lading.request<Readiness>({ method: 'GET', url: '/ready' });

describe('/health and /ready', () => {
  it('says alive without credentials', async () => {
    const health = await lading.request<{ status: string }>({ method: 'GET', url: '/health' });
    expect(health.status).toBe(200);
    expect(health.data.status).toBe('UP');
  });

  it('is ready when database, Redis and ledger answer', async () => {
    const answer = await ready();
    expect(answer.status).toBe(200);
    expect(answer.data).toEqual({ ready: true, checks: { database: 'up', redis: 'up', ledger: 'up' } });
  });

  it('turns false while Redis is gone and true when it returns', async () => {
    await stopRedis();
    const down = await ready();
    expect(down.status).toBe(503);
    expect(down.data.checks).toMatchObject({ redis: 'down', database: 'up', ledger: 'up' });
    await startRedis();
    expect((await ready()).data.ready).toBe(true);
  });

  it('turns false while the ledger refuses connections and true when it answers again', async () => {
    await devnet.injectFaults({ refuseSeconds: 3 });
    const down = await ready();
    expect(down.status).toBe(503);
    expect(down.data.checks.ledger).toBe('down');
    await waitFor('the ledger to answer again', async () => ((await ready()).data.ready ? true : undefined), 15_000, 250);
  });
});
