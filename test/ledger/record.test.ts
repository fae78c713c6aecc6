/**
 * Recording and reading shipment events through the connector, against devnet and the real
 * chaincode: submit + evaluate, idempotent re-recording, conflicting content, history, paging.
 */
import { ContractRejectedError, LedgerError } from '../../connectors/fabric';
import { Devnet, connectAs, newEvent, newShipmentId, type OrgClient, failureOf } from './support';

jest.setTimeout(120_000);

let devnet: Devnet;
let shipper: OrgClient;

beforeAll(async () => {
  devnet = await Devnet.start();
  shipper = await connectAs(devnet, 'ShipperMSP');
});

afterAll(async () => {
  shipper?.close();
  await devnet?.dispose();
});

describe('ShipmentLedger against devnet', () => {
  it('records events and reads them back as shipment head and event records', async () => {
    const shipmentId = newShipmentId();
    const first = newEvent(shipmentId);
    const second = newEvent(shipmentId, { eventTypeCode: 'ISSU', documentTypeCode: 'TRD', eventDateTime: '2026-11-25T11:00:00+01:00' });

    const committed = await shipper.ledger.recordEvents([first, second]);

    expect(committed.result).toEqual({ recorded: [first.eventId, second.eventId], unchanged: [] });
    expect(committed.transactionId).toMatch(/^[0-9a-f]{64}$/);
    expect(committed.blockNumber).toBeGreaterThan(0n);

    const head = await shipper.ledger.getShipment(shipmentId);
    expect(head).toMatchObject({
      shipmentId,
      events: [first.eventId, second.eventId],
      version: 2,
      lastEventId: second.eventId,
      recordedBy: { [first.eventId]: 'ShipperMSP', [second.eventId]: 'ShipperMSP' },
      updatedTxId: committed.transactionId,
    });
    expect(head.status).toMatchObject({ eventId: first.eventId, eventTypeCode: 'CONF' });

    const record = await shipper.ledger.getEvent(second.eventId);
    expect(record).toMatchObject({ event: second, recordedBy: 'ShipperMSP', txId: committed.transactionId, sequence: 2 });
    expect(record.customsHash).toBeUndefined();
  });

  it('records a repeated submission of the same events once and reports them unchanged', async () => {
    const shipmentId = newShipmentId();
    const events = [newEvent(shipmentId), newEvent(shipmentId, { eventTypeCode: 'RECE' })];

    const first = await shipper.ledger.recordEvents(events);
    // Fields in another order are the same event: the chaincode compares canonical JSON.
    const reordered = events.map((event) => Object.fromEntries(Object.entries(event).reverse()) as typeof event);
    const second = await shipper.ledger.recordEvents(reordered);

    expect(first.result).toEqual({ recorded: events.map((e) => e.eventId), unchanged: [] });
    expect(second.result).toEqual({ recorded: [], unchanged: events.map((e) => e.eventId) });
    expect(second.transactionId).not.toBe(first.transactionId);
    const head = await shipper.ledger.getShipment(shipmentId);
    expect(head.events).toEqual(events.map((e) => e.eventId));
    expect(head.version).toBe(2);
  });

  it('rejects the same event id with different content as a never-retry contract error', async () => {
    const shipmentId = newShipmentId();
    const original = newEvent(shipmentId);
    await shipper.ledger.recordEvents([original]);
    const altered = { ...original, eventDateTime: '2026-11-26T08:00:00Z' };

    const error = await failureOf(() => shipper.ledger.recordEvents([altered]));

    expect(error).toBeInstanceOf(ContractRejectedError);
    expect(error).toMatchObject({
      retry: 'never',
      reason: 'conflict',
      operation: 'endorse',
      eventIds: [original.eventId],
      shipmentIds: [shipmentId],
    });
    expect((error as ContractRejectedError).transactionId).toMatch(/^[0-9a-f]{64}$/);
    expect((error as ContractRejectedError).chaincodeMessage).toContain(original.eventId);
    expect((await shipper.ledger.getEvent(original.eventId)).event).toEqual(original);
  });

  it('rejects invalid events before anything is written', async () => {
    const shipmentId = newShipmentId();
    const valid = newEvent(shipmentId);
    const invalid = newEvent(shipmentId, { payloadHash: 'not-a-hash' });

    const error = await failureOf(() => shipper.ledger.recordEvents([valid, invalid]));

    expect(error).toBeInstanceOf(ContractRejectedError);
    expect(error).toMatchObject({ retry: 'never', reason: 'invalid' });
    const missing = await failureOf(() => shipper.ledger.getShipment(shipmentId));
    expect(missing).toMatchObject({ retry: 'never', reason: 'not-found', operation: 'evaluate', shipmentIds: [shipmentId] });
  });

  it('reports an unknown shipment or event as not-found', async () => {
    const shipmentId = newShipmentId();
    const shipment = await failureOf(() => shipper.ledger.getShipment(shipmentId));
    const event = await failureOf(() => shipper.ledger.getEvent('EV-does-not-exist'));

    expect(shipment).toBeInstanceOf(ContractRejectedError);
    expect(shipment).toMatchObject({ reason: 'not-found', retry: 'never' });
    expect(event).toMatchObject({ reason: 'not-found', retry: 'never', eventIds: ['EV-does-not-exist'] });
    expect(event).toBeInstanceOf(LedgerError);
  });

  it('keeps the history of a shipment head, one version per recording transaction', async () => {
    const shipmentId = newShipmentId();
    const [a, b, c] = [newEvent(shipmentId), newEvent(shipmentId, { eventTypeCode: 'RECE' }), newEvent(shipmentId, { eventTypeCode: 'DRFT' })];
    const tx1 = await shipper.ledger.recordEvents([a]);
    const tx2 = await shipper.ledger.recordEvents([b, c]);
    await shipper.ledger.recordEvents([a]); // unchanged: writes nothing, so no new version

    const history = await shipper.ledger.getShipmentHistory(shipmentId);

    // Newest first, as Fabric 2.x returns key history.
    expect(history.map((entry) => entry.txId)).toEqual([tx2.transactionId, tx1.transactionId]);
    expect(history.map((entry) => entry.value?.events)).toEqual([[a.eventId, b.eventId, c.eventId], [a.eventId]]);
    for (const entry of history) expect(Number.isNaN(Date.parse(entry.timestamp))).toBe(false);
  });

  it('lists shipments page by page and as one async iteration', async () => {
    const ids = [newShipmentId(), newShipmentId(), newShipmentId()];
    await shipper.ledger.recordEvents(ids.map((id) => newEvent(id)));

    const firstPage = await shipper.ledger.listShipments(2);
    expect(firstPage.shipments.length).toBeLessThanOrEqual(2);
    expect(firstPage.bookmark).not.toBe('');

    const seen: string[] = [];
    for await (const head of shipper.ledger.allShipments(2)) seen.push(head.shipmentId);
    expect(seen).toEqual(expect.arrayContaining(ids));
    expect(new Set(seen).size).toBe(seen.length);
  });
});
