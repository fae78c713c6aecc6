/**
 * A devnet with one peer per organisation and AND('ShipperMSP.peer','CarrierMSP.peer'), driven
 * by the real fabric-gateway client connected to one organisation's own peer: endorsements
 * collected from the peers the policy needs, a stopped peer seen as Fabric's EndorseError, a
 * peer signing an altered response, endorsements tampered with by the client invalidated at
 * commit (ENDORSEMENT_POLICY_FAILURE), the same events from every peer, a verifiable chain.
 */
import { readFileSync, rmSync } from 'node:fs';
import { status as grpcStatus } from '@grpc/grpc-js';
import { EndorseError, GatewayError, type ChaincodeEvent, type CloseableAsyncIterable, type Contract, type Gateway } from '@hyperledger/fabric-gateway';
import { common, gateway as gatewayProtos, msp, peer } from '@hyperledger/fabric-protos';
import { orgPaths, verifyLedger, type Devnet } from '../../devnet/index';
import { admin, connectWith, startTestDevnet, utf8, type Connection, type TestDevnet } from './support';

const PEERS = ['ShipperMSP', 'CarrierMSP', 'BrokerMSP', 'ConsigneeMSP'];
const POLICY = "AND('ShipperMSP.peer','CarrierMSP.peer')";
const ENDORSEMENT_POLICY_FAILURE = peer.TxValidationCode.ENDORSEMENT_POLICY_FAILURE;

let net: TestDevnet;
/** The carrier's client, connected to the carrier's own peer. */
let carrier: Connection;
const opened: Connection[] = [];

function peerAddress(devnet: Devnet, mspId: string): string {
  const endpoint = devnet.peers.find((p) => p.mspId === mspId);
  if (!endpoint) throw new Error(`no peer for ${mspId}`);
  return endpoint.address;
}

/** A client of `mspId` connected to the peer of `peerMsp` (its own by default). */
function connectToPeer(devnet: Devnet, mspId: string, peerMsp = mspId): Connection {
  const paths = orgPaths(devnet.dir, mspId);
  const connection = connectWith(peerAddress(devnet, peerMsp), mspId, readFileSync(paths.certPath), readFileSync(paths.keyPath));
  opened.push(connection);
  return connection;
}

const contract = (connection: Connection): Contract => connection.gateway.getNetwork('logistics').getContract('lading');

interface Prepared {
  prepared: gatewayProtos.PreparedTransaction;
  envelope: common.Envelope;
  payload: common.Payload;
  transaction: peer.Transaction;
  actionPayload: peer.ChaincodeActionPayload;
  endorsed: peer.ChaincodeEndorsedAction;
}

function decode(bytes: Uint8Array): Prepared {
  const prepared = gatewayProtos.PreparedTransaction.deserializeBinary(bytes);
  const envelope = prepared.getEnvelope();
  if (!envelope) throw new Error('prepared transaction without envelope');
  const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
  const transaction = peer.Transaction.deserializeBinary(payload.getData_asU8());
  const action = transaction.getActionsList()[0];
  if (!action) throw new Error('transaction without action');
  const actionPayload = peer.ChaincodeActionPayload.deserializeBinary(action.getPayload_asU8());
  const endorsed = actionPayload.getAction();
  if (!endorsed) throw new Error('action without endorsements');
  return { prepared, envelope, payload, transaction, actionPayload, endorsed };
}

const endorserMsp = (endorsement: peer.Endorsement): string => msp.SerializedIdentity.deserializeBinary(endorsement.getEndorser_asU8()).getMspid();

function endorsersOf(bytes: Uint8Array): string[] {
  return decode(bytes).endorsed.getEndorsementsList().map(endorserMsp);
}

/** Re-packs the prepared transaction with other endorsements; the envelope signature is cleared so the client signs the new payload. */
function withEndorsements(bytes: Uint8Array, edit: (endorsements: peer.Endorsement[]) => peer.Endorsement[]): Uint8Array {
  const { prepared, envelope, payload, transaction, actionPayload, endorsed } = decode(bytes);
  endorsed.setEndorsementsList(edit(endorsed.getEndorsementsList()));
  actionPayload.setAction(endorsed);
  const action = transaction.getActionsList()[0];
  if (!action) throw new Error('transaction without action');
  action.setPayload(actionPayload.serializeBinary());
  transaction.setActionsList([action]);
  payload.setData(transaction.serializeBinary());
  envelope.setPayload(payload.serializeBinary());
  envelope.setSignature(new Uint8Array());
  prepared.setEnvelope(envelope);
  return prepared.serializeBinary();
}

