import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Devnet } from '../ledger/support';
import { fixture, PROJECT_ROOT } from '../support/lading';
import { applyEnv, ledgerEnv } from '../support/ledger-env';
import { waitFor } from '../support/wait';
import { metric, samples, startLadingWithUrl } from './support';

/**
 * Provenance over real parts: IDocs posted to Lading (in-process, pipeline on) are committed on
 * devnet; ProvenanceService and `npx lading verify` then prove them unchanged, or name what
 * changed after the stored payload (or a document) was tampered with.
 */

let devnet: Devnet;
let workDir: string;
let restoreEnv: () => void = () => undefined;

beforeAll(async () => {
  devnet = await Devnet.start();
  workDir = await mkdtemp(join(tmpdir(), 'lading-verify-'));
  restoreEnv = applyEnv({ ...ledgerEnv(devnet), LADING_SAP: 'off', LEDGER_REDRIVE_AFTER_MS: '1500' });
}, 120_000);

const lading = startLadingWithUrl();

afterAll(async () => {
  restoreEnv();
  await devnet?.dispose();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

interface EventProof {
  eventId: string;
  verdict: string;
  ledgerPayloadHash: string | null;
  transactionId: string | null;
  blockNumber: number | string | null;
  recordedBy: string | null;
}

interface Verification {
  idocId: string | null;
  docnum: string | null;
  verdict: string;
  algorithm: string;
  payloadHash: string;
  storedPayloadHash: string | null;
  events: EventProof[];
  differences: string[];
}

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/** A copy of the 3-item DESADV under another delivery and IDoc number. */
function delivery(deliveryNumber: string, docnum: string): string {
  return fixture('delvry/delvry07-desadv-3-items.xml').replace(/0080004242/g, deliveryNumber).replace(/0000000001004242/g, docnum);
}

/** Posts an IDoc and waits until Lading has it on the ledger (53); returns its Lading id. */
async function committed(document: string): Promise<string> {
  const answer = await lading.postIdoc(document);
  expect(answer.status).toBe(200);
  const id = answer.data.idocs?.[0]?.id as string;
  await waitFor(`IDoc ${id} on the ledger`, async () => {
    const row = await SELECT.one.from('lading.InboundIdocs').columns('status').where({ ID: id });
    return row?.status === '53' ? true : undefined;
  });
  return id;
}

const verifyIdoc = (id: string, user?: string) => lading.request<Verification & { error?: { message: string } }>({
  method: 'GET', url: `/odata/v4/provenance/verifyIdoc(idocId=${id})`, ...(user ? lading.as(user) : {}),
});

const verifyPayload = (payload: string) => lading.request<{ value: Verification[]; error?: { message: string } }>({
  method: 'POST', url: '/odata/v4/provenance/verifyPayload', data: { payload }, ...lading.as('operator'),
});

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(PROJECT_ROOT, 'bin', 'lading.js'), ...args], { cwd: PROJECT_ROOT, env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

const asFinance = (): string[] => ['--devnet', devnet.dir, '--peer', devnet.address, '--org', 'FinanceMSP'];

describe('ProvenanceService.verifyIdoc', () => {
  it('proves an untouched IDoc unchanged, naming the block and transaction of each event', async () => {
    const id = await committed(delivery('0080800001', '0000000080000001'));
    const answer = await verifyIdoc(id, 'operator');
    expect(answer.status).toBe(200);
    const stored = await SELECT.one.from('lading.InboundIdocs').columns('payloadHash').where({ ID: id });
    expect(answer.data).toMatchObject({ idocId: id, docnum: '0000000080000001', verdict: 'unchanged', algorithm: 'sha256', payloadHash: stored.payloadHash, storedPayloadHash: stored.payloadHash, differences: [] });
    const local = await SELECT.from('lading.ShipmentEvents').columns('eventId', 'ledgerTxId', 'ledgerBlock').where({ sourceIdoc_ID: id });
    expect(answer.data.events).toHaveLength(4);
    expect(answer.data.events.map((event) => event.eventId).sort()).toEqual(local.map((event: { eventId: string }) => event.eventId).sort());
    for (const event of answer.data.events) {
      const row = local.find((candidate: { eventId: string }) => candidate.eventId === event.eventId);
      expect(event).toMatchObject({ verdict: 'unchanged', ledgerPayloadHash: stored.payloadHash, transactionId: row.ledgerTxId, recordedBy: 'ShipperMSP' });
      expect(Number(event.blockNumber)).toBe(Number(row.ledgerBlock));
    }
  });

  it('names the difference when the stored payload was tampered with', async () => {
    const id = await committed(delivery('0080800002', '0000000080000002'));
    const original = await SELECT.one.from('lading.InboundIdocs').columns('payload', 'payloadHash').where({ ID: id });
    const tampered = (original.payload as string).replace('<LFIMG>10.000</LFIMG>', '<LFIMG>9.000</LFIMG>');
    expect(tampered).not.toBe(original.payload);
    await UPDATE('lading.InboundIdocs').set({ payload: tampered }).where({ ID: id });

    const answer = await verifyIdoc(id, 'operator');
    expect(answer.status).toBe(200);
    expect(answer.data).toMatchObject({ verdict: 'changed', payloadHash: sha256(tampered), storedPayloadHash: original.payloadHash });
    expect(answer.data.events).toHaveLength(4);
    for (const event of answer.data.events) expect(event).toMatchObject({ verdict: 'changed', ledgerPayloadHash: original.payloadHash, transactionId: expect.stringMatching(/^[0-9a-f]{64}$/) });
    // One sentence per event with both hashes, and one for the stored hash column.
    expect(answer.data.differences).toHaveLength(5);
    for (const event of answer.data.events) {
      expect(answer.data.differences).toContainEqual(expect.stringContaining(`event ${event.eventId}`));
    }
    expect(answer.data.differences[0]).toContain(`the ledger has payload hash ${original.payloadHash}`);
    expect(answer.data.differences[0]).toContain(`the payload now hashes to ${sha256(tampered)}`);
    expect(answer.data.differences[4]).toContain(`not to the hash stored when it was received (${original.payloadHash})`);
  });

  it('says not-on-ledger for an IDoc Lading rejected', async () => {
    const answer = await lading.postIdoc(fixture('bad/negative-quantity.xml'));
    expect(answer.status).toBe(422);
    const verification = await verifyIdoc(answer.data.idocs?.[0]?.id as string, 'operator');
    expect(verification.status).toBe(200);
    expect(verification.data).toMatchObject({ verdict: 'not-on-ledger', events: [], differences: [] });
  });

  it('answers 404 for an unknown IDoc', async () => {
    const answer = await verifyIdoc('00000000-0000-4000-8000-000000000000', 'operator');
    expect(answer.status).toBe(404);
    expect(answer.data.error?.message).toContain('does not exist');
  });

  it('is for operators only: 401 anonymous, 403 finance', async () => {
    expect((await verifyIdoc('00000000-0000-4000-8000-000000000000')).status).toBe(401);
    expect((await verifyIdoc('00000000-0000-4000-8000-000000000000', 'finance')).status).toBe(403);
  });
});

describe('ProvenanceService.verifyPayload', () => {
  it('proves a document as sent unchanged, and names the difference of an altered copy', async () => {
    const document = delivery('0080800003', '0000000080000003');
    await committed(document);
    const same = await verifyPayload(document);
    expect(same.status).toBe(200);
    expect(same.data.value).toEqual([expect.objectContaining({ docnum: '0000000080000003', verdict: 'unchanged', idocId: null })]);
    expect(same.data.value[0]?.events.every((event) => event.verdict === 'unchanged' && event.blockNumber !== null)).toBe(true);

    // A description changed: the same events (ids derive from the facts), another payload.
    const altered = document.replace('Pump housing cast iron 1', 'Pump housing cast steel 1');
    const changed = await verifyPayload(altered);
    expect(changed.status).toBe(200);
    const [report] = changed.data.value;
    expect(report?.verdict).toBe('changed');
    expect(report?.events).toHaveLength(4);
    expect(report?.differences[0]).toMatch(/the ledger has payload hash [0-9a-f]{64} \(transaction [0-9a-f]{64}, block \d+\), the payload now hashes to [0-9a-f]{64}/);
  });

  it('says not-on-ledger for a document Lading never received', async () => {
    const answer = await verifyPayload(delivery('0080800099', '0000000080000099'));
    expect(answer.status).toBe(200);
    expect(answer.data.value[0]).toMatchObject({ verdict: 'not-on-ledger', differences: expect.arrayContaining([expect.stringContaining('is not on the ledger')]) });
    expect(answer.data.value[0]?.events.every((event) => event.verdict === 'missing')).toBe(true);
  });

  it('answers 400 for a document that is no IDoc', async () => {
    const answer = await verifyPayload('<order><id>1</id></order>');
    expect(answer.status).toBe(400);
    expect(answer.data.error?.message).toMatch(/cannot be read as an IDoc|holds no IDoc/);
  });
});

describe('npx lading verify', () => {
  it('proves a file unchanged against the ledger alone, as another organisation', async () => {
    const document = delivery('0080800004', '0000000080000004');
    await committed(document);
    const file = join(workDir, 'desadv.xml');
    await writeFile(file, document);
    const result = await cli(['verify', file, ...asFinance(), '--json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const [report] = JSON.parse(result.stdout) as Verification[];
    expect(report).toMatchObject({ docnum: '0000000080000004', verdict: 'unchanged' });
    expect(report?.events).toHaveLength(4);
    expect(report?.events[0]).toMatchObject({ transactionId: expect.stringMatching(/^[0-9a-f]{64}$/), blockNumber: expect.stringMatching(/^\d+$/) });
  });

  it('names the difference of an altered file and exits 1', async () => {
    const document = delivery('0080800005', '0000000080000005');
    await committed(document);
    const file = join(workDir, 'altered.xml');
    await writeFile(file, document.replace('<BTGEW>1250.000</BTGEW>', '<BTGEW>1350.000</BTGEW>'));
    const result = await cli(['verify', file, ...asFinance()]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('IDoc 0000000080000005 (DELVRY07): CHANGED');
    expect(result.stdout).toContain(`the payload now hashes to ${sha256(readIdoc(readFileSync(file, 'utf8')))}`);
    expect(result.stdout).toMatch(/difference: event [0-9a-f-]{36} \(\w{4} of S4HCLNT100\/0080800005\): the ledger has payload hash/);
  });

  it('asks a running Lading about a stored IDoc by its id', async () => {
    const id = await committed(delivery('0080800006', '0000000080000006'));
    const login = ['--url', lading.url, '--user', 'operator', '--password', 'operator'];
    const untouched = await cli(['verify', id, ...login, '--json']);
    expect(untouched.code).toBe(0);
    expect(JSON.parse(untouched.stdout)).toEqual([expect.objectContaining({ idocId: id, verdict: 'unchanged' })]);

    await UPDATE('lading.InboundIdocs').set({ payload: 'tampered' }).where({ ID: id });
    const tampered = await cli(['verify', id, ...login]);
    expect(tampered.code).toBe(1);
    expect(tampered.stdout).toContain(`Lading id ${id}: CHANGED`);
    expect(tampered.stdout).toContain(`the payload now hashes to ${sha256('tampered')}`);
  });

  it('fails on one line for an unknown id or a refused login, exit 1', async () => {
    const unknown = await cli(['verify', '00000000-0000-4000-8000-000000000000', '--url', lading.url, '--user', 'operator', '--password', 'operator']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr.trim().split('\n')).toHaveLength(1);
    expect(unknown.stderr).toContain('404');
    const refused = await cli(['verify', '00000000-0000-4000-8000-000000000000', '--url', lading.url, '--user', 'finance', '--password', 'finance']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('403');
  });

  it('says on one line when Lading cannot be reached, exit 1', async () => {
    const unreachable = await cli(['verify', '00000000-0000-4000-8000-000000000000', '--url', 'http://127.0.0.1:9', '--user', 'operator', '--password', 'operator']);
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr.trim().split('\n')).toHaveLength(1);
    expect(unreachable.stderr).toContain('cannot reach Lading at http://127.0.0.1:9');
  });

  it('answers wrong usage with exit 2', async () => {
    const neither = await cli(['verify', 'no-such-file.xml']);
    expect(neither.code).toBe(2);
    expect(neither.stderr).toContain('neither a file nor a Lading IDoc id');
    const missing = await cli(['verify']);
    expect(missing.code).toBe(2);
  });
});

/** The IDOC element of a one-IDoc document: what Lading hashes. */
function readIdoc(document: string): string {
  const start = document.indexOf('<IDOC');
  const end = document.indexOf('</IDOC>') + '</IDOC>'.length;
  return document.slice(start, end);
}

describe('/metrics with the SAP side off', () => {
  it('shows Lading\'s blocks but no listener, so no listener lag', async () => {
    await committed(delivery('0080800007', '0000000080000007'));
    const answer = await lading.request<string>({ method: 'GET', url: '/metrics', responseType: 'text' });
    expect(metric(answer.data, 'lading_ledger_block_seen')).toBeGreaterThan(0);
    expect(samples(answer.data, 'lading_ledger_listener_lag_blocks')).toEqual([]);
    expect(samples(answer.data, 'lading_ledger_listener_block')).toEqual([]);
  });
});
