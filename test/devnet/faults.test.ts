/**
 * Fault injection through the admin API (and at start), seen by the real client as it would
 * see a failing Fabric network: EndorseError, CommitError MVCC_READ_CONFLICT, slow commits,
 * dropped event streams, refused calls.
 */
import { status as grpcStatus } from '@grpc/grpc-js';
import { CommitError, EndorseError, GatewayError, type Contract } from '@hyperledger/fabric-gateway';
import { ConfigError, optionsFromEnv } from '../../devnet/index';
import { admin, connectAs, startTestDevnet, utf8, type Connection, type TestDevnet } from './support';

const contract = (connection: Connection): Contract => connection.gateway.getNetwork('logistics').getContract('lading');
const unique = (name: string): string => `${name}-${Math.random().toString(36).slice(2, 10)}`;

describe('admin API faults', () => {
  let net: TestDevnet;
  let carrier: Connection;

  beforeAll(async () => {
    net = await startTestDevnet();
    carrier = connectAs(net.devnet, 'CarrierMSP');
  });

  afterEach(async () => {
    await admin(net.devnet, 'DELETE', '/faults');
  });

  afterAll(async () => {
    carrier?.close();
    await net?.stop();
  });

  test('GET /status reports height, transaction counts and pending faults', async () => {
    await contract(carrier).submitTransaction('put', unique('s'), 'x');
    const { status, json } = await admin(net.devnet, 'GET', '/status');
    expect(status).toBe(200);
    expect(json).toMatchObject({ channel: 'logistics', chaincode: 'lading', faults: { failEndorsements: 0, mvccConflicts: 0, commitDelayMs: 0, refuseUntil: null } });
    expect(json.height).toBeGreaterThanOrEqual(2);
    expect((json.transactions as { valid: number }).valid).toBeGreaterThanOrEqual(1);
  });

  test('failEndorsements: the next N endorsements fail with EndorseError ABORTED and a detail, then it recovers', async () => {
    const set = await admin(net.devnet, 'POST', '/faults', { failEndorsements: 2 });
    expect(set.json.failEndorsements).toBe(2);
    for (let i = 0; i < 2; i++) {
      const error = await contract(carrier).submitTransaction('put', unique('e'), 'x').catch((err: unknown) => err);
      expect(error).toBeInstanceOf(EndorseError);
      expect((error as EndorseError).code).toBe(grpcStatus.ABORTED);
      expect((error as EndorseError).details[0]).toMatchObject({ mspId: 'CarrierMSP', message: expect.stringContaining('fault injection') });
    }
    // Evaluations are not endorsements and never fail from this fault.
    await contract(carrier).evaluateTransaction('creator');
    await contract(carrier).submitTransaction('put', unique('e'), 'ok');
    expect((await admin(net.devnet, 'GET', '/faults')).json.failEndorsements).toBe(0);
  });

  test('mvccConflicts: the next transaction commits as MVCC_READ_CONFLICT and submit throws CommitError 11', async () => {
    await admin(net.devnet, 'POST', '/faults', { mvccConflicts: 1 });
    const key = unique('m');
    const error = await contract(carrier).submitTransaction('put', key, 'lost').catch((err: unknown) => err);
    expect(error).toBeInstanceOf(CommitError);
    expect((error as CommitError).code).toBe(11);
    expect(utf8(await contract(carrier).evaluateTransaction('get', key))).toBe('');
    await contract(carrier).submitTransaction('put', key, 'kept');
    expect(utf8(await contract(carrier).evaluateTransaction('get', key))).toBe('kept');
  });

  test('commitDelayMs delays each commit', async () => {
    await admin(net.devnet, 'POST', '/faults', { commitDelayMs: 400 });
    const started = Date.now();
    await contract(carrier).submitTransaction('put', unique('d'), 'slow');
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
  });

  test('drop-streams ends open chaincode event streams with UNAVAILABLE', async () => {
    const events = await carrier.gateway.getNetwork('logistics').getChaincodeEvents('lading');
    const next = events[Symbol.asyncIterator]().next();
    // Let the stream reach devnet before dropping it.
    for (let i = 0; i < 50 && Number((await admin(net.devnet, 'GET', '/status')).json.openStreams) === 0; i++) await new Promise((r) => setTimeout(r, 20));
    const dropped = await admin(net.devnet, 'POST', '/faults/drop-streams');
    expect(dropped.json.dropped).toBe(1);
    const error = await next.catch((err: unknown) => err);
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).code).toBe(grpcStatus.UNAVAILABLE);
    events.close();
  });

  test('refuseSeconds answers every call with UNAVAILABLE until the time is up', async () => {
    await admin(net.devnet, 'POST', '/faults', { refuseSeconds: 0.5 });
    const error = await contract(carrier).evaluateTransaction('creator').catch((err: unknown) => err);
    expect((error as GatewayError).code).toBe(grpcStatus.UNAVAILABLE);
    const submitError = await contract(carrier).submitTransaction('put', unique('r'), 'x').catch((err: unknown) => err);
    expect(submitError).toBeInstanceOf(EndorseError);
    expect((submitError as EndorseError).code).toBe(grpcStatus.UNAVAILABLE);
    await new Promise((r) => setTimeout(r, 600));
    expect(utf8(await contract(carrier).evaluateTransaction('creator'))).toBe('CarrierMSP');
  });

  test('a crashed chaincode process is restarted and endorsements work again', async () => {
    const pid = Number((await admin(net.devnet, 'GET', '/status')).json.chaincodePid);
    expect(pid).toBeGreaterThan(0);
    process.kill(pid, 'SIGKILL');
    let result = '';
    for (let attempt = 0; attempt < 100 && result === ''; attempt++) {
      result = await contract(carrier)
        .evaluateTransaction('creator')
        .then(utf8)
        .catch(() => new Promise<string>((r) => setTimeout(() => r(''), 100)));
    }
    expect(result).toBe('CarrierMSP');
    expect(Number((await admin(net.devnet, 'GET', '/status')).json.chaincodePid)).not.toBe(pid);
  });

  test('bad fault requests are refused with 400 and change nothing', async () => {
    const bad = await admin(net.devnet, 'POST', '/faults', { failEndorsements: -1, mvccConflicts: 3 });
    expect(bad.status).toBe(400);
    expect((await admin(net.devnet, 'GET', '/faults')).json.mvccConflicts).toBe(0);
    expect((await admin(net.devnet, 'GET', '/nowhere')).status).toBe(404);
  });
});

