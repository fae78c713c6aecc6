import cds from '@sap/cds';
import { Queue, Worker } from 'bullmq';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SapUnavailableError, isMessageId, messageIdFor, nameBasedUuid, sendIdoc, type SapConfig } from '../../connectors/sap';
import { buildSystat, type OutboundIdoc } from '../../mappings/outbound';
import type { SapSimulator } from '../../sap-simulator';
import { outboundMessageId, sapSendProcessor, type SapSendJob } from '../../srv/sap-outbound/sap-send';
import { startLading } from '../support/lading';
import { waitFor } from '../support/wait';
import { CREATED_AT, ENVELOPE } from './outbound-support';
import { basicDestination, sapConfig, sapFailure, simulator, useDestinations } from './sap-support';

/**
 * Exactly once at SAP: every IDoc POST names its document by a message id that stays the same on
 * every resend; the simulated SAP stores the first arrival and answers a resend under the same id
 * from memory, as SAP's exactly-once inbound does. Without an id it stays at-least-once.
 */

const BASIC = `Basic ${Buffer.from('LADING:lading').toString('base64')}`;
const ID_A = '6f1c1d0e-8a4b-5c2d-9e3f-0a1b2c3d4e5f';
const ID_B = '0b9a8c7d-6e5f-5a4b-8c3d-2e1f0a9b8c7d';

function statusIdoc(i: number): OutboundIdoc {
  return buildSystat(ENVELOPE, [{ docnum: String(8000 + i), status: '53', loggedAt: CREATED_AT, text: `status ${i}` }], { createdAt: CREATED_AT });
}

// Lading in-process (in-memory SQLite) for the sap-send step's table; its HTTP side is not used here.
startLading();

let sap: SapSimulator;
let restore: () => void;
/** A plain HTTP server that answers 200 and keeps the URLs it was sent, to see the query on the wire. */
let capture: Server;
const capturedUrls: string[] = [];

beforeAll(async () => {
  sap = await simulator();
  capture = createServer((request, response) => {
    capturedUrls.push(request.url ?? '');
    request.resume().on('end', () => response.end('ok'));
  });
  await new Promise<void>((resolve) => capture.listen(0, '127.0.0.1', resolve));
  const captureUrl = `http://127.0.0.1:${(capture.address() as AddressInfo).port}`;
  restore = useDestinations([
    basicDestination('EO_PLAIN', sap),
    { name: 'EO_CAPTURE', url: captureUrl, authentication: 'BasicAuthentication', username: 'LADING', password: 'lading' },
  ]);
});

afterAll(async () => {
  restore();
  await sap.stop();
  await new Promise((resolve) => capture.close(resolve));
});

beforeEach(() => sap.reset());

const post = (xml: string, query: string): Promise<Response> =>
  fetch(`${sap.url}/sap/bc/idoc_xml?sap-client=100${query}`, { method: 'POST', headers: { authorization: BASIC, 'content-type': 'text/xml' }, body: xml });

