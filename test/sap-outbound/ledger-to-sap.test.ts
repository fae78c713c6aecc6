import { join } from 'node:path';
import type { Segment } from '../../mappings';
import { readIdocXml } from '../../mappings';
import { startSapSimulator, type SapSimulator } from '../../sap-simulator';
import { recordsOf } from '../../srv/sap-outbound/listener';
import { connectAs, Devnet, newEvent, type OrgClient } from '../ledger/support';
import { applyEnv, ledgerEnv } from '../support/ledger-env';
import { fixture, startLading } from '../support/lading';
import { waitFor } from '../support/wait';

/**
 * Ledger → SAP end to end: SAP's delivery goes in over HTTP; carrier, customs broker and
 * consignee record their events on devnet with their own identities through the gateway; the SAP
 * simulator receives the IDocs Lading builds, and the acknowledgements of SAP's own IDocs.
 */

let devnet: Devnet;
let sap: SapSimulator;
const orgs: Partial<Record<'carrier' | 'broker', OrgClient>> = {};

let restoreEnv: () => void = () => undefined;

beforeAll(async () => {
  devnet = await Devnet.start();
  sap = await startSapSimulator({ port: 0, users: { LADING: 'lading' } });
  const consignee = join(devnet.dir, 'orgs', 'ConsigneeMSP');
  restoreEnv = applyEnv({
    ...ledgerEnv(devnet),
    destinations: JSON.stringify([{ name: 'SAP_ERP', url: sap.url, username: 'LADING', password: 'lading' }]),
    POD_SIGNER_MSP_ID: 'ConsigneeMSP',
    POD_SIGNER_CERT_PATH: join(consignee, 'cert.pem'),
    POD_SIGNER_KEY_PATH: join(consignee, 'key.pem'),
  });
  orgs.carrier = await connectAs(devnet, 'CarrierMSP');
  orgs.broker = await connectAs(devnet, 'BrokerMSP');
}, 120_000);

const lading = startLading();

afterAll(async () => {
  orgs.carrier?.close();
  orgs.broker?.close();
  await devnet?.dispose();
  await sap?.stop();
  restoreEnv();
});

/** The IDocs SAP received of a message type, read back as segments. */
function receivedSegments(messageType: string): { docnum: string | undefined; segments: Segment[]; control: Record<string, string> }[] {
  return sap.received({ messageType }).map((received) => {
    const [idoc] = readIdocXml(received.xml).idocs;
    return { docnum: received.docnum, segments: idoc?.segments ?? [], control: idoc?.control?.fields ?? {} };
  });
}

function find(segments: Segment[], name: string): Segment[] {
  return segments.flatMap((segment) => [...(segment.name === name ? [segment] : []), ...find(segment.children, name)]);
}

const SHIPMENT = 'S4HCLNT100/0080004242';

