import { Devnet } from '../ledger/support';
import { fixture } from '../support/lading';
import { applyEnv, ledgerEnv } from '../support/ledger-env';
import { waitFor } from '../support/wait';
import { startLadingWithUrl } from './support';

/**
 * The ledger goes away (devnet stopped, not paused): /ready says so, /metrics keeps answering,
 * and verification answers 503 instead of a verdict it cannot prove.
 */

let devnet: Devnet;
let restoreEnv: () => void = () => undefined;

beforeAll(async () => {
  devnet = await Devnet.start();
  restoreEnv = applyEnv({ ...ledgerEnv(devnet), LADING_SAP: 'off', FABRIC_EVALUATE_TIMEOUT_MS: '2000' });
}, 120_000);

const lading = startLadingWithUrl();

afterAll(async () => {
  restoreEnv();
  await devnet?.dispose();
});

describe('with the ledger stopped', () => {
  let idocId: string;

  beforeAll(async () => {
    const answer = await lading.postIdoc(fixture('delvry/delvry07-desadv-3-items.xml'));
    idocId = answer.data.idocs?.[0]?.id as string;
    await waitFor('the IDoc on the ledger', async () => {
      const row = await SELECT.one.from('lading.InboundIdocs').columns('status').where({ ID: idocId });
      return row?.status === '53' ? true : undefined;
    });
    const before = await lading.request<{ verdict: string }>({ method: 'GET', url: `/odata/v4/provenance/verifyIdoc(idocId=${idocId})`, ...lading.as('operator') });
    expect(before.data.verdict).toBe('unchanged');
    await devnet.stop();
  }, 60_000);

  it('/ready turns false naming the ledger', async () => {
    const answer = await lading.request<{ ready: boolean; checks: Record<string, string> }>({ method: 'GET', url: '/ready' });
    expect(answer.status).toBe(503);
    expect(answer.data.checks).toMatchObject({ ledger: 'down', database: 'up', redis: 'up' });
  });

  it('/metrics keeps answering', async () => {
    const answer = await lading.request<string>({ method: 'GET', url: '/metrics', responseType: 'text' });
    expect(answer.status).toBe(200);
    expect(answer.data).toContain('lading_idocs{idoc_type="DELVRY07",status="53"} 1');
  });

  it('verifyIdoc answers 503, not a verdict', async () => {
    const answer = await lading.request<{ error: { message: string } }>({ method: 'GET', url: `/odata/v4/provenance/verifyIdoc(idocId=${idocId})`, ...lading.as('operator') });
    expect(answer.status).toBe(503);
    expect(answer.data.error.message).toMatch(/^The ledger did not answer/);
  });
});
