/**
 * Ledger test support: a real devnet on a free port with its own temp dir, in a child process
 * (devnet-host.ts through tsx), and real Fabric Gateway connections to it through the connector.
 * Every test file starts its own devnet, so files never share ledger state or ports.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm, rmdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import {
  ShipmentLedger,
  connectLedger,
  devnetConfig,
  type FabricTimeouts,
  type LedgerConnection,
  type LedgerEvent,
} from '../../connectors/fabric';
import { READY_PREFIX, type DevnetHostInfo } from './devnet-handshake';

const ROOT = join(__dirname, '..', '..');
const TSX_CLI = join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const HOST_SCRIPT = join(__dirname, 'devnet-host.ts');
const CHAINCODE_DIR = join(ROOT, 'chaincode');
const START_TIMEOUT_MS = 45_000;
const STOP_TIMEOUT_MS = 15_000;

export const ORGS = ['ShipperMSP', 'CarrierMSP', 'BrokerMSP', 'ConsigneeMSP', 'FinanceMSP'] as const;
export type OrgMsp = (typeof ORGS)[number];

/** Fault settings of devnet's admin API. */
export interface DevnetFaults {
  failEndorsements?: number;
  mvccConflicts?: number;
  commitDelayMs?: number;
  refuseSeconds?: number;
}

export interface DevnetStartOptions {
  /** Data dir to use (kept afterwards); default: a new temp dir, removed by dispose(). */
  dir?: string;
  /** PEM server certificate and key: devnet then serves gRPC over TLS only. */
  tls?: { certPath: string; keyPath: string };
  /** One peer per organisation (devnet's `peers`); their addresses are in GET /peers of the admin API. */
  peers?: string[];
  /** devnet's `endorsementPolicy`, e.g. `AND('ShipperMSP.peer','CarrierMSP.peer')`; needs `peers`. */
  endorsementPolicy?: string;
}

/** One running devnet process. `dir` outlives restarts; `dispose()` removes it. */
export class Devnet {
  readonly info: DevnetHostInfo;
  readonly #child: ChildProcess;
  readonly #ownsDir: boolean;
  readonly #options: DevnetStartOptions;
  #stopped = false;

  private constructor(info: DevnetHostInfo, child: ChildProcess, ownsDir: boolean, options: DevnetStartOptions) {
    this.info = info;
    this.#child = child;
    this.#ownsDir = ownsDir;
    this.#options = options;
  }

  get address(): string {
    return this.info.address;
  }

  get adminUrl(): string {
    if (this.info.adminUrl === undefined) throw new Error('devnet was started without its admin API');
    return this.info.adminUrl;
  }

  get dir(): string {
    return this.info.dir;
  }

  /**
   * Starts devnet on free ports in a new temp dir (or in `dir`, to reopen an existing ledger),
   * serving TLS with the given server certificate when `tls` is set.
   */
  static async start(options: DevnetStartOptions = {}): Promise<Devnet> {
    if (options.dir !== undefined) return Devnet.#launch({ ...options, dir: options.dir }, false);
    return Devnet.#launch({ ...options, dir: await mkdtemp(join(tmpdir(), 'lading-devnet-')) }, true);
  }

  static async #launch(options: DevnetStartOptions & { dir: string }, ownsDir: boolean): Promise<Devnet> {
    await ensureChaincodeBuilt();
    const child = spawn(process.execPath, [TSX_CLI, HOST_SCRIPT, JSON.stringify({ port: 0, adminPort: 0, ...options })], {
      cwd: ROOT,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, NODE_ENV: 'test' },
    });
    try {
      const info = await waitForReady(child);
      return new Devnet(info, child, ownsDir, options);
    } catch (err) {
      child.kill('SIGKILL');
      if (ownsDir) await rm(options.dir, { recursive: true, force: true });
      throw err;
    }
  }

  /** Stops the process (devnet closes its ledger cleanly); the data dir stays. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    await stopChild(this.#child);
  }

  /** Stops this devnet and starts a new process on the same data dir (the port may change). */
  async restart(): Promise<Devnet> {
    await this.stop();
    return Devnet.#launch({ ...this.#options, dir: this.dir }, this.#ownsDir);
  }

  /** Stops and, when this object created it, removes the data dir. */
  async dispose(): Promise<void> {
    await this.stop();
    if (this.#ownsDir) await rm(this.dir, { recursive: true, force: true });
  }

  /** Sets faults (see devnet/admin/faults.ts FaultSettings); counters are consumed one call at a time. */
  async injectFaults(settings: DevnetFaults): Promise<void> {
    await this.admin('POST', '/faults', settings);
  }

  async clearFaults(): Promise<void> {
    await this.admin('DELETE', '/faults');
  }

  /** Transaction counts of the whole ledger (devnet's GET /status). */
  async transactionCounts(): Promise<{ total: number; valid: number }> {
    const status = (await this.admin('GET', '/status')) as { transactions: { total: number; valid: number } };
    return status.transactions;
  }

  /** Ends every open event stream now, as a peer going away would (UNAVAILABLE). */
  async dropEventStreams(): Promise<number> {
    const answer = (await this.admin('POST', '/faults/drop-streams')) as { dropped: number };
    return answer.dropped;
  }

  /** Calls devnet's admin API (devnet/admin/http.ts) and returns its JSON answer. */
  async admin(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<unknown> {
    const response = await fetch(new URL(path, this.adminUrl), {
      method,
      headers: body === undefined ? undefined : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`devnet admin ${method} ${path} answered ${response.status}: ${text}`);
    return text === '' ? undefined : (JSON.parse(text) as unknown);
  }
}

/**
 * devnet runs chaincode/dist (CaaS); build it with the project's own script when it is missing or
 * older than its sources. A lock directory keeps parallel Jest workers from building at once.
 */
async function ensureChaincodeBuilt(): Promise<void> {
  const lock = join(tmpdir(), `lading-chaincode-build-${sha256Hex(ROOT).slice(0, 12)}.lock`);
  for (const giveUp = Date.now() + 120_000; Date.now() < giveUp; ) {
    if (!(await chaincodeStale())) return;
    try {
      await mkdir(lock);
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 250)); // another worker is building
      continue;
    }
    try {
      if (await chaincodeStale()) await run('npm', ['run', '--silent', 'build:chaincode']);
      return;
    } finally {
      await rmdir(lock);
    }
  }
  throw new Error(`chaincode build lock ${lock} was not released; remove it if no build is running`);
}

