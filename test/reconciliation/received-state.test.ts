import { createHash } from 'node:crypto';
import cds from '@sap/cds';
import { DiscrepancyRecorder } from '../../srv/reconciliation/discrepancies';
import { receivedPages, receivedShipmentsOf } from '../../srv/reconciliation/received-state';
import type { Finding, ReceivedShipment } from '../../srv/reconciliation/state';
import { startLading } from '../support/lading';

/**
 * srv/reconciliation/received-state.ts reads SQLite as plain SQL (ids bound as one JSON array, a
 * page's events and outbound IDocs by index range) and every other database through CAP's queries.
 * Whatever the path, the shipments must come out the same: paged in id order, each with its events
 * (ordered by event id, with outbox state and the hash of the IDoc as stored), its refused and
 * waiting outbound IDocs (by DOCNUM), decimals and empty columns as CAP returns them, and nothing of
 * a shipment Lading does not have (an orphan event inside a page's id range). The same file runs on
 * PostgreSQL (received-state-postgres.test.ts), where both paths are CAP's.
 */

startLading();

const P = `RS${process.pid}`;
const id = (n: string): string => `${P}/${n}`;
const sha256Hex = (text: string): string => createHash('sha256').update(text).digest('hex');
const IDOC = { a: cds.utils.uuid(), b: cds.utils.uuid(), noPayload: cds.utils.uuid() };
const PAYLOAD = { a: '<DELVRY07><E1EDL20><VBELN>1</VBELN></E1EDL20></DELVRY07>', b: '<SHPMNT05>Ä «B» 通关</SHPMNT05>' };

beforeAll(async () => {
  await INSERT.into('lading.Shipments').entries([
    { ID: id('001'), deliveryNumber: '0080000001', shippingPoint: '1010', salesOrganization: '1010', deliveryType: 'LF', grossWeight: '1250.5', netWeight: 1100, weightUnit: 'KGM', status: 'DEPARTED' },
    { ID: id('002'), shippingPoint: '', status: null },
    { ID: id('003'), deliveryNumber: '0080000003', grossWeight: '0.125', weightUnit: 'TO', status: 'TRANSPORT_PLANNED' },
    { ID: id('004'), deliveryNumber: '0080000004', status: 'POD_SIGNED' },
    { ID: id('005'), deliveryNumber: '0080000005' },
  ]);
  await INSERT.into('lading.InboundIdocs').entries([
    { ID: IDOC.a, acceptedKey: `${P}-a`, docnum: `${P}a`, payload: PAYLOAD.a, payloadHash: sha256Hex(PAYLOAD.a), status: '53', shipment_ID: id('001') },
    { ID: IDOC.b, acceptedKey: `${P}-b`, docnum: `${P}b`, payload: PAYLOAD.b, payloadHash: sha256Hex('before an edit'), status: '53', shipment_ID: id('003') },
    { ID: IDOC.noPayload, acceptedKey: `${P}-n`, docnum: `${P}n`, status: '53', shipment_ID: id('003') },
  ]);
  await INSERT.into('lading.ShipmentEvents').entries([
    { eventId: `${P}-e2`, shipment_ID: id('001'), payloadHash: sha256Hex(PAYLOAD.a), sourceIdoc_ID: IDOC.a, recordedBy: 'ShipperMSP', ledgerTxId: 'tx-2', ledgerBlock: 2 },
    { eventId: `${P}-e1`, shipment_ID: id('001'), payloadHash: sha256Hex(PAYLOAD.a), sourceIdoc_ID: IDOC.a, recordedBy: 'ShipperMSP', ledgerTxId: 'tx-1', ledgerBlock: 1 },
    // Of a shipment Lading has no row for, inside the id range of a page: left out.
    { eventId: `${P}-orphan`, shipment_ID: id('0025'), payloadHash: 'f'.repeat(64) },
    { eventId: `${P}-e3`, shipment_ID: id('003'), payloadHash: sha256Hex('before an edit'), sourceIdoc_ID: IDOC.b },
    { eventId: `${P}-e4`, shipment_ID: id('003'), sourceIdoc_ID: IDOC.noPayload, recordedBy: '' },
    { eventId: `${P}-e5`, shipment_ID: id('003'), recordedBy: 'CarrierMSP', ledgerTxId: 'tx-5' },
  ]);
  await INSERT.into('lading.Outbox').entries([
    { idoc_ID: IDOC.a, shipmentId: id('001'), topic: 'ledger', state: 'confirmed' },
    { idoc_ID: IDOC.b, shipmentId: id('003'), topic: 'ledger', state: 'failed' },
  ]);
  await INSERT.into('lading.OutboundIdocs').entries([
    { docnum: `${P}9`, shipment_ID: id('004'), status: '30' },
    { docnum: `${P}1`, shipment_ID: id('004'), status: '02' },
    { docnum: `${P}5`, shipment_ID: id('004'), status: '03' },
    { docnum: `${P}7`, shipment_ID: id('005'), status: '02' },
  ]);
});

async function all(pageSize: number, plainSql: boolean): Promise<ReceivedShipment[][]> {
  const pages: ReceivedShipment[][] = [];
  for await (const page of receivedPages(pageSize, { plainSql })) pages.push(page.filter((shipment) => shipment.shipmentId.startsWith(`${P}/`)));
  return pages.filter((page) => page.length > 0);
}

