import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { startSapSimulator, type SapSimulator } from '../../sap-simulator';
import { Devnet } from '../ledger/support';
import { fixture, PROJECT_ROOT } from '../support/lading';
import { basic, LadingProcess } from '../support/lading-process';
import { ledgerEnv } from '../support/ledger-env';
import { waitFor } from '../support/wait';

/**
 * The Settlement and Discrepancies screens in headless Chromium against one Lading process on a
 * devnet ledger, with the SAP simulator as SAP's delivery API (empty: the shipment Lading knows is
 * missing there). One browser, two users (operator and finance, mocked basic auth).
 *
 * The story: SAP sends a delivery (DESADV) and its invoice (INVOIC02); the delivery goes onto the
 * ledger, but no consignee signed a POD, so settling blocks every line ("no signed POD"). Finance
 * sees the blocked line with its reason and amounts, acknowledges it with a comment and downloads
 * the period's CSV; the operator sees the same lines without that action. The operator then runs a
 * full reconciliation from the Discrepancies screen and follows its progress to the end, and
 * acknowledges the discrepancy it found; finance sees discrepancies without those actions.
 */

const SCREENSHOTS = join(PROJECT_ROOT, 'test', 'ui', 'screenshots');
const INVOICE = 'S4HCLNT100/0090004242';
const INVOICE_NUMBER = '0090004242';
const SHIPMENT = 'S4HCLNT100/0080004242';
const DESADV_DOCNUM = '0000000001004242';

let devnet: Devnet;
let sap: SapSimulator;
let workDir: string;
let lading: LadingProcess;
let browser: Browser;
let asOperator: Page;
let asFinance: Page;

async function api<T>(path: string, user: string, init: RequestInit = {}): Promise<{ status: number; body: T }> {
  const response = await fetch(`${lading.url}${path}`, { ...init, headers: { authorization: basic(user), 'content-type': 'application/json', ...init.headers } });
  return { status: response.status, body: (await response.json().catch(() => undefined)) as T };
}

async function postIdoc(xml: string): Promise<number> {
  const response = await fetch(`${lading.url}/idoc/xml`, { method: 'POST', body: xml, headers: { 'content-type': 'application/xml', authorization: basic('erp') } });
  return response.status;
}

interface SettlementRow {
  ID: string;
  lineNumber: string;
  status: string;
  reasonCode: string;
  reason: string;
  lifecycle: string;
  comment: string | null;
  acknowledgedBy: string | null;
}

async function settlements(): Promise<SettlementRow[]> {
  const answer = await api<{ value: SettlementRow[] }>(`/odata/v4/finance/Settlements?$filter=invoice_ID eq '${encodeURIComponent(INVOICE)}'&$orderby=lineNumber`, 'finance');
  expect(answer.status).toBe(200);
  return answer.body.value;
}

async function pageAs(user: string): Promise<Page> {
  const context = await browser.newContext({ httpCredentials: { username: user, password: user }, viewport: { width: 1600, height: 900 } });
  const page = await context.newPage();
  // The first visit compiles OpenUI5's themes (UI5 tooling): on a busy machine that outlasts 30 s.
  page.setDefaultNavigationTimeout(120_000);
  return page;
}

/** The screen's table row that shows this text (ids end with the view's id and the table's). */
function row(page: Page, table: string, text: string): Locator {
  return page.locator(`[id$="--${table}"] tr`, { hasText: text });
}

/** The acknowledgement dialog closed and its block layer gone, and its toast faded, so the screenshot shows the screen. */
async function settled(page: Page, view: string): Promise<void> {
  await page.locator(`[id$="--${view}--acknowledge"]`).waitFor({ state: 'hidden', timeout: 10_000 });
  await page.locator('#sap-ui-blocklayer-popup').waitFor({ state: 'hidden', timeout: 10_000 }).catch(() => undefined);
  await waitFor('the toasts gone', async () => ((await page.locator('.sapMMessageToast').count()) === 0 ? true : undefined), 10_000, 200);
}

