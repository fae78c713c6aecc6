import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../../srv/config';
import { openUi5Version, pageWithBootstrapFrom, ui5Source } from '../../srv/ui-resources';
import { PROJECT_ROOT } from '../support/lading';
import { LadingProcess } from '../support/lading-process';

/**
 * Where the web UI loads OpenUI5 from (LADING_UI5_URL): the local UI5 tooling in development
 * (offline), SAP's CDN at the locked version in production, or a configured URL, which the page's
 * bootstrap then names. The production build's own start is in production-build.test.ts.
 */

const INDEX = readFileSync(join(PROJECT_ROOT, 'app', 'lading', 'webapp', 'index.html'), 'utf8');
const LOCAL_BOOTSTRAP = '/resources/sap-ui-core.js';
/** A database of its own, in memory: the development default would write lading.sqlite into the project. */
const IN_MEMORY = JSON.stringify({ requires: { db: { kind: 'sqlite', credentials: { url: ':memory:' } } }, log: { levels: { cds: 'warn', ui: 'warn' } } });
const QUIET = { CDS_CONFIG: IN_MEMORY, LADING_PIPELINE: 'off', LADING_SAP: 'off' };

function bootstrapOf(page: string): string | undefined {
  return /<script id="sap-ui-bootstrap"\s+src="([^"]+)"/.exec(page)?.[1];
}

describe('ui5Source (LADING_UI5_URL)', () => {
  const version = (): string => '1.2.3';

  it('unset: the local tooling in development, the OpenUI5 CDN at the installed version in production', () => {
    expect(ui5Source({}, version)).toEqual({ kind: 'local' });
    expect(ui5Source({ NODE_ENV: 'development' }, version)).toEqual({ kind: 'local' });
    expect(ui5Source({ NODE_ENV: 'production' }, version)).toEqual({ kind: 'url', resources: 'https://sdk.openui5.org/1.2.3/resources' });
  });

  it("'local' in production, or a URL of a resources folder (trailing slash dropped)", () => {
    expect(ui5Source({ NODE_ENV: 'production', LADING_UI5_URL: 'local' }, version)).toEqual({ kind: 'local' });
    expect(ui5Source({ LADING_UI5_URL: 'https://ui5.sap.com/1.120.30/resources/' }, version)).toEqual({ kind: 'url', resources: 'https://ui5.sap.com/1.120.30/resources' });
  });

  it('anything else stops with an error naming LADING_UI5_URL', () => {
    const failure = (value: string): unknown => {
      try {
        ui5Source({ LADING_UI5_URL: value }, version);
      } catch (error) {
        return error;
      }
      return undefined;
    };
    expect(failure('sdk.openui5.org/1.152.0/resources')).toBeInstanceOf(ConfigError);
    expect(String(failure('sdk.openui5.org/1.152.0/resources'))).toContain("Configuration error: LADING_UI5_URL must be 'local' or the http(s) URL of OpenUI5's resources folder");
    expect(String(failure('ftp://cdn.example/resources'))).toContain('LADING_UI5_URL must be an http(s) URL');
    expect(String(failure('https://cdn.example/resources?v=1'))).toContain('LADING_UI5_URL must name a folder, without query or fragment');
  });

  it('the installed version is the one package-lock.json pins for every @openui5 package', () => {
    const lock = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version: string }> };
    const locked = Object.entries(lock.packages).filter(([path]) => /^node_modules\/@openui5\/[^/]+$/.test(path)).map(([, entry]) => entry.version);
    expect(locked.length).toBeGreaterThanOrEqual(5);
    expect(new Set(locked)).toEqual(new Set([openUi5Version()]));
  });

  it("the page's bootstrap is the one thing changed; a page without the local bootstrap is refused", () => {
    const changed = pageWithBootstrapFrom(INDEX, 'https://cdn.example/1.2.3/resources');
    expect(bootstrapOf(INDEX)).toBe(LOCAL_BOOTSTRAP);
    expect(bootstrapOf(changed)).toBe('https://cdn.example/1.2.3/resources/sap-ui-core.js');
    expect(changed.replace('https://cdn.example/1.2.3/resources/sap-ui-core.js', LOCAL_BOOTSTRAP)).toBe(INDEX);
    expect(() => pageWithBootstrapFrom('<html></html>', 'https://cdn.example/resources')).toThrow('app/lading/webapp/index.html has no src="/resources/sap-ui-core.js"');
  });
});

describe('the web UI page from a running Lading (development start)', () => {
  let lading: LadingProcess | undefined;
  afterEach(async () => {
    await lading?.kill('SIGTERM');
    lading = undefined;
  });

  it('by default stays offline: the page loads /resources/sap-ui-core.js, served by the local UI5 tooling', async () => {
    lading = await LadingProcess.start('ui5-local', QUIET);
    expect(bootstrapOf(await (await fetch(`${lading.url}/lading/webapp/index.html`)).text())).toBe(LOCAL_BOOTSTRAP);
    const core = await fetch(`${lading.url}${LOCAL_BOOTSTRAP}`);
    expect(core.status).toBe(200);
    expect(await core.text()).toContain('ui5loader-autoconfig.js');
  }, 120_000);

  it('with LADING_UI5_URL the page (also as the folder) names that URL, and /resources is not served locally', async () => {
    lading = await LadingProcess.start('ui5-url', { ...QUIET, LADING_UI5_URL: 'https://ui5.example.invalid/1.152.0/resources' });
    for (const path of ['/lading/webapp/index.html', '/lading/webapp/']) {
      const page = await fetch(`${lading.url}${path}`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      expect(bootstrapOf(await page.text())).toBe('https://ui5.example.invalid/1.152.0/resources/sap-ui-core.js');
    }
    expect((await fetch(`${lading.url}/lading/webapp/Component.js`)).status).toBe(200);
    expect((await fetch(`${lading.url}${LOCAL_BOOTSTRAP}`)).status).toBe(404);
  }, 120_000);

  it('a malformed LADING_UI5_URL stops the start, naming it', async () => {
    await expect(LadingProcess.start('ui5-bad', { ...QUIET, LADING_UI5_URL: 'cdn' })).rejects.toThrow("Configuration error: LADING_UI5_URL must be 'local' or the http(s) URL");
  }, 120_000);
});