describe('ledger → SAP', () => {
  it('acknowledges SAP\'s IDocs with ALEAUD: 53 with the ledger transaction, 51 with the reason', async () => {
    expect((await lading.postIdoc(fixture('delvry/delvry07-desadv-3-items.xml'))).status).toBe(200);
    expect((await lading.postIdoc(fixture('bad/missing-vbeln.xml'))).status).toBe(422);
    const states = await waitFor('two confirmations', () => {
      const found = receivedSegments('ALEAUD').flatMap((idoc) => find(idoc.segments, 'E1STATE'));
      return found.length >= 2 ? found : undefined;
    });
    const posted = states.find((state) => state.fields.DOCNUM === '0000000001004242');
    expect(posted?.fields).toMatchObject({ STATUS: '53' });
    expect(posted?.fields.STATXT).toMatch(/^Posted on the ledger: block \d+/);
    expect(find(posted ? [posted] : [], 'E1PRTOB')[0]?.fields.OBJKEY).toMatch(/^[0-9a-f]{64}$/);
    const rejected = states.find((state) => state.fields.DOCNUM === '0000000009000004');
    expect(rejected?.fields).toMatchObject({ STATUS: '51' });
    expect(rejected?.fields.STATXT).toContain('VBELN');
    const [aleaud] = receivedSegments('ALEAUD');
    expect(aleaud?.control).toMatchObject({ IDOCTYP: 'ALEAUD01', RCVPRN: 'S4HCLNT100', RCVPOR: 'SAPS4H', SNDPRN: 'LADING' });
  });

  it('turns the carrier\'s transport events into shipment deadlines, and never echoes Lading\'s own events', async () => {
    const carrier = orgs.carrier as OrgClient;
    await carrier.ledger.recordEvents([
      newEvent(SHIPMENT, { eventType: 'EQUIPMENT', eventTypeCode: 'LOAD', documentTypeCode: undefined, eventDateTime: '2026-11-26T08:00:00Z', equipmentReference: 'MSKU1234565' }),
      newEvent(SHIPMENT, { eventType: 'TRANSPORT', eventTypeCode: 'DEPA', documentTypeCode: undefined, eventDateTime: '2026-11-26T18:30:00Z' }),
    ]);
    await carrier.ledger.recordEvents([newEvent(SHIPMENT, { eventType: 'TRANSPORT', eventTypeCode: 'ARRI', documentTypeCode: undefined, eventDateTime: '2026-11-28T06:45:00Z' })]);
    const shipments = await waitFor('three shipment updates', () => {
      const found = receivedSegments('SHPMNT');
      return found.length >= 3 ? found : undefined;
    });
    const deadlines = shipments.flatMap((idoc) => find(idoc.segments, 'E1EDT10')).map((segment) => [segment.fields.ISDD, segment.fields.ISDZ]);
    expect(deadlines.sort()).toEqual([['20261126', '080000'], ['20261126', '183000'], ['20261128', '064500']]);
    for (const idoc of shipments) {
      expect(idoc.control).toMatchObject({ IDOCTYP: 'SHPMNT05', MESTYP: 'SHPMNT', RCVPRN: 'S4HCLNT100' });
      expect(find(idoc.segments, 'E1EDT20')[0]?.fields.EXTI1).toBe('0080004242');
    }
    // Lading's own events (the DESADV's receipt, goods issue, plans) went to the ledger but not back to SAP.
    expect(Object.keys(sap.stats().byMessageType).sort()).toEqual(['ALEAUD', 'SHPMNT']);
  });

  it('sends customs decisions to the delivery, each once', async () => {
    const broker = orgs.broker as OrgClient;
    const mrn = '26DE123456789012A1';
    await broker.ledger.recordEvents([newEvent(SHIPMENT, { eventTypeCode: 'HOLD', documentTypeCode: 'CUS', documentID: mrn, eventDateTime: '2026-11-28T09:00:00Z' })]);
    await broker.ledger.recordEvents([newEvent(SHIPMENT, { eventTypeCode: 'RELS', documentTypeCode: 'CUS', documentID: mrn, eventDateTime: '2026-11-28T15:20:00Z' })]);
    const customs = await waitFor('two customs updates', () => {
      const found = sap.received().filter((idoc) => idoc.xml.includes('ZLADING_CUSTOMS01'));
      return found.length >= 2 ? found : undefined;
    });
    const statuses = customs.map((idoc) => {
      const [parsed] = readIdocXml(idoc.xml).idocs;
      const segment = find(parsed?.segments ?? [], 'Z1LADING_CUSTOMS')[0];
      return [segment?.fields.STATUS, segment?.fields.MRN];
    });
    expect(statuses.map(([status]) => status).sort()).toEqual(['HOLD', 'RELS']);
    expect(statuses.every(([, declaration]) => declaration === mrn)).toBe(true);
    expect(sap.stats().duplicates).toBe(0);
  });

  it('lets the consignee sign the POD with its own identity; SAP gets an STPPOD with the accepted quantities', async () => {
    const pod = {
      shipmentId: SHIPMENT, receivedAt: '2026-11-30T11:05:00Z', remarks: 'one housing cracked',
      items: [{ itemNumber: '000010', quantity: 10, unit: 'PC' }, { itemNumber: '000020', quantity: 10, unit: 'PC' }, { itemNumber: '000030', quantity: 12, unit: 'PC' }],
    };
    const forbidden = await lading.request({ method: 'POST', url: '/odata/v4/pod/sign', data: pod, auth: { username: 'broker-a', password: 'broker-a' } });
    expect(forbidden.status).toBe(403);
    const signed = await lading.request<{ eventId: string; transactionId: string; blockNumber: number }>({ method: 'POST', url: '/odata/v4/pod/sign', data: pod, auth: { username: 'consignee', password: 'consignee' } });
    expect(signed.status).toBe(200);
    expect(signed.data.transactionId).toMatch(/^[0-9a-f]{64}$/);

    const verified = await lading.request<{ valid: boolean; signerMspId: string; reason: string | null }>({ method: 'GET', url: `/odata/v4/pod/verify(eventId='${signed.data.eventId}')`, auth: { username: 'consignee', password: 'consignee' } });
    expect(verified.data).toMatchObject({ valid: true, signerMspId: 'ConsigneeMSP' });

    const [stppod] = await waitFor('the STPPOD', () => {
      const found = receivedSegments('STPPOD');
      return found.length > 0 ? found : undefined;
    });
    expect(stppod?.control).toMatchObject({ IDOCTYP: 'DELVRY07', MESTYP: 'STPPOD', RCVPRN: 'S4HCLNT100' });
    const header = find(stppod?.segments ?? [], 'E1EDL20')[0];
    expect(header?.fields).toMatchObject({ VBELN: '0080004242', PODAT: '20261130', POTIM: '110500' });
    const items = find(stppod?.segments ?? [], 'E1EDL24').map((item) => [item.fields.POSNR, Number(item.fields.LFIMG)]);
    expect(items).toEqual([['000010', 10], ['000020', 11], ['000030', 12]]);
    const deviations = find(stppod?.segments ?? [], 'E1EDL53');
    expect(deviations).toHaveLength(1);
    expect(Number(deviations[0]?.fields.PODMG)).toBe(10);
    expect(sap.stats().duplicates).toBe(0);

    // Lading's own timeline now holds every party's events, with their ledger proof.
    const shipment = await waitFor('the POD in the shipment status', async () => {
      const answer = await lading.odata<{ status: string; events: { eventTypeCode: string; recordedBy: string; ledgerBlock: number | null }[] }>(
        `Shipments('${encodeURIComponent(SHIPMENT)}')?$expand=events`,
      );
      return answer.data.status === 'POD_SIGNED' ? answer.data : undefined;
    });
    const byParty = (msp: string): string[] => shipment.events.filter((event) => event.recordedBy === msp).map((event) => event.eventTypeCode).sort();
    expect(byParty('CarrierMSP')).toEqual(['ARRI', 'DEPA', 'LOAD']);
    expect(byParty('BrokerMSP')).toEqual(['HOLD', 'RELS']);
    expect(byParty('ConsigneeMSP')).toEqual(['CMPL']);
    expect(shipment.events.every((event) => event.ledgerBlock !== null)).toBe(true);
  });

  it('reads a block\'s events in one call, and names an event missing from the ledger\'s state', async () => {
    const carrier = orgs.carrier as OrgClient;
    const recorded = newEvent('S4HCLNT100/0080004299', { eventType: 'TRANSPORT', eventTypeCode: 'DEPA', documentTypeCode: undefined });
    await carrier.ledger.recordEvents([recorded]);
    const [record] = await recordsOf(carrier.ledger, [recorded.eventId], 3n);
    expect(record?.event.eventId).toBe(recorded.eventId);
    expect(record?.recordedBy).toBe('CarrierMSP');
    await expect(recordsOf(carrier.ledger, [recorded.eventId, 'no-such-event'], 3n)).rejects.toThrow('event no-such-event of block 3 is not in the ledger\'s state');
  });

  it('dead-letters an IDoc SAP refuses (400), with SAP\'s answer, and sends nothing twice', async () => {
    // For a while, so that the CSRF token fetch and the POST itself are both refused.
    sap.fail({ status: 400, forSeconds: 4, scope: 'idoc' });
    const carrier = orgs.carrier as OrgClient;
    const discharge = newEvent(SHIPMENT, { eventType: 'EQUIPMENT', eventTypeCode: 'DISC', documentTypeCode: undefined, eventDateTime: '2026-11-28T07:30:00Z', equipmentReference: 'MSKU1234565' });
    await carrier.ledger.recordEvents([discharge]);
    const letter = await waitFor('the dead letter of the refused IDoc', async () => {
      const answer = await lading.request<{ value: { reason: string; outboundIdoc_ID: string | null }[] }>({
        method: 'GET', url: '/odata/v4/admin/DeadLetters?$filter=outboundIdoc_ID ne null', auth: { username: 'operator', password: 'operator' },
      });
      return answer.data.value[0];
    });
    expect(letter.reason).toMatch(/^SAP refused IDoc \d{16}/);
    expect(letter.reason).toContain('400');
    const refused = await lading.request<{ value: { status: string; ledgerEventId: string }[] }>({
      method: 'GET', url: `/odata/v4/admin/OutboundIdocs?$filter=ID eq ${letter.outboundIdoc_ID}`, auth: { username: 'operator', password: 'operator' },
    });
    expect(refused.data.value[0]).toMatchObject({ status: '02', ledgerEventId: discharge.eventId });
    expect(sap.stats().duplicates).toBe(0);
  });
});