beforeAll(async () => {
  await mkdir(SCREENSHOTS, { recursive: true });
  workDir = await mkdtemp(join(tmpdir(), 'lading-finance-ui-'));
  devnet = await Devnet.start();
  sap = await startSapSimulator({ port: 0, users: { LADING: 'lading' } });
  lading = await LadingProcess.start('finance-ui', {
    ...ledgerEnv(devnet),
    CDS_CONFIG: JSON.stringify({
      requires: { db: { kind: 'sqlite', credentials: { url: join(workDir, 'lading.sqlite') } } },
      log: { levels: { cds: 'warn', odata: 'warn', lading: 'warn', idoc: 'error', pipeline: 'error', sap: 'error', ui: 'warn', settlement: 'warn', reconciliation: 'warn' } },
    }),
    // Settled on demand below (the settle action), so the lines do not change under the test.
    SETTLEMENT_INTERVAL_MS: '0',
    destinations: JSON.stringify([{ name: 'SAP_ERP', url: sap.url, username: 'LADING', password: 'lading' }]),
  });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-background-networking'] });
  [asOperator, asFinance] = await Promise.all([pageAs('operator'), pageAs('finance')]);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await lading?.kill('SIGTERM');
  await sap?.stop();
  await devnet?.dispose();
  if (workDir) await rm(workDir, { recursive: true, force: true });
}, 60_000);

