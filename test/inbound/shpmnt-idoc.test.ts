import cds from '@sap/cds';
import { fixture, startLading } from '../support/lading';
import type { IdocAnswer } from '../support/lading';

/**
 * Shipment IDocs over HTTP, end to end in-process: posted as XML, SOAP and flat file, stored as a
 * transport linked to its deliveries' shipments, their events and an outbox row, read back through
 * OData (operator and finance) and the database.
 */

const lading = startLading();

const SEA = 'shpmnt/shpmnt05-sea-2-deliveries';
const FORMATS = {
  xml: { file: `${SEA}.xml`, url: '/idoc/xml', contentType: 'application/xml' },
  soap: { file: `${SEA}.soap.xml`, url: '/idoc/soap', contentType: 'text/xml; charset=utf-8' },
  flat: { file: `${SEA}.flat.txt`, url: '/idoc/flat', contentType: 'text/plain; charset=utf-8' },
} as const;
type Format = keyof typeof FORMATS;

/** The fixture under its own DOCNUM, shipment number and delivery numbers (same widths, so the flat file stays valid). */
function document(format: Format, suffix: string): string {
  return fixture(FORMATS[format].file)
    .replace(/0000000003004711/g, `00000000030047${suffix}`)
    .replace(/0000004711/g, `00000047${suffix}`)
    .replace(/0080004242/g, `00800${suffix}242`)
    .replace(/0080004243/g, `00800${suffix}243`);
}

function post(format: Format, body: string) {
  return lading.request<IdocAnswer>({
    method: 'POST', url: FORMATS[format].url, data: body, headers: { 'Content-Type': FORMATS[format].contentType },
    auth: { username: 'erp', password: 'erp' }, transformRequest: [(payload: unknown) => payload],
  });
}

async function rows<T = Record<string, unknown>>(entity: string, where: Record<string, unknown>): Promise<T[]> {
  return (await cds.db.run(cds.ql.SELECT.from(entity).where(where))) as T[];
}

interface TransportRow {
  ID: string;
  shipmentNumber: string;
  mode: string;
  vesselName: string;
  voyageNumber: string;
  containerId: string;
  carrier: string;
  deleted: boolean;
  lastIdoc_ID: string;
  stages: (Record<string, unknown> & { deadlines: Record<string, unknown>[] })[];
  handlingUnits: (Record<string, unknown> & { contents: Record<string, unknown>[] })[];
  deliveries: { shipment_ID: string; deliveryNumber: string; consignee: string }[];
  partners: { role: string }[];
  deadlines: { qualifier: string; actualStart: string | null }[];
}

const EXPAND = '$expand=stages($expand=deadlines),handlingUnits($expand=contents),deliveries,partners,deadlines';

async function transport(shipmentNumber: string, user = 'operator'): Promise<TransportRow | undefined> {
  const answer = await lading.odata<{ value: TransportRow[] }>(`Transports?$filter=shipmentNumber eq '${shipmentNumber}'&${EXPAND}`, user);
  expect(answer.status).toBe(200);
  return answer.data.value[0];
}

async function shipment(deliveryNumber: string): Promise<{ ID: string; status: string; consignee: string; deliveryType: string | null; items: unknown[]; events: { eventTypeCode: string; eventClassifierCode: string; equipmentReference: string | null }[] } | undefined> {
  const answer = await lading.odata<{ value: never[] }>(`Shipments?$filter=deliveryNumber eq '${deliveryNumber}'&$expand=items,events`);
  expect(answer.status).toBe(200);
  return answer.data.value[0];
}

