/**
 * The chaincode runtime against the real shipment chaincode: the compiled contract runs as a
 * chaincode-as-a-service process (fabric-chaincode-node server), devnet/shim dials it and answers
 * its state requests through a small TxSimulator over Maps defined here, and transactions carry
 * real SignedProposals from a self-signed identity per organisation.
 */
import { execFileSync } from 'node:child_process';
import { createHash, KeyObject, randomBytes, sign } from 'node:crypto';
import { join } from 'node:path';
import { common, msp, peer } from '@hyperledger/fabric-protos';
import * as x509 from '@peculiar/x509';
import {
  type ChaincodeResult,
  type ChaincodeRuntime,
  connectChaincode,
  freeLocalAddress,
  type KeyModification,
  launchChaincode,
  type LaunchedChaincode,
  type RangePage,
  type StateKV,
  type TxSimulator,
} from '../../devnet/shim';
import { toProtoTimestamp } from '../../devnet/shim/timestamp';

const ROOT = join(__dirname, '..', '..');
const CHAINCODE_DIR = join(ROOT, 'chaincode');
const CHANNEL = 'lading';
const CHAINCODE_NAME = 'lading';
const CHAINCODE_ID = 'lading_1.0:0f3a';
const PUBLIC = '';
const CUSTOMS = 'customsPrivate';

// ---------------------------------------------------------------------------------------------
// A ledger over Maps: committed state per collection, history per public key, and one simulator
// per transaction that buffers writes until commit (reads never see them, as in Fabric).

class MapLedger {
  readonly state = new Map<string, Map<string, Buffer>>();
  readonly history = new Map<string, KeyModification[]>();

  collection(name: string): Map<string, Buffer> {
    let collection = this.state.get(name);
    if (!collection) this.state.set(name, (collection = new Map()));
    return collection;
  }

  simulator(txId: string): MapSimulator {
    return new MapSimulator(this, txId);
  }
}

type Write = { collection: string; key: string; value: Buffer | undefined };

class MapSimulator implements TxSimulator {
  readonly writes: Write[] = [];

  constructor(
    private readonly ledger: MapLedger,
    private readonly txId: string,
  ) {}

  async getState(collection: string, key: string): Promise<Buffer | undefined> {
    return this.ledger.collection(collection).get(key);
  }

  async putState(collection: string, key: string, value: Buffer): Promise<void> {
    this.writes.push({ collection, key, value });
  }

  async delState(collection: string, key: string): Promise<void> {
    this.writes.push({ collection, key, value: undefined });
  }

  async getStateByRange(collection: string, startKey: string, endKey: string, limit: number): Promise<RangePage> {
    // Fabric orders keys by their UTF-8 bytes.
    const inRange = [...this.ledger.collection(collection).keys()]
      .filter((key) => compareKeys(key, startKey) >= 0 && (endKey === '' || compareKeys(key, endKey) < 0))
      .sort(compareKeys);
    const results: StateKV[] = inRange.slice(0, limit).map((key) => ({ key, value: this.ledger.collection(collection).get(key)! }));
    return { results, hasMore: inRange.length > limit };
  }

  async getHistoryForKey(key: string): Promise<KeyModification[]> {
    return this.ledger.history.get(key) ?? [];
  }

  async getPrivateDataHash(collection: string, key: string): Promise<Buffer | undefined> {
    const value = this.ledger.collection(collection).get(key);
    return value && createHash('sha256').update(value).digest();
  }

  commit(): void {
    for (const { collection, key, value } of this.writes) {
      if (value === undefined) this.ledger.collection(collection).delete(key);
      else this.ledger.collection(collection).set(key, value);
      if (collection === PUBLIC) {
        const versions = this.ledger.history.get(key) ?? [];
        versions.push({ txId: this.txId, value: value ?? Buffer.alloc(0), timestamp: new Date(), isDelete: value === undefined });
        this.ledger.history.set(key, versions);
      }
    }
  }
}

function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

// ---------------------------------------------------------------------------------------------
// Client identities and SignedProposals, built as a Fabric Gateway client builds them.

interface Identity {
  mspId: string;
  creator: Uint8Array;
  privateKey: KeyObject;
}

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };

async function newIdentity(mspId: string): Promise<Identity> {
  const keys = await crypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomBytes(8).toString('hex'),
    name: `CN=user1, OU=client, O=${mspId}`,
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + 86_400_000),
    signingAlgorithm: ALGORITHM,
    keys,
  });
  const serialized = new msp.SerializedIdentity();
  serialized.setMspid(mspId);
  serialized.setIdBytes(Buffer.from(certificate.toString('pem')));
  return { mspId, creator: serialized.serializeBinary(), privateKey: KeyObject.from(keys.privateKey) };
}

interface Proposal {
  txId: string;
  signedProposal: Buffer;
}

function newProposal(identity: Identity, args: string[], transient: Record<string, string> = {}): Proposal {
  const nonce = randomBytes(24);
  const txId = createHash('sha256').update(nonce).update(identity.creator).digest('hex');

  const chaincodeId = new peer.ChaincodeID();
  chaincodeId.setName(CHAINCODE_NAME);
  const extension = new peer.ChaincodeHeaderExtension();
  extension.setChaincodeId(chaincodeId);
  const channelHeader = new common.ChannelHeader();
  channelHeader.setType(common.HeaderType.ENDORSER_TRANSACTION);
  channelHeader.setTxId(txId);
  channelHeader.setChannelId(CHANNEL);
  channelHeader.setEpoch(0);
  channelHeader.setTimestamp(toProtoTimestamp(new Date()));
  channelHeader.setExtension$(extension.serializeBinary());
  const signatureHeader = new common.SignatureHeader();
  signatureHeader.setCreator(identity.creator);
  signatureHeader.setNonce(nonce);
  const header = new common.Header();
  header.setChannelHeader(channelHeader.serializeBinary());
  header.setSignatureHeader(signatureHeader.serializeBinary());

  const input = new peer.ChaincodeInput();
  input.setArgsList(args.map((arg) => Buffer.from(arg)));
  const spec = new peer.ChaincodeSpec();
  spec.setType(peer.ChaincodeSpec.Type.NODE);
  spec.setChaincodeId(chaincodeId);
  spec.setInput(input);
  const invocation = new peer.ChaincodeInvocationSpec();
  invocation.setChaincodeSpec(spec);
  const payload = new peer.ChaincodeProposalPayload();
  payload.setInput(invocation.serializeBinary());
  for (const [key, value] of Object.entries(transient)) payload.getTransientmapMap().set(key, Buffer.from(value));

  const proposal = new peer.Proposal();
  proposal.setHeader(header.serializeBinary());
  proposal.setPayload(payload.serializeBinary());
  const proposalBytes = proposal.serializeBinary();
  const signed = new peer.SignedProposal();
  signed.setProposalBytes(proposalBytes);
  signed.setSignature(sign('sha256', proposalBytes, identity.privateKey));
  return { txId, signedProposal: Buffer.from(signed.serializeBinary()) };
}

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
      command: [process.execPath, require.resolve('fabric-shim/cli.js'), 'server'],
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
    const { txId, signedProposal } = newProposal(identities.get(mspId)!, args, transient);
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
      shipmentEvent('EVT-B1', SHIPMENT_B),
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
    const pod = shipmentEvent('EVT-ACL5', SHIPMENT_B, { eventTypeCode: 'CMPL', documentTypeCode: 'TRD' });
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
    await chaincode.stop();
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
