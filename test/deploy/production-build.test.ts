import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { Client } from 'pg';
import { freePort } from '../../connectors/queue';
import { applyExtension, beforeAllCommands, readMta, readMtaExtension, ROOT } from './mta-descriptor';

/**
 * The production build as mbt runs it (the before-all commands after `npm ci`), once, and what
 * the MTA modules get from it: gen/srv must run on plain Node with its package.json's
 * dependencies, gen/pg must deploy the tables. Then both run as Cloud Foundry would run them:
 * the deployer task against a PostgreSQL schema, the server with the module's start command and
 * bindings in VCAP_SERVICES. node_modules is linked in, as the buildpack installs it there.
 */

const mta = readMta();
const SRV = join(ROOT, 'gen', 'srv');
const PG = join(ROOT, 'gen', 'pg');
const srvModule = mta.modules.find((module) => module.name === 'lading-srv');
const deployerTask = mta.modules.find((module) => module.name === 'lading-db-deployer')?.parameters?.tasks?.[0]?.command;

interface PackageJson {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  imports?: Record<string, string>;
  scripts?: Record<string, string>;
}

const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;

function run(command: string, cwd: string, env: NodeJS.ProcessEnv = process.env, timeout = 600_000): { status: number | null; output: string } {
  const result = spawnSync(command, { cwd, env, shell: true, encoding: 'utf8', timeout });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

function javaScriptFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.js') && !entry.parentPath.includes('node_modules') && !entry.parentPath.startsWith(join(dir, 'app')))
    .map((entry) => join(entry.parentPath, entry.name));
}

/** Package names of every require() in the compiled server (relative and built-in ones left out). */
function requiredPackages(files: string[]): Set<string> {
  const packages = new Set<string>();
  for (const file of files) {
    for (const [, specifier] of readFileSync(file, 'utf8').matchAll(/require\("([^"]+)"\)/g)) {
      if (specifier.startsWith('.') || specifier.startsWith('#') || specifier.startsWith('node:') || builtinModules.includes(specifier.split('/')[0])) continue;
      packages.add(specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]);
    }
  }
  return packages;
}

function pgClient(): Client {
  return new Client({ host: process.env.PGHOST || '127.0.0.1', port: Number(process.env.PGPORT || 5432), database: process.env.PGDATABASE || 'test', user: process.env.PGUSER || 'postgres' });
}

/** VCAP_SERVICES as Cloud Foundry sets it: PostgreSQL on BTP and, unless left out, an xsuaa instance. */
function vcapServices(schema: string, withXsuaa: boolean): string {
  const services: Record<string, unknown[]> = {
    'postgresql-db': [{
      name: 'lading-db', label: 'postgresql-db', tags: ['postgresql', 'relational'],
      credentials: { hostname: process.env.PGHOST || '127.0.0.1', port: process.env.PGPORT || '5432', dbname: process.env.PGDATABASE || 'test', username: process.env.PGUSER || 'postgres', password: '', schema },
    }],
  };
  if (withXsuaa) {
    // Never asked for a token here: every request in this test is refused before one is checked.
    services.xsuaa = [{
      name: 'lading-uaa', label: 'xsuaa', tags: ['xsuaa'],
      credentials: { clientid: 'sb-lading', clientsecret: 'unused', url: 'https://lading.authentication.invalid', uaadomain: 'authentication.invalid', xsappname: 'lading', identityzone: 'lading' },
    }];
  }
  return JSON.stringify(services);
}