async function endorseError(run: () => Promise<unknown>): Promise<EndorseError> {
  try {
    await run();
  } catch (err) {
    if (err instanceof EndorseError) return err;
    throw err;
  }
  throw new Error('expected an EndorseError');
}

async function take(events: CloseableAsyncIterable<ChaincodeEvent>, count: number): Promise<ChaincodeEvent[]> {
  const result: ChaincodeEvent[] = [];
  try {
    for await (const event of events) {
      result.push(event);
      if (result.length === count) break;
    }
  } finally {
    events.close();
  }
  return result;
}

async function committedValue(gateway: Gateway, key: string): Promise<string> {
  return utf8(await gateway.getNetwork('logistics').getContract('lading').evaluateTransaction('get', key));
}

beforeAll(async () => {
  net = await startTestDevnet({ peers: PEERS, endorsementPolicy: POLICY });
  carrier = connectToPeer(net.devnet, 'CarrierMSP');
});

afterEach(async () => {
  // Every peer up again, no pending tampering, whatever a test left behind.
  for (const mspId of PEERS) await admin(net.devnet, 'POST', `/peers/${mspId}`, { stopped: false, tamperEndorsements: 0 });
});

afterAll(async () => {
  for (const connection of opened) connection.close();
  if (!net) return;
  await net.stop({ keepDir: true });
  // The chain with its invalidated transactions still verifies, and the state matches a replay.
  const result = await verifyLedger(net.dir);
  rmSync(net.dir, { recursive: true, force: true });
  expect(result.ok).toBe(true);
  expect(result.stateChecked).toBe(true);
});

test('each organisation has its own peer endpoint; the admin API lists them', async () => {
  const { devnet } = net;
  expect(devnet.peers.map((p) => p.mspId)).toEqual(PEERS);
  expect(new Set(devnet.peers.map((p) => p.port)).size).toBe(PEERS.length);
  expect(devnet.address).toBe(peerAddress(devnet, 'ShipperMSP'));
  const listed = await admin(devnet, 'GET', '/peers');
  expect(listed.status).toBe(200);
  expect(listed.json).toEqual(
    expect.arrayContaining([expect.objectContaining({ mspId: 'CarrierMSP', address: peerAddress(devnet, 'CarrierMSP'), stopped: false, tamperEndorsements: 0 })]),
  );
  const status = await admin(devnet, 'GET', '/status');
  expect((status.json.peers as unknown[]).length).toBe(PEERS.length);
});

test("a client on the carrier's peer records with the shipper's and the carrier's endorsements", async () => {
  const transaction = await contract(carrier).newProposal('put', { arguments: ['and-1', 'recorded'] }).endorse();
  // The gateway's own peer first, then the peer the policy needs besides it.
  expect(endorsersOf(transaction.getBytes())).toEqual(['CarrierMSP', 'ShipperMSP']);
  expect(utf8(transaction.getResult())).toBe('recorded');
  const submitted = await transaction.submit();
  const status = await submitted.getStatus();
  expect(status.successful).toBe(true);
  // Every peer commits the same blocks: the shipper's client on its own peer reads the value.
  const shipper = connectToPeer(net.devnet, 'ShipperMSP');
  expect(await committedValue(shipper.gateway, 'and-1')).toBe('recorded');
});