async function chaincodeStale(): Promise<boolean> {
  const built = await stat(join(CHAINCODE_DIR, 'dist', 'index.js')).catch(() => undefined);
  if (built === undefined) return true;
  const sources = await readdir(join(CHAINCODE_DIR, 'src'), { recursive: true });
  for (const source of sources) {
    if ((await stat(join(CHAINCODE_DIR, 'src', source))).mtimeMs > built.mtimeMs) return true;
  }
  return false;
}

function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd: ROOT }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${command} ${args.join(' ')} failed: ${err.message}\n${stdout}${stderr}`));
      else resolve();
    });
  });
}

function waitForReady(child: ChildProcess): Promise<DevnetHostInfo> {
  return new Promise((resolve, reject) => {
    let stderr = '';
    // Keep only the tail: enough to explain a failed start, bounded for a long test run.
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-20_000);
    });
    const timer = setTimeout(() => reject(new Error(`devnet did not start within ${START_TIMEOUT_MS} ms\n${stderr}`)), START_TIMEOUT_MS);
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      if (!line.startsWith(READY_PREFIX)) return;
      clearTimeout(timer);
      resolve(JSON.parse(line.slice(READY_PREFIX.length)) as DevnetHostInfo);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`devnet exited before it was ready (code ${code}, signal ${signal})\n${stderr}`));
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const killer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    child.once('exit', () => {
      clearTimeout(killer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export interface VerifyOutcome {
  exitCode: number | null;
  /** devnet's one-line verdict, e.g. `ok: 5 blocks, ...` or `FAILED at block 3: ...`. */
  output: string;
}

/** Runs devnet's own ledger check, `devnet/main.ts verify --dir <dir>`, as a user would. */
export function verifyLedgerDir(dir: string): Promise<VerifyOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [TSX_CLI, join(ROOT, 'devnet', 'main.ts'), 'verify', '--dir', dir], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('error', reject);
    child.once('exit', (exitCode) => resolve({ exitCode, output: output.trim() }));
  });
}

/** A connection to devnet as one organisation, with the typed contract on top. */
export interface OrgClient {
  mspId: OrgMsp;
  connection: LedgerConnection;
  ledger: ShipmentLedger;
  close(): void;
}

export async function connectAs(devnet: Devnet, mspId: OrgMsp, timeouts: Partial<FabricTimeouts> = {}): Promise<OrgClient> {
  const connection = await connectLedger(devnetConfig(devnet.address, devnet.dir, mspId, { timeouts }));
  return { mspId, connection, ledger: new ShipmentLedger(connection), close: () => connection.close() };
}

/** A shipment id no other test uses (`<sender partner>/<delivery number>`). */
export function newShipmentId(): string {
  return `LADINGTEST/${randomUUID()}`;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * A valid event of a kind ShipperMSP may record (booking confirmed), unique per call; override
 * fields for other kinds.
 */
export function newEvent(shipmentId: string, overrides: Partial<LedgerEvent> = {}): LedgerEvent {
  const eventId = `EV-${randomUUID()}`;
  return {
    eventId,
    shipmentId,
    eventType: 'SHIPMENT',
    eventClassifierCode: 'ACT',
    eventTypeCode: 'CONF',
    documentTypeCode: 'BKG',
    eventDateTime: '2026-11-25T10:15:00Z',
    payloadHash: sha256Hex(eventId),
    source: { idocType: 'SHPMNT06', docnum: '12345' },
    ...overrides,
  };
}

/** Runs `call` and returns what it threw (fails the test if it did not throw). */
export async function failureOf(call: () => Promise<unknown>): Promise<unknown> {
  try {
    await call();
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to fail');
}
