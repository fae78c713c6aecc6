import { spawn, type ChildProcess } from 'node:child_process';
import cds from '@sap/cds';
import Redis from 'ioredis';
import { freePort, redisAnswers } from '../../connectors/queue';
import { mapIdoc, readControlRecord, readIdocXml } from '../../mappings';
import { connectAs, Devnet, type OrgClient } from '../ledger/support';
import { applyEnv, ledgerEnv } from '../support/ledger-env';
import { fixture, startLading } from '../support/lading';
import { waitFor } from '../support/wait';

/**
 * The ERP → ledger pipeline end to end: IDocs over HTTP into Lading (in-process, its pipeline on),
 * a real Redis of the test's own (so FLUSHALL harms nobody), devnet in its own process, and the
 * ledger read back through the real gateway client as the shipper organisation.
 */

let devnet: Devnet;
let redisServer: ChildProcess;
let redisPort: number;
let shipper: OrgClient;
let restoreEnv: () => void = () => undefined;

beforeAll(async () => {
  devnet = await Devnet.start();
  redisPort = await freePort();
  redisServer = spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  for (let i = 0; i < 100 && !(await redisAnswers('127.0.0.1', redisPort)); i++) await new Promise((resolve) => setTimeout(resolve, 50));
  restoreEnv = applyEnv({ ...ledgerEnv(devnet, `redis://127.0.0.1:${redisPort}`), LEDGER_REDRIVE_AFTER_MS: '1500', LEDGER_PARTITIONS: '4' });
  shipper = await connectAs(devnet, 'ShipperMSP');
}, 120_000);

const lading = startLading();

afterAll(async () => {
  shipper?.close();
  await devnet?.dispose();
  redisServer?.kill('SIGTERM');
  restoreEnv();
});

interface IdocRow {
  ID: string;
  docnum: string;
  status: string;
  statusText: string;
}

interface EventRow {
  eventId: string;
  ledgerTxId: string | null;
  ledgerBlock: number | null;
}

async function idocsByDocnum(docnums: string[]): Promise<IdocRow[]> {
  const filter = docnums.map((docnum) => `docnum eq '${docnum}'`).join(' or ');
  const answer = await lading.odata<{ value: IdocRow[] }>(`InboundIdocs?$filter=${filter}&$select=ID,docnum,status,statusText`);
  return answer.data.value;
}

async function waitForStatus(docnums: string[], status: string, timeoutMs?: number): Promise<IdocRow[]> {
  return waitFor(`IDocs ${docnums.join(', ')} to reach status ${status}`, async () => {
    const rows = await idocsByDocnum(docnums);
    return rows.length === docnums.length && rows.every((row) => row.status === status) ? rows : undefined;
  }, timeoutMs);
}

async function eventsOf(shipmentId: string): Promise<EventRow[]> {
  const answer = await lading.odata<{ value: EventRow[] }>(`ShipmentEvents?$filter=shipment_ID eq '${shipmentId}'&$select=eventId,ledgerTxId,ledgerBlock`);
  return answer.data.value;
}

/** A copy of the 3-item DESADV under another delivery and IDoc number. */
function delivery(deliveryNumber: string, docnum: string): string {
  return fixture('delvry/delvry07-desadv-3-items.xml').replace(/0080004242/g, deliveryNumber).replace(/0000000001004242/g, docnum);
}

