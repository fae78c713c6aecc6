/**
 * The peer side of the shim protocol, request by request: a probe chaincode (fixtures/probe-chaincode,
 * run by the real fabric-chaincode-node server) makes the shim send what the shipment contract
 * never sends — unbounded and paginated ranges, deletes, rich queries, chaincode-to-chaincode
 * calls, Init — and the runtime's connection handling is checked against real processes.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import {
  ChaincodeExecutionTimeoutError,
  ChaincodeInvocationRejectedError,
  type ChaincodeResult,
  type ChaincodeRuntime,
  ChaincodeStreamTerminatedError,
  ChaincodeUnavailableError,
  connectChaincode,
  freeLocalAddress,
  launchChaincode,
  type LaunchedChaincode,
} from '../../devnet/shim';
import { type Identity, MapLedger, newIdentity, newProposal } from './support';

const PROBE_DIR = join(__dirname, 'fixtures', 'probe-chaincode');
const CHAINCODE_ID = 'probe_1.0:7e57';
const TARGET = { channel: 'probe-channel', chaincode: 'probe' };
const PEER_MSP = 'CarrierMSP';

jest.setTimeout(60_000);

function launchProbe(address: string, log: string[]): Promise<LaunchedChaincode> {
  return launchChaincode({
    command: [process.execPath, require.resolve('fabric-shim/cli.js'), 'server'],
    cwd: PROBE_DIR,
    address,
    chaincodeId: CHAINCODE_ID,
    mspId: PEER_MSP,
    env: { CORE_CHAINCODE_LOGGING_LEVEL: 'warning' },
    log: (line) => log.push(line),
  });
}

describe('devnet/shim answering a probe chaincode', () => {
  const ledger = new MapLedger();
  const log: string[] = [];
  let identity: Identity;
  let address: string;
  let probe: LaunchedChaincode;
  let runtime: ChaincodeRuntime;

  beforeAll(async () => {
    identity = await newIdentity('ShipperMSP');
    address = await freeLocalAddress();
    probe = await launchProbe(address, log);
    runtime = await connectChaincode({ address, chaincodeId: CHAINCODE_ID, queryBatchSize: 2, totalQueryLimit: 8, executeTimeoutMs: 5_000, log: (line) => log.push(line) });
  });

  afterAll(async () => {
    await runtime?.close();
    await probe?.stop();
  });

  async function call(args: string[], options: { isInit?: boolean; on?: ChaincodeRuntime } = {}): Promise<ChaincodeResult> {
    const { txId, signedProposal } = newProposal(identity, TARGET, args);
    const simulator = ledger.simulator(txId);
    const result = await (options.on ?? runtime).execute(
      { channelId: TARGET.channel, txId, signedProposal, args: args.map((arg) => Buffer.from(arg)), isInit: options.isInit },
      simulator,
    );
    if (result.status === 200) simulator.commit();
    return result;
  }

  async function text(args: string[]): Promise<string> {
    const result = await call(args);
    expect(result).toMatchObject({ status: 200 });
    return result.payload.toString('utf8');
  }

  test('passes identity, peer MSP, txid and channel through the TRANSACTION message', async () => {
    const seen = JSON.parse(await text(['whoAmI']));
    expect(seen).toMatchObject({ mspId: 'ShipperMSP', peerMspId: PEER_MSP, channel: TARGET.channel });
    expect(seen.txId).toMatch(/^[0-9a-f]{64}$/);
  });

  test('reads, writes and deletes state; history is newest first with deletes marked', async () => {
    expect(await text(['getKey', 'h-key'])).toBe('<missing>');
    await text(['putKeys', 'h-key', '1']);
    await text(['putKeys', 'h-key', '1']);
    expect(await text(['getKey', 'h-key0000'])).toBe('0');
    await text(['deleteKey', 'h-key0000']);
    expect(await text(['getKey', 'h-key0000'])).toBe('<missing>');
    const history = JSON.parse(await text(['history', 'h-key0000'])) as Array<{ value: string; isDelete: boolean }>;
    expect(history.map(({ value, isDelete }) => [value, isDelete])).toEqual([['', true], ['0', false], ['0', false]]);
  });

  test('serves an unbounded range batch by batch and stops at the total query limit, as Fabric does', async () => {
    await text(['putKeys', 'r-', '5']);
    expect(JSON.parse(await text(['rangeKeys', 'r-', 'r.']))).toEqual(['r-0000', 'r-0001', 'r-0002', 'r-0003', 'r-0004']);
    await text(['putKeys', 't-', '11']);
    expect(JSON.parse(await text(['rangeKeys', 't-', 't.']))).toHaveLength(8);
  });

  test('pages a range with bookmarks in a read-only transaction', async () => {
    await text(['putKeys', 'p-', '5']);
    expect(JSON.parse(await text(['rangePage', 'p-', 'p.', '2', '']))).toEqual({ keys: ['p-0000', 'p-0001'], bookmark: 'p-0002', fetched: 2 });
    expect(JSON.parse(await text(['rangePage', 'p-', 'p.', '2', 'p-0002']))).toEqual({ keys: ['p-0002', 'p-0003'], bookmark: 'p-0004', fetched: 2 });
    expect(JSON.parse(await text(['rangePage', 'p-', 'p.', '2', 'p-0004']))).toEqual({ keys: ['p-0004'], bookmark: '', fetched: 1 });
    expect(await text(['writeThenPaginate'])).toContain('Paginated queries are supported only in a read-only transaction');
    expect(await text(['paginateThenWrite'])).toContain('Transaction has already performed a paginated query. Writes are not allowed');
  });

  test('refuses requests devnet does not serve with a clear ERROR instead of hanging', async () => {
    expect(await text(['richQuery'])).toMatch(/GET_QUERY_RESULT failed: transaction ID: \w+: rich queries need CouchDB/);
    expect(await text(['invokeOther'])).toContain('chaincode-to-chaincode invocation is not supported by devnet');
  });

  test('answers private data hashes and refuses private data in Init', async () => {
    await text(['putPrivate', 'customsPrivate', 'pk', 'secret']);
    expect(await text(['privateHash', 'customsPrivate', 'pk'])).toBe(createHash('sha256').update('secret').digest('hex'));
    expect(await text(['privateHash', 'customsPrivate', 'nothing'])).toBe('<missing>');
    const init = await call(['putPrivate', 'customsPrivate', 'pk2', 'x'], { isInit: true });
    expect(init).toMatchObject({ status: 500 });
    expect(init.message).toContain('private data APIs are not allowed in chaincode Init()');
    expect(await call(['whoAmI'], { isInit: true })).toMatchObject({ status: 200 });
  });

  test('returns chaincode failures as results and keeps only the last event', async () => {
    expect(await call(['fail', 'shipment on fire'])).toMatchObject({ status: 500, message: 'shipment on fire' });
    const emitted = await call(['emit', 'Probed']);
    expect(emitted.event).toEqual({ eventName: 'Probed', payload: Buffer.from('last') });
    expect((await call(['whoAmI'])).event).toBeUndefined();
  });

  test('refuses a second execution of a transaction that is still running', async () => {
    const { txId, signedProposal } = newProposal(identity, TARGET, ['sleep', '300']);
    const invocation = { channelId: TARGET.channel, txId, signedProposal, args: [Buffer.from('sleep'), Buffer.from('300')] };
    const first = runtime.execute(invocation, ledger.simulator(txId));
    await expect(runtime.execute(invocation, ledger.simulator(txId))).rejects.toBeInstanceOf(ChaincodeInvocationRejectedError);
    expect(await first).toMatchObject({ status: 200 });
  });

  test('times out a transaction that does not complete, and carries on with the next', async () => {
    const impatient = await connectChaincode({ address, chaincodeId: CHAINCODE_ID, executeTimeoutMs: 200, log: (line) => log.push(line) });
    try {
      await expect(call(['sleep', '1000'], { on: impatient })).rejects.toBeInstanceOf(ChaincodeExecutionTimeoutError);
      expect(await call(['whoAmI'], { on: impatient })).toMatchObject({ status: 200 });
    } finally {
      await impatient.close();
    }
  });

  test('will not talk to a chaincode that registers under another id, nor wait forever for none', async () => {
    await expect(connectChaincode({ address, chaincodeId: 'probe_2.0:other', connectTimeoutMs: 3_000, log: () => undefined })).rejects.toThrow(
      /registered as "probe_1.0:7e57" but devnet expects "probe_2.0:other"/,
    );
    const nobody = await freeLocalAddress();
    await expect(connectChaincode({ address: nobody, chaincodeId: CHAINCODE_ID, connectTimeoutMs: 500, log: () => undefined })).rejects.toBeInstanceOf(
      ChaincodeUnavailableError,
    );
  });

  test('reports a launch that dies before listening, with its output', async () => {
    await expect(
      launchChaincode({
        command: [process.execPath, '-e', 'console.error("no package.json here"); process.exit(3)'],
        cwd: PROBE_DIR,
        address: await freeLocalAddress(),
        chaincodeId: CHAINCODE_ID,
        log: () => undefined,
      }),
    ).rejects.toThrow(/exited \(code 3[\s\S]*no package.json here/);
  });

  test('fails a running transaction when the chaincode dies, then reconnects to its restart', async () => {
    const running = call(['sleep', '5000']);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await probe.stop();
    await expect(running).rejects.toBeInstanceOf(ChaincodeStreamTerminatedError);
    probe = await launchProbe(address, log);
    // The runtime re-dials by itself; execute() waits for the registration.
    expect(await call(['whoAmI'])).toMatchObject({ status: 200 });
  });
});
