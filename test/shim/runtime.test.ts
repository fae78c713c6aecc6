/**
 * The chaincode runtime against the real shipment chaincode: the compiled contract runs as a
 * chaincode-as-a-service process (`npm run start:caas`, as devnet starts it), devnet/shim dials
 * it and answers its state requests through a small TxSimulator over Maps (./support), and
 * transactions carry real SignedProposals from a self-signed identity per organisation.
 */
import { execFileSync } from 'node:child_process';
import { createHash, sign, type KeyObject } from 'node:crypto';
import { join } from 'node:path';
import { canonicalJson, type JsonObject } from '../../chaincode/src/canonical-json';
import { type ChaincodeResult, type ChaincodeRuntime, connectChaincode, freeLocalAddress, launchChaincode, type LaunchedChaincode } from '../../devnet/shim';
import { compareKeys, type Identity, MapLedger, type MapSimulator, newIdentity, newProposal, PUBLIC } from './support';

const ROOT = join(__dirname, '..', '..');
const CHAINCODE_DIR = join(ROOT, 'chaincode');
const CHANNEL = 'lading';
const CHAINCODE_NAME = 'lading';
const CHAINCODE_ID = 'lading_1.0:0f3a';
const CUSTOMS = 'customsPrivate';

// ---------------------------------------------------------------------------------------------
// Domain helpers

interface Invocation {
  result: ChaincodeResult;
  simulator: MapSimulator;
  json: <T>() => T;
}

interface TestEvent {
  eventId: string;
  shipmentId: string;
  eventType: 'SHIPMENT' | 'TRANSPORT' | 'EQUIPMENT';
  eventClassifierCode: 'ACT' | 'PLN' | 'EST';
  eventTypeCode: string;
  eventDateTime: string;
  payloadHash: string;
  documentTypeCode?: string;
  [extra: string]: unknown;
}