describe('ERP → ledger pipeline', () => {
  it('records every event of accepted IDocs on the ledger once and posts the IDocs (53)', async () => {
    const answer = await lading.postIdoc(fixture('delvry/packet-two-idocs.xml'));
    expect(answer.status).toBe(200);
    const posted = await waitForStatus(['0000000002000001', '0000000002000002'], '53');
    for (const idoc of posted) expect(idoc.statusText).toMatch(/^Posted on the ledger: block \d+, transaction [0-9a-f]{64}$/);

    for (const shipmentId of ['ERPCLNT200/0080010001', 'ERPCLNT200/0080010002']) {
      const head = await shipper.ledger.getShipment(shipmentId);
      const local = await eventsOf(shipmentId);
      expect([...head.events].sort()).toEqual(local.map((event) => event.eventId).sort());
      expect(local.every((event) => event.ledgerTxId !== null && event.ledgerBlock !== null)).toBe(true);
    }
    const recorded = await shipper.ledger.getEvent((await eventsOf('ERPCLNT200/0080010001'))[0]?.eventId as string);
    expect(recorded.recordedBy).toBe('ShipperMSP');
    expect(recorded.event.source).toEqual({ idocType: 'DELVRY05', docnum: expect.stringMatching(/^000000000200000[12]$/) });
  });

  it('finds events by IDoc and by shipment through indexes, not by scanning every event', async () => {
    const sqlite = (cds.db as unknown as { kind?: string }).kind === 'sqlite';
    const found = sqlite
      ? await cds.run("SELECT sql AS definition FROM sqlite_master WHERE type = 'index' AND name IN ('lading_events_idoc', 'lading_reconcile_events_shipment') ORDER BY name") as Array<{ definition: string }>
      : await cds.run("SELECT indexdef AS definition FROM pg_indexes WHERE schemaname = current_schema() AND indexname IN ('lading_events_idoc', 'lading_reconcile_events_shipment') ORDER BY indexname") as Array<{ definition: string }>;
    expect(found).toHaveLength(2);
    expect(found[0]?.definition).toMatch(/ON \S*lading_shipmentevents (USING btree )?\(sourceidoc_id\)/i);
    expect(found[1]?.definition).toMatch(/ON \S*lading_shipmentevents (USING btree )?\(shipment_id\)/i);
  });

  it('records nothing twice when SAP resends', async () => {
    const xml = delivery('0080020001', '0000000003000001');
    expect((await lading.postIdoc(xml)).status).toBe(200);
    await waitForStatus(['0000000003000001'], '53');
    const before = await devnet.transactionCounts();
    const again = await lading.postIdoc(xml);
    expect(again.data.idocs?.[0]?.outcome).toBe('duplicate');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await devnet.transactionCounts()).toEqual(before);
    const head = await shipper.ledger.getShipment('S4HCLNT100/0080020001');
    expect(head.events).toHaveLength(4);
  });

  it('gets through failed endorsements and MVCC conflicts with every event recorded once', async () => {
    await devnet.injectFaults({ failEndorsements: 2, mvccConflicts: 2 });
    const docnums = ['0000000004000001', '0000000004000002', '0000000004000003'];
    for (const [index, docnum] of docnums.entries()) {
      expect((await lading.postIdoc(delivery(`00800300${index}1`, docnum))).status).toBe(200);
    }
    await waitForStatus(docnums, '53', 60_000);
    for (const index of docnums.keys()) {
      const head = await shipper.ledger.getShipment(`S4HCLNT100/00800300${index}1`);
      expect(head.events).toHaveLength(4);
      expect(new Set(head.events).size).toBe(4);
    }
    await devnet.clearFaults();
  });

  it('re-drives from the database what Redis forgot', async () => {
    const redis = new Redis({ host: '127.0.0.1', port: redisPort, maxRetriesPerRequest: null });
    try {
      // Make the ledger refuse connections, so the IDoc is queued but not yet confirmed, then lose Redis.
      await devnet.injectFaults({ refuseSeconds: 2 });
      expect((await lading.postIdoc(delivery('0080040001', '0000000005000001'))).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 300));
      await redis.flushall();
      await waitForStatus(['0000000005000001'], '53', 60_000);
      const head = await shipper.ledger.getShipment('S4HCLNT100/0080040001');
      expect(head.events).toHaveLength(4);
    } finally {
      redis.disconnect();
      await devnet.clearFaults();
    }
  });

  it('dead-letters an IDoc the ledger refuses, with the reason, and keeps the others going', async () => {
    // Another party already recorded a different fact under the id Lading derives for this IDoc's receipt event.
    const xml = delivery('0080050001', '0000000006000001');
    const [idoc] = readIdocXml(xml).idocs;
    const mapped = mapIdoc(readControlRecord(idoc?.control), idoc?.segments ?? [], { payloadHash: 'a'.repeat(64), receivedAt: new Date().toISOString() });
    const receipt = mapped.events[0];
    if (!receipt) throw new Error('the fixture maps to no event');
    await shipper.ledger.recordEvents([{ ...receipt, payloadHash: 'b'.repeat(64), source: { idocType: 'DELVRY07', docnum: '0000000000000001' } }]);

    expect((await lading.postIdoc(xml)).status).toBe(200);
    expect((await lading.postIdoc(delivery('0080050002', '0000000006000002'))).status).toBe(200);
    const [failed] = await waitForStatus(['0000000006000001'], '51');
    expect(failed?.statusText).toContain('The ledger refused the events of this IDoc');
    expect(failed?.statusText).toContain(receipt.eventId);
    await waitForStatus(['0000000006000002'], '53');

    // The dead letter is listed for operators, and re-driving it puts the IDoc back on the queue.
    const letters = await lading.request<{ value: { ID: string; reason: string; idoc_ID: string; jobId: string }[] }>({
      method: 'GET', url: `/odata/v4/admin/DeadLetters?$filter=idoc_ID eq ${failed?.ID}`, auth: { username: 'operator', password: 'operator' },
    });
    expect(letters.status).toBe(200);
    expect(letters.data.value).toHaveLength(1);
    const letter = letters.data.value[0] as { ID: string; jobId: string };
    const forbidden = await lading.request({ method: 'POST', url: `/odata/v4/admin/DeadLetters(${letter.ID})/AdminService.redrive`, data: {}, auth: { username: 'finance', password: 'finance' } });
    expect(forbidden.status).toBe(403);
    const redriven = await lading.request<{ redrivenAt: string | null }>({ method: 'POST', url: `/odata/v4/admin/DeadLetters(${letter.ID})/AdminService.redrive`, data: {}, auth: { username: 'operator', password: 'operator' } });
    expect(redriven.status).toBe(200);
    expect(redriven.data.redrivenAt).not.toBeNull();
    const again = await lading.request({ method: 'POST', url: `/odata/v4/admin/DeadLetters(${letter.ID})/AdminService.redrive`, data: {}, auth: { username: 'operator', password: 'operator' } });
    expect(again.status).toBe(409);
    // Nothing was fixed on the ledger, so it fails again, under the re-driven job id.
    const second = await waitFor('a second dead letter', async () => {
      const answer = await lading.request<{ value: { jobId: string; redrivenAt: string | null }[] }>({
        method: 'GET', url: `/odata/v4/admin/DeadLetters?$filter=idoc_ID eq ${failed?.ID} and redrivenAt eq null`, auth: { username: 'operator', password: 'operator' },
      });
      return answer.data.value[0];
    });
    expect(second.jobId).toBe(`${letter.jobId}-r1`);
  });

  it("keeps a shipment's events in the order its IDocs were accepted", async () => {
    // Four IDocs of one delivery, each created a minute later, posted back to back.
    const docnums = ['0000000008000001', '0000000008000002', '0000000008000003', '0000000008000004'];
    for (const [index, docnum] of docnums.entries()) {
      const xml = delivery('0080060001', docnum).replace('<CRETIM>101500</CRETIM>', `<CRETIM>10${16 + index}00</CRETIM>`);
      expect((await lading.postIdoc(xml)).status).toBe(200);
    }
    await waitForStatus(docnums, '53');
    const head = await shipper.ledger.getShipment('S4HCLNT100/0080060001');
    const receipts: string[] = [];
    for (const eventId of head.events) {
      const record = await shipper.ledger.getEvent(eventId);
      if (record.event.eventTypeCode === 'RECE') receipts.push(record.event.source?.docnum ?? '');
    }
    expect(receipts).toEqual(docnums);
    expect(head.events).toHaveLength(4 + 3);
  });
});
