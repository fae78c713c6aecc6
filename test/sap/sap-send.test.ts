import { SapCsrfTokenError, SapDestinationError, SapRequestRefusedError, SapUnavailableError, sendIdoc } from '../../connectors/sap';
import { buildAleaud, buildProofOfDelivery, buildSystat, type OutboundIdoc } from '../../mappings/outbound';
import type { SapSimulator } from '../../sap-simulator';
import { CREATED_AT, ENVELOPE } from './outbound-support';
import { basicDestination, sapConfig, sapFailure, simulator, useDestinations } from './sap-support';

function statusIdoc(i: number): OutboundIdoc {
  return buildSystat(ENVELOPE, [{ docnum: String(4000 + i), status: '53', loggedAt: CREATED_AT, text: `status ${i}` }], { createdAt: CREATED_AT });
}

describe('sending IDocs to SAP through a destination', () => {
  let plain: SapSimulator;
  let guarded: SapSimulator;
  let restore: () => void;

  beforeAll(async () => {
    plain = await simulator({ bearerTokens: ['token-of-lading'] });
    guarded = await simulator({ csrf: true });
    restore = useDestinations([
      basicDestination('SEND_PLAIN', plain),
      basicDestination('SEND_GUARDED', guarded),
      basicDestination('SEND_BAD_PASSWORD', plain, 'LADING', 'wrong'),
      // What a destination with an OAuth token in front of SAP sends: Authorization: Bearer.
      { name: 'SEND_BEARER', url: plain.url, authentication: 'NoAuthentication', headers: { Authorization: 'Bearer token-of-lading' } },
    ]);
  });

  afterAll(async () => {
    restore();
    await Promise.all([plain.stop(), guarded.stop()]);
  });

  beforeEach(() => {
    plain.reset();
    guarded.reset();
  });

  it('posts an ALEAUD01 with basic auth; SAP stores it with its DOCNUM and message type', async () => {
    const [ack] = buildAleaud(ENVELOPE, [{ docnum: '1004242', messageType: 'DESADV', status: '53', text: 'On the ledger', createdObject: { key: 'tx-1' } }], { createdAt: CREATED_AT });
    const receipt = await sendIdoc(sapConfig('SEND_PLAIN'), ack as OutboundIdoc);
    expect(receipt).toMatchObject({ docnum: ack?.docnum, status: 200 });
    expect(receipt.sapAnswer).toContain('IDoc XML received');
    const [stored, ...others] = plain.received({ messageType: 'ALEAUD' });
    expect(others).toHaveLength(0);
    expect(stored).toMatchObject({ docnum: ack?.docnum, idocType: 'ALEAUD01', messageType: 'ALEAUD', user: 'LADING', client: '100', duplicate: false });
    expect(stored?.xml).toBe(ack?.xml);
  });

  it.each([
    ['guarded endpoint, token fetched', 'SEND_GUARDED', 'on', 'ok'],
    ['guarded endpoint, no token fetched', 'SEND_GUARDED', 'off', 'csrf'],
    ['plain endpoint, token fetched (SAP gives none; the POST goes without)', 'SEND_PLAIN', 'on', 'ok'],
    ['plain endpoint, no token fetched', 'SEND_PLAIN', 'off', 'ok'],
  ])('CSRF: %s', async (_, destination, csrf, expected) => {
    const send = sendIdoc(sapConfig(destination, { SAP_CSRF: csrf }), statusIdoc(1));
    if (expected === 'ok') {
      await expect(send).resolves.toMatchObject({ status: 200 });
    } else {
      const error = await sapFailure(send);
      expect(error).toBeInstanceOf(SapCsrfTokenError);
      expect(error).toMatchObject({ status: 403, retry: 'yes' });
      expect(guarded.stats().requests.csrfRejected).toBe(1);
    }
  });

  it('sends with a bearer token when the destination carries one', async () => {
    await expect(sendIdoc(sapConfig('SEND_BEARER'), statusIdoc(10))).resolves.toMatchObject({ status: 200 });
    expect(plain.received()[0]?.user).toBe('OAUTH_CLIENT');
  });

  it('401 (wrong password) is never retried, and keeps SAP\'s answer for the operator', async () => {
    const idoc = statusIdoc(2);
    const error = await sapFailure(sendIdoc(sapConfig('SEND_BAD_PASSWORD', { SAP_CSRF: 'off' }), idoc));
    expect(error).toBeInstanceOf(SapRequestRefusedError);
    expect(error).toMatchObject({ retry: 'never', status: 401, docnum: idoc.docnum, operation: 'send-idoc', destinationName: 'SEND_BAD_PASSWORD' });
    expect(error.sapResponse).toContain('Logon failed');
    expect(plain.stats().received).toBe(0);
  });

  it('a redirect (SAP sending the caller to a logon page) is never taken for success, nor retried', async () => {
    plain.fail({ status: 302, count: 1, scope: 'idoc' });
    const error = await sapFailure(sendIdoc(sapConfig('SEND_PLAIN', { SAP_CSRF: 'off' }), statusIdoc(11)));
    expect(error).toBeInstanceOf(SapRequestRefusedError);
    expect(error).toMatchObject({ retry: 'never', status: 302 });
    expect(error.message).toMatch(/logon page/);
    expect(plain.stats().received).toBe(0);
  });

  it('a malformed document (400) is never retried', async () => {
    const error = await sapFailure(sendIdoc(sapConfig('SEND_PLAIN'), { docnum: '1', xml: '<SYSTAT01><IDOC BEGIN="1">' }));
    expect(error).toMatchObject({ retry: 'never', status: 400 });
  });

  it.each([
    [503, 2],
    [500, 1],
  ])('SAP failing with %i for the next %i request(s): retryable, then the resend succeeds', async (status, count) => {
    plain.fail({ status, count, scope: 'idoc' });
    const config = sapConfig('SEND_PLAIN', { SAP_CSRF: 'off' });
    const idoc = statusIdoc(3);
    for (let attempt = 0; attempt < count; attempt++) {
      const error = await sapFailure(sendIdoc(config, idoc));
      expect(error).toBeInstanceOf(SapUnavailableError);
      expect(error).toMatchObject({ retry: 'yes', status });
    }
    await expect(sendIdoc(config, idoc)).resolves.toMatchObject({ status: 200 });
    expect(plain.stats()).toMatchObject({ received: 1, duplicates: 0 });
  });

  it('SAP failing for a time window, with CSRF on: retryable while it lasts, then success', async () => {
    guarded.fail({ status: 503, forSeconds: 0.4 });
    const config = sapConfig('SEND_GUARDED');
    const error = await sapFailure(sendIdoc(config, statusIdoc(4)));
    expect(error.retry).toBe('yes');
    await new Promise((resolve) => setTimeout(resolve, 500));
    await expect(sendIdoc(config, statusIdoc(4))).resolves.toMatchObject({ status: 200 });
  });

  it('without exactly-once the same IDoc sent twice is a second IDoc in SAP, counted as a duplicate by DOCNUM', async () => {
    const config = sapConfig('SEND_PLAIN', { SAP_EXACTLY_ONCE: 'off' });
    const idoc = statusIdoc(5);
    await expect(sendIdoc(config, idoc)).resolves.toMatchObject({ messageId: undefined });
    await sendIdoc(config, statusIdoc(5)); // rebuilt: same source, same DOCNUM
    await sendIdoc(config, statusIdoc(6));
    expect(plain.stats()).toMatchObject({ received: 3, duplicates: 1, redeliveries: 0, byMessageType: { STATUS: 3 } });
    expect(plain.received({ docnum: idoc.docnum }).map((stored) => stored.duplicate)).toEqual([false, true]);
  });

  it('with exactly-once (the default) the same IDoc sent twice is one IDoc in SAP; the second send is answered from memory', async () => {
    const config = sapConfig('SEND_PLAIN');
    const idoc = statusIdoc(5);
    const first = await sendIdoc(config, idoc);
    const second = await sendIdoc(config, statusIdoc(5)); // rebuilt: same source, same DOCNUM, same message id
    expect(second).toMatchObject({ status: 200, messageId: first.messageId, sapAnswer: first.sapAnswer });
    expect(plain.stats()).toMatchObject({ received: 1, duplicates: 1, redeliveries: 1 });
  });

  it('SAP down (connection refused) is retryable; once it is back the IDoc goes through', async () => {
    const config = sapConfig('SEND_PLAIN');
    await plain.down();
    try {
      const error = await sapFailure(sendIdoc(config, statusIdoc(7)));
      expect(error).toBeInstanceOf(SapUnavailableError);
      expect(error.retry).toBe('yes');
      // Refused for a new connection; reset when a kept-alive one is reused.
      expect(['ECONNREFUSED', 'ECONNRESET']).toContain(error.code);
    } finally {
      await plain.up();
    }
    await expect(sendIdoc(config, statusIdoc(7))).resolves.toMatchObject({ status: 200 });
  });

  it('no answer within SAP_TIMEOUT_MS is retryable; SAP may have taken the IDoc anyway, and takes the resend as that same IDoc', async () => {
    plain.fail({ status: 0, delayMs: 800, count: 1, scope: 'idoc' });
    const config = sapConfig('SEND_PLAIN', { SAP_TIMEOUT_MS: '200', SAP_CSRF: 'off' });
    const idoc = statusIdoc(8);
    const error = await sapFailure(sendIdoc(config, idoc));
    expect(error).toBeInstanceOf(SapUnavailableError);
    expect(error).toMatchObject({ retry: 'yes', code: 'ERR_CANCELED' });
    // Past the 800 ms the simulator holds the first request, however it noticed the client leaving.
    await new Promise((resolve) => setTimeout(resolve, 700));
    await sendIdoc(config, idoc);
    expect(plain.stats()).toMatchObject({ received: 1, duplicates: 1, redeliveries: 1 });
  });

  it('a destination that does not exist is never retried', async () => {
    const config = { ...sapConfig('SEND_PLAIN'), destinationName: 'NO_SUCH_DESTINATION' };
    const error = await sapFailure(sendIdoc(config, statusIdoc(9)));
    expect(error).toBeInstanceOf(SapDestinationError);
    expect(error.retry).toBe('never');
  });

  it('a STPPOD completes the delivery\'s proof of delivery in SAP', async () => {
    plain.seedDeliveries([{ DeliveryDocument: '80004242', ShipToParty: '17100002' }]);
    expect(plain.delivery('0080004242')?.OverallProofOfDeliveryStatus).toBe('A');
    const pod = buildProofOfDelivery(ENVELOPE, {
      sourceEventId: 'evt-pod', delivery: '80004242', deliveredAt: '2026-11-30T13:05:00Z', items: [{ item: '10', deliveredQuantity: 10, unit: 'PC' }],
    }, { createdAt: CREATED_AT });
    await sendIdoc(sapConfig('SEND_PLAIN'), pod);
    expect(plain.delivery('0080004242')).toMatchObject({ OverallProofOfDeliveryStatus: 'C', ProofOfDeliveryDate: '2026-11-30T13:05:00.000Z' });
    expect(plain.delivery('0080004242')?.LastChangeDate).not.toBeNull();
  });
});
