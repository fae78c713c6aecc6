import cds from '@sap/cds';
import { readConfig } from '../../srv/config';
import { countReconciliationFinding } from '../../srv/observability/metrics';
import { Devnet } from '../ledger/support';
import { fixture } from '../support/lading';
import { applyEnv, ledgerEnv } from '../support/ledger-env';
import { waitFor } from '../support/wait';
import { metric, samples, startLadingWithUrl } from './support';

/**
 * /metrics and the queue board over real HTTP, with Lading's whole ledger side running: devnet in
 * its own process, the real Redis (a queue prefix of this file's own), the embedded SAP simulator.
 * IDocs flow from POST /idoc/xml to the ledger and back to SAP as ALEAUD, and the figures follow.
 */

let devnet: Devnet;
let restoreEnv: () => void = () => undefined;

beforeAll(async () => {
  devnet = await Devnet.start();
  restoreEnv = applyEnv({ ...ledgerEnv(devnet), LEDGER_REDRIVE_AFTER_MS: '1500' });
}, 120_000);

const lading = startLadingWithUrl();

afterAll(async () => {
  restoreEnv();
  await devnet?.dispose();
});

const scrape = async (): Promise<string> => {
  const answer = await lading.request<string>({ method: 'GET', url: '/metrics', responseType: 'text' });
  expect(answer.status).toBe(200);
  return answer.data;
};

/** A copy of the 3-item DESADV under another delivery and IDoc number. */
function delivery(deliveryNumber: string, docnum: string): string {
  return fixture('delvry/delvry07-desadv-3-items.xml').replace(/0080004242/g, deliveryNumber).replace(/0000000001004242/g, docnum);
}

async function idocStatus(id: string): Promise<string | undefined> {
  const answer = await lading.request<{ status: string }>({ method: 'GET', url: `/odata/v4/admin/InboundIdocs(${id})?$select=status`, ...lading.as('operator') });
  return answer.data.status;
}