function payloadHash(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function shipmentEvent(eventId: string, shipmentId: string, overrides: Partial<TestEvent> = {}): TestEvent {
  return {
    eventId,
    shipmentId,
    eventType: 'SHIPMENT',
    eventClassifierCode: 'ACT',
    eventTypeCode: 'RECE',
    documentTypeCode: 'BKG',
    eventDateTime: '2026-11-25T08:00:00Z',
    payloadHash: payloadHash(eventId),
    source: { idocType: 'DELVRY07', docnum: '0000000000123456' },
    ...overrides,
  };
}

/** A proof of delivery must carry the submitter's signature over its canonical payload. */
function signedBy(privateKey: KeyObject, event: TestEvent): TestEvent {
  const receipt = { receivedAt: event.eventDateTime, items: [{ itemNumber: '000010', quantity: 10, unit: 'PC' }] };
  const payload = canonicalJson({ shipmentId: event.shipmentId, eventId: event.eventId, ...receipt } as JsonObject);
  return { ...event, proofOfDelivery: { ...receipt, signature: sign('sha256', Buffer.from(payload), privateKey).toString('base64') } };
}

const SHIPMENT_A = 'S4HCLNT100/0080990777';
const SHIPMENT_B = 'S4HCLNT100/0080990778';

// ---------------------------------------------------------------------------------------------

jest.setTimeout(120_000);

describe('devnet/shim runtime driving the shipment chaincode as a service', () => {
  const ledger = new MapLedger();
  const logLines: string[] = [];
  const identities = new Map<string, Identity>();
  let address: string;
  let chaincode: LaunchedChaincode;
  let runtime: ChaincodeRuntime;

  function launch(): Promise<LaunchedChaincode> {
    return launchChaincode({
      command: ['npm', 'run', '--silent', 'start:caas'],
      cwd: CHAINCODE_DIR,
      address,
      chaincodeId: CHAINCODE_ID,
      mspId: 'ShipperMSP',
      env: { CORE_CHAINCODE_LOGGING_LEVEL: 'warning' },
      log: (line) => logLines.push(line),
    });
  }

  beforeAll(async () => {
    execFileSync('npm', ['run', '--silent', 'build:chaincode'], { cwd: ROOT, stdio: 'pipe' });
    for (const mspId of ['ShipperMSP', 'CarrierMSP', 'BrokerMSP', 'ConsigneeMSP', 'FinanceMSP', 'OutsiderMSP']) {
      identities.set(mspId, await newIdentity(mspId));
    }
    address = await freeLocalAddress();
    chaincode = await launch();
    // A small batch size makes history and range reads cross QUERY_STATE_NEXT boundaries.
    runtime = await connectChaincode({ address, chaincodeId: CHAINCODE_ID, connectTimeoutMs: 15_000, queryBatchSize: 2, log: (line) => logLines.push(line) });
  });

  afterAll(async () => {
    await runtime?.close();
    await chaincode?.stop();
  });

  afterEach(() => {
    const state = expect.getState();
    if (state.assertionCalls !== state.numPassingAsserts) process.stderr.write(`chaincode log:\n${logLines.slice(-40).join('\n')}\n`);
  });

  async function invoke(mspId: string, args: string[], transient?: Record<string, string>): Promise<Invocation> {
    const { txId, signedProposal } = newProposal(identities.get(mspId)!, { channel: CHANNEL, chaincode: CHAINCODE_NAME }, args, transient);
    const simulator = ledger.simulator(txId);
    const result = await runtime.execute({ channelId: CHANNEL, txId, signedProposal, args: args.map((arg) => Buffer.from(arg)) }, simulator);
    if (result.status === 200) simulator.commit();
    return { result, simulator, json: <T>() => JSON.parse(result.payload.toString('utf8')) as T };
  }

  function record(mspId: string, events: TestEvent[], customs?: Record<string, unknown>): Promise<Invocation> {
    return invoke(mspId, ['recordEvents', JSON.stringify(events)], customs ? { customs: JSON.stringify(customs) } : undefined);
  }

  function expectRefused(invocation: Invocation, ...fragments: string[]): void {
    expect(invocation.result.status).toBe(500);
    for (const fragment of fragments) expect(invocation.result.message).toContain(fragment);
    expect(invocation.simulator.writes).toEqual([]);
    expect(invocation.result.event).toBeUndefined();
  }

  test('records a batch over two shipments, one head per shipment, and emits one event', async () => {
    const events = [
      shipmentEvent('EVT-A1', SHIPMENT_A),
      shipmentEvent('EVT-B1', SHIPMENT_B, { source: { idocType: 'DELVRY07' } }),
      shipmentEvent('EVT-A2', SHIPMENT_A, { eventTypeCode: 'CONF', eventDateTime: '2026-11-25T09:00:00+01:00', carrierBookingReference: 'ABC123' }),
    ];
    const { result, json, simulator } = await record('ShipperMSP', events);

    expect(result.status).toBe(200);
    expect(json()).toEqual({ recorded: ['EVT-A1', 'EVT-B1', 'EVT-A2'], unchanged: [] });
    // Three event records and two heads: the second event of shipment A updated the same head in memory.
    expect(simulator.writes.filter((write) => write.collection === PUBLIC)).toHaveLength(5);

    expect(result.event?.eventName).toBe('ShipmentEventsRecorded');
    expect(JSON.parse(result.event!.payload.toString('utf8'))).toEqual({
      recorded: ['EVT-A1', 'EVT-B1', 'EVT-A2'],
      events: [
        { eventId: 'EVT-A1', shipmentId: SHIPMENT_A, eventType: 'SHIPMENT', eventClassifierCode: 'ACT', eventTypeCode: 'RECE', recordedBy: 'ShipperMSP' },
        { eventId: 'EVT-B1', shipmentId: SHIPMENT_B, eventType: 'SHIPMENT', eventClassifierCode: 'ACT', eventTypeCode: 'RECE', recordedBy: 'ShipperMSP' },
        { eventId: 'EVT-A2', shipmentId: SHIPMENT_A, eventType: 'SHIPMENT', eventClassifierCode: 'ACT', eventTypeCode: 'CONF', recordedBy: 'ShipperMSP' },
      ],
    });

    const head = (await invoke('FinanceMSP', ['getShipment', SHIPMENT_A])).json<Record<string, unknown>>();
    expect(head).toMatchObject({
      shipmentId: SHIPMENT_A,
      events: ['EVT-A1', 'EVT-A2'],
      version: 2,
      lastEventId: 'EVT-A2',
      recordedBy: { 'EVT-A1': 'ShipperMSP', 'EVT-A2': 'ShipperMSP' },
      status: { eventId: 'EVT-A2', eventTypeCode: 'CONF' },
    });
    const stored = (await invoke('CarrierMSP', ['getEvent', 'EVT-A2'])).json<Record<string, unknown>>();
    expect(stored).toMatchObject({ event: { carrierBookingReference: 'ABC123' }, recordedBy: 'ShipperMSP', sequence: 2 });
  });

  test('an identical replay is unchanged and writes nothing; changed content is refused naming the event', async () => {
    const original = shipmentEvent('EVT-R1', SHIPMENT_A, { eventTypeCode: 'DRFT' });
    expect((await record('ShipperMSP', [original])).result.status).toBe(200);

    // Same content, fields in another order, in a batch with a new event.
    const reordered = Object.fromEntries(Object.entries(original).reverse()) as TestEvent;
    const replay = await record('ShipperMSP', [reordered, shipmentEvent('EVT-R2', SHIPMENT_A, { eventTypeCode: 'ISSU' })]);
    expect(replay.json()).toEqual({ recorded: ['EVT-R2'], unchanged: ['EVT-R1'] });
    expect(JSON.parse(replay.result.event!.payload.toString()).recorded).toEqual(['EVT-R2']);

    const twice = shipmentEvent('EVT-R3', SHIPMENT_A, { eventTypeCode: 'REQS' });
    expect((await record('ShipperMSP', [twice, twice])).json()).toEqual({ recorded: ['EVT-R3'], unchanged: [] });
    expectRefused(await record('ShipperMSP', [shipmentEvent('EVT-R4', SHIPMENT_A), shipmentEvent('EVT-R4', SHIPMENT_B)]), 'conflict', 'EVT-R4', 'twice');

    const onlyReplay = await record('ShipperMSP', [original]);
    expect(onlyReplay.json()).toEqual({ recorded: [], unchanged: ['EVT-R1'] });
    expect(onlyReplay.simulator.writes).toEqual([]);
    expect(onlyReplay.result.event).toBeUndefined();

    const changed = await record('ShipperMSP', [{ ...original, eventDateTime: '2026-11-26T08:00:00Z' }]);
    expectRefused(changed, 'conflict', 'EVT-R1', 'different content');
  });

  test.each([
    ['a missing payloadHash', { payloadHash: undefined }, 'payloadHash'],
    ['an unknown eventType', { eventType: 'CUSTOMS' }, 'eventType'],
    ['a code of another event type', { eventTypeCode: 'ARRI' }, 'eventTypeCode'],
    ['a date without offset', { eventDateTime: '2026-11-25 08:00' }, 'eventDateTime'],
    ['a malformed shipment id', { shipmentId: '0080990777' }, 'shipmentId'],
  ])('refuses an event with %s, naming the field', async (_, overrides, field) => {
    const invocation = await record('ShipperMSP', [shipmentEvent('EVT-V1', SHIPMENT_A, overrides as Partial<TestEvent>)]);
    expectRefused(invocation, 'invalid event EVT-V1', `field ${field}`);
  });

  test('each organisation records only its own kinds of events', async () => {
    const arrival = (id: string, classifier: 'ACT' | 'PLN'): TestEvent =>
      shipmentEvent(id, SHIPMENT_B, { eventType: 'TRANSPORT', eventTypeCode: 'ARRI', eventClassifierCode: classifier, documentTypeCode: undefined });
    const customsDecision = (id: string, code: string): TestEvent => shipmentEvent(id, SHIPMENT_B, { eventTypeCode: code, documentTypeCode: 'CUS' });

    expect((await record('CarrierMSP', [arrival('EVT-ACL1', 'ACT')])).result.status).toBe(200);
    expect((await record('ShipperMSP', [arrival('EVT-ACL2', 'PLN')])).result.status).toBe(200);
    expect((await record('BrokerMSP', [customsDecision('EVT-ACL3', 'APPR')])).result.status).toBe(200);
    expect((await record('ShipperMSP', [customsDecision('EVT-ACL4', 'SUBM')])).result.status).toBe(200);
    const pod = signedBy(identities.get('ConsigneeMSP')!.privateKey, shipmentEvent('EVT-ACL5', SHIPMENT_B, { eventTypeCode: 'CMPL', documentTypeCode: 'TRD' }));
    expect((await record('ConsigneeMSP', [pod])).result.status).toBe(200);

    expectRefused(await record('ShipperMSP', [arrival('EVT-ACL6', 'ACT')]), 'access denied', 'ShipperMSP', 'EVT-ACL6', 'TRANSPORT ARRI');
    expectRefused(await record('ShipperMSP', [customsDecision('EVT-ACL7', 'APPR')]), 'access denied', 'ShipperMSP', 'EVT-ACL7', 'SHIPMENT APPR');
    expectRefused(await record('CarrierMSP', [customsDecision('EVT-ACL8', 'RELS')]), 'access denied', 'CarrierMSP', 'EVT-ACL8');
    expectRefused(await record('FinanceMSP', [shipmentEvent('EVT-ACL9', SHIPMENT_B)]), 'access denied', 'FinanceMSP', 'EVT-ACL9');
    expectRefused(await record('OutsiderMSP', [shipmentEvent('EVT-ACL10', SHIPMENT_B)]), 'access denied', 'OutsiderMSP');
    // One unauthorised event refuses the whole batch.
    expectRefused(await record('CarrierMSP', [arrival('EVT-ACL11', 'ACT'), pod]), 'access denied', 'EVT-ACL5');

    const head = (await invoke('FinanceMSP', ['getShipment', SHIPMENT_B])).json<{ recordedBy: Record<string, string> }>();
    expect(head.recordedBy).toMatchObject({ 'EVT-ACL1': 'CarrierMSP', 'EVT-ACL3': 'BrokerMSP', 'EVT-ACL5': 'ConsigneeMSP' });
  });

  test('customs values go to the private collection, the public event keeps only their hash', async () => {
    const declaration = shipmentEvent('EVT-C1', SHIPMENT_A, { eventTypeCode: 'SUBM', documentTypeCode: 'CUS' });
    const values = { declaredValue: '125000.00', currency: 'EUR', duty: 4375.5, hsCodes: ['847130', '85176200'] };
    const { result, simulator } = await record('ShipperMSP', [declaration], { 'EVT-C1': values });
    expect(result.status).toBe(200);

    const privateWrites = simulator.writes.filter((write) => write.collection === CUSTOMS);
    expect(privateWrites).toHaveLength(1);
    const privateBytes = privateWrites[0].value!;
    const publicText = simulator.writes.filter((write) => write.collection === PUBLIC).map((write) => write.value!.toString()).join('\n');
    expect(publicText).not.toContain('125000');
    expect(publicText).not.toContain('847130');

    const stored = (await invoke('ConsigneeMSP', ['getEvent', 'EVT-C1'])).json<{ customsHash: string }>();
    // The public hash is Fabric's private data hash of the stored value.
    expect(stored.customsHash).toBe((await simulator.getPrivateDataHash(CUSTOMS, privateWrites[0].key))!.toString('hex'));
    expect(stored.customsHash).toBe(createHash('sha256').update(privateBytes).digest('hex'));

    const read = await invoke('BrokerMSP', ['getCustomsValues', 'EVT-C1']);
    expect(read.result.status).toBe(200);
    expect(read.json()).toEqual(values);
    expectRefused(await invoke('CarrierMSP', ['getCustomsValues', 'EVT-C1']), 'access denied', 'CarrierMSP', 'customsPrivate');

    // Replaying with the same customs values is unchanged; other values are a conflict.
    expect((await record('ShipperMSP', [declaration], { 'EVT-C1': values })).json()).toEqual({ recorded: [], unchanged: ['EVT-C1'] });
    expectRefused(await record('ShipperMSP', [declaration], { 'EVT-C1': { ...values, declaredValue: '1.00' } }), 'conflict', 'EVT-C1');
    // Only collection members may send customs values.
    const inspection = shipmentEvent('EVT-C2', SHIPMENT_A, { eventType: 'EQUIPMENT', eventTypeCode: 'LOAD', documentTypeCode: undefined });
    expectRefused(await record('CarrierMSP', [inspection], { 'EVT-C2': values }), 'access denied', 'CarrierMSP', 'customsPrivate');
    expectRefused(await record('ShipperMSP', [declaration], { 'EVT-C9': values }), 'invalid', 'EVT-C9');
  });

  test('lists shipment heads page by page with bookmarks', async () => {
    const ids = Array.from({ length: 7 }, (_, index) => `S4HCLNT200/00900000${index}`);
    const batch = await record('ShipperMSP', ids.map((shipmentId, index) => shipmentEvent(`EVT-P${index}`, shipmentId)));
    expect(batch.result.status).toBe(200);

    const seen: string[] = [];
    let bookmark = '';
    let pages = 0;
    do {
      const page = (await invoke('FinanceMSP', ['listShipments', '3', bookmark])).json<{ shipments: Array<{ shipmentId: string }>; bookmark: string }>();
      expect(page.shipments.length).toBeLessThanOrEqual(3);
      seen.push(...page.shipments.map((head) => head.shipmentId));
      bookmark = page.bookmark;
      pages++;
    } while (bookmark !== '' && pages < 10);

    const all = [SHIPMENT_A, SHIPMENT_B, ...ids].sort(compareKeys);
    expect(seen).toEqual(all);
    expect(pages).toBe(Math.ceil(all.length / 3));
    expectRefused(await invoke('FinanceMSP', ['listShipments', '0', '']), 'invalid', 'pageSize');
  });

  test('listShipments, getShipments and getEvents answer exactly JSON.stringify of the stored values, index-like event ids included', async () => {
    // Event ids "10" and "7" are array indices to V8: JSON.parse puts them first, in numeric order.
    // The answers must be what parsing and stringifying the stored values gives, as before the
    // contract spliced stored texts: also for a head stored with such keys in string order (as a
    // bulk loader sorting keys as strings writes it), which the contract must not pass through.
    const shipmentId = 'S4HCLNT300/0000000001';
    for (const [eventId, code] of [['10', 'ISSU'], ['7', 'REQS'], ['EVT-Z1', 'CONF']]) {
      expect((await record('ShipperMSP', [shipmentEvent(eventId, shipmentId, { eventTypeCode: code })])).result.status).toBe(200);
    }
    const loadedId = 'S4HCLNT300/0000000002';
    const loadedHead = `{"events":["10","7"],"lastEventId":"7","recordedBy":{"10":"ShipperMSP","7":"ShipperMSP"},"shipmentId":"${loadedId}","version":2}`;
    ledger.collection(PUBLIC).set(`\u0000lading.shipment\u0000${loadedId}\u0000`, Buffer.from(loadedHead));

    const text = (invocation: Invocation): string => invocation.result.payload.toString('utf8');
    const parsedAndStringified = (json: string): string => JSON.stringify(JSON.parse(json));
    let bookmark = '';
    const listed: string[] = [];
    do {
      const page = await invoke('FinanceMSP', ['listShipments', '2', bookmark]);
      expect(text(page)).toBe(parsedAndStringified(text(page)));
      const parsed = page.json<{ shipments: Array<{ shipmentId: string }>; bookmark: string }>();
      listed.push(...parsed.shipments.map((listedHead) => listedHead.shipmentId));
      bookmark = parsed.bookmark;
    } while (bookmark !== '');
    expect(listed).toEqual(expect.arrayContaining([shipmentId, loadedId]));

    const batch = await invoke('FinanceMSP', ['getShipments', JSON.stringify([shipmentId, 'S4HCLNT300/404', loadedId])]);
    expect(text(batch)).toBe(parsedAndStringified(text(batch)));
    const [head, missing, loaded] = batch.json<Array<{ shipmentId: string; version: number; recordedBy: object } | null>>();
    expect([head?.shipmentId, head?.version, missing, loaded?.shipmentId]).toEqual([shipmentId, 3, null, loadedId]);
    expect(Object.keys(head!.recordedBy)).toEqual(['7', '10', 'EVT-Z1']);
    expect(text(batch)).toContain(JSON.stringify(JSON.parse(loadedHead)));
    expect(text(batch)).not.toContain(loadedHead);
    expect(Object.keys(loaded!.recordedBy)).toEqual(['7', '10']);

    const records = await invoke('FinanceMSP', ['getEvents', JSON.stringify(['10', 'EVT-404', 'EVT-Z1'])]);
    expect(text(records)).toBe(parsedAndStringified(text(records)));
    expect(records.json<Array<{ event: { eventId: string } } | null>>().map((record) => record?.event.eventId ?? null)).toEqual(['10', null, 'EVT-Z1']);
  });

  test('history of a shipment head comes newest first, across several shim batches', async () => {
    for (const [index, code] of ['ISSU', 'REQS', 'CONF'].entries()) {
      expect((await record('ShipperMSP', [shipmentEvent(`EVT-H${index}`, 'S4HCLNT100/0000000042', { eventTypeCode: code })])).result.status).toBe(200);
    }
    const history = (await invoke('FinanceMSP', ['getShipmentHistory', 'S4HCLNT100/0000000042'])).json<
      Array<{ txId: string; timestamp: string; value: { version: number } }>
    >();
    expect(history.map((entry) => entry.value.version)).toEqual([3, 2, 1]);
    for (const entry of history) {
      expect(entry.txId).toMatch(/^[0-9a-f]{64}$/);
      expect(Number.isNaN(Date.parse(entry.timestamp))).toBe(false);
    }
    expectRefused(await invoke('FinanceMSP', ['getShipment', 'S4HCLNT100/404']), 'not found', 'S4HCLNT100/404');
  });

  test('runs concurrent transactions and matches each answer to its transaction', async () => {
    const invocations = await Promise.all(
      Array.from({ length: 12 }, (_, index) => record('CarrierMSP', [
        shipmentEvent(`EVT-K${index}`, `S4HCLNT300/00${index}`, { eventType: 'EQUIPMENT', eventTypeCode: 'LOAD', documentTypeCode: undefined, emptyIndicatorCode: 'LADEN' }),
      ])),
    );
    invocations.forEach((invocation, index) => expect(invocation.json()).toEqual({ recorded: [`EVT-K${index}`], unchanged: [] }));
    expect((await invoke('FinanceMSP', ['noSuchFunction'])).result.message).toContain('noSuchFunction');
  });

  test('reconnects when the chaincode process restarts', async () => {
    const oldGroup = chaincode.pid;
    await chaincode.stop();
    // npm, its shell and the chaincode server are gone together (their process group is empty).
    expect(() => process.kill(-oldGroup, 0)).toThrow();
    chaincode = await launch();
    const deadline = Date.now() + 15_000;
    let invocation: Invocation | undefined;
    while (!invocation && Date.now() < deadline) {
      // A transaction sent while the old stream is being torn down may fail; a new one must not.
      invocation = await invoke('FinanceMSP', ['getShipment', SHIPMENT_A]).catch(() => undefined);
    }
    expect(invocation?.json()).toMatchObject({ shipmentId: SHIPMENT_A });
  });
});
