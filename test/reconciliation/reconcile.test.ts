import { createHash, randomUUID } from 'node:crypto';
import cds from '@sap/cds';
import { Queue } from 'bullmq';
import { startSapSimulator, type SapSimulator } from '../../sap-simulator';
import { connectAs, Devnet, newEvent, type OrgClient } from '../ledger/support';
import { applyEnv, ledgerEnv } from '../support/ledger-env';
import { waitFor } from '../support/wait';
import { createReconciliationIndexes } from '../../srv/reconciliation/indexes';
import { deliveryIdoc, matchingDelivery, rows, shipmentIdOf, startLadingWithUrl, type Row } from './support';

/**
 * Reconciliation end to end: SAP's deliveries in the SAP simulator's delivery API, shipments posted
 * as IDocs through Lading onto devnet, events written directly by another organisation, and
 * database rows changed behind Lading's back — one shipment per kind of difference. Each is found,
 * repaired or reported as specified, and running again changes nothing.
 */

jest.setTimeout(180_000);

const D = {
  match: '0080100001', fieldMismatch: '0080100002', notInSap: '0080100003', failedOutbox: '0080100004', statusChanged: '0080100005',
  payloadEdited: '0080100006', eventHashEdited: '0080100007', confirmedNotOnLedger: '0080100008', ledgerOnly: '0080100009',
  sapOnly: '0080100010', refusedBySap: '0080100011', eventLost: '0080100012',
} as const;

let devnet: Devnet;
let sap: SapSimulator;
let carrier: OrgClient;
let restoreEnv: () => void = () => undefined;
let queuePrefix = '';

beforeAll(async () => {
  devnet = await Devnet.start();
  sap = await startSapSimulator({ port: 0, users: { LADING: 'lading' } });
  const env = ledgerEnv(devnet);
  queuePrefix = env.QUEUE_PREFIX as string;
  restoreEnv = applyEnv({
    ...env,
    LEDGER_REDRIVE_AFTER_MS: '1000',
    destinations: JSON.stringify([{ name: 'SAP_ERP', url: sap.url, username: 'LADING', password: 'lading' }]),
  });
  carrier = await connectAs(devnet, 'CarrierMSP');
}, 120_000);

const lading = startLadingWithUrl();

afterAll(async () => {
  carrier?.close();
  await devnet?.dispose();
  await sap?.stop();
  restoreEnv();
});

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

async function post(deliveryNumber: string, docnum: string): Promise<string> {
  const answer = await lading.postIdoc(deliveryIdoc(deliveryNumber, docnum));
  expect(answer.status).toBe(200);
  const idocId = answer.data.idocs?.[0]?.id as string;
  await waitFor(`IDoc of ${deliveryNumber} on the ledger`, async () => {
    const [outbox] = await rows('lading.Outbox', { idoc_ID: idocId });
    return outbox?.state === 'confirmed' ? outbox : undefined;
  });
  return idocId;
}

/** A shipment Lading stored but whose ledger work is not done: outbox `state`, one booking event. */
async function seedUnrecorded(deliveryNumber: string, state: 'failed' | 'confirmed'): Promise<{ idocId: string; eventId: string }> {
  const shipmentId = shipmentIdOf(deliveryNumber);
  const idocId = randomUUID();
  const payload = `<DELVRY07><IDOC><E1EDL20><VBELN>${deliveryNumber}</VBELN></E1EDL20></IDOC></DELVRY07>`;
  const event = newEvent(shipmentId, { payloadHash: sha256(payload) });
  await INSERT.into('lading.Shipments').entries({
    ID: shipmentId, deliveryNumber, senderPartner: 'S4HCLNT100', shippingPoint: '1010', salesOrganization: '1010', deliveryType: 'LF',
    grossWeight: 1250, netWeight: 1100, weightUnit: 'KGM', status: state === 'confirmed' ? 'TRANSPORT_PLANNED' : 'ANNOUNCED',
  });
  await INSERT.into('lading.InboundIdocs').entries({
    ID: idocId, acceptedKey: `S4HCLNT100/${deliveryNumber}`, senderPartner: 'S4HCLNT100', docnum: `00000000${deliveryNumber.slice(2)}`, idocType: 'DELVRY07',
    messageType: 'DESADV', payload, payloadHash: sha256(payload), status: state === 'failed' ? '51' : '53', shipment_ID: shipmentId,
  });
  await INSERT.into('lading.ShipmentEvents').entries({
    eventId: event.eventId, shipment_ID: shipmentId, eventType: event.eventType, eventClassifierCode: event.eventClassifierCode,
    eventTypeCode: event.eventTypeCode, eventDateTime: event.eventDateTime, documentTypeCode: event.documentTypeCode, payloadHash: event.payloadHash,
    sourceIdoc_ID: idocId, ...(state === 'confirmed' ? { ledgerTxId: 'f'.repeat(64), ledgerBlock: 1, recordedBy: 'ShipperMSP' } : {}),
  });
  await INSERT.into('lading.Outbox').entries({ idoc_ID: idocId, shipmentId, topic: 'ledger', state, ...(state === 'confirmed' ? { confirmedAt: new Date().toISOString() } : {}) });
  return { idocId, eventId: event.eventId };
}

