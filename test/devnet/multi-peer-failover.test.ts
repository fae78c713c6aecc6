/**
 * OutOf(2, shipper, carrier, broker) on a devnet with one peer per organisation: the gateway
 * falls back to another layout when a peer is down, reports every failed endpoint when none is
 * left, a stopped peer ends its own event streams only, injected endorsement failures and
 * private data behave as on one peer, and `npm run devnet` (main.ts) starts several peers from
 * DEVNET_PEERS / DEVNET_ENDORSEMENT_POLICY.
 */
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { status as grpcStatus } from '@grpc/grpc-js';
import { EndorseError, type ChaincodeEvent, type Contract } from '@hyperledger/fabric-gateway';
import { common, gateway as gatewayProtos, msp, peer } from '@hyperledger/fabric-protos';
import { orgPaths, type Devnet } from '../../devnet/index';
import { admin, connectWith, FIXTURES, startTestDevnet, tempDir, utf8, type Connection, type TestDevnet } from './support';

const ROOT = join(__dirname, '..', '..');
const TSX_CLI = join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const PEERS = ['ShipperMSP', 'CarrierMSP', 'BrokerMSP', 'ConsigneeMSP'];
const POLICY = "OutOf(2, 'ShipperMSP.peer', 'CarrierMSP.peer', 'BrokerMSP.peer')";

let net: TestDevnet;
let carrier: Connection;
const opened: Connection[] = [];

function peerAddress(devnet: Devnet, mspId: string): string {
  const endpoint = devnet.peers.find((p) => p.mspId === mspId);
  if (!endpoint) throw new Error(`no peer for ${mspId}`);
  return endpoint.address;
}

function connectToPeer(devnet: Devnet, mspId: string): Connection {
  const paths = orgPaths(devnet.dir, mspId);
  const connection = connectWith(peerAddress(devnet, mspId), mspId, readFileSync(paths.certPath), readFileSync(paths.keyPath));
  opened.push(connection);
  return connection;
}

const contract = (connection: Connection): Contract => connection.gateway.getNetwork('logistics').getContract('lading');

