import { fixture } from '../support/lading';
import { samples, startLadingWithUrl } from './support';

/** Lading with its ledger side off (LADING_PIPELINE=off, no FABRIC_PEER_ENDPOINT), as the inbound tests run it. */

const lading = startLadingWithUrl();

describe('without a ledger side', () => {
  it('verification answers 503 naming why', async () => {
    const posted = await lading.postIdoc(fixture('delvry/delvry07-desadv-3-items.xml'));
    const id = posted.data.idocs?.[0]?.id as string;
    const answer = await lading.request<{ error: { message: string } }>({ method: 'GET', url: `/odata/v4/provenance/verifyIdoc(idocId=${id})`, ...lading.as('operator') });
    expect(answer.status).toBe(503);
    expect(answer.data.error.message).toContain('LADING_PIPELINE=off');
    const payload = await lading.request<{ error: { message: string } }>({ method: 'POST', url: '/odata/v4/provenance/verifyPayload', data: { payload: fixture('delvry/delvry07-desadv-3-items.xml') }, ...lading.as('operator') });
    expect(payload.status).toBe(503);
  });

  it('verifyPayload needs a payload', async () => {
    const empty = await lading.request<{ error: { message: string } }>({ method: 'POST', url: '/odata/v4/provenance/verifyPayload', data: { payload: '  ' }, ...lading.as('operator') });
    expect(empty.status).toBe(400);
    expect(empty.data.error.message).toContain('payload is required');
  });

  it('/metrics counts IDocs and shows no queues and no listener', async () => {
    await lading.postIdoc(fixture('delvry/delvry07-desadv-40-items.xml'));
    const answer = await lading.request<string>({ method: 'GET', url: '/metrics', responseType: 'text' });
    expect(answer.status).toBe(200);
    expect(samples(answer.data, 'lading_idocs').length).toBeGreaterThanOrEqual(1);
    expect(samples(answer.data, 'lading_queue_jobs')).toEqual([]);
    expect(samples(answer.data, 'lading_ledger_listener_lag_blocks')).toEqual([]);
  });

  it('the queue board shows no queues to an operator', async () => {
    const answer = await lading.request<{ queues: unknown[] }>({ method: 'GET', url: '/admin/queues/api/queues', ...lading.as('operator') });
    expect(answer.status).toBe(200);
    expect(answer.data.queues).toEqual([]);
  });
});