describe('POST a SHPMNT05', () => {
  it('stores the transport, links its deliveries, records their events and queues them for the ledger', async () => {
    const answer = await post('xml', fixture(FORMATS.xml.file));
    expect(answer.status).toBe(200);
    expect(answer.data.idocs).toEqual([expect.objectContaining({ docnum: '0000000003004711', status: '64', outcome: 'accepted' })]);
    const idocId = answer.data.idocs?.[0]?.id as string;

    const stored = await transport('0000004711');
    expect(stored).toMatchObject({
      ID: 'S4HCLNT100/0000004711', mode: 'VESSEL', vesselName: 'NORDIC STAR', voyageNumber: '042W', containerId: 'MSKU1234565',
      carrier: 'Nordic Line Carrier', deleted: false, lastIdoc_ID: idocId,
    });
    expect(stored?.deliveries.map((delivery) => [delivery.shipment_ID, delivery.consignee]).sort()).toEqual([
      ['S4HCLNT100/0080004242', 'Acme Warehouse'], ['S4HCLNT100/0080004243', 'Brit Valves plc'],
    ]);
    const stages = [...(stored?.stages ?? [])].sort((a, b) => String(a.stageNumber).localeCompare(String(b.stageNumber)));
    expect(stages.map((stage) => [stage.stageNumber, stage.mode, stage.departureName, stage.destinationName])).toEqual([
      ['0001', 'TRUCK', 'Plant Hamburg', 'Container Terminal Burchardkai'],
      ['0002', 'VESSEL', 'Container Terminal Burchardkai', 'Port of Felixstowe'],
    ]);
    expect(JSON.parse(String(stages[1]?.deliveryNumbers))).toEqual(['0080004242', '0080004243']);
    expect(stages[0]?.deadlines).toEqual([expect.objectContaining({ qualifier: '005', actualStart: '2026-11-25T10:15:00.000Z' })]);
    expect(stored?.handlingUnits.map((unit) => [unit.externalId, unit.isContainer, unit.contents.length]).sort()).toEqual([
      ['MSKU1234565', true, 1], ['TCNU7654321', true, 1],
    ]);
    expect(stored?.partners.map((partner) => partner.role).sort()).toEqual(['AG', 'SP']);
    // The actual departure stays on the transport, not on the ledger (the carrier's to report).
    expect(stored?.deadlines.find((deadline) => deadline.qualifier === '006')?.actualStart).toBe('2026-11-26T17:30:00.000Z');

    for (const delivery of ['0080004242', '0080004243']) {
      const linked = await shipment(delivery);
      expect(linked).toMatchObject({ ID: `S4HCLNT100/${delivery}`, status: 'LOADED' });
      expect(linked?.events.map((event) => `${event.eventClassifierCode} ${event.eventTypeCode}`).sort()).toEqual([
        'ACT LOAD', 'PLN ARRI', 'PLN ARRI', 'PLN DEPA', 'PLN DEPA', 'PLN LOAD',
      ]);
    }

    const [idoc] = await rows<{ status: string; shipment_ID: string; idocType: string }>('lading.InboundIdocs', { ID: idocId });
    expect(idoc).toMatchObject({ status: '64', shipment_ID: 'S4HCLNT100/0080004242', idocType: 'SHPMNT05' });
    expect(await rows('lading.Outbox', { idoc_ID: idocId })).toEqual([expect.objectContaining({ shipmentId: 'S4HCLNT100/0080004242', state: 'pending' })]);
    expect(await rows('lading.ShipmentEvents', { sourceIdoc_ID: idocId })).toHaveLength(12);
  });

  it('answers a resend as a duplicate and creates nothing new', async () => {
    const xml = document('xml', '13');
    expect((await post('xml', xml)).data.idocs).toEqual([expect.objectContaining({ outcome: 'accepted' })]);
    const again = await post('xml', xml);
    expect(again.status).toBe(200);
    expect(again.data.idocs).toEqual([expect.objectContaining({ outcome: 'duplicate' })]);
    expect(await rows('lading.InboundIdocs', { docnum: '0000000003004713' })).toHaveLength(1);
    expect(await rows('lading.ShipmentEvents', { shipment_ID: 'S4HCLNT100/0080013242' })).toHaveLength(6);
  });

  it('lets finance read transports and refuses anonymous callers', async () => {
    expect((await post('xml', document('xml', '12'))).status).toBe(200);
    expect((await transport('0000004712', 'finance'))?.ID).toBe('S4HCLNT100/0000004712');
    const anonymous = await lading.request({ method: 'GET', url: '/odata/v4/shipment/Transports' });
    expect(anonymous.status).toBe(401);
  });

  it('stores the same transport whether it came as XML, SOAP or flat file', async () => {
    const comparable = async (format: Format, suffix: string): Promise<unknown> => {
      const answer = await post(format, document(format, suffix));
      expect(answer.status).toBe(200);
      expect(answer.data.idocs).toEqual([expect.objectContaining({ status: '64', outcome: 'accepted' })]);
      const [stored] = await rows<{ transport: string }>('lading.InboundIdocs', { ID: answer.data.idocs?.[0]?.id });
      expect(stored?.transport).toBe(format);
      const row = await transport(`00000047${suffix}`);
      const strip = (value: unknown): unknown => {
        if (Array.isArray(value)) return value.map(strip).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
        if (!value || typeof value !== 'object') return typeof value === 'string' ? value.replaceAll(`00000047${suffix}`, '<TKNUM>').replaceAll(`00800${suffix}`, '<VBELN>') : value;
        const kept = Object.entries(value).filter(([key]) => !/^(ID|createdAt|modifiedAt|createdBy|modifiedBy|lastIdoc_ID|@odata.*)$|_ID$/.test(key));
        return Object.fromEntries(kept.map(([key, inner]) => [key, strip(inner)]).sort(([a], [b]) => String(a).localeCompare(String(b))));
      };
      return strip(row);
    };
    const xml = await comparable('xml', '21');
    expect(await comparable('soap', '22')).toEqual(xml);
    expect(await comparable('flat', '23')).toEqual(xml);
  });

  it('never overwrites a delivery Lading already has with the blanks of a shipment IDoc', async () => {
    const delivery = fixture('delvry/delvry07-desadv-3-items.xml').replace(/0000000001004242/g, '0000000001004231').replace(/0080004242/g, '0080031242');
    expect((await lading.postIdoc(delivery)).status).toBe(200);
    const before = await shipment('0080031242');
    expect(before).toMatchObject({ consignee: 'Acme Warehouse', deliveryType: 'LF' });
    expect((await post('xml', document('xml', '31'))).status).toBe(200);
    const after = await shipment('0080031242');
    expect(after).toMatchObject({ consignee: 'Acme Warehouse', deliveryType: 'LF' });
    expect(after?.items).toHaveLength(3);
    expect(after?.events.map((event) => event.eventTypeCode)).toEqual(expect.arrayContaining(['RECE', 'GTOT', 'LOAD', 'DEPA', 'ARRI']));
  });

  it('posts a shipment without deliveries at once (53): a transport, no events, no outbox row', async () => {
    const empty = document('xml', '41').replace(/<E1EDL20 SEGMENT="1">[\s\S]*<\/E1EDL20>\n/, '').replace(/<E1EDT01 SEGMENT="1">.*<\/E1EDT01>\n/g, '').replace(/<E1EDT43 SEGMENT="1">.*<\/E1EDT43>/g, '');
    const answer = await post('xml', empty);
    expect(answer.status).toBe(200);
    expect(answer.data.idocs).toEqual([expect.objectContaining({ status: '53', outcome: 'accepted' })]);
    const idocId = answer.data.idocs?.[0]?.id as string;
    expect((await transport('0000004741'))?.deliveries).toEqual([]);
    expect(await rows('lading.Outbox', { idoc_ID: idocId })).toEqual([]);
    expect(await rows('lading.ShipmentEvents', { sourceIdoc_ID: idocId })).toEqual([]);
  });

  it.each([
    ['51', 'a wrong stage point qualifier', (xml: string) => xml.replace('<QUALI>002</QUALI>', '<QUALI>009</QUALI>'), { code: 'INVALID_FIELD', segment: 'E1EDT44', field: 'QUALI' }],
    ['52', 'an impossible date', (xml: string) => xml.replace('<NTANF>20261128</NTANF>', '<NTANF>20261131</NTANF>'), { code: 'INVALID_FIELD', segment: 'E1EDT10', field: 'NTANF' }],
    ['53', 'a negative quantity', (xml: string) => xml.replace('<VEMNG>4.000</VEMNG>', '<VEMNG>4.000-</VEMNG>'), { code: 'INVALID_FIELD', segment: 'E1EDT43', field: 'VEMNG' }],
    ['54', 'a unit mismatch', (xml: string) => xml.replace('<VEMEH>PAL</VEMEH>', '<VEMEH>KAR</VEMEH>'), { code: 'INVALID_FIELD', segment: 'E1EDT43', field: 'VEMEH' }],
  ])('(%s) answers 422 for %s and keeps the IDoc with status 51 naming segment and field', async (suffix, _name, spoil, expected) => {
    const answer = await post('xml', spoil(document('xml', suffix)));
    expect(answer.status).toBe(422);
    expect(answer.data.error).toMatchObject(expected);
    const id = answer.data.idocs?.[0]?.id;
    expect(answer.data.idocs).toEqual([expect.objectContaining({ status: '51', outcome: 'rejected' })]);
    const [record] = await rows<{ status: string; segment: string; field: string }>('lading.IdocStatusRecords', { idoc_ID: id });
    expect(record).toMatchObject({ status: '51', segment: expected.segment, field: expected.field });
    expect(await rows('lading.Transports', { shipmentNumber: `00000047${suffix}` })).toEqual([]);
  });
});