describe('Settlement screen', () => {
  beforeAll(async () => {
    expect(await postIdoc(fixture('delvry/delvry07-desadv-3-items.xml'))).toBe(200);
    expect(await postIdoc(fixture('invoic/invoic02-3-lines.xml'))).toBe(200);
    // The delivery on the ledger first, so that the line's reason is the POD, not the ledger's pace.
    await waitFor('the DESADV posted on the ledger (53)', async () => {
      const answer = await api<{ value: { status: string }[] }>(`/odata/v4/admin/InboundIdocs?$filter=docnum eq '${DESADV_DOCNUM}'&$select=status`, 'operator');
      return answer.body.value?.some((idoc) => idoc.status === '53') ? true : undefined;
    }, 60_000, 250);
    const settled = await api<{ value: { blocked: number }[] }>('/odata/v4/finance/settle', 'finance', { method: 'POST', body: JSON.stringify({ invoice: INVOICE }) });
    expect(settled.status).toBe(200);
    expect(settled.body.value[0]?.blocked).toBe(3);
  }, 90_000);

  it('shows finance the blocked line with its reason and amounts; acknowledged with a comment, it says so', async () => {
    const [line] = await settlements();
    expect(line).toMatchObject({ lineNumber: '000010', status: 'blocked', reasonCode: 'POD_MISSING', lifecycle: 'open' });

    // OpenUI5 comes from Lading; the first visit compiles the themes, hence the patient wait.
    await asFinance.goto(`${lading.url}/lading/webapp/index.html#/settlement`);
    const first = row(asFinance, 'lines', 'line 000010');
    await first.waitFor({ timeout: 120_000 });
    const text = await first.textContent();
    expect(text).toContain(INVOICE_NUMBER);
    expect(text).toContain(SHIPMENT);
    expect(text).toContain('blocked');
    expect(text).toContain(line?.reason as string);
    expect(text).toContain('POD_MISSING');
    expect(text).toContain('1,250.00 EUR');
    expect(await row(asFinance, 'lines', INVOICE_NUMBER).count()).toBe(3);

    // Blocked lines of the invoice's date: the list is filtered by the server, the CSV link follows the period.
    await asFinance.locator('[id$="--settlement--status"]').getByText('Blocked', { exact: true }).click();
    const period = asFinance.locator('[id$="--settlement--period-inner"]');
    await period.fill('Dec 1, 2026 – Dec 1, 2026');
    await period.press('Enter');
    const csv = asFinance.locator('a[id$="--settlement--csv"]');
    expect(await csv.textContent()).toBe('Download CSV of the period');
    await waitFor('the CSV link of the period', async () => ((await csv.getAttribute('href'))?.endsWith('settlements.csv?from=2026-12-01&to=2026-12-01') ? true : undefined), 10_000, 100);
    await first.waitFor({ timeout: 10_000 });
    const exported = await asFinance.evaluate(async (href) => (await fetch(href)).text(), (await csv.getAttribute('href')) as string);
    expect(exported.split('\r\n').filter((csvLine) => csvLine.includes(INVOICE_NUMBER))).toHaveLength(3);
    await period.fill('Dec 2, 2026 – Dec 3, 2026');
    await period.press('Enter');
    await waitFor('no line dated in another period', async () => ((await row(asFinance, 'lines', INVOICE_NUMBER).count()) === 0 ? true : undefined), 10_000, 100);
    await period.fill('');
    await period.press('Enter');
    await first.waitFor({ timeout: 10_000 });

    await first.getByRole('button', { name: 'Acknowledge…' }).click();
    const confirm = asFinance.getByRole('button', { name: 'Acknowledge', exact: true });
    expect(await confirm.isDisabled()).toBe(true); // no comment, no acknowledgement
    await asFinance.locator('[id$="--settlement--comment-inner"]').fill('POD follows by mail; pay as invoiced');
    await confirm.click();
    await asFinance.getByText(`Line 000010 of invoice ${INVOICE_NUMBER} acknowledged`).first().waitFor({ timeout: 30_000 });
    await waitFor('the line shown acknowledged', async () => ((await first.textContent())?.includes('by finance: POD follows by mail; pay as invoiced') ? true : undefined), 30_000, 200);
    expect(await first.textContent()).toContain('acknowledged');
    expect(await first.getByRole('button', { name: 'Acknowledge…' }).isDisabled()).toBe(true);
    expect(await row(asFinance, 'lines', 'line 000020').getByRole('button', { name: 'Acknowledge…' }).isEnabled()).toBe(true);
    await settled(asFinance, 'settlement');
    await asFinance.screenshot({ path: join(SCREENSHOTS, 'settlement.png') });

    const [acknowledged] = await settlements();
    expect(acknowledged).toMatchObject({ lifecycle: 'acknowledged', comment: 'POD follows by mail; pay as invoiced', acknowledgedBy: 'finance' });

    // Another clerk acknowledged line 000020 meanwhile: the screen says why this one failed, and shows the line as it is now.
    const [, second] = await settlements();
    expect((await api(`/odata/v4/finance/Settlements(${second?.ID})/FinanceService.acknowledge`, 'finance', { method: 'POST', body: JSON.stringify({ comment: 'settled by phone' }) })).status).toBe(200);
    const secondRow = row(asFinance, 'lines', 'line 000020');
    await secondRow.getByRole('button', { name: 'Acknowledge…' }).click();
    await asFinance.locator('[id$="--settlement--comment-inner"]').fill('pay as invoiced');
    await confirm.click();
    await asFinance.getByText('Acknowledging failed').waitFor({ timeout: 30_000 });
    expect(await asFinance.getByText(`Settlement ${second?.ID} is already acknowledged`).count()).toBe(1);
    await asFinance.getByRole('button', { name: 'Close' }).click();
    await asFinance.getByRole('button', { name: 'Cancel' }).click();
    await waitFor('line 000020 shown acknowledged by the other clerk', async () => ((await secondRow.textContent())?.includes('by finance: settled by phone') ? true : undefined), 30_000, 200);
    expect(await secondRow.getByRole('button', { name: 'Acknowledge…' }).isDisabled()).toBe(true);

    await asFinance.locator('[id$="--settlement--status"]').getByText('Ready', { exact: true }).click();
    await waitFor('no ready line', async () => ((await row(asFinance, 'lines', INVOICE_NUMBER).count()) === 0 ? true : undefined), 10_000, 100);
  }, 180_000);

  it('shows the operator the lines but neither the acknowledgement nor the CSV export (finance\'s)', async () => {
    await asOperator.goto(`${lading.url}/lading/webapp/index.html#/settlement`);
    const first = row(asOperator, 'lines', 'line 000010');
    await first.waitFor({ timeout: 120_000 });
    expect(await first.textContent()).toContain('by finance: POD follows by mail');
    expect(await asOperator.getByRole('button', { name: 'Acknowledge…' }).count()).toBe(0);
    expect(await asOperator.getByText('Download CSV of the period').count()).toBe(0);
    // What the hidden button would do is refused by the service too.
    const [, second] = await settlements();
    expect((await api(`/odata/v4/finance/Settlements(${second?.ID})/FinanceService.acknowledge`, 'operator', { method: 'POST', body: JSON.stringify({ comment: 'no' }) })).status).toBe(403);
  }, 150_000);
});