test("the shipper's peer stopped: the AND policy cannot be met and the client gets EndorseError naming that endpoint", async () => {
  const { devnet } = net;
  const stopped = await admin(devnet, 'POST', '/peers/ShipperMSP', { stopped: true });
  expect(stopped.json).toMatchObject({ mspId: 'ShipperMSP', stopped: true });

  const err = await endorseError(() => contract(carrier).submitTransaction('put', 'and-down', 'never'));
  expect(err.code).toBe(grpcStatus.ABORTED);
  expect(err.message).toContain('failed to collect enough transaction endorsements, see attached details for more info');
  expect(err.details).toHaveLength(1);
  expect(err.details[0]).toMatchObject({ mspId: 'ShipperMSP', address: peerAddress(devnet, 'ShipperMSP') });
  expect(err.details[0]?.message).toMatch(/code = Unavailable.*connection refused/);

  // A client connected to the stopped peer itself cannot reach it at all.
  const shipper = connectToPeer(devnet, 'ShipperMSP');
  const refused = await shipper.gateway.getNetwork('logistics').getContract('lading').evaluateTransaction('get', 'and-1').then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(refused).toBeInstanceOf(GatewayError);
  expect((refused as GatewayError).code).toBe(grpcStatus.UNAVAILABLE);

  // Started again, the same transaction goes through.
  await admin(devnet, 'POST', '/peers/ShipperMSP', { stopped: false });
  await contract(carrier).submitTransaction('put', 'and-down', 'after-restart');
  expect(await committedValue(carrier.gateway, 'and-down')).toBe('after-restart');
});

test('a peer signing a response that differs from the others: the gateway refuses to assemble the transaction', async () => {
  await admin(net.devnet, 'POST', '/peers/ShipperMSP', { tamperEndorsements: 1 });
  const err = await endorseError(() => contract(carrier).submitTransaction('put', 'and-mismatch', 'v'));
  expect(err.code).toBe(grpcStatus.ABORTED);
  expect(err.message).toContain('failed to assemble transaction: ProposalResponsePayloads do not match');
  expect(err.details).toEqual([expect.objectContaining({ mspId: 'ShipperMSP', message: 'ProposalResponsePayloads do not match' })]);
  // The tampering was used up; nothing was written.
  expect((await admin(net.devnet, 'GET', '/peers/ShipperMSP')).json).toMatchObject({ tamperEndorsements: 0 });
  expect(await committedValue(carrier.gateway, 'and-mismatch')).toBe('');
});

test("a transaction stripped of the shipper's endorsement is invalidated at commit: ENDORSEMENT_POLICY_FAILURE", async () => {
  await contract(carrier).submitTransaction('put', 'and-strip', 'before');
  const transaction = await contract(carrier).newProposal('put', { arguments: ['and-strip', 'stripped'] }).endorse();
  const tampered = withEndorsements(transaction.getBytes(), (list) => list.filter((e) => endorserMsp(e) !== 'ShipperMSP'));
  expect(endorsersOf(tampered)).toEqual(['CarrierMSP']);
  const submitted = await carrier.gateway.newTransaction(tampered).submit();
  const status = await submitted.getStatus();
  expect(status.code).toBe(ENDORSEMENT_POLICY_FAILURE);
  expect(status.successful).toBe(false);
  expect(await committedValue(carrier.gateway, 'and-strip')).toBe('before');
});

test("an endorsement taken from another transaction does not count: the signature is not over this response", async () => {
  const first = await contract(carrier).newProposal('put', { arguments: ['and-swap', 'one'] }).endorse();
  const second = await contract(carrier).newProposal('put', { arguments: ['and-swap', 'two'] }).endorse();
  const foreign = decode(second.getBytes()).endorsed.getEndorsementsList().find((e) => endorserMsp(e) === 'ShipperMSP');
  if (!foreign) throw new Error('second transaction has no shipper endorsement');
  const mixed = withEndorsements(first.getBytes(), (list) => list.map((e) => (endorserMsp(e) === 'ShipperMSP' ? foreign : e)));
  expect(endorsersOf(mixed)).toEqual(['CarrierMSP', 'ShipperMSP']);
  const status = await (await carrier.gateway.newTransaction(mixed).submit()).getStatus();
  expect(status.code).toBe(ENDORSEMENT_POLICY_FAILURE);
  expect(await committedValue(carrier.gateway, 'and-swap')).toBe('');
});