describe('received state', () => {
  it('pages every shipment in id order with its events, outbox state, stored payload hash and unsent IDocs', async () => {
    const pages = await all(2, true);
    expect(pages.flat().map((shipment) => shipment.shipmentId)).toEqual(['001', '002', '003', '004', '005'].map(id));
    const [first, second, third, fourth, fifth] = pages.flat() as ReceivedShipment[];
    expect(first).toEqual({
      shipmentId: id('001'), deliveryNumber: '0080000001', shippingPoint: '1010', salesOrganization: '1010', deliveryType: 'LF',
      grossWeight: expect.stringMatching(/^1250\.50*$/), netWeight: expect.stringMatching(/^1100(\.0+)?$/), weightUnit: 'KGM', status: 'DEPARTED',
      events: ['e1', 'e2'].map((name) => ({
        eventId: `${P}-${name}`, settled: true, payloadHash: sha256Hex(PAYLOAD.a), recordedBy: 'ShipperMSP', sourceIdocId: IDOC.a, outboxState: 'confirmed', storedPayloadHash: sha256Hex(PAYLOAD.a),
      })),
      outbound: [],
    });
    expect(second).toEqual({ shipmentId: id('002'), events: [], outbound: [] });
    expect(third?.events).toEqual([
      { eventId: `${P}-e3`, settled: false, payloadHash: sha256Hex('before an edit'), sourceIdocId: IDOC.b, outboxState: 'failed', storedPayloadHash: sha256Hex(PAYLOAD.b) },
      { eventId: `${P}-e4`, settled: false, sourceIdocId: IDOC.noPayload },
      { eventId: `${P}-e5`, settled: true, recordedBy: 'CarrierMSP' },
    ]);
    expect(fourth?.outbound.map((idoc) => [idoc.docnum, idoc.status])).toEqual([[`${P}1`, '02'], [`${P}9`, '30']]);
    expect(fifth?.outbound.map((idoc) => idoc.docnum)).toEqual([`${P}7`]);
  });

  it.each([1, 2, 3, 500])('plain SQL and CAP queries read the same, in pages of %i', async (pageSize) => {
    expect(await all(pageSize, true)).toEqual(await all(pageSize, false));
  });

  it('reads shipments by id the same way on both paths, leaving out those Lading does not have', async () => {
    const ids = ['005', '003', '0025', '001', '999'].map(id);
    const plain = await receivedShipmentsOf(ids, { plainSql: true });
    expect([...plain.keys()].sort()).toEqual(['001', '003', '005'].map(id));
    expect(plain).toEqual(await receivedShipmentsOf(ids, { plainSql: false }));
    expect(await receivedShipmentsOf([])).toEqual(new Map());
  });
});

describe('DiscrepancyRecorder', () => {
  const finding = (shipment: string, field: string, receivedValue: string): Finding => ({ shipmentId: id(shipment), kind: 'statusMismatch', field, receivedValue, ledgerValue: 'ANNOUNCED' });
  const stored = async (): Promise<Record<string, unknown>[]> => (await SELECT.from('lading.Discrepancies').columns('shipmentId', 'field', 'status', 'receivedValue', 'repairable', 'firstRun_ID')
    .where({ shipmentId: { like: `${P}/%` } }).orderBy('shipmentId', 'field')) as Record<string, unknown>[];
  const trail = async (run: string): Promise<unknown[][]> => ((await SELECT.from('lading.DiscrepancyEvents').columns('discrepancy_ID', 'action', 'fromStatus', 'toStatus', 'actor').where({ run_ID: run })) as Record<string, unknown>[])
    .map((row) => [row.action, row.fromStatus, row.toStatus, row.actor]).sort((a, b) => String(a).localeCompare(String(b)));

  it('inserts new findings together, keeps unchanged ones, updates changed ones and resolves the rest in one go, with their trail', async () => {
    const runs = [cds.utils.uuid(), cds.utils.uuid()];
    const ids = ['001', '002', '003'].map(id);
    const first = await cds.tx(() => new DiscrepancyRecorder(runs[0] as string, {}).record(ids, [
      finding('001', 'status', 'DEPARTED'), finding('001', 'status', 'DEPARTED'), finding('002', 'status', 'ARRIVED'), finding('003', 'status', 'ARRIVED'),
    ]));
    expect(first).toEqual({ opened: 3, repaired: 0, resolved: 0 });
    expect(await stored()).toEqual([
      { shipmentId: id('001'), field: 'status', status: 'open', receivedValue: 'DEPARTED', repairable: false, firstRun_ID: runs[0] },
      { shipmentId: id('002'), field: 'status', status: 'open', receivedValue: 'ARRIVED', repairable: false, firstRun_ID: runs[0] },
      { shipmentId: id('003'), field: 'status', status: 'open', receivedValue: 'ARRIVED', repairable: false, firstRun_ID: runs[0] },
    ]);
    const actor0 = `reconciliation run ${runs[0]}`;
    expect(await trail(runs[0] as string)).toEqual([['found', null, 'open', actor0], ['found', null, 'open', actor0], ['found', null, 'open', actor0]]);

    const second = await cds.tx(() => new DiscrepancyRecorder(runs[1] as string, {}).record(ids, [finding('001', 'status', 'DEPARTED'), finding('002', 'status', 'DELIVERED')]));
    expect(second).toEqual({ opened: 0, repaired: 0, resolved: 1 });
    expect((await stored()).map((row) => [row.shipmentId, row.status, row.receivedValue])).toEqual([
      [id('001'), 'open', 'DEPARTED'], [id('002'), 'open', 'DELIVERED'], [id('003'), 'resolved', 'ARRIVED'],
    ]);
    const actor1 = `reconciliation run ${runs[1]}`;
    expect(await trail(runs[1] as string)).toEqual([['changed', 'open', 'open', actor1], ['resolved', 'open', 'resolved', actor1]]);
  });
});