interface RunRow { ID: string; status: string; mode: string; done: number; total: number; matched: number; discrepancies: number; opened: number; repaired: number; resolved: number; message: string }

async function runAndWait(mode: 'full' | 'incremental'): Promise<RunRow> {
  const started = await lading.post<RunRow>('startRun', { mode });
  expect(started.status).toBe(200);
  expect(started.data).toMatchObject({ mode, status: 'queued' });
  return waitFor(`run ${started.data.ID}`, async () => {
    const run = await lading.get<RunRow>(`ReconciliationRuns(${started.data.ID})`);
    return run.data.status === 'finished' || run.data.status === 'failed' ? run.data : undefined;
  }, 120_000, 200);
}

async function discrepancies(): Promise<Row[]> {
  return (await SELECT.from('lading.Discrepancies').orderBy('shipmentId', 'kind', 'field')) as Row[];
}

function findingOf(all: Row[], deliveryNumber: string): Row[] {
  return all.filter((row) => row.shipmentId === shipmentIdOf(deliveryNumber));
}

const seeded: Record<string, string> = {};
let firstRun: RunRow;
let secondRun: RunRow;
let afterFirst: Row[];
let afterSecond: Row[];
let trailAfterFirst: number;
let trailAfterSecond: number;

describe('a full run over every kind of difference', () => {
  beforeAll(async () => {
    sap.seedDeliveries([
      matchingDelivery(D.match), matchingDelivery(D.fieldMismatch, { ShippingPoint: '2020' }), matchingDelivery(D.failedOutbox),
      matchingDelivery(D.statusChanged), matchingDelivery(D.payloadEdited), matchingDelivery(D.eventHashEdited),
      matchingDelivery(D.confirmedNotOnLedger), matchingDelivery(D.sapOnly), matchingDelivery(D.refusedBySap), matchingDelivery(D.eventLost),
    ]);
    let docnum = 7_100_000;
    for (const delivery of [D.match, D.fieldMismatch, D.notInSap, D.statusChanged, D.payloadEdited, D.eventHashEdited, D.refusedBySap, D.eventLost]) {
      seeded[delivery] = await post(delivery, String(++docnum).padStart(16, '0'));
    }
    const failed = await seedUnrecorded(D.failedOutbox, 'failed');
    seeded[D.failedOutbox] = failed.idocId;
    seeded[D.confirmedNotOnLedger] = (await seedUnrecorded(D.confirmedNotOnLedger, 'confirmed')).idocId;

    // Another organisation writes directly: a shipment Lading never received, and an event the listener takes in.
    await carrier.ledger.recordEvents([newEvent(shipmentIdOf(D.ledgerOnly), { eventType: 'TRANSPORT', eventTypeCode: 'DEPA', documentTypeCode: undefined })]);
    const lost = newEvent(shipmentIdOf(D.eventLost), { eventType: 'TRANSPORT', eventTypeCode: 'DEPA', documentTypeCode: undefined, eventDateTime: '2026-11-26T08:00:00Z' });
    await carrier.ledger.recordEvents([lost]);
    await waitFor('the carrier\'s event in Lading', async () => (await rows('lading.ShipmentEvents', { eventId: lost.eventId }))[0]);
    seeded.lostEvent = lost.eventId;

    // Behind Lading's back: a status, a stored IDoc, an event's hash; an IDoc SAP refused.
    await UPDATE('lading.Shipments').set({ status: 'ARRIVED' }).where({ ID: shipmentIdOf(D.statusChanged) });
    const [edited] = await rows('lading.InboundIdocs', { ID: seeded[D.payloadEdited] });
    await UPDATE('lading.InboundIdocs').set({ payload: `${String(edited?.payload)}<!-- edited -->` }).where({ ID: seeded[D.payloadEdited] });
    const [hashEdited] = (await SELECT.from('lading.ShipmentEvents').where({ shipment_ID: shipmentIdOf(D.eventHashEdited) }).orderBy('eventId').limit(1)) as Row[];
    seeded.hashEditedEvent = hashEdited?.eventId as string;
    await UPDATE('lading.ShipmentEvents').set({ payloadHash: '0'.repeat(64) }).where({ eventId: seeded.hashEditedEvent });
    await DELETE.from('lading.ShipmentEvents').where({ eventId: lost.eventId });
    const aleaud = await waitFor('an acknowledgement for SAP', async () => ((await SELECT.from('lading.OutboundIdocs').where({ messageType: 'ALEAUD' }).limit(1)) as Row[])[0]);
    seeded.refusedDocnum = '0000000099990011';
    seeded.refusedId = randomUUID();
    await INSERT.into('lading.OutboundIdocs').entries({
      ID: seeded.refusedId, docnum: seeded.refusedDocnum, idocType: 'ALEAUD01', messageType: 'ALEAUD', purpose: 'transport', shipment_ID: shipmentIdOf(D.refusedBySap),
      payload: String(aleaud?.payload).replace(String(aleaud?.docnum), seeded.refusedDocnum), status: '02', statusText: 'SAP refused it (HTTP 400)',
    });

    firstRun = await runAndWait('full');
    afterFirst = await discrepancies();
    trailAfterFirst = (await rows('lading.DiscrepancyEvents')).length;
    secondRun = await runAndWait('full');
    afterSecond = await discrepancies();
    trailAfterSecond = (await rows('lading.DiscrepancyEvents')).length;
  }, 170_000);

  it('finishes and counts every shipment any side knows', () => {
    expect(firstRun).toMatchObject({ status: 'finished', mode: 'full', done: 12, total: 12, matched: 1 });
    expect(firstRun.message).toMatch(/^full: 12 shipments, 1 matched/);
  });

  it('finds a shipment where all three agree a match', () => {
    expect(findingOf(afterFirst, D.match)).toEqual([]);
  });

  it('reports a field SAP and Lading disagree on, with both values', () => {
    expect(findingOf(afterFirst, D.fieldMismatch)).toEqual([expect.objectContaining({ kind: 'fieldMismatch', field: 'shippingPoint', erpValue: '2020', receivedValue: '1010', status: 'open', repairable: false })]);
  });

  it('reports a delivery SAP does not know as missing in the ERP', () => {
    expect(findingOf(afterFirst, D.notInSap)).toEqual([expect.objectContaining({ kind: 'missingInErp', field: 'delivery', status: 'open' })]);
  });

  it('reports a shipment only another organisation wrote on the ledger as missing in the ERP', () => {
    expect(findingOf(afterFirst, D.ledgerOnly)).toEqual([expect.objectContaining({ kind: 'missingInErp', field: 'shipment', status: 'open' })]);
  });

  it('reports a ledger event Lading lost as missing in the ERP, naming it', () => {
    expect(findingOf(afterFirst, D.eventLost)).toEqual([expect.objectContaining({ kind: 'missingInErp', field: 'events', ledgerValue: seeded.lostEvent, status: 'open' })]);
  });

  it('reports a delivery only SAP has as missing on the ledger, not repairable', () => {
    expect(findingOf(afterFirst, D.sapOnly)).toEqual([expect.objectContaining({ kind: 'missingOnLedger', field: 'shipment', erpValue: D.sapOnly, status: 'open', repairable: false })]);
  });

  it('reports a status changed behind Lading\'s back, with both values', () => {
    expect(findingOf(afterFirst, D.statusChanged)).toEqual([expect.objectContaining({ kind: 'statusMismatch', field: 'status', receivedValue: 'ARRIVED', status: 'open' })]);
  });

  it('reports an edited IDoc payload as tampering: its hash no longer matches the ledger\'s', () => {
    const [finding] = findingOf(afterFirst, D.payloadEdited);
    expect(finding).toMatchObject({ kind: 'payloadHashMismatch', field: `idocPayload:${seeded[D.payloadEdited]}`, status: 'open' });
    expect(finding?.receivedValue).not.toBe(finding?.ledgerValue);
    expect(findingOf(afterFirst, D.payloadEdited)).toHaveLength(1);
  });

  it('reports an event whose hash in Lading differs from the ledger\'s', () => {
    expect(findingOf(afterFirst, D.eventHashEdited)).toEqual([expect.objectContaining({
      kind: 'payloadHashMismatch', field: `payloadHash:${seeded.hashEditedEvent}`, receivedValue: '0'.repeat(64), status: 'open',
    })]);
  });

  it('repairs events missing on the ledger by re-driving their outbox rows (dead-lettered or wrongly confirmed)', async () => {
    expect(findingOf(afterFirst, D.failedOutbox)).toEqual([expect.objectContaining({ kind: 'missingOnLedger', field: 'shipment', status: 'repaired', repairable: true })]);
    expect(findingOf(afterFirst, D.confirmedNotOnLedger)).toEqual([expect.objectContaining({ kind: 'missingOnLedger', field: 'shipment', status: 'repaired', repairable: true })]);
    for (const delivery of [D.failedOutbox, D.confirmedNotOnLedger]) {
      const confirmed = await waitFor(`re-driven ${delivery} on the ledger`, async () => {
        const [outbox] = await rows('lading.Outbox', { idoc_ID: seeded[delivery] });
        return outbox?.state === 'confirmed' && Number(outbox.redriveCount) === 1 ? outbox : undefined;
      });
      expect(confirmed.ledgerTxId).toMatch(/^[0-9a-f]{64}$/);
      const head = await carrier.ledger.getShipment(shipmentIdOf(delivery));
      expect(head.version).toBe(1);
    }
  });

  it('re-sends an IDoc SAP refused, and SAP gets it', async () => {
    expect(findingOf(afterFirst, D.refusedBySap)).toEqual([expect.objectContaining({ kind: 'missingInErp', field: 'outboundIdocs', status: 'repaired', repairable: true })]);
    await waitFor('the re-sent IDoc at SAP', () => sap.received({ messageType: 'ALEAUD' }).find((idoc) => idoc.docnum === seeded.refusedDocnum));
    const [row] = await rows('lading.OutboundIdocs', { ID: seeded.refusedId });
    expect(row?.status).toBe('03');
  });

  it('keeps an audit trail: found, then repaired, by the run', async () => {
    const [repaired] = findingOf(afterFirst, D.failedOutbox);
    const trail = (await SELECT.from('lading.DiscrepancyEvents').where({ discrepancy_ID: repaired?.ID }).orderBy('createdAt')) as Row[];
    expect(trail.map((entry) => [entry.action, entry.fromStatus, entry.toStatus])).toEqual([['found', null, 'open'], ['repaired', 'open', 'repaired']]);
    expect(trail[1]?.comment).toContain(String(seeded[D.failedOutbox]));
    expect(trail[0]?.run_ID).toBe(firstRun.ID);
  });

  it('a second run finds the same, repairs nothing again and changes no discrepancy', () => {
    expect(secondRun).toMatchObject({ status: 'finished', opened: 0, repaired: 0, resolved: 0 });
    expect(afterSecond).toEqual(afterFirst);
    expect(trailAfterSecond).toBe(trailAfterFirst);
  });

  it('reports progress on the BullMQ job', async () => {
    const queue = new Queue('reconcile', { connection: { host: '127.0.0.1', port: 6379 }, prefix: queuePrefix });
    try {
      const job = await queue.getJob(`run-${firstRun.ID}`);
      expect(job?.progress).toEqual({ runId: firstRun.ID, done: 12, total: 12 });
    } finally {
      await queue.close();
    }
  });
});