test('a client naming its endorsing organisations takes responsibility for the policy: one org is not enough', async () => {
  const transaction = await contract(carrier).newProposal('put', { arguments: ['and-orgs', 'v'], endorsingOrganizations: ['CarrierMSP'] }).endorse();
  expect(endorsersOf(transaction.getBytes())).toEqual(['CarrierMSP']);
  const status = await (await transaction.submit()).getStatus();
  expect(status.code).toBe(ENDORSEMENT_POLICY_FAILURE);

  const both = await contract(carrier).newProposal('put', { arguments: ['and-orgs', 'both'], endorsingOrganizations: ['ShipperMSP', 'CarrierMSP'] }).endorse();
  expect((await (await both.submit()).getStatus()).successful).toBe(true);

  const unknown = await endorseError(() => contract(carrier).newProposal('put', { arguments: ['and-orgs', 'x'], endorsingOrganizations: ['FinanceMSP'] }).endorse());
  expect(unknown.code).toBe(grpcStatus.UNAVAILABLE);
  expect(unknown.message).toContain('failed to find any endorsing peers for org(s): FinanceMSP');
});

test('a chaincode error on the gateway peer: EndorseError with the chaincode response, as on one peer', async () => {
  const err = await endorseError(() => contract(carrier).submitTransaction('fail', 'refused by contract'));
  expect(err.code).toBe(grpcStatus.ABORTED);
  expect(err.message).toContain('failed to endorse transaction, see attached details for more info');
  expect(err.details[0]).toMatchObject({ mspId: 'CarrierMSP', address: peerAddress(net.devnet, 'CarrierMSP') });
  expect(err.details[0]?.message).toContain('chaincode response 500, refused by contract');
});

test('every peer delivers the same chaincode events and the same blocks', async () => {
  const { devnet } = net;
  const startBlock = BigInt((await admin(devnet, 'GET', '/status')).json.height as number);
  const keys = ['ev-1', 'ev-2', 'ev-3'];
  for (const key of keys) await contract(carrier).submitTransaction('put', key, `value of ${key}`);

  const perPeer = await Promise.all(
    PEERS.map(async (mspId) => {
      const connection = connectToPeer(devnet, mspId);
      const network = connection.gateway.getNetwork('logistics');
      const events = await take(await network.getChaincodeEvents('lading', { startBlock }), keys.length);
      const blocks: string[] = [];
      const blockEvents = await network.getBlockEvents({ startBlock });
      try {
        for await (const block of blockEvents) {
          blocks.push(Buffer.from(block.getHeader()?.getDataHash_asU8() ?? []).toString('hex'));
          if (blocks.length === keys.length) break;
        }
      } finally {
        blockEvents.close();
      }
      return {
        events: events.map((e) => ({ block: e.blockNumber, txId: e.transactionId, name: e.eventName, payload: utf8(e.payload) })),
        blocks,
      };
    }),
  );
  const [reference, ...others] = perPeer;
  expect(reference?.events.map((e) => JSON.parse(e.payload) as unknown)).toEqual(keys.map((key) => ({ key, value: `value of ${key}` })));
  for (const other of others) expect(other).toEqual(reference);
});

test("a client on the broker's peer, which the policy does not need: the gateway gathers the shipper's and the carrier's endorsements", async () => {
  const broker = connectToPeer(net.devnet, 'BrokerMSP');
  const transaction = await contract(broker).newProposal('put', { arguments: ['and-broker', 'via-broker-gateway'] }).endorse();
  expect(endorsersOf(transaction.getBytes())).toEqual(['ShipperMSP', 'CarrierMSP']);
  expect((await (await transaction.submit()).getStatus()).successful).toBe(true);
  expect(await committedValue(broker.gateway, 'and-broker')).toBe('via-broker-gateway');
});

test('evaluate aimed at organisations (the client sends endorsingOrganizations as target_organizations) whose peers are all stopped: UNAVAILABLE', async () => {
  await contract(carrier).submitTransaction('put', 'and-eval', 'readable');
  await admin(net.devnet, 'POST', '/peers/ShipperMSP', { stopped: true });
  const refused = await contract(carrier)
    .newProposal('get', { arguments: ['and-eval'], endorsingOrganizations: ['ShipperMSP'] })
    .evaluate()
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  expect(refused).toBeInstanceOf(GatewayError);
  expect((refused as GatewayError).code).toBe(grpcStatus.UNAVAILABLE);
  expect((refused as GatewayError).message).toContain('no peers available to evaluate chaincode lading in channel logistics');
  // A running target answers.
  const value = await contract(carrier).newProposal('get', { arguments: ['and-eval'], endorsingOrganizations: ['ShipperMSP', 'CarrierMSP'] }).evaluate();
  expect(utf8(value)).toBe('readable');
});
