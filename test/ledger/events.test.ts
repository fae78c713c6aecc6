/**
 * Chaincode events through the connector's listener: typed ShipmentEventsRecorded payloads, and
 * resuming from a file checkpoint after devnet (and the listener) restarted on the same ledger.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LedgerUnavailableError, fileCheckpointer, openShipmentEvents, type LedgerConnection, type ShipmentEventsNotice } from '../../connectors/fabric';
import { Devnet, connectAs, newEvent, newShipmentId, type OrgClient } from './support';

jest.setTimeout(120_000);

let devnet: Devnet;
let checkpointDir: string;
const clients: OrgClient[] = [];

beforeAll(async () => {
  devnet = await Devnet.start();
  checkpointDir = await mkdtemp(join(tmpdir(), 'lading-checkpoint-'));
});

afterAll(async () => {
  for (const client of clients) client.close();
  await devnet?.dispose();
  await rm(checkpointDir, { recursive: true, force: true });
});

async function connect(mspId: 'ShipperMSP' | 'CarrierMSP'): Promise<OrgClient> {
  const client = await connectAs(devnet, mspId);
  clients.push(client);
  return client;
}

/** Reads `count` notices, checkpointing each after "handling" it, then closes the stream. */
async function takeNotices(connection: LedgerConnection, checkpointPath: string, count: number, startBlock?: bigint): Promise<ShipmentEventsNotice[]> {
  const stream = await openShipmentEvents(connection, { checkpointer: fileCheckpointer(checkpointPath), startBlock });
  const notices: ShipmentEventsNotice[] = [];
  const timeout = setTimeout(() => stream.close(), 30_000);
  try {
    for await (const notice of stream) {
      notices.push(notice);
      await notice.checkpoint();
      if (notices.length === count) break;
    }
  } finally {
    clearTimeout(timeout);
    stream.close();
  }
  return notices;
}

describe('ShipmentEventsRecorded listener', () => {
  it('yields typed payloads for recording transactions only', async () => {
    const shipper = await connect('ShipperMSP');
    const shipmentId = newShipmentId();
    const events = [newEvent(shipmentId), newEvent(shipmentId, { eventTypeCode: 'RECE' })];
    const first = await shipper.ledger.recordEvents(events);
    await shipper.ledger.recordEvents(events); // unchanged: no chaincode event
    const marker = newEvent(shipmentId, { eventTypeCode: 'DRFT' });
    const last = await shipper.ledger.recordEvents([marker]);

    const notices = await takeNotices(shipper.connection, join(checkpointDir, 'typed.json'), 2, first.blockNumber);

    expect(notices.map((n) => n.transactionId)).toEqual([first.transactionId, last.transactionId]);
    expect(notices[0]?.blockNumber).toBe(first.blockNumber);
    expect(notices[0]?.payload).toEqual({
      recorded: events.map((e) => e.eventId),
      events: events.map((e) => ({
        eventId: e.eventId,
        shipmentId,
        eventType: 'SHIPMENT',
        eventClassifierCode: 'ACT',
        eventTypeCode: e.eventTypeCode,
        recordedBy: 'ShipperMSP',
      })),
    });
  });

  it('re-opens a dropped stream right after the last notice it handed out', async () => {
    const shipper = await connect('ShipperMSP');
    const shipmentId = newShipmentId();
    const first = await shipper.ledger.recordEvents([newEvent(shipmentId)]);
    const stream = await openShipmentEvents(shipper.connection, { startBlock: first.blockNumber, reconnectDelayMs: 50 });
    const notices = stream[Symbol.asyncIterator]();
    try {
      const before = await notices.next();
      expect(before.value?.transactionId).toBe(first.transactionId);

      await expect(devnet.dropEventStreams()).resolves.toBeGreaterThanOrEqual(1);
      const second = await shipper.ledger.recordEvents([newEvent(shipmentId, { eventTypeCode: 'RECE' })]);

      const after = await notices.next();
      expect(after.value?.transactionId).toBe(second.transactionId);
    } finally {
      stream.close();
      await notices.return();
    }
  });

  it('gives up after its re-open attempts with a retryable error, and close() ends a pending read quietly', async () => {
    const shipper = await connect('ShipperMSP');
    const committed = await shipper.ledger.recordEvents([newEvent(newShipmentId())]);
    await devnet.injectFaults({ refuseSeconds: 5 });
    try {
      const refused = await openShipmentEvents(shipper.connection, { startBlock: committed.blockNumber, reconnectAttempts: 2, reconnectDelayMs: 50 });
      const failure = refused[Symbol.asyncIterator]().next();
      await expect(failure).rejects.toBeInstanceOf(LedgerUnavailableError);
      await expect(failure).rejects.toMatchObject({ retry: 'new-transaction', operation: 'events', grpcCode: 14 });
    } finally {
      await devnet.clearFaults();
    }

    // Past the last block, a read waits for the next commit; close() must end it.
    const idle = await openShipmentEvents(shipper.connection, { startBlock: committed.blockNumber + 1000n });
    const pending = idle[Symbol.asyncIterator]().next();
    setTimeout(() => idle.close(), 200);
    await expect(pending).resolves.toEqual({ done: true, value: undefined });
  });

  it('resumes after a devnet restart from the saved checkpoint, without repeating handled events', async () => {
    const checkpointPath = join(checkpointDir, 'resume.json');
    const carrier = await connect('CarrierMSP');
    const shipmentId = newShipmentId();
    const leg = (code: 'DEPA' | 'ARRI', at: string): ReturnType<typeof newEvent> =>
      newEvent(shipmentId, { eventType: 'TRANSPORT', eventTypeCode: code, documentTypeCode: undefined, eventDateTime: at });

    const before = [leg('DEPA', '2026-11-25T06:00:00Z'), leg('ARRI', '2026-11-25T18:00:00Z')];
    const committedBefore = [];
    for (const event of before) committedBefore.push(await carrier.ledger.recordEvents([event]));

    // Handle (and checkpoint) only the first of the two, then "crash".
    const handled = await takeNotices(carrier.connection, checkpointPath, 1, committedBefore[0]?.blockNumber);
    expect(handled.map((n) => n.payload.recorded)).toEqual([[before[0]?.eventId]]);
    carrier.close();

    devnet = await devnet.restart();
    const restarted = await connect('CarrierMSP');
    const after = leg('DEPA', '2026-11-26T06:00:00Z');
    const committedAfter = await restarted.ledger.recordEvents([after]);

    // No startBlock: the checkpoint file alone says where to go on.
    const resumed = await takeNotices(restarted.connection, checkpointPath, 2);
    expect(resumed.map((n) => n.transactionId)).toEqual([committedBefore[1]?.transactionId, committedAfter.transactionId]);
    expect(resumed.map((n) => n.payload.recorded)).toEqual([[before[1]?.eventId], [after.eventId]]);
    await expect(fileCheckpointer(checkpointPath).load()).resolves.toEqual({
      blockNumber: committedAfter.blockNumber,
      transactionId: committedAfter.transactionId,
    });
  });
});