test('faults can be set at start (DEVNET_FAULT_* variables)', async () => {
  const options = optionsFromEnv({ DEVNET_FAULT_FAIL_ENDORSEMENTS: '1', DEVNET_FAULT_MVCC_CONFLICTS: '1' });
  expect(options.faults).toEqual({ failEndorsements: 1, mvccConflicts: 1 });
  const net = await startTestDevnet({ faults: options.faults });
  const shipper = connectAs(net.devnet, 'ShipperMSP');
  try {
    await expect(contract(shipper).submitTransaction('put', 'a', '1')).rejects.toBeInstanceOf(EndorseError);
    await expect(contract(shipper).submitTransaction('put', 'a', '1')).rejects.toBeInstanceOf(CommitError);
    await contract(shipper).submitTransaction('put', 'a', '1');
  } finally {
    shipper.close();
    await net.stop();
  }
});

test('a bad DEVNET_* value stops start-up with one line naming the variable', () => {
  expect(() => optionsFromEnv({ DEVNET_PORT: 'seventy' })).toThrow(new ConfigError("DEVNET_PORT must be an integer between 0 and 65535, got 'seventy'"));
  expect(() => optionsFromEnv({ DEVNET_TLS_CERT: 'cert.pem' })).toThrow(ConfigError);
});
