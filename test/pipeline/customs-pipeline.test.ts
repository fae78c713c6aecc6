import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { ContractRejectedError } from '../../connectors/fabric';
import { freePort, redisAnswers } from '../../connectors/queue';
import { mapIdoc, readControlRecord, readIdocXml, type MappedCustomsIdoc } from '../../mappings';
import { connectAs, Devnet, failureOf, type OrgClient } from '../ledger/support';
import { applyEnv, ledgerEnv } from '../support/ledger-env';
import { fixture, startLading } from '../support/lading';
import { waitFor } from '../support/wait';

/**
 * Customs IDocs through the pipeline onto devnet: the status events go on the public ledger, their
 * customs values into the private collection, readable by its members (ShipperMSP, BrokerMSP)
 * only, with nothing but customsHash on the public record. Lading records as BrokerMSP here: on
 * this ledger customs decisions (APPR, HOLD, RELS, INSP) are the broker's to record
 * (chaincode/README.md), so a customs IDoc feed belongs to a Lading with the broker's identity.
 */

let devnet: Devnet;
let redisServer: ChildProcess;
let shipper: OrgClient;
let broker: OrgClient;
let carrier: OrgClient;
let restoreEnv: () => void = () => undefined;

beforeAll(async () => {
  devnet = await Devnet.start();
  const redisPort = await freePort();
  redisServer = spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  for (let i = 0; i < 100 && !(await redisAnswers('127.0.0.1', redisPort)); i++) await new Promise((resolve) => setTimeout(resolve, 50));
  const brokerDir = join(devnet.dir, 'orgs', 'BrokerMSP');
  restoreEnv = applyEnv({
    ...ledgerEnv(devnet, `redis://127.0.0.1:${redisPort}`),
    FABRIC_MSP_ID: 'BrokerMSP', FABRIC_CERT_PATH: join(brokerDir, 'cert.pem'), FABRIC_KEY_PATH: join(brokerDir, 'key.pem'),
  });
  [shipper, broker, carrier] = await Promise.all([connectAs(devnet, 'ShipperMSP'), connectAs(devnet, 'BrokerMSP'), connectAs(devnet, 'CarrierMSP')]);
}, 120_000);

const lading = startLading();

afterAll(async () => {
  for (const org of [shipper, broker, carrier]) org?.close();
  await devnet?.dispose();
  redisServer?.kill('SIGTERM');
  restoreEnv();
});

interface IdocRow {
  docnum: string;
  status: string;
  statusText: string;
}

interface EventRow {
  eventId: string;
  eventTypeCode: string;
  ledgerTxId: string | null;
}

async function waitForPosted(docnums: string[]): Promise<IdocRow[]> {
  const filter = docnums.map((docnum) => `docnum eq '${docnum}'`).join(' or ');
  return waitFor(`IDocs ${docnums.join(', ')} posted on the ledger`, async () => {
    const rows = (await lading.odata<{ value: IdocRow[] }>(`InboundIdocs?$filter=${filter}&$select=docnum,status,statusText`)).data.value;
    if (rows.some((row) => row.status === '51')) throw new Error(`refused: ${JSON.stringify(rows)}`);
    return rows.length === docnums.length && rows.every((row) => row.status === '53') ? rows : undefined;
  }, 60_000);
}

async function eventsOf(shipmentId: string): Promise<EventRow[]> {
  return (await lading.odata<{ value: EventRow[] }>(`ShipmentEvents?$filter=shipment_ID eq '${shipmentId}'&$select=eventId,eventTypeCode,ledgerTxId`)).data.value;
}

const VALUES = { currency: 'EUR', declaredValue: '41250.50', duty: '862.52', hsCodes: ['84137030', '841391'] };

/** The chaincode keeps the canonical JSON (keys sorted); the public hash is over those bytes. */
function canonicalHash(values: Record<string, unknown>): string {
  const sorted = Object.fromEntries(Object.entries(values).sort(([a], [b]) => (a < b ? -1 : 1)));
  return createHash('sha256').update(JSON.stringify(sorted)).digest('hex');
}