describe('operators and finance over OData', () => {
  it('an operator acknowledges an open discrepancy with a comment; it stays acknowledged in later runs', async () => {
    const [open] = findingOf(await discrepancies(), D.fieldMismatch);
    const answer = await lading.post<Row>(`Discrepancies(${open?.ID})/ReconciliationService.acknowledge`, { comment: 'SAP moved the shipping point after goods issue' });
    expect(answer.status).toBe(200);
    expect(answer.data).toMatchObject({ status: 'acknowledged', comment: 'SAP moved the shipping point after goods issue', changedBy: 'operator' });
    const trail = (await SELECT.from('lading.DiscrepancyEvents').where({ discrepancy_ID: open?.ID, action: 'acknowledged' })) as Row[];
    expect(trail).toEqual([expect.objectContaining({ fromStatus: 'open', toStatus: 'acknowledged', actor: 'operator', comment: 'SAP moved the shipping point after goods issue' })]);
    await runAndWait('full');
    const [after] = findingOf(await discrepancies(), D.fieldMismatch);
    expect(after?.status).toBe('acknowledged');
  });

  it('refuses an acknowledgement without comment (400), of an unknown one (404), of one not open (409)', async () => {
    const [repaired] = findingOf(await discrepancies(), D.failedOutbox);
    const [open] = findingOf(await discrepancies(), D.notInSap);
    expect((await lading.post(`Discrepancies(${open?.ID})/ReconciliationService.acknowledge`, { comment: '  ' })).status).toBe(400);
    expect((await lading.post(`Discrepancies(${randomUUID()})/ReconciliationService.acknowledge`, { comment: 'x' })).status).toBe(404);
    const notOpen = await lading.post<{ error: { message: string } }>(`Discrepancies(${repaired?.ID})/ReconciliationService.acknowledge`, { comment: 'x' });
    expect(notOpen.status).toBe(409);
    expect(notOpen.data.error.message).toContain('repaired');
  });

  it('finance reads discrepancies and their trail, but neither runs nor acknowledges; others see nothing', async () => {
    expect((await lading.get('Discrepancies', 'finance')).data.value.length).toBeGreaterThan(5);
    expect((await lading.get('DiscrepancyEvents', 'finance')).status).toBe(200);
    expect((await lading.get('ReconciliationRuns', 'finance')).status).toBe(403);
    expect((await lading.post('startRun', { mode: 'full' }, 'finance')).status).toBe(403);
    const [open] = findingOf(await discrepancies(), D.notInSap);
    expect((await lading.post(`Discrepancies(${open?.ID})/ReconciliationService.acknowledge`, { comment: 'x' }, 'finance')).status).toBe(403);
    expect((await lading.get('Discrepancies', 'erp')).status).toBe(403);
  });

  it('refuses an unknown mode (400) and a second run while one is waiting (409)', async () => {
    expect((await lading.post('startRun', { mode: 'everything' })).status).toBe(400);
    const queue = new Queue('reconcile', { connection: { host: '127.0.0.1', port: 6379 }, prefix: queuePrefix });
    try {
      await queue.pause();
      const first = await lading.post<RunRow>('startRun', { mode: 'incremental' });
      expect(first.status).toBe(200);
      const second = await lading.post<{ error: { message: string } }>('startRun', { mode: 'full' });
      expect(second.status).toBe(409);
      expect(second.data.error.message).toContain(first.data.ID);
      await queue.resume();
      await waitFor('the waiting run', async () => ((await lading.get<RunRow>(`ReconciliationRuns(${first.data.ID})`)).data.status === 'finished' ? true : undefined), 60_000);
    } finally {
      await queue.resume();
      await queue.close();
    }
  });
});

