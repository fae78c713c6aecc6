/**
 * Each fault devnet can inject, seen through the real client and the connector: is it classified
 * with the right retry advice, and does the advised retry then succeed without double effects?
 */
import { createServer } from 'node:net';
import {
  CommitConflictError,
  LedgerOutcomeUnknownError,
  LedgerUnavailableError,
  connectLedger,
  devnetConfig,
  ShipmentLedger,
} from '../../connectors/fabric';
import { Devnet, connectAs, newEvent, newShipmentId, type OrgClient, failureOf } from './support';

jest.setTimeout(120_000);

let devnet: Devnet;
let shipper: OrgClient;

beforeAll(async () => {
  devnet = await Devnet.start();
  shipper = await connectAs(devnet, 'ShipperMSP');
});

afterEach(async () => {
  await devnet.clearFaults();
});

afterAll(async () => {
  shipper?.close();
  await devnet?.dispose();
});

/** Polls `read` until `done` holds (devnet commits asynchronously), for at most 10 s. */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const until = Date.now() + 10_000;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > until) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A local port with nothing listening: bound once by us, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('injected faults are classified for retry', () => {
  it('a failed endorsement is retried as a new transaction', async () => {
    const event = newEvent(newShipmentId());
    await devnet.injectFaults({ failEndorsements: 1 });

    const error = await failureOf(() => shipper.ledger.recordEvents([event]));

    expect(error).toBeInstanceOf(LedgerUnavailableError);
    expect(error).toMatchObject({ retry: 'new-transaction', operation: 'endorse', eventIds: [event.eventId] });
    const retried = await shipper.ledger.recordEvents([event]);
    expect(retried.result.recorded).toEqual([event.eventId]);
  });

  it('an MVCC read conflict at commit is retried as a new transaction, and nothing was written', async () => {
    const shipmentId = newShipmentId();
    const event = newEvent(shipmentId);
    await devnet.injectFaults({ mvccConflicts: 1 });

    const error = await failureOf(() => shipper.ledger.recordEvents([event]));

    expect(error).toBeInstanceOf(CommitConflictError);
    expect(error).toMatchObject({ retry: 'new-transaction', operation: 'commit', validationCode: 11, eventIds: [event.eventId] });
    await expect(shipper.ledger.getShipment(shipmentId)).rejects.toMatchObject({ reason: 'not-found' });
    const retried = await shipper.ledger.recordEvents([event]);
    expect(retried.transactionId).not.toBe((error as CommitConflictError).transactionId);
    expect(retried.result.recorded).toEqual([event.eventId]);
  });

  it('refused connections are retryable: queries and endorsements again, a sent transaction as the same one', async () => {
    const event = newEvent(newShipmentId());
    const prepared = await shipper.ledger.prepareRecordEvents([event]);
    await devnet.injectFaults({ refuseSeconds: 2 });

    const query = await failureOf(() => shipper.ledger.getShipment(event.shipmentId));
    const endorse = await failureOf(() => shipper.ledger.recordEvents([newEvent(event.shipmentId)]));
    const submit = await failureOf(() => shipper.ledger.submitPrepared(prepared.bytes));

    expect(query).toMatchObject({ retry: 'new-transaction', operation: 'evaluate', grpcCode: 14 });
    expect(endorse).toMatchObject({ retry: 'new-transaction', operation: 'endorse', grpcCode: 14 });
    expect(submit).toBeInstanceOf(LedgerOutcomeUnknownError);
    expect(submit).toMatchObject({ retry: 'same-transaction', operation: 'submit', grpcCode: 14, transactionId: prepared.transactionId });

    await devnet.clearFaults();
    const committed = await shipper.ledger.submitPrepared(prepared.bytes);
    expect(committed).toMatchObject({ transactionId: prepared.transactionId, result: { recorded: [event.eventId] } });
  });

  it('a peer that is not there at all is unavailable, retryable as a new transaction', async () => {
    const connection = await connectLedger(
      devnetConfig(`127.0.0.1:${await closedPort()}`, devnet.dir, 'ShipperMSP', { timeouts: { evaluateMs: 2000, endorseMs: 2000 } }),
    );
    try {
      const ledger = new ShipmentLedger(connection);
      const error = await failureOf(() => ledger.getShipment(newShipmentId()));
      expect(error).toBeInstanceOf(LedgerUnavailableError);
      expect(error).toMatchObject({ retry: 'new-transaction', grpcCode: 14 });
    } finally {
      connection.close();
    }
  });

  it('a commit slower than the commit-status deadline is an unknown outcome; re-submitting the same bytes records once', async () => {
    const impatient = await connectAs(devnet, 'ShipperMSP', { commitStatusMs: 1000 });
    try {
      const shipmentId = newShipmentId();
      const event = newEvent(shipmentId);
      const prepared = await impatient.ledger.prepareRecordEvents([event]);
      const countsBefore = await devnet.transactionCounts();
      await devnet.injectFaults({ commitDelayMs: 3000 });

      const error = await failureOf(() => impatient.ledger.submitPrepared(prepared.bytes));

      expect(error).toBeInstanceOf(LedgerOutcomeUnknownError);
      expect(error).toMatchObject({ retry: 'same-transaction', operation: 'commit-status', transactionId: prepared.transactionId });
      await devnet.clearFaults();

      // The job's retry, later and with the usual deadline: the same bytes, so the same tx id.
      const committed = await shipper.ledger.submitPrepared(prepared.bytes);
      expect(committed.transactionId).toBe(prepared.transactionId);
      expect(committed.result).toEqual({ recorded: [event.eventId], unchanged: [] });

      const history = await impatient.ledger.getShipmentHistory(shipmentId);
      expect(history.map((entry) => entry.txId)).toEqual([prepared.transactionId]);
      expect((await impatient.ledger.getShipment(shipmentId)).events).toEqual([event.eventId]);
      expect((await impatient.ledger.getEvent(event.eventId)).txId).toBe(prepared.transactionId);
      await expect(impatient.ledger.getCommitStatus(prepared.transactionId)).resolves.toMatchObject({
        successful: true,
        blockNumber: committed.blockNumber,
      });
      // Both envelopes reached the ledger; the second was invalidated as DUPLICATE_TXID.
      await expect(eventually(() => devnet.transactionCounts(), (counts) => counts.total === countsBefore.total + 2)).resolves.toEqual({
        total: countsBefore.total + 2,
        valid: countsBefore.valid + 1,
      });
    } finally {
      impatient.close();
    }
  });
});