async function waitForHttp(url: string, exited: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !exited()) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms${exited() ? ' (the process exited)' : ''}`);
}

interface RunningServer {
  base: string;
  output(): string;
  stop(): Promise<void>;
}

/** gen/srv started with the MTA module's command, as Cloud Foundry starts it, once /health answers. */
async function startServer(env: NodeJS.ProcessEnv): Promise<RunningServer> {
  const port = await freePort();
  const server = spawn(String(srvModule?.parameters?.command), {
    cwd: SRV, shell: true, detached: true, stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...env, PORT: String(port), LADING_PIPELINE: 'off', LADING_SAP: 'off', CDS_TYPESCRIPT: '', JEST_WORKER_ID: undefined },
  });
  let output = '';
  let exited = false;
  server.stdout?.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  server.stderr?.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  const exit = new Promise<void>((resolve) => server.once('exit', () => { exited = true; resolve(); }));
  const stop = async (): Promise<void> => {
    if (!exited && server.pid) process.kill(-server.pid, 'SIGTERM');
    await exit;
  };
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${base}/health`, () => exited, 120_000);
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\n${output.slice(-3000)}`);
  }
  return { base, output: () => output, stop };
}

/** The bootstrap script's src in the web UI's page. */
async function bootstrapOf(base: string): Promise<string | undefined> {
  const page = await fetch(`${base}/lading/webapp/index.html`);
  expect(page.status).toBe(200);
  return /<script id="sap-ui-bootstrap"\s+src="([^"]+)"/.exec(await page.text())?.[1];
}

/** The OpenUI5 version package-lock.json pins (every @openui5 package the same). */
function lockedOpenUi5Version(): string {
  const lock = readJson<{ packages: Record<string, { version: string }> }>(join(ROOT, 'package-lock.json'));
  const versions = new Set(Object.entries(lock.packages).filter(([path]) => /^node_modules\/@openui5\/[^/]+$/.test(path)).map(([, entry]) => entry.version));
  expect(versions.size).toBe(1);
  return [...versions][0];
}

describe('cds build --production for the MTA modules', () => {
  let build: { status: number | null; output: string };
  const schema = `lading_deploy_${process.pid}_${randomBytes(3).toString('hex')}`;

  beforeAll(() => {
    rmSync(join(ROOT, 'gen'), { recursive: true, force: true });
    // `npm ci` is left out: it would reinstall this very checkout's node_modules.
    const commands = beforeAllCommands(mta).filter((command) => command !== 'npm ci');
    build = run(commands.join(' && '), ROOT, { ...process.env, NODE_ENV: '' });
    for (const dir of [SRV, PG]) if (existsSync(dir)) symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  }, 900_000);

  afterAll(async () => {
    const client = pgClient();
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).finally(() => client.end());
    for (const dir of [SRV, PG]) rmSync(join(dir, 'node_modules'), { force: true });
  });

  it('builds without errors', () => {
    expect(build.output).toContain('build completed');
    expect(build.status).toBe(0);
  });

  it('gen/srv holds the compiled server and its model, none of the tests, benchmarks or TypeScript', () => {
    expect(existsSync(join(SRV, 'srv', 'server.js'))).toBe(true);
    expect(existsSync(join(SRV, 'srv', 'csn.json'))).toBe(true);
    expect(existsSync(join(SRV, 'srv', 'btp', 'vcap.js'))).toBe(true);
    for (const absent of ['test', 'bench', 'bin', 'chaincode']) expect(existsSync(join(SRV, absent))).toBe(false);
    const sources = readdirSync(SRV, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile() && /\.ts$/.test(entry.name) && !/\.d\.ts$/.test(entry.name) && !entry.parentPath.includes('node_modules'));
    expect(sources.map((entry) => entry.name)).toEqual([]);
  });

  it('every package the compiled server requires is a runtime dependency of gen/srv/package.json', () => {
    const pkg = readJson<PackageJson>(join(SRV, 'package.json'));
    const needed = requiredPackages(javaScriptFiles(SRV));
    expect(needed.size).toBeGreaterThan(5);
    expect([...needed].filter((name) => !pkg.dependencies?.[name]).sort()).toEqual([]);
    // cds serve itself, PostgreSQL and xsuaa are loaded by CAP, not required by our code
    expect(Object.keys(pkg.dependencies ?? {})).toEqual(expect.arrayContaining(['@sap/cds', '@cap-js/postgres', '@sap/xssec']));
  });

  it('the #cds-models imports of the compiled server resolve inside gen/srv', () => {
    const pkg = readJson<PackageJson>(join(SRV, 'package.json'));
    expect(pkg.imports?.['#cds-models/*']).toBe('./@cds-models/*/index.js');
    const models = new Set<string>();
    for (const file of javaScriptFiles(SRV)) for (const [, name] of readFileSync(file, 'utf8').matchAll(/require\("#cds-models\/([^"]+)"\)/g)) models.add(name);
    expect(models.size).toBeGreaterThan(0);
    for (const name of models) expect(existsSync(join(SRV, '@cds-models', name, 'index.js'))).toBe(true);
  });

  it('the web UI is next to the server, where CAP serves app/ from', () => {
    expect(existsSync(join(SRV, 'app', 'lading', 'webapp', 'index.html'))).toBe(true);
  });

  it('gen/pg is a PostgreSQL deployer: the model and cds-deploy as npm start', () => {
    const pkg = readJson<PackageJson & { cds: { requires: { db: { kind: string } } } }>(join(PG, 'package.json'));
    expect(existsSync(join(PG, 'db', 'csn.json'))).toBe(true);
    expect(pkg.scripts?.start).toBe('cds-deploy');
    expect(deployerTask).toBe('npm start');
    expect(pkg.dependencies).toHaveProperty('@cap-js/postgres');
    expect(pkg.cds.requires.db.kind).toBe('postgres');
  });

  it('the deployer task creates the tables, the server starts with its MTA command and answers: health open, services and IDoc routes behind xsuaa, the UI', async () => {
    const client = pgClient();
    await client.connect();
    await client.query(`CREATE SCHEMA "${schema}"`).finally(() => client.end());

    const taskEnv = { ...process.env, NODE_ENV: 'production', VCAP_SERVICES: vcapServices(schema, true) };
    const deployed = run(String(deployerTask), PG, taskEnv, 180_000);
    expect(deployed.output).toContain('successfully deployed');
    expect(deployed.status).toBe(0);

    const server = await startServer(taskEnv);
    try {
      const { base } = server;
      expect(await (await fetch(`${base}/health`)).json()).toEqual({ status: 'UP' });
      expect((await fetch(`${base}/odata/v4/admin/`)).status).toBe(401);
      expect((await fetch(`${base}/odata/v4/shipment/Shipments`)).status).toBe(401);
      const idoc = await fetch(`${base}/idoc/xml`, { method: 'POST', headers: { 'content-type': 'application/xml' }, body: '<IDOC/>' });
      expect(idoc.status).toBe(401);
      // The UI's page loads OpenUI5 from SAP's CDN at the version the app is developed against.
      expect(await bootstrapOf(base)).toBe(`https://sdk.openui5.org/${lockedOpenUi5Version()}/resources/sap-ui-core.js`);
      expect((await fetch(`${base}/lading/webapp/Component.js`)).status).toBe(200);
      expect(server.output()).toContain("using auth strategy { kind: 'xsuaa' }");
    } finally {
      await server.stop();
    }
  }, 300_000);

  it('with CDS_ENV=hana (mta-hana.mtaext) the same build starts on SAP HANA through @cap-js/hana, and the UI loads OpenUI5 from LADING_UI5_URL', async () => {
    const hanaProperties = applyExtension(mta, readMtaExtension('mta-hana.mtaext')).mta.modules.find((module) => module.name === 'lading-srv')?.properties;
    // An HDI container's binding whose host answers nothing: no SAP HANA here, and CAP connects on the first query only.
    const services = {
      hana: [{
        name: 'lading-db', label: 'hana', plan: 'hdi-shared', tags: ['hana', 'database', 'relational'],
        credentials: { host: '127.0.0.1', port: '9', schema: 'LADING_HDI', user: 'LADING_RT', password: 'unused', hdi_user: 'LADING_DT', hdi_password: 'unused', url: 'jdbc:sap://127.0.0.1:9', certificate: '' },
      }],
      xsuaa: JSON.parse(vcapServices('unused', true)).xsuaa,
    };
    const server = await startServer({
      ...process.env, NODE_ENV: 'production', CDS_ENV: String(hanaProperties?.CDS_ENV), VCAP_SERVICES: JSON.stringify(services), LADING_UI5_URL: 'https://ui5.example.invalid/1.152.0/resources/',
    });
    try {
      expect(await (await fetch(`${server.base}/health`)).json()).toEqual({ status: 'UP' });
      expect(server.output()).toContain('connect to db > hana');
      expect((await fetch(`${server.base}/odata/v4/admin/`)).status).toBe(401);
      expect(await bootstrapOf(server.base)).toBe('https://ui5.example.invalid/1.152.0/resources/sap-ui-core.js');
    } finally {
      await server.stop();
    }
  }, 180_000);

  it('without an xsuaa binding the server stops at once, saying so, instead of serving unauthenticated', () => {
    const started = Date.now();
    const result = run(String(srvModule?.parameters?.command), SRV, {
      ...process.env, NODE_ENV: 'production', VCAP_SERVICES: vcapServices(schema, false), PORT: '0', LADING_PIPELINE: 'off', LADING_SAP: 'off', CDS_TYPESCRIPT: '', JEST_WORKER_ID: undefined,
    }, 60_000);
    expect(result.status).not.toBe(0);
    expect(result.status).not.toBeNull(); // null: killed at the timeout, it hung
    // CAP's own error, logged as one JSON line by the SAP Cloud SDK's uncaught-exception logger
    const lines = result.output.trim().split('\n');
    expect(lines.filter((line) => line.includes('no XSUAA instance bound to application'))).toHaveLength(1);
    expect(lines.length).toBeLessThanOrEqual(3);
    expect(Date.now() - started).toBeLessThan(60_000);
  });
});