describe('Discrepancies screen', () => {
  it('runs a full reconciliation, shows its progress to the end, and the operator acknowledges what it found', async () => {
    await asOperator.goto(`${lading.url}/lading/webapp/index.html#/discrepancies`);
    const run = asOperator.getByRole('button', { name: 'Run reconciliation' });
    await run.waitFor({ timeout: 120_000 });
    await asOperator.locator('[id$="--discrepancies--mode"]').click();
    await asOperator.getByRole('option', { name: 'Full (every shipment)' }).click();
    await run.click();

    const status = asOperator.locator('[id$="--discrepancies--runStatus-text"]');
    await waitFor('the run finished', async () => ((await status.textContent()) === 'finished' ? true : undefined), 90_000, 250);
    const runs = await api<{ value: { status: string; mode: string; trigger: string; done: number; total: number; discrepancies: number }[] }>('/odata/v4/reconciliation/ReconciliationRuns?$orderby=requestedAt desc', 'operator');
    const [finished] = runs.body.value;
    expect(finished).toMatchObject({ status: 'finished', mode: 'full', trigger: 'operator' });
    expect(finished?.total).toBeGreaterThan(0);
    expect(await asOperator.locator('[id$="--discrepancies--runProgress"]').textContent()).toContain(`${finished?.done} / ${finished?.total}`);
    expect(await asOperator.locator('[id$="--discrepancies--runDetail"]').textContent()).toContain(`${finished?.discrepancies} discrepancies`);

    // SAP's delivery API does not know the delivery Lading received.
    const found = row(asOperator, 'discrepancies', SHIPMENT);
    await found.first().waitFor({ timeout: 30_000 });
    const open = found.filter({ hasText: 'open' }).first();
    const text = await open.textContent();
    expect(text).toContain('missingInErp');
    await open.getByRole('button', { name: 'Acknowledge…' }).click();
    await asOperator.locator('[id$="--discrepancies--comment-inner"]').fill('Delivery archived in SAP; ledger is right');
    await asOperator.getByRole('button', { name: 'Acknowledge', exact: true }).click();
    await asOperator.getByText(`Discrepancy of ${SHIPMENT} acknowledged`).first().waitFor({ timeout: 30_000 });
    await found.filter({ hasText: 'operator: Delivery archived in SAP; ledger is right' }).first().waitFor({ timeout: 30_000 });
    await settled(asOperator, 'discrepancies');
    await asOperator.screenshot({ path: join(SCREENSHOTS, 'discrepancies.png') });

    const stored = await api<{ value: { status: string; comment: string }[] }>(`/odata/v4/reconciliation/Discrepancies?$filter=shipmentId eq '${encodeURIComponent(SHIPMENT)}' and kind eq 'missingInErp'`, 'operator');
    expect(stored.body.value[0]).toMatchObject({ status: 'acknowledged', comment: 'Delivery archived in SAP; ledger is right' });
  }, 180_000);

  it('shows finance the discrepancies, filtered by the server, without the operator\'s actions', async () => {
    await asFinance.goto(`${lading.url}/lading/webapp/index.html#/discrepancies`);
    await row(asFinance, 'discrepancies', SHIPMENT).first().waitFor({ timeout: 60_000 });
    expect(await asFinance.getByRole('button', { name: 'Run reconciliation' }).count()).toBe(0);
    expect(await asFinance.getByRole('button', { name: 'Acknowledge…' }).count()).toBe(0);
    // First seen today: listed, and the CSV link is the period's.
    const today = new Date().toLocaleDateString('en-US', { month: 'short', day: 'numeric', year: 'numeric' });
    const period = asFinance.locator('[id$="--discrepancies--period-inner"]');
    await period.fill(`${today} – ${today}`);
    await period.press('Enter');
    const iso = new Date().toLocaleDateString('sv-SE');
    const csv = asFinance.locator('a[id$="--discrepancies--csv"]');
    await waitFor('the CSV link of the period', async () => ((await csv.getAttribute('href'))?.endsWith(`discrepancies.csv?from=${iso}&to=${iso}`) ? true : undefined), 10_000, 100);
    await row(asFinance, 'discrepancies', SHIPMENT).first().waitFor({ timeout: 10_000 });
    const exported = await asFinance.evaluate(async (href) => (await fetch(href)).text(), (await csv.getAttribute('href')) as string);
    expect(exported).toContain(`${SHIPMENT},missingInErp`);
    await asFinance.locator('[id$="--discrepancies--status"]').click();
    await asFinance.getByRole('option', { name: 'Resolved' }).click();
    await waitFor('no resolved discrepancy listed', async () => ((await row(asFinance, 'discrepancies', SHIPMENT).count()) === 0 ? true : undefined), 10_000, 100);
    expect((await api('/odata/v4/reconciliation/startRun', 'finance', { method: 'POST', body: JSON.stringify({ mode: 'full' }) })).status).toBe(403);
  }, 120_000);
});