describe('GET /metrics', () => {
  it('answers Prometheus text without credentials, with process metrics', async () => {
    const answer = await lading.request<string>({ method: 'GET', url: '/metrics', responseType: 'text' });
    expect(answer.status).toBe(200);
    expect(String(answer.headers['content-type'])).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(answer.data).toContain('# TYPE lading_idocs_received_total counter');
    expect(metric(answer.data, 'lading_process_cpu_seconds_total')).toBeGreaterThan(0);
  });

  it('follows an IDoc from HTTP to the ledger and the ALEAUD back to SAP', async () => {
    const before = await scrape();
    const answer = await lading.postIdoc(delivery('0080700001', '0000000070000001'));
    expect(answer.status).toBe(200);
    const id = answer.data.idocs?.[0]?.id as string;

    const received = await scrape();
    expect(metric(received, 'lading_idocs_received_total', { transport: 'xml', outcome: 'accepted' }) - metric(before, 'lading_idocs_received_total', { transport: 'xml', outcome: 'accepted' })).toBe(1);

    await waitFor('the IDoc to be posted (53)', async () => ((await idocStatus(id)) === '53' ? true : undefined));
    const after = await scrape();
    expect(metric(after, 'lading_idocs', { idoc_type: 'DELVRY07', status: '53' })).toBeGreaterThanOrEqual(1);
    expect(metric(after, 'lading_ledger_operation_seconds_count', { operation: 'commit', outcome: 'ok' })).toBeGreaterThan(metric(before, 'lading_ledger_operation_seconds_count', { operation: 'commit', outcome: 'ok' }));
    expect(metric(after, 'lading_ledger_operation_seconds_count', { operation: 'endorse', outcome: 'ok' })).toBeGreaterThanOrEqual(1);
    expect(metric(after, 'lading_ledger_block_seen')).toBeGreaterThan(0);
    expect(metric(after, 'lading_queue_job_processing_seconds_count', { queue: 'ledger-submit', outcome: 'completed' })).toBeGreaterThanOrEqual(1);
    expect(metric(after, 'lading_queue_job_wait_seconds_count', { queue: 'ledger-submit' })).toBeGreaterThanOrEqual(1);
    // One series per queue partition and state, read from Redis at scrape time.
    const depths = samples(after, 'lading_queue_jobs').map((sample) => sample.labels.queue);
    const partitions = readConfig(process.env).pipeline.partitions;
    const submitQueues = Array.from({ length: partitions }, (_, index) => `ledger-submit-p${index}`);
    expect([...new Set(depths)]).toEqual(expect.arrayContaining([...submitQueues, 'ledger-confirm', 'sap-send-p0']));
    expect(depths.filter((queue) => queue.startsWith('ledger-submit-p') && !submitQueues.includes(queue))).toEqual([]);
    expect(metric(after, 'lading_queue_jobs', { state: 'completed' })).toBeGreaterThanOrEqual(1);

    // The final status goes back to SAP as ALEAUD, through the sap-send queue.
    const sent = await waitFor('an ALEAUD passed to SAP', async () => {
      const text = await scrape();
      return metric(text, 'lading_sap_outbound_sent_total', { message_type: 'ALEAUD' }) >= 1 ? text : undefined;
    });
    expect(metric(sent, 'lading_queue_job_processing_seconds_count', { queue: 'sap-send', outcome: 'completed' })).toBeGreaterThanOrEqual(1);
    // The listener saw Lading's own block go by: no lag once it caught up.
    const caughtUp = await waitFor('the listener to catch up', async () => {
      const text = await scrape();
      return metric(text, 'lading_ledger_listener_block') >= metric(text, 'lading_ledger_block_seen') ? text : undefined;
    });
    expect(samples(caughtUp, 'lading_ledger_listener_lag_blocks')).toEqual([{ labels: { listener: 'sap-outbound' }, value: 0 }]);
  });

  it('counts a rejected IDoc under its outcome and status 51', async () => {
    const before = await scrape();
    const answer = await lading.postIdoc(fixture('bad/negative-quantity.xml'));
    expect(answer.status).toBe(422);
    const after = await scrape();
    const labels = { transport: 'xml', outcome: 'rejected', status: '51' };
    expect(metric(after, 'lading_idocs_received_total', labels) - metric(before, 'lading_idocs_received_total', labels)).toBe(1);
    expect(metric(after, 'lading_idocs', { status: '51' })).toBeGreaterThanOrEqual(1);
  });

  it('counts failed ledger calls by failure class and retry advice', async () => {
    const before = await scrape();
    await devnet.injectFaults({ failEndorsements: 1 });
    const answer = await lading.postIdoc(delivery('0080700002', '0000000070000002'));
    const id = answer.data.idocs?.[0]?.id as string;
    await waitFor('the IDoc to be posted despite the failed endorsement', async () => ((await idocStatus(id)) === '53' ? true : undefined));
    await devnet.clearFaults();
    const after = await scrape();
    const failures = samples(after, 'lading_ledger_failures_total').filter((sample) => sample.labels.operation === 'endorse');
    expect(failures.length).toBeGreaterThanOrEqual(1);
    const moved = failures.filter((sample) => sample.value > metric(before, 'lading_ledger_failures_total', sample.labels));
    expect(moved).toEqual([expect.objectContaining({ labels: { operation: 'endorse', class: expect.stringMatching(/Error$/), retry: 'new-transaction' } })]);
  });

  it('asks for the role LADING_METRICS_ROLE names while it is set', async () => {
    const get = (user?: string) => lading.request<string>({ method: 'GET', url: '/metrics', responseType: 'text', ...(user ? lading.as(user) : {}) });
    process.env.LADING_METRICS_ROLE = 'operator';
    try {
      const anonymous = await get();
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers['www-authenticate']).toMatch(/^Basic/);
      expect((await lading.request({ method: 'GET', url: '/metrics', auth: { username: 'operator', password: 'wrong' } })).status).toBe(401);
      expect((await get('finance')).status).toBe(403);
      const operator = await get('operator');
      expect(operator.status).toBe(200);
      expect(operator.data).toContain('lading_idocs_received_total');
    } finally {
      delete process.env.LADING_METRICS_ROLE;
    }
    expect((await get()).status).toBe(200);
  });

  it('exposes reconciliation findings counted by the reconciliation', async () => {
    countReconciliationFinding('missing-on-ledger', 2);
    countReconciliationFinding('missing-on-ledger', 0);
    expect(metric(await scrape(), 'lading_reconciliation_findings_total', { kind: 'missing-on-ledger' })).toBe(2);
  });
});