describe('incremental runs', () => {
  it('compare only what changed since the last run, and find the change', async () => {
    const full = await runAndWait('full');
    await UPDATE('lading.Shipments').set({ status: 'DISCHARGED' }).where({ ID: shipmentIdOf(D.match) });
    const incremental = await runAndWait('incremental');
    expect(incremental).toMatchObject({ status: 'finished', mode: 'incremental', opened: 1 });
    expect(incremental.total).toBeLessThan(full.total);
    expect(findingOf(await discrepancies(), D.match)).toEqual([expect.objectContaining({ kind: 'statusMismatch', field: 'status', receivedValue: 'DISCHARGED', status: 'open' })]);
  });

  it('finds changed shipments from an index holding their ids, and drops the index it replaces', async () => {
    const sqlite = (cds.db as unknown as { kind?: string }).kind === 'sqlite';
    await UPDATE('lading.Shipments').set({ status: 'DISCHARGED' }).where({ ID: shipmentIdOf(D.fieldMismatch) });
    const run = await runAndWait('incremental');
    expect(run).toMatchObject({ status: 'finished', mode: 'incremental' });
    expect(findingOf(await discrepancies(), D.fieldMismatch)).toContainEqual(expect.objectContaining({ kind: 'statusMismatch', receivedValue: 'DISCHARGED' }));
    // The index as an earlier version left it, dropped by what the first run of a process does.
    await cds.run('CREATE INDEX IF NOT EXISTS lading_reconcile_shipments_modified ON lading_Shipments (modifiedAt)');
    await createReconciliationIndexes();
    const found = sqlite
      ? await cds.run("SELECT name, sql AS definition FROM sqlite_master WHERE type = 'index' AND name LIKE 'lading_reconcile_shipments_modified%'") as Array<{ name: string; definition: string }>
      : await cds.run("SELECT indexname AS name, indexdef AS definition FROM pg_indexes WHERE schemaname = current_schema() AND indexname LIKE 'lading_reconcile_shipments_modified%'") as Array<{ name: string; definition: string }>;
    expect(found).toEqual([{ name: 'lading_reconcile_shipments_modified_id', definition: expect.stringMatching(/\(modifiedat, id\)/i) }]);
  });

  it('resolves an open discrepancy a later run finds matching', async () => {
    const [before] = findingOf(await discrepancies(), D.match);
    await UPDATE('lading.Shipments').set({ status: before?.ledgerValue }).where({ ID: shipmentIdOf(D.match) });
    const run = await runAndWait('incremental');
    expect(run.resolved).toBe(1);
    expect(findingOf(await discrepancies(), D.match)).toEqual([expect.objectContaining({ status: 'resolved' })]);
  });
});
