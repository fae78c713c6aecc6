import cds from '@sap/cds';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyExtension, readMta, readMtaExtension, ROOT } from './mta-descriptor';

/**
 * The HANA variant's database deployer as `mbt build -e mta-hana.mtaext` builds it: the
 * extension's build command for lading-db-deployer, run for this project into a temporary folder
 * (CDS_BUILD_TARGET) instead of the repository's gen/. What it writes is checked as files: no
 * SAP HANA server is reachable here, so nothing is deployed into an HDI container.
 */

const { mta: hana } = applyExtension(readMta(), readMtaExtension('mta-hana.mtaext'));
const deployer = hana.modules.find((module) => module.name === 'lading-db-deployer');
const [buildCommand] = deployer?.['build-parameters']?.commands ?? [];

interface DeployerPackage {
  dependencies?: Record<string, string>;
  scripts?: Record<string, string>;
}

interface Definition {
  kind?: string;
  query?: unknown;
  projection?: unknown;
  abstract?: boolean;
  '@cds.persistence.skip'?: boolean;
  '@cds.persistence.exists'?: boolean;
}

/** HANA's name of a CDS definition: dots become underscores (CAP's plain naming). */
const sqlName = (name: string): string => name.replace(/\./g, '_');

describe('cds build for SAP HANA (mta-hana.mtaext)', () => {
  const target = mkdtempSync(join(tmpdir(), 'lading-hana-build-'));
  const DB = join(target, 'db');
  const SOURCES = join(DB, 'src', 'gen');
  let build: { status: number | null; output: string };

  beforeAll(() => {
    // The module's path is gen/, so the command's project `..` is the project root.
    expect(deployer?.path).toBe('gen');
    expect(buildCommand).toBe('npx cds build .. --for hana --production --profile hana');
    const result = spawnSync(buildCommand.replace(' .. ', ` ${ROOT} `), {
      cwd: ROOT, shell: true, encoding: 'utf8', timeout: 180_000,
      env: { ...process.env, NODE_ENV: '', CDS_BUILD_TARGET: target },
    });
    build = { status: result.status, output: `${result.stdout}${result.stderr}` };
  }, 200_000);

  afterAll(() => rmSync(target, { recursive: true, force: true }));

  it('builds without errors into the given folder, where the module takes gen/db from', () => {
    expect(build.output).toContain('build completed');
    expect(build.status).toBe(0);
    expect(deployer?.['build-parameters']?.['build-result']).toBe('db');
    expect(existsSync(DB)).toBe(true);
  });

  it('gen/db is an HDI deployer package: @sap/hdi-deploy as npm start, which the deployer task runs', () => {
    const pkg = JSON.parse(readFileSync(join(DB, 'package.json'), 'utf8')) as DeployerPackage;
    expect(Object.keys(pkg.dependencies ?? {})).toEqual(expect.arrayContaining(['@sap/hdi-deploy', 'hdb']));
    expect(pkg.scripts?.start).toMatch(/^node node_modules\/@sap\/hdi-deploy\/deploy\.js /);
    expect(deployer?.parameters?.tasks).toEqual([{ name: 'deploy-database', command: 'npm start' }]);
  });

  it('every kind of file it writes has an HDI plugin in .hdiconfig', () => {
    const config = JSON.parse(readFileSync(join(SOURCES, '.hdiconfig'), 'utf8')) as { file_suffixes: Record<string, { plugin_name: string }> };
    const suffixes = new Set(readdirSync(SOURCES).filter((file) => !file.startsWith('.')).map((file) => file.slice(file.lastIndexOf('.') + 1)));
    expect([...suffixes].sort()).toEqual(expect.arrayContaining(['hdbtable', 'hdbview']));
    for (const suffix of suffixes) expect(config.file_suffixes[suffix]?.plugin_name).toMatch(/^com\.sap\.hana\.di\./);
  });

  it('a column table for every entity of db/ and a view for every entity the services project', async () => {
    const model = (await cds.load('*', { root: ROOT } as Parameters<typeof cds.load>[1])) as unknown as { definitions: Record<string, Definition> };
    const persisted = Object.entries(model.definitions).filter(([, definition]) => definition.kind === 'entity' && !definition.abstract && !definition['@cds.persistence.skip'] && !definition['@cds.persistence.exists']);
    const tables = persisted.filter(([name, definition]) => name.startsWith('lading.') && !definition.query && !definition.projection).map(([name]) => name);
    const views = persisted.filter(([, definition]) => definition.query || definition.projection).map(([name]) => name);
    expect(tables.length).toBeGreaterThan(20);
    expect(views.length).toBeGreaterThan(20);
    const missing: string[] = [];
    for (const name of tables) {
      const file = join(SOURCES, `${name}.hdbtable`);
      if (!existsSync(file) || !readFileSync(file, 'utf8').startsWith(`COLUMN TABLE ${sqlName(name)} (`)) missing.push(`${name}.hdbtable`);
    }
    for (const name of views) {
      const file = join(SOURCES, `${name}.hdbview`);
      if (!existsSync(file) || !readFileSync(file, 'utf8').startsWith(`VIEW ${sqlName(name)} AS SELECT`)) missing.push(`${name}.hdbview`);
    }
    expect(missing).toEqual([]);
  });
});