describe('customs IDocs → ledger', () => {
  it('records the declaration and its decisions, with the values only in the private collection', async () => {
    for (const name of ['decl07-export-submitted.xml', 'decl07-export-released.xml']) {
      expect((await lading.postIdoc(fixture(`customs/${name}`))).status).toBe(200);
    }
    const posted = await waitForPosted(['0000000001007001', '0000000001007011']);
    for (const idoc of posted) expect(idoc.statusText).toMatch(/^Posted on the ledger: block \d+, transaction [0-9a-f]{64}$/);

    const shipmentId = 'S4HCLNT100/0080007001';
    const local = await eventsOf(shipmentId);
    expect(local.map((event) => event.eventTypeCode).sort()).toEqual(['APPR', 'RELS', 'SUBM']);
    expect(local.every((event) => event.ledgerTxId !== null)).toBe(true);
    const head = await carrier.ledger.getShipment(shipmentId);
    expect([...head.events].sort()).toEqual(local.map((event) => event.eventId).sort());
    expect(head.status?.eventTypeCode).toBe('RELS');

    const submitted = local.find((event) => event.eventTypeCode === 'SUBM') as EventRow;
    // Public: the event, who recorded it, and the hash of the values — nothing of the values themselves.
    const publicRecord = await carrier.ledger.getEvent(submitted.eventId);
    expect(publicRecord.recordedBy).toBe('BrokerMSP');
    expect(publicRecord.event).toMatchObject({ eventTypeCode: 'SUBM', documentTypeCode: 'CUS', documentID: 'GTS-EX-2026-0042' });
    expect(publicRecord.customsHash).toBe(canonicalHash(VALUES));
    const publicText = JSON.stringify(publicRecord);
    for (const secret of ['41250.50', '862.52', '84137030', '841391', 'declaredValue']) expect(publicText).not.toContain(secret);

    // Private: the members of the collection read the values; anyone else is refused.
    await expect(broker.ledger.getCustomsValues(submitted.eventId)).resolves.toEqual(VALUES);
    await expect(shipper.ledger.getCustomsValues(submitted.eventId)).resolves.toEqual(VALUES);
    const refused = await failureOf(() => carrier.ledger.getCustomsValues(submitted.eventId));
    expect(refused).toBeInstanceOf(ContractRejectedError);
    expect(refused).toMatchObject({ reason: 'forbidden', retry: 'never' });

    // A decision without items carries no values.
    const released = local.find((event) => event.eventTypeCode === 'RELS') as EventRow;
    expect((await carrier.ledger.getEvent(released.eventId)).customsHash).toBeUndefined();
  });

  it('records a hold and an inspection (DCSA equipment event) of a shipment known only by its delivery number', async () => {
    expect((await lading.postIdoc(fixture('customs/decl07-import-held-inspected.xml'))).status).toBe(200);
    await waitForPosted(['0000000001007012']);
    const shipmentId = 'S4HCLNT100/0080007002';
    const head = await shipper.ledger.getShipment(shipmentId);
    const records = await Promise.all(head.events.map((eventId) => shipper.ledger.getEvent(eventId)));
    expect(records.map((record) => [record.event.eventType, record.event.eventTypeCode, record.event.documentID]).sort()).toEqual([
      ['EQUIPMENT', 'INSP', '26GB000060000007C3'], ['SHIPMENT', 'HOLD', '26GB000060000007C3'],
    ]);
    // The reasons stay in Lading's database.
    expect(JSON.stringify(records)).not.toContain('Certificate of origin');
  });
  it('is why a customs feed records as BrokerMSP: the shipper may file a declaration, not record a decision', async () => {
    // The same mapping a Lading with the shipper's identity would send (another delivery, so nothing collides).
    const mapOf = (name: string): MappedCustomsIdoc => {
      const [idoc] = readIdocXml(fixture(`customs/${name}`).replace(/0080007001/g, '0080007301')).idocs;
      return mapIdoc(readControlRecord(idoc?.control), idoc?.segments ?? [], { payloadHash: 'c'.repeat(64), receivedAt: '2026-11-25T12:00:00.000Z' }) as MappedCustomsIdoc;
    };
    const submitted = mapOf('decl07-export-submitted.xml');
    await expect(shipper.ledger.recordEvents(submitted.events, submitted.customsValues)).resolves.toMatchObject({ result: { recorded: [submitted.events[0]?.eventId] } });
    const released = mapOf('decl07-export-released.xml');
    const refused = await failureOf(() => shipper.ledger.recordEvents(released.events));
    expect(refused).toBeInstanceOf(ContractRejectedError);
    expect(refused).toMatchObject({ reason: 'forbidden', retry: 'never' });
    expect((refused as Error).message).toContain('not authorised');
  });
});
