import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { mapIdoc, readControlRecord, readIdocXml } from '../../mappings';
import { connectAs, Devnet } from '../ledger/support';
import { fixture, PROJECT_ROOT } from '../support/lading';
import { basic, LadingProcess } from '../support/lading-process';
import { ledgerEnv } from '../support/ledger-env';
import { waitFor } from '../support/wait';

/**
 * The web UI in headless Chromium against Lading as `npm start` runs it (a process of its own,
 * OpenUI5 served from node_modules), with the pipeline on a devnet ledger.
 *
 * The story: a first Lading runs with a wrong sender time zone (IDOC_SENDER_TIME_ZONE=XYZ), so an
 * IDoc is rejected (51). Lading restarts with the configuration fixed; a new IDoc goes onto the
 * ledger and its shipment's timeline shows each event's ledger proof; the operator then reprocesses
 * the rejected IDoc from the monitor, and it is accepted and posted. Screenshots of each screen go
 * to test/ui/screenshots/.
 */

const SCREENSHOTS = join(PROJECT_ROOT, 'test', 'ui', 'screenshots');
const REJECTED_DOCNUM = '0000000090000001';
const POSTED_DOCNUM = '0000000090000002';
const DELIVERY = '0080090002';
const REFUSED_DOCNUM = '0000000090000003';

let devnet: Devnet;
let workDir: string;
let lading: LadingProcess | undefined;
let browser: Browser;
let page: Page;

interface IdocRow {
  ID: string;
  docnum: string;
  status: string;
  statusText: string;
}

function delivery(deliveryNumber: string, docnum: string): string {
  return fixture('delvry/delvry07-desadv-3-items.xml').replace(/0080004242/g, deliveryNumber).replace(/0000000001004242/g, docnum);
}

async function postIdoc(xml: string): Promise<number> {
  const server = lading as LadingProcess;
  const response = await fetch(`${server.url}/idoc/xml`, { method: 'POST', body: xml, headers: { 'content-type': 'application/xml', authorization: basic('erp') } });
  return response.status;
}

async function admin<T>(path: string, init: RequestInit = {}, user = 'operator'): Promise<{ status: number; body: T }> {
  const server = lading as LadingProcess;
  const response = await fetch(`${server.url}/odata/v4/admin/${path}`, { ...init, headers: { authorization: basic(user), 'content-type': 'application/json', ...init.headers } });
  return { status: response.status, body: (await response.json().catch(() => undefined)) as T };
}

async function idocsOf(docnum: string): Promise<IdocRow[]> {
  return (await admin<{ value: IdocRow[] }>(`InboundIdocs?$filter=docnum eq '${docnum}'&$select=ID,docnum,status,statusText&$orderby=receivedAt`)).body.value;
}

async function waitForPosted(docnum: string): Promise<IdocRow> {
  return waitFor(`IDoc ${docnum} posted (53)`, async () => (await idocsOf(docnum)).find((row) => row.status === '53'), 60_000, 250);
}

async function screenshot(name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
}

beforeAll(async () => {
  await mkdir(SCREENSHOTS, { recursive: true });
  workDir = await mkdtemp(join(tmpdir(), 'lading-ui-'));
  devnet = await Devnet.start();
  const database = JSON.stringify({
    requires: { db: { kind: 'sqlite', credentials: { url: join(workDir, 'lading.sqlite') } } },
    log: { levels: { cds: 'warn', odata: 'warn', lading: 'warn', idoc: 'error', pipeline: 'error', sap: 'error', ui: 'warn' } },
  });

  // The first Lading, misconfigured: the IDoc is kept with 51.
  lading = await LadingProcess.start('misconfigured', { CDS_CONFIG: database, LADING_PIPELINE: 'off', IDOC_SENDER_TIME_ZONE: 'XYZ' });
  expect(await postIdoc(delivery('0080090001', REJECTED_DOCNUM))).toBe(422);
  await lading.kill('SIGTERM');

  lading = await LadingProcess.start('fixed', { ...ledgerEnv(devnet), CDS_CONFIG: database });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-background-networking'] });
  const context = await browser.newContext({ httpCredentials: { username: 'operator', password: 'operator' }, viewport: { width: 1440, height: 900 } });
  page = await context.newPage();
  // The first visit compiles OpenUI5's themes (UI5 tooling): on a busy machine that outlasts 30 s.
  page.setDefaultNavigationTimeout(120_000);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await lading?.kill('SIGTERM');
  await devnet?.dispose();
  if (workDir) await rm(workDir, { recursive: true, force: true });
}, 60_000);