describe('queue board /admin/queues', () => {
  const board = (user?: string, password = user) => lading.request<string>({
    method: 'GET', url: '/admin/queues', responseType: 'text', ...(user ? { auth: { username: user, password } } : {}),
  });

  it('answers 401 with a Basic challenge to anonymous callers', async () => {
    const answer = await board();
    expect(answer.status).toBe(401);
    expect(answer.headers['www-authenticate']).toMatch(/^Basic/);
  });

  it('answers 401 to a wrong password', async () => {
    expect((await board('operator', 'wrong')).status).toBe(401);
  });

  it('answers 403 to finance and to the ERP technical user', async () => {
    for (const user of ['finance', 'erp']) {
      const answer = await board(user);
      expect(answer.status).toBe(403);
      expect(answer.data).toContain('operator');
    }
  });

  it('shows the board and the running queues to an operator', async () => {
    const page = await board('operator');
    expect(page.status).toBe(200);
    expect(page.data).toContain('Lading queues');
    const api = await lading.request<{ queues: { name: string }[] }>({ method: 'GET', url: '/admin/queues/api/queues', ...lading.as('operator') });
    expect(api.status).toBe(200);
    expect(api.data.queues.map((queue) => queue.name)).toEqual(expect.arrayContaining(['ledger-submit-p0', 'ledger-confirm', 'sap-send-p0']));
    const anonymousApi = await lading.request({ method: 'GET', url: '/admin/queues/api/queues' });
    expect(anonymousApi.status).toBe(401);
  });
});

describe('correlated logs', () => {
  let lines: string[] = [];
  let spies: jest.SpyInstance[] = [];

  beforeEach(() => {
    lines = [];
    const keep = (...args: unknown[]): void => { lines.push(args.map(String).join(' ')); };
    spies = (['info', 'warn'] as const).map((level) => jest.spyOn(console, level).mockImplementation(keep));
    // The test profile keeps the pipeline quiet; its batch lines are info.
    cds.log('pipeline', 'info');
  });

  afterEach(() => {
    cds.log('pipeline', 'error');
    for (const spy of spies) spy.mockRestore();
  });

  const line = (pattern: RegExp): RegExpExecArray | undefined => lines.map((text) => pattern.exec(text)).find((match) => match !== null) ?? undefined;

  it('follows one IDoc from HTTP to its block and the ALEAUD that SAP received', async () => {
    const docnum = '0000000070000003';
    const answer = await lading.postIdoc(delivery('0080700003', docnum));
    const id = answer.data.idocs?.[0]?.id as string;
    expect(line(new RegExp(`^\\[idoc\\] - IDoc accepted \\(xml, status 64\\).* docnum=${docnum} idoc=${id}$`))).toBeDefined();

    const submitted = await waitFor('the batch submitted', () => line(new RegExp(`^\\[pipeline\\] - ledger batch of \\d+ IDoc\\(s\\) submitted idoc=\\S*${id}\\S* shipment=\\S+ tx=([0-9a-f]{64})$`)));
    const transactionId = submitted[1] as string;
    const committedLine = await waitFor('the batch committed', () => line(new RegExp(`^\\[pipeline\\] - ledger batch of \\d+ IDoc\\(s\\) committed with \\d+ event\\(s\\) idoc=\\S*${id}\\S* shipment=\\S+ tx=${transactionId} block=(\\d+)$`)));
    const status = await lading.request<{ statusText: string }>({ method: 'GET', url: `/odata/v4/admin/InboundIdocs(${id})?$select=statusText`, ...lading.as('operator') });
    expect(status.data.statusText).toBe(`Posted on the ledger: block ${committedLine[1]}, transaction ${transactionId}`);

    const queued = await waitFor('the ALEAUD queued', () => line(new RegExp(`^\\[sap\\] - ALEAUD (\\d{16}) queued for SAP, confirming \\d+ IDoc\\(s\\) with status 53 docnum=\\S*${docnum}\\S* mestyp=ALEAUD$`)));
    await waitFor('the ALEAUD passed to SAP', () => line(new RegExp(`^\\[sap\\] - IDoc passed to SAP \\(HTTP 2\\d\\d\\) docnum=${queued[1]} mestyp=ALEAUD$`)));
  });
});