function endorsersOf(bytes: Uint8Array): string[] {
  const envelope = gatewayProtos.PreparedTransaction.deserializeBinary(bytes).getEnvelope();
  const payload = common.Payload.deserializeBinary(envelope?.getPayload_asU8() ?? new Uint8Array());
  const action = peer.Transaction.deserializeBinary(payload.getData_asU8()).getActionsList()[0];
  const endorsed = peer.ChaincodeActionPayload.deserializeBinary(action?.getPayload_asU8() ?? new Uint8Array()).getAction();
  return (endorsed?.getEndorsementsList() ?? []).map((e) => msp.SerializedIdentity.deserializeBinary(e.getEndorser_asU8()).getMspid());
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

beforeAll(async () => {
  net = await startTestDevnet({ peers: PEERS, endorsementPolicy: POLICY });
  carrier = connectToPeer(net.devnet, 'CarrierMSP');
});

afterEach(async () => {
  for (const mspId of PEERS) await admin(net.devnet, 'POST', `/peers/${mspId}`, { stopped: false, tamperEndorsements: 0 });
  await admin(net.devnet, 'DELETE', '/faults');
});

afterAll(async () => {
  for (const connection of opened) connection.close();
  await net?.stop();
});

test('the shipper peer down: the gateway takes the layout carrier + broker', async () => {
  await admin(net.devnet, 'POST', '/peers/ShipperMSP', { stopped: true });
  const transaction = await contract(carrier).newProposal('put', { arguments: ['fo-1', 'via-broker'] }).endorse();
  expect(endorsersOf(transaction.getBytes())).toEqual(['CarrierMSP', 'BrokerMSP']);
  expect((await (await transaction.submit()).getStatus()).successful).toBe(true);
  // With every peer up, the first layout containing the gateway's org is used.
  await admin(net.devnet, 'POST', '/peers/ShipperMSP', { stopped: false });
  const again = await contract(carrier).newProposal('put', { arguments: ['fo-1', 'via-shipper'] }).endorse();
  expect(endorsersOf(again.getBytes())).toEqual(['CarrierMSP', 'ShipperMSP']);
  expect((await (await again.submit()).getStatus()).successful).toBe(true);
});

test('shipper and broker down: no layout is left and every failed endpoint is in the EndorseError', async () => {
  await admin(net.devnet, 'POST', '/peers/ShipperMSP', { stopped: true });
  await admin(net.devnet, 'POST', '/peers/BrokerMSP', { stopped: true });
  const err = await endorseError(() => contract(carrier).submitTransaction('put', 'fo-2', 'never'));
  expect(err.code).toBe(grpcStatus.ABORTED);
  expect(err.message).toContain('failed to collect enough transaction endorsements');
  expect(err.details.map((d) => [d.mspId, d.address])).toEqual([
    ['ShipperMSP', peerAddress(net.devnet, 'ShipperMSP')],
    ['BrokerMSP', peerAddress(net.devnet, 'BrokerMSP')],
  ]);
  for (const detail of err.details) expect(detail.message).toContain('code = Unavailable');
});

test("a peer stopping ends its own event streams (UNAVAILABLE); the carrier's peer keeps delivering", async () => {
  const shipper = connectToPeer(net.devnet, 'ShipperMSP');
  const startBlock = BigInt((await admin(net.devnet, 'GET', '/status')).json.height as number);
  const shipperEvents = await shipper.gateway.getNetwork('logistics').getChaincodeEvents('lading', { startBlock });
  const carrierEvents = await carrier.gateway.getNetwork('logistics').getChaincodeEvents('lading', { startBlock });
  try {
    const shipperIterator = shipperEvents[Symbol.asyncIterator]();
    const carrierIterator = carrierEvents[Symbol.asyncIterator]();
    await contract(carrier).submitTransaction('put', 'fo-ev-1', 'a');
    expect((await shipperIterator.next()).value).toMatchObject({ eventName: 'put' });
    expect((await carrierIterator.next()).value).toMatchObject({ eventName: 'put' });

    const stopped = await admin(net.devnet, 'POST', '/peers/ShipperMSP', { stopped: true });
    expect(stopped.json.openStreams).toBe(0);
    await expect(shipperIterator.next()).rejects.toMatchObject({ code: grpcStatus.UNAVAILABLE });

    await contract(carrier).submitTransaction('put', 'fo-ev-2', 'b');
    const next = (await carrierIterator.next()).value as ChaincodeEvent;
    expect(JSON.parse(utf8(next.payload))).toEqual({ key: 'fo-ev-2', value: 'b' });
  } finally {
    shipperEvents.close();
    carrierEvents.close();
  }
});

test('injected endorsement failures hit the gateway peer first, as on one peer', async () => {
  await admin(net.devnet, 'POST', '/faults', { failEndorsements: 1 });
  const err = await endorseError(() => contract(carrier).submitTransaction('put', 'fo-3', 'x'));
  expect(err.code).toBe(grpcStatus.ABORTED);
  expect(err.message).toContain('failed to endorse transaction');
  expect(err.details[0]).toMatchObject({ mspId: 'CarrierMSP' });
  expect(err.details[0]?.message).toContain('devnet fault injection: endorsement failure');
  await contract(carrier).submitTransaction('put', 'fo-3', 'y');
  expect(utf8(await contract(carrier).evaluateTransaction('get', 'fo-3'))).toBe('y');
});

test('private data endorsed by several peers is stored once and readable by a member', async () => {
  await contract(carrier).submit('putPrivate', { arguments: ['shipperCarrier', 'fo-secret'], transientData: { value: 'price-42' } });
  const shipper = connectToPeer(net.devnet, 'ShipperMSP');
  expect(utf8(await contract(shipper).evaluateTransaction('getPrivate', 'shipperCarrier', 'fo-secret'))).toBe('price-42');
});

test('admin API: unknown peer 404, bad values 400 and change nothing', async () => {
  expect((await admin(net.devnet, 'POST', '/peers/AcmeMSP', { stopped: true })).status).toBe(404);
  expect((await admin(net.devnet, 'GET', '/peers/AcmeMSP')).status).toBe(404);
  const bad = await admin(net.devnet, 'POST', '/peers/ShipperMSP', { stopped: 'yes' });
  expect(bad.status).toBe(400);
  const negative = await admin(net.devnet, 'POST', '/peers/ShipperMSP', { tamperEndorsements: -1, stopped: true });
  expect(negative.status).toBe(400);
  expect((await admin(net.devnet, 'GET', '/peers/ShipperMSP')).json).toMatchObject({ stopped: false, tamperEndorsements: 0 });
});

test('main.ts starts one peer per organisation from DEVNET_PEERS and names them', async () => {
  const dir = tempDir();
  const child = spawn(process.execPath, [TSX_CLI, join(ROOT, 'devnet', 'main.ts')], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      DEVNET_DIR: dir,
      DEVNET_PORT: '0',
      DEVNET_ADMIN_PORT: '0',
      DEVNET_PEERS: 'ShipperMSP,CarrierMSP',
      DEVNET_ENDORSEMENT_POLICY: "AND('ShipperMSP.peer','CarrierMSP.peer')",
      DEVNET_CHAINCODE_CMD: JSON.stringify([process.execPath, join(FIXTURES, 'kv-chaincode.js')]),
      DEVNET_CHAINCODE_DIR: FIXTURES,
      DEVNET_COLLECTIONS: join(FIXTURES, 'collections.json'),
    },
  });
  try {
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const line = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout }).once('line', resolve);
      child.once('exit', (code) => reject(new Error(`devnet exited with ${code}`)));
    });
    const match = /peers ShipperMSP@(127\.0\.0\.1:\d+) CarrierMSP@(127\.0\.0\.1:\d+), policy AND\('ShipperMSP\.peer','CarrierMSP\.peer'\)\)$/.exec(line);
    expect(match).not.toBeNull();
    expect(line.startsWith(`devnet listening on ${match?.[1] ?? ''} `)).toBe(true);
    const paths = orgPaths(dir, 'CarrierMSP');
    const connection = connectWith(match?.[2] ?? '', 'CarrierMSP', readFileSync(paths.certPath), readFileSync(paths.keyPath));
    try {
      const transaction = await contract(connection).newProposal('put', { arguments: ['cli', 'both'] }).endorse();
      expect(endorsersOf(transaction.getBytes())).toEqual(['CarrierMSP', 'ShipperMSP']);
      expect((await (await transaction.submit()).getStatus()).successful).toBe(true);
    } finally {
      connection.close();
    }
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});

test('main.ts refuses a policy its peers cannot satisfy, in one line', async () => {
  const child = spawn(process.execPath, [TSX_CLI, join(ROOT, 'devnet', 'main.ts')], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, DEVNET_PEERS: 'ShipperMSP', DEVNET_ENDORSEMENT_POLICY: "AND('ShipperMSP.peer','CarrierMSP.peer')" },
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  expect(code).toBe(1);
  expect(stderr.trim()).toBe(`devnet: endorsement policy "AND('ShipperMSP.peer','CarrierMSP.peer')" cannot be satisfied by the peers of ShipperMSP`);
});