describe('message ids', () => {
  it('are name-based UUIDs (RFC 4122 version 5): the published example, and the same name gives the same id', () => {
    expect(nameBasedUuid('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'python.org')).toBe('886313e1-3b8a-5372-9b90-0c9aee199e5d');
    const id = messageIdFor('outbound-idoc/42');
    expect(isMessageId(id)).toBe(true);
    expect(id[14]).toBe('5');
    expect(messageIdFor('outbound-idoc/42')).toBe(id);
    expect(messageIdFor('outbound-idoc/43')).not.toBe(id);
    expect(outboundMessageId('42')).toBe(id);
  });

  it.each([
    ['a namespace that is no UUID', () => nameBasedUuid('lading', 'x'), 'namespace'],
    ['an empty name', () => messageIdFor(''), 'name'],
  ])('refuses %s, naming the argument', (_, make, field) => {
    expect(make).toThrow(RangeError);
    expect(make).toThrow(new RegExp(`^${field}: `));
  });

  it('sendIdoc refuses a message id that is no GUID, and an IDoc without DOCNUM to derive one from, before calling SAP', async () => {
    const config = sapConfig('EO_PLAIN');
    await expect(sendIdoc(config, { ...statusIdoc(1), messageId: 'resend-1' })).rejects.toThrow(/^messageId: expected a GUID/);
    await expect(sendIdoc(config, { docnum: ' ', xml: statusIdoc(1).xml })).rejects.toThrow(/^docnum: /);
    expect(sap.stats().requests.total).toBe(0);
  });
});

describe('the IDoc POST on the wire', () => {
  it('carries sap-client, the configured parameters, MessageId and QualityOfService=ExactlyOnce', async () => {
    capturedUrls.length = 0;
    const idoc = { ...statusIdoc(14), messageId: ID_A.toUpperCase() };
    const config = sapConfig('EO_CAPTURE', { SAP_CSRF: 'off', SAP_IDOC_PARAMETERS: 'channel=:LADING:SOAP_IDOC_EO&nosoap=true' });
    await expect(sendIdoc(config, idoc)).resolves.toMatchObject({ status: 200, messageId: ID_A });
    const [url, ...more] = capturedUrls.map((captured) => new URL(captured, 'http://sap'));
    expect(more).toHaveLength(0);
    expect(url?.pathname).toBe('/sap/bc/idoc_xml');
    expect(Object.fromEntries(url?.searchParams ?? [])).toEqual({
      'sap-client': '100', channel: ':LADING:SOAP_IDOC_EO', nosoap: 'true', MessageId: ID_A, QualityOfService: 'ExactlyOnce',
    });
  });

  it('carries neither with SAP_EXACTLY_ONCE=off', async () => {
    capturedUrls.length = 0;
    await sendIdoc(sapConfig('EO_CAPTURE', { SAP_CSRF: 'off', SAP_EXACTLY_ONCE: 'off' }), statusIdoc(15));
    expect(Object.fromEntries(new URL(capturedUrls[0] ?? '', 'http://sap').searchParams)).toEqual({ 'sap-client': '100' });
  });
});

describe('the simulated SAP honours the message id', () => {
  it('stores an IDoc posted twice under one message id once, and answers both times 200 with the same page', async () => {
    const { xml, docnum } = statusIdoc(2);
    const first = await post(xml, `&MessageId=${ID_A}&QualityOfService=ExactlyOnce`);
    const second = await post(xml, `&MessageId=${ID_A}&QualityOfService=ExactlyOnce`);
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(await second.text()).toBe(await first.text());
    const [stored, ...more] = sap.received({ docnum });
    expect(more).toHaveLength(0);
    expect(stored).toMatchObject({ messageId: ID_A, duplicate: false });
    expect(stored?.redeliveredAt).toHaveLength(1);
    expect(sap.stats()).toMatchObject({ received: 1, duplicates: 1, redeliveries: 1 });
  });

  it('takes the same DOCNUM under another message id as a second IDoc, as SAP would', async () => {
    const { xml, docnum } = statusIdoc(3);
    expect((await post(xml, `&MessageId=${ID_A}`)).status).toBe(200);
    expect((await post(xml, `&MessageId=${ID_B}`)).status).toBe(200);
    expect(sap.received({ docnum }).map((idoc) => [idoc.messageId, idoc.duplicate])).toEqual([[ID_A, false], [ID_B, true]]);
    expect(sap.stats()).toMatchObject({ received: 2, duplicates: 1, redeliveries: 0 });
  });

  it('reads the id in any case of the parameter names, dashed or as SAP\'s 32 hexadecimal digits', async () => {
    const { xml } = statusIdoc(4);
    expect((await post(xml, `&messageid=${ID_A.toUpperCase()}&qualityofservice=exactlyonce`)).status).toBe(200);
    expect((await post(xml, `&MessageId=${ID_A.replace(/-/g, '')}`)).status).toBe(200);
    expect(sap.stats()).toMatchObject({ received: 1, redeliveries: 1 });
  });

  it.each([
    ['no message id', ''],
    ['QualityOfService=BestEffort', `&MessageId=${ID_A}&QualityOfService=BestEffort`],
  ])('stays at-least-once with %s: the second post is a second IDoc', async (_, query) => {
    const { xml } = statusIdoc(5);
    await post(xml, query);
    await post(xml, query);
    expect(sap.stats()).toMatchObject({ received: 2, duplicates: 1, redeliveries: 0 });
  });

  it.each([
    ['a message id that is no GUID', 'MessageId', '&MessageId=resend-1'],
    ['ExactlyOnce without a message id', 'MessageId', '&QualityOfService=ExactlyOnce'],
    ['an unknown quality of service', 'QualityOfService', `&MessageId=${ID_A}&QualityOfService=EOIO`],
  ])('answers 400 to %s, naming %s, and stores nothing', async (_, parameter, query) => {
    const response = await post(statusIdoc(6).xml, query);
    expect(response.status).toBe(400);
    expect(await response.text()).toContain(`${parameter}: `);
    expect(sap.stats().received).toBe(0);
  });

  it('remembers only what it accepted: a post refused with 503 leaves the id free for the resend', async () => {
    const { xml, docnum } = statusIdoc(7);
    sap.fail({ status: 503, count: 1, scope: 'idoc' });
    expect((await post(xml, `&MessageId=${ID_A}`)).status).toBe(503);
    expect((await post(xml, `&MessageId=${ID_A}`)).status).toBe(200);
    expect(sap.received({ docnum })).toHaveLength(1);
    expect(sap.stats()).toMatchObject({ received: 1, duplicates: 0, redeliveries: 0 });
  });

  it('a lost answer: the IDoc is stored, then 503 goes out instead of SAP\'s page (or the connection is cut)', async () => {
    sap.fail({ status: 503, count: 1, scope: 'idoc', lostAnswer: true });
    expect((await post(statusIdoc(8).xml, `&MessageId=${ID_A}`)).status).toBe(503);
    sap.fail({ status: 0, count: 1, scope: 'idoc', lostAnswer: true });
    await expect(post(statusIdoc(9).xml, `&MessageId=${ID_B}`)).rejects.toThrow();
    expect(sap.stats()).toMatchObject({ received: 2, requests: { faulted: 2 } });
  });

  it('counts the IDoc POSTs it holds (read, not yet answered), e.g. under a delay', async () => {
    sap.fail({ status: 0, delayMs: 400, count: 1, scope: 'idoc' });
    const posting = post(statusIdoc(16).xml, `&MessageId=${ID_A}`);
    expect(await waitFor('a POST in flight', () => (sap.inFlight() === 1 ? true : undefined), 5_000, 10)).toBe(true);
    expect((await posting).status).toBe(200);
    expect(sap.inFlight()).toBe(0);
  });

  it.each([
    [{ status: 503, count: 1, lostAnswer: true }, 'lostAnswer needs scope idoc'],
    [{ status: 503, count: 1, scope: 'idoc', lostAnswer: 'yes' }, 'lostAnswer must be true or false'],
  ])('the admin API refuses the fault %j', async (spec, message) => {
    const response = await fetch(`${sap.url}/admin/faults`, { method: 'POST', body: JSON.stringify(spec) });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toBe(message);
  });
});

describe('Lading\'s sap-send step after a lost answer', () => {
  const connection = { host: '127.0.0.1', port: 6379 };
  const prefix = `test-sap-eo-${process.pid}-${randomBytes(3).toString('hex')}`;

  /** Queues one outbound IDoc row for sap-send with a worker of this config, and waits until the row settles. */
  async function send(config: SapConfig, idoc: OutboundIdoc): Promise<{ id: string; status: string; returned: unknown }> {
    const id = cds.utils.uuid();
    await INSERT.into('lading.OutboundIdocs').entries({ ID: id, docnum: idoc.docnum, idocType: idoc.idocType, messageType: idoc.messageType, purpose: 'acknowledgement', payload: idoc.xml, status: '30' });
    const name = `sap-send-${randomBytes(3).toString('hex')}`;
    const queue = new Queue<SapSendJob>(name, { connection, prefix });
    const worker = new Worker<SapSendJob>(name, sapSendProcessor(config), { connection, prefix });
    worker.on('error', () => undefined);
    try {
      const job = await queue.add('send', { outboundIdocId: id, docnum: idoc.docnum }, { jobId: `sap-${id}`, attempts: 3, backoff: { type: 'fixed', delay: 200 } });
      const row = await waitFor('the IDoc passed to SAP', async () => {
        const found = (await SELECT.one.from('lading.OutboundIdocs').columns('status').where({ ID: id })) as { status: string } | undefined;
        return found?.status === '03' ? found : undefined;
      }, 20_000);
      const done = await queue.getJob(job.id as string);
      return { id, status: row.status, returned: done?.returnvalue };
    } finally {
      await worker.close();
      await queue.obliterate({ force: true });
      await queue.close();
    }
  }

  it('first attempt stored at SAP but answered 503: the retry, under the same message id, is answered from memory; one IDoc in SAP', async () => {
    sap.fail({ status: 503, count: 1, scope: 'idoc', lostAnswer: true });
    const idoc = statusIdoc(10);
    const sent = await send(sapConfig('EO_PLAIN'), idoc);
    expect(sent).toMatchObject({ status: '03', returned: { status: 200 } });
    const [stored, ...more] = sap.received({ docnum: idoc.docnum });
    expect(more).toHaveLength(0);
    expect(stored?.messageId).toBe(outboundMessageId(sent.id));
    expect(stored?.redeliveredAt).toHaveLength(1);
    expect(sap.stats()).toMatchObject({ received: 1, duplicates: 1, redeliveries: 1, requests: { faulted: 1 } });
  });

  it('first attempt stored at SAP but the connection cut: the same, one IDoc in SAP', async () => {
    sap.fail({ status: 0, count: 1, scope: 'idoc', lostAnswer: true });
    const idoc = statusIdoc(11);
    await send(sapConfig('EO_PLAIN', { SAP_CSRF: 'off' }), idoc);
    expect(sap.received({ docnum: idoc.docnum })).toHaveLength(1);
    expect(sap.stats()).toMatchObject({ received: 1, redeliveries: 1, requests: { faulted: 1 } });
  });

  it('with SAP_EXACTLY_ONCE=off the same lost answer leaves two IDocs in SAP (what exactly-once prevents)', async () => {
    sap.fail({ status: 503, count: 1, scope: 'idoc', lostAnswer: true });
    const idoc = statusIdoc(12);
    await send(sapConfig('EO_PLAIN', { SAP_EXACTLY_ONCE: 'off' }), idoc);
    expect(sap.received({ docnum: idoc.docnum }).map((stored) => stored.messageId)).toEqual([undefined, undefined]);
    expect(sap.stats()).toMatchObject({ received: 2, duplicates: 1, redeliveries: 0 });
  });

  it('the lost answer is a retryable failure for the connector itself', async () => {
    sap.fail({ status: 503, count: 1, scope: 'idoc', lostAnswer: true });
    const error = await sapFailure(sendIdoc(sapConfig('EO_PLAIN'), statusIdoc(13)));
    expect(error).toBeInstanceOf(SapUnavailableError);
    expect(error.retry).toBe('yes');
  });
});
