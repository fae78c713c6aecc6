/**
 * devnet's Gateway service seen through the real @hyperledger/fabric-gateway client: evaluate,
 * submit, errors with Fabric's codes and details, ranges, history, private data, identities.
 */
import { status as grpcStatus } from '@grpc/grpc-js';
import { createHash } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { EndorseError, GatewayError, type Contract } from '@hyperledger/fabric-gateway';
import { ensureOrgs } from '../../devnet/identity/ca';
import { orgPaths } from '../../devnet/index';
import { connectAs, connectWith, startTestDevnet, tempDir, utf8, type Connection, type TestDevnet } from './support';

let net: TestDevnet;
let carrier: Connection;
let shipper: Connection;
let broker: Connection;

const contract = (connection: Connection): Contract => connection.gateway.getNetwork('logistics').getContract('lading');
const unique = (name: string): string => `${name}-${Math.random().toString(36).slice(2, 10)}`;

beforeAll(async () => {
  net = await startTestDevnet();
  carrier = connectAs(net.devnet, 'CarrierMSP');
  shipper = connectAs(net.devnet, 'ShipperMSP');
  broker = connectAs(net.devnet, 'BrokerMSP');
});

afterAll(async () => {
  for (const connection of [carrier, shipper, broker]) connection?.close();
  await net?.stop();
});

test('submit then evaluate returns what the chaincode wrote, as the submitting org', async () => {
  const key = unique('k');
  expect(utf8(await contract(carrier).submitTransaction('put', key, 'v1'))).toBe('v1');
  expect(utf8(await contract(shipper).evaluateTransaction('get', key))).toBe('v1');
  expect(utf8(await contract(carrier).evaluateTransaction('creator'))).toBe('CarrierMSP');
});

test('submitAsync gives the result at once and the commit status with its block', async () => {
  const submitted = await contract(carrier).submitAsync('put', { arguments: [unique('k'), 'async'] });
  expect(utf8(submitted.getResult())).toBe('async');
  const status = await submitted.getStatus();
  expect(status.successful).toBe(true);
  expect(status.code).toBe(0);
  expect(status.blockNumber).toBeGreaterThan(0n);
  expect(status.transactionId).toBe(submitted.getTransactionId());
});

test('a chaincode error on evaluate is a GatewayError UNKNOWN with the endorser detail', async () => {
  const error = await contract(carrier).evaluateTransaction('fail', 'shipment not found').catch((err: unknown) => err);
  expect(error).toBeInstanceOf(GatewayError);
  const gatewayError = error as GatewayError;
  expect(gatewayError.code).toBe(grpcStatus.UNKNOWN);
  expect(gatewayError.message).toContain('evaluate call to endorser returned error: chaincode response 500, shipment not found');
  expect(gatewayError.details).toEqual([expect.objectContaining({ mspId: 'CarrierMSP', address: net.devnet.address, message: 'chaincode response 500, shipment not found' })]);
});

test('a chaincode error on submit is an EndorseError ABORTED carrying the chaincode message', async () => {
  const error = await contract(carrier).submitTransaction('fail', 'refused').catch((err: unknown) => err);
  expect(error).toBeInstanceOf(EndorseError);
  const endorseError = error as EndorseError;
  expect(endorseError.code).toBe(grpcStatus.ABORTED);
  expect(endorseError.transactionId).toMatch(/^[0-9a-f]{64}$/);
  expect(endorseError.details[0]?.message).toBe('chaincode response 500, refused');
});

test('range queries exclude the end key and history lists every change newest first, as Fabric 2.x', async () => {
  const prefix = unique('r');
  for (const suffix of ['a', 'b', 'c']) await contract(carrier).submitTransaction('put', `${prefix}-${suffix}`, suffix);
  expect(JSON.parse(utf8(await contract(carrier).evaluateTransaction('range', `${prefix}-a`, `${prefix}-c`)))).toEqual([`${prefix}-a`, `${prefix}-b`]);

  const key = `${prefix}-a`;
  await contract(carrier).submitTransaction('put', key, 'second');
  await contract(carrier).submitTransaction('del', key);
  const history = JSON.parse(utf8(await contract(carrier).evaluateTransaction('history', key))) as Array<{ isDelete: boolean; value: string }>;
  expect(history.map((h) => [h.isDelete, h.value])).toEqual([
    [true, ''],
    [false, 'second'],
    [false, 'a'],
  ]);
});