describe('web UI', () => {
  it('shows a posted IDoc\'s shipment with each event\'s ledger proof and source IDoc', async () => {
    expect(await postIdoc(delivery(DELIVERY, POSTED_DOCNUM))).toBe(200);
    const posted = await waitForPosted(POSTED_DOCNUM);
    const [, block, transaction] = /block (\d+), transaction ([0-9a-f]{64})/.exec(posted.statusText) ?? [];

    // OpenUI5 comes from Lading; the first visit compiles the themes, hence the patient wait.
    await page.goto(`${lading?.url}/lading/webapp/index.html`);
    const row = page.locator('tr', { hasText: DELIVERY });
    await row.waitFor({ timeout: 120_000 });
    await screenshot('shipments');

    await row.click();
    const onLedger = page.getByText(`On the ledger, block ${block}`);
    await onLedger.first().waitFor({ timeout: 30_000 });
    expect(await onLedger.count()).toBe(4);
    expect(await page.getByText(transaction as string).count()).toBe(4);
    expect(await page.getByRole('link', { name: POSTED_DOCNUM }).count()).toBe(4);
    await expect(page.getByText(/^[0-9a-f]{64}$/).count()).resolves.toBeGreaterThanOrEqual(8);
    await screenshot('timeline');
  }, 180_000);

  it('reprocesses the rejected IDoc from the monitor: accepted, then posted on the ledger', async () => {
    const [rejected] = await idocsOf(REJECTED_DOCNUM);
    expect(rejected?.status).toBe('51');
    expect(rejected?.statusText).toContain('unknown SAP time zone "XYZ"');

    await page.getByText('IDoc monitor', { exact: true }).click();
    await page.locator('input[placeholder="IDoc number"]').fill(REJECTED_DOCNUM);
    await page.locator('input[placeholder="IDoc number"]').press('Enter');
    const monitor = page.locator('[id$="--monitor--idocs"]');
    const row = monitor.locator('tr', { hasText: REJECTED_DOCNUM });
    await row.waitFor({ timeout: 30_000 });
    // The filter applies on the server: the other IDoc leaves the list once its answer is in.
    await monitor.locator('tr', { hasText: POSTED_DOCNUM }).first().waitFor({ state: 'detached', timeout: 30_000 });
    await row.click();
    await page.getByText('unknown SAP time zone "XYZ"').first().waitFor({ timeout: 30_000 });
    // The payload is read when the dialog shows it (not with the list).
    await waitFor('the payload', async () => ((await page.locator('textarea').inputValue()).includes(`<DOCNUM>${REJECTED_DOCNUM}</DOCNUM>`) || undefined), 30_000, 200);
    await screenshot('idoc-monitor');

    await page.getByRole('button', { name: 'Reprocess' }).click();
    await page.getByText(/Reprocessed by operator: accepted as IDoc/).first().waitFor({ timeout: 30_000 });
    await waitFor('the Reprocess button to be disabled (68)', async () => (await page.getByRole('button', { name: 'Reprocess' }).isDisabled()) || undefined, 10_000);
    await screenshot('idoc-reprocessed');

    const versions = await idocsOf(REJECTED_DOCNUM);
    expect(versions).toHaveLength(2);
    expect(versions.find((row) => row.ID === rejected?.ID)?.status).toBe('68');
    expect(['64', '53']).toContain(versions.find((row) => row.ID !== rejected?.ID)?.status);
    await waitForPosted(REJECTED_DOCNUM);
  }, 120_000);

  it('refuses to cancel a posted IDoc (409)', async () => {
    const [posted] = await idocsOf(POSTED_DOCNUM);
    const answer = await admin<{ error: { message: string } }>(`InboundIdocs(${posted?.ID})/AdminService.cancel`, { method: 'POST', body: '{}' });
    expect(answer.status).toBe(409);
    expect(answer.body.error.message).toContain('posted on the ledger');
  });

  it('lists a dead letter and re-drives it', async () => {
    // Another party already recorded a different fact under the id of this IDoc's receipt event: the ledger refuses it.
    const xml = delivery('0080090003', REFUSED_DOCNUM);
    const [parsed] = readIdocXml(xml).idocs;
    const receipt = mapIdoc(readControlRecord(parsed?.control), parsed?.segments ?? [], { payloadHash: 'a'.repeat(64), receivedAt: new Date().toISOString() }).events[0];
    if (!receipt) throw new Error('the fixture maps to no event');
    const shipper = await connectAs(devnet, 'ShipperMSP');
    try {
      await shipper.ledger.recordEvents([{ ...receipt, payloadHash: 'b'.repeat(64), source: { idocType: 'DELVRY07', docnum: '0000000000000001' } }]);
    } finally {
      shipper.close();
    }
    expect(await postIdoc(xml)).toBe(200);
    await waitFor('the dead letter', async () => (await idocsOf(REFUSED_DOCNUM)).find((row) => row.status === '51'), 60_000, 250);

    await page.goto(`${lading?.url}/lading/webapp/index.html#/dead-letters`);
    const letters = page.locator('[id$="--deadLetters--letters"]');
    const row = letters.locator('tr', { hasText: REFUSED_DOCNUM });
    await row.waitFor({ timeout: 30_000 });
    expect(await row.textContent()).toContain('The ledger refused the events of this IDoc');
    await screenshot('dead-letters');
    await row.getByRole('button', { name: 'Re-drive' }).click();
    await page.getByText(`IDoc ${REFUSED_DOCNUM} is back on the ledger queue`).first().waitFor({ timeout: 30_000 });
    // Nothing was fixed on the ledger: it is dead-lettered again, under the re-driven job.
    const again = await waitFor('a second dead letter', async () => {
      const answer = await admin<{ value: { jobId: string; redrivenAt: string | null }[] }>(`DeadLetters?$filter=idoc/docnum eq '${REFUSED_DOCNUM}'&$orderby=createdAt`);
      return answer.body.value.length === 2 ? answer.body.value : undefined;
    }, 60_000, 250);
    expect(again[0]?.redrivenAt).not.toBeNull();
    expect(again[1]?.jobId).toBe(`${again[0]?.jobId}-r1`);
  }, 120_000);

  it('shows queue and ledger health, and the way to the discrepancies', async () => {
    await page.goto(`${lading?.url}/lading/webapp/index.html#/health`);
    const ready = page.locator('[id$="--readyStatus-text"]');
    await waitFor('readiness shown', async () => ((await ready.textContent()) === 'Ready' ? true : undefined), 30_000, 200);
    expect(await page.locator('[id$="--ledgerStatus-text"]').textContent()).toBe('up');
    expect(await page.locator('[id$="--pipeline"]').textContent()).toBe('on');
    await screenshot('health');

    await page.getByText('Discrepancies', { exact: true }).click();
    // The screen itself is tested in finance-ui.test.ts.
    await page.locator('[id$="--discrepancies--count"]').waitFor({ timeout: 30_000 });
  }, 90_000);
});
