import cds from '@sap/cds';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from '../../connectors/queue';
import { transportOf } from '../../bin/commands/idoc';
import { fixture, PROJECT_ROOT, startLading } from '../support/lading';

/**
 * The operator's daily commands against a running Lading: post an IDoc file, read an IDoc's
 * status, re-drive dead letters. Exit codes: 0 done, 1 refused or failed, 2 wrong usage.
 */

jest.setTimeout(120_000);
const lading = startLading();
const FIXTURES = join(PROJECT_ROOT, 'test', 'fixtures');

function lading_cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(PROJECT_ROOT, 'bin', 'lading.js'), ...args], {
      cwd: PROJECT_ROOT, env: { ...process.env, LADING_USER: '', LADING_PASSWORD: '', LADING_TOKEN: '', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('lading idoc post', () => {
  test('posts an XML IDoc file with the development ERP user and prints its outcome', async () => {
    const posted = await lading_cli(['idoc', 'post', join(FIXTURES, 'delvry', 'delvry07-desadv-3-items.xml'), '--url', lading.url()]);
    expect(posted).toMatchObject({ code: 0, stderr: '' });
    expect(posted.stdout).toMatch(/^0000000001004242 {2}64 {2}accepted {2}IDoc ready to be passed to the ledger: delivery 0080004242, 4 new event\(s\) {2}\[id [0-9a-f-]{36}\]/);
    // The same IDoc in a SOAP envelope is a duplicate: the transport is recognised, the content is the same.
    const soap = await lading_cli(['idoc', 'post', join(FIXTURES, 'delvry', 'delvry07-desadv-3-items.soap.xml'), '--url', lading.url(), '--json']);
    expect(soap.code).toBe(0);
    expect(JSON.parse(soap.stdout)).toMatchObject({ transport: 'soap', idocs: [{ docnum: '0000000001004242', outcome: 'duplicate' }] });
  });

  test('exits 1 naming segment and field when SAP would get a 422', async () => {
    const refused = await lading_cli(['idoc', 'post', join(FIXTURES, 'bad', 'missing-vbeln.xml'), '--url', lading.url()]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(/ 51 {2}rejected .*VBELN/);
  });

  test('exits 1 with one line when the file is missing, Lading is not running or the user lacks the role', async () => {
    const missing = await lading_cli(['idoc', 'post', '/nonexistent/idoc.xml', '--url', lading.url()]);
    expect(missing).toMatchObject({ code: 1, stderr: 'lading: cannot read /nonexistent/idoc.xml: ENOENT\n' });
    const closed = await freePort();
    const down = await lading_cli(['idoc', 'post', join(FIXTURES, 'delvry', 'delvry07-desadv-3-items.xml'), '--url', `http://127.0.0.1:${closed}`]);
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(new RegExp(`^lading: cannot reach Lading at http://127\\.0\\.0\\.1:${closed}: .*\\(is it running\\? npm start\\)\\n$`));
    const finance = await lading_cli(['idoc', 'post', join(FIXTURES, 'delvry', 'delvry07-desadv-3-items.xml'), '--url', lading.url(), '--user', 'finance', '--password', 'finance']);
    expect(finance).toMatchObject({ code: 1 });
    expect(finance.stderr).toMatch(/answered 403: this user lacks the role/);
  });

  test('exits 2 on wrong usage, with the help', async () => {
    const usage = await lading_cli(['idoc', 'post']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/^lading: idoc post takes one file\n\nUsage: lading/);
    const help = await lading_cli(['redrive', '--help']);
    expect(help).toMatchObject({ code: 0 });
    expect(help.stdout).toMatch(/^Usage: lading redrive <dead-letter-id> \| --all/);
  });

  test('tells the transports apart by their first characters', () => {
    expect(transportOf(fixture('delvry/delvry07-desadv-3-items.xml'))).toBe('xml');
    expect(transportOf(fixture('delvry/delvry07-desadv-3-items.soap.xml'))).toBe('soap');
    expect(transportOf(fixture('delvry/delvry07-desadv-3-items.flat.txt'))).toBe('flat');
  });
});

describe('lading idoc status', () => {
  test('shows the status and its history by DOCNUM, and exits 1 for an IDoc in error', async () => {
    await lading.postIdoc(fixture('delvry/delvry07-desadv-3-items.xml').replace('<DOCNUM>0000000001004242</DOCNUM>', '<DOCNUM>0000000001004343</DOCNUM>').replaceAll('0080004242', '0080004343'));
    const shown = await lading_cli(['idoc', 'status', '1004343', '--url', lading.url()]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/^IDoc 0000000001004343 DELVRY07\/DESADV from S4HCLNT100, received .*\n {2}status 64: IDoc ready to be passed to the ledger\n.* {2}50 {2}IDoc added\n.* {2}64 {2}IDoc ready/);
    const bad = await lading.postIdoc(fixture('bad/missing-vbeln.xml'));
    const id = bad.data.idocs?.[0]?.id as string;
    const failed = await lading_cli(['idoc', 'status', id, '--url', lading.url(), '--json']);
    expect(failed.code).toBe(1);
    expect(JSON.parse(failed.stdout)).toMatchObject([{ ID: id, status: '51', statusHistory: [{ status: '51', segment: 'E1EDL20', field: 'VBELN' }] }]);
    const unknown = await lading_cli(['idoc', 'status', '999999999', '--url', lading.url()]);
    expect(unknown).toMatchObject({ code: 1, stderr: `lading: no IDoc 999999999 at ${lading.url()}\n` });
  });
});

describe('lading redrive', () => {
  async function deadLettered(docnumSuffix: string): Promise<{ idocId: string; letterId: string }> {
    const xml = fixture('delvry/delvry07-desadv-3-items.xml')
      .replace('<DOCNUM>0000000001004242</DOCNUM>', `<DOCNUM>00000000019${docnumSuffix}</DOCNUM>`)
      .replaceAll('0080004242', `00819${docnumSuffix}`);
    const posted = await lading.postIdoc(xml);
    const idocId = posted.data.idocs?.[0]?.id as string;
    // What the pipeline leaves when the ledger refuses an IDoc for good (srv/pipeline/settlement.ts deadLetter).
    const letterId = cds.utils.uuid();
    await cds.run(`UPDATE lading_Outbox SET state = 'failed' WHERE idoc_ID = '${idocId}'`);
    await cds.run(`UPDATE lading_InboundIdocs SET status = '51', statusText = 'The ledger refused the events of this IDoc' WHERE ID = '${idocId}'`);
    await cds.run(`INSERT INTO lading_DeadLetters (ID, idoc_ID, queue, jobId, reason) VALUES ('${letterId}', '${idocId}', 'ledger-submit', 'job-${docnumSuffix}', 'The ledger refused the events of this IDoc')`);
    return { idocId, letterId };
  }

  test('re-drives one dead letter by id, then all open ones, and exits 1 for one already re-driven', async () => {
    const first = await deadLettered('00001');
    const second = await deadLettered('00002');
    const third = await deadLettered('00003');
    const one = await lading_cli(['redrive', first.letterId, '--url', lading.url()]);
    expect(one.code).toBe(0);
    expect(one.stdout).toMatch(/^1 of 1 dead letter\(s\) re-driven\n/);
    const all = await lading_cli(['redrive', '--all', '--url', lading.url(), '--json']);
    expect(all.code).toBe(0);
    expect((JSON.parse(all.stdout) as { redriven: { ID: string }[] }).redriven.map((letter) => letter.ID).sort()).toEqual([second.letterId, third.letterId].sort());
    const rows = (await cds.run(`SELECT state FROM lading_Outbox WHERE idoc_ID IN ('${first.idocId}', '${second.idocId}', '${third.idocId}')`)) as { state: string }[];
    expect(rows.map((row) => row.state)).toEqual(['pending', 'pending', 'pending']);
    const again = await lading_cli(['redrive', first.letterId, '--url', lading.url()]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^lading: .*409 .*already re-driven/);
    const none = await lading_cli(['redrive', '--all', '--url', lading.url()]);
    expect(none).toMatchObject({ code: 0, stdout: 'no open dead letters\n' });
  });

  test('exits 2 without an id or --all', async () => {
    expect((await lading_cli(['redrive'])).code).toBe(2);
  });
});