test('private data: members write and read, non-members are refused but may read the hash', async () => {
  const key = unique('p');
  await contract(shipper).submit('putPrivate', { arguments: ['shipperCarrier', key], transientData: { value: 'secret-price' } });
  expect(utf8(await contract(carrier).evaluateTransaction('getPrivate', 'shipperCarrier', key))).toBe('secret-price');

  const readError = (await contract(broker).evaluateTransaction('getPrivate', 'shipperCarrier', key).catch((err: unknown) => err)) as GatewayError;
  expect(readError.code).toBe(grpcStatus.UNKNOWN);
  expect(readError.message).toContain('does not have read access permission on privatedata');

  const writeError = (await contract(broker)
    .submit('putPrivate', { arguments: ['shipperCarrier', key], transientData: { value: 'x' } })
    .catch((err: unknown) => err)) as EndorseError;
  expect(writeError).toBeInstanceOf(EndorseError);
  expect(writeError.details[0]?.message).toContain('does not have write access permission on privatedata');

  const expectedHash = createHash('sha256').update('secret-price').digest('hex');
  expect(utf8(await contract(broker).evaluateTransaction('privateHash', 'shipperCarrier', key))).toBe(expectedHash);
});

describe('identities devnet does not trust', () => {
  const foreignDir = tempDir();
  afterAll(() => rmSync(foreignDir, { recursive: true, force: true }));

  test('a certificate from another CA claiming a devnet MSP id is refused on evaluate and endorse', async () => {
    const [foreign] = await ensureOrgs(foreignDir, ['CarrierMSP']);
    if (!foreign) throw new Error('no foreign org');
    const impostor = connectWith(net.devnet.address, 'CarrierMSP', foreign.client.certPem, foreign.client.keyPem);
    try {
      const evaluateError = (await contract(impostor).evaluateTransaction('get', 'x').catch((err: unknown) => err)) as GatewayError;
      expect(evaluateError).toBeInstanceOf(GatewayError);
      expect(evaluateError.code).toBe(grpcStatus.FAILED_PRECONDITION);
      expect(evaluateError.message).toContain('access denied');

      const endorseError = (await contract(impostor).submitTransaction('put', 'x', 'y').catch((err: unknown) => err)) as EndorseError;
      expect(endorseError).toBeInstanceOf(EndorseError);
      expect(endorseError.code).toBe(grpcStatus.ABORTED);
      expect(endorseError.details[0]?.message).toContain('certificate signed by unknown authority');

      const events = await impostor.gateway.getNetwork('logistics').getChaincodeEvents('lading');
      const eventsError = (await events[Symbol.asyncIterator]().next().catch((err: unknown) => err)) as GatewayError;
      expect(eventsError.code).toBe(grpcStatus.PERMISSION_DENIED);
      events.close();
    } finally {
      impostor.close();
    }
  });

  test("an org's own certificate presented under another MSP id is refused", async () => {
    const { certPath, keyPath } = orgPaths(net.devnet.dir, 'BrokerMSP');
    const impostor = connectWith(net.devnet.address, 'ShipperMSP', readFileSync(certPath), readFileSync(keyPath));
    try {
      const error = (await contract(impostor).evaluateTransaction('creator').catch((err: unknown) => err)) as GatewayError;
      expect(error.code).toBe(grpcStatus.FAILED_PRECONDITION);
    } finally {
      impostor.close();
    }
  });
});

test('a proposal for a chaincode devnet does not run is refused', async () => {
  const error = (await carrier.gateway.getNetwork('logistics').getContract('other').evaluateTransaction('x').catch((err: unknown) => err)) as GatewayError;
  expect(error).toBeInstanceOf(GatewayError);
  expect(error.message).toContain('chaincode other not found');
});
