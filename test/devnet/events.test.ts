/**
 * ChaincodeEvents and Deliver as the real client uses them: start block, next commit,
 * after_transaction_id through a checkpointer, only valid transactions, filtered blocks.
 */
import { ledger } from '@hyperledger/fabric-protos';
import { checkpointers, type ChaincodeEvent, type CloseableAsyncIterable, type Contract } from '@hyperledger/fabric-gateway';
import { admin, connectAs, startTestDevnet, utf8, type Connection, type TestDevnet } from './support';

let net: TestDevnet;
let carrier: Connection;

const contract = (connection: Connection): Contract => connection.gateway.getNetwork('logistics').getContract('lading');

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

const keyOf = (event: ChaincodeEvent): string => (JSON.parse(utf8(event.payload)) as { key: string }).key;

beforeAll(async () => {
  // A longer block timeout so that transactions submitted together share a block.
  net = await startTestDevnet({ blockTimeoutMs: 150 });
  carrier = connectAs(net.devnet, 'CarrierMSP');
});

afterAll(async () => {
  carrier?.close();
  await net?.stop();
});

test('events from a start block, in commit order, skipping invalid transactions and blocks without events', async () => {
  const first = await contract(carrier).submitAsync('put', { arguments: ['ev-1', 'a'] });
  const { blockNumber } = await first.getStatus();
  await contract(carrier).submitTransaction('bump', 'ev-counter'); // no event
  await admin(net.devnet, 'POST', '/faults', { mvccConflicts: 1 });
  await contract(carrier).submitTransaction('put', 'ev-invalid', 'x').catch(() => undefined);
  await contract(carrier).submitTransaction('put', 'ev-2', 'b');

  const events = await take(await carrier.gateway.getNetwork('logistics').getChaincodeEvents('lading', { startBlock: blockNumber }), 2);
  expect(events.map(keyOf)).toEqual(['ev-1', 'ev-2']);
  expect(events[0]).toMatchObject({ chaincodeName: 'lading', eventName: 'put', transactionId: first.getTransactionId(), blockNumber });
  expect(events[1]?.blockNumber).toBeGreaterThan(blockNumber);
});

test('without a start position the stream begins at the next commit and does not end by itself', async () => {
  await contract(carrier).submitTransaction('put', 'nc-old', 'x');
  const stream = await carrier.gateway.getNetwork('logistics').getChaincodeEvents('lading');
  const iterator = stream[Symbol.asyncIterator]();
  const pending = iterator.next();
  // Give the stream time to register before the next commit.
  await new Promise((r) => setTimeout(r, 100));
  await contract(carrier).submitTransaction('put', 'nc-new', 'y');
  const next = await pending;
  expect(keyOf(next.value as ChaincodeEvent)).toBe('nc-new');
  // Nothing else arrives, and the stream stays open.
  const idle = await Promise.race([iterator.next().then(() => 'event'), new Promise((r) => setTimeout(() => r('still open'), 300))]);
  expect(idle).toBe('still open');
  stream.close();
});

test('a checkpointer resumes after the last processed transaction, even mid-block', async () => {
  // Three events in one block: submitted together within one block timeout.
  const submitted = await Promise.all(['cp-1', 'cp-2', 'cp-3'].map((key) => contract(carrier).submitAsync('put', { arguments: [key, key] })));
  const statuses = await Promise.all(submitted.map((s) => s.getStatus()));
  const startBlock = statuses.map((s) => s.blockNumber).reduce((a, b) => (a < b ? a : b));
  expect(new Set(statuses.map((s) => s.blockNumber)).size).toBe(1);

  const checkpointer = checkpointers.inMemory();
  const network = carrier.gateway.getNetwork('logistics');
  const firstRun = await take(await network.getChaincodeEvents('lading', { startBlock, checkpoint: checkpointer }), 1);
  await checkpointer.checkpointChaincodeEvent(firstRun[0] as ChaincodeEvent);

  const rest = await take(await network.getChaincodeEvents('lading', { startBlock, checkpoint: checkpointer }), 2);
  const seen = [...firstRun, ...rest].map(keyOf);
  expect(new Set(seen).size).toBe(3);
  expect(seen.sort()).toEqual(['cp-1', 'cp-2', 'cp-3']);
});

test('filtered block events carry tx ids, validation codes and event names', async () => {
  const submitted = await contract(carrier).submitAsync('put', { arguments: ['fb-1', 'z'] });
  const { blockNumber } = await submitted.getStatus();
  const events = await carrier.gateway.getNetwork('logistics').getFilteredBlockEvents({ startBlock: blockNumber });
  try {
    for await (const block of events) {
      const tx = block.getFilteredTransactionsList().find((t) => t.getTxid() === submitted.getTransactionId());
      expect(tx?.getTxValidationCode()).toBe(0);
      const event = tx?.getTransactionActions()?.getChaincodeActionsList()[0]?.getChaincodeEvent();
      expect(event?.getEventName()).toBe('put');
      expect(event?.getPayload_asU8().length).toBe(0);
      break;
    }
  } finally {
    events.close();
  }
});

test('block and private data events carry private writes only for collection members', async () => {
  const shipper = connectAs(net.devnet, 'ShipperMSP');
  const broker = connectAs(net.devnet, 'BrokerMSP');
  try {
    const submitted = await contract(shipper).submitAsync('putPrivate', { arguments: ['shipperCarrier', 'pd-1'], transientData: { value: 'price-42' } });
    const { blockNumber } = await submitted.getStatus();
    const privateWrites = async (connection: Connection): Promise<string[]> => {
      const events = await connection.gateway.getNetwork('logistics').getBlockAndPrivateDataEvents({ startBlock: blockNumber });
      try {
        for await (const event of events) {
          // jspb.Map is untyped (google-protobuf has no declarations).
          const map = event.getPrivateDataMapMap() as { forEach(callback: (value: ledger.rwset.TxPvtReadWriteSet) => void): void };
          const values: string[] = [];
          map.forEach((tx) => {
            for (const ns of tx.getNsPvtRwsetList()) {
              for (const collection of ns.getCollectionPvtRwsetList()) {
                const kv = ledger.rwset.kvrwset.KVRWSet.deserializeBinary(collection.getRwset_asU8());
                values.push(...kv.getWritesList().map((w) => `${collection.getCollectionName()}/${w.getKey()}=${utf8(w.getValue_asU8())}`));
              }
            }
          });
          return values;
        }
        return [];
      } finally {
        events.close();
      }
    };
    expect(await privateWrites(shipper)).toEqual(['shipperCarrier/pd-1=price-42']);
    expect(await privateWrites(broker)).toEqual([]);
  } finally {
    shipper.close();
    broker.close();
  }
});
