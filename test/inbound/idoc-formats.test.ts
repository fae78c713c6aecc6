import { mapIdoc, readControlRecord, readIdocFlat, readIdocSoap, readIdocXml } from '../../mappings';
import type { XmlIdocPacket } from '../../mappings';
import { fixture, startLading } from '../support/lading';
import type { IdocAnswer } from '../support/lading';

/**
 * One delivery, three transports: the XML-HTTP port, a SOAP envelope (PI / Integration Suite)
 * and a flat file (file port). Each must give the same shipment and the same events.
 */

const lading = startLading();

const FORMATS = {
  xml: { file: 'delvry/delvry07-desadv-3-items.xml', url: '/idoc/xml', contentType: 'application/xml', read: readIdocXml },
  soap: { file: 'delvry/delvry07-desadv-3-items.soap.xml', url: '/idoc/soap', contentType: 'text/xml; charset=utf-8', read: readIdocSoap },
  flat: { file: 'delvry/delvry07-desadv-3-items.flat.txt', url: '/idoc/flat', contentType: 'text/plain; charset=utf-8', read: readIdocFlat },
} as const;
type Format = keyof typeof FORMATS;

interface ShipmentRow {
  ID: string;
  deliveryNumber: string;
  items: Record<string, unknown>[];
  partners: Record<string, unknown>[];
  handlingUnits: (Record<string, unknown> & { contents: Record<string, unknown>[] })[];
  events: Record<string, unknown>[];
}

/** The fixture under its own DOCNUM and delivery number; the flat file keeps its widths (same lengths). */
function document(format: Format, docnum: string, delivery: string): string {
  return fixture(FORMATS[format].file).replace(/0000000001004242/g, docnum).replace(/0080004242/g, delivery);
}

function post(format: Format, body: string) {
  return lading.request<IdocAnswer>({
    method: 'POST', url: FORMATS[format].url, data: body, headers: { 'Content-Type': FORMATS[format].contentType },
    auth: { username: 'erp', password: 'erp' }, transformRequest: [(payload: unknown) => payload],
  });
}

/** A stored shipment without what differs by construction: keys, DOCNUM, delivery number and payload hash. */
async function comparableShipment(delivery: string): Promise<unknown> {
  const answer = await lading.odata<{ value: ShipmentRow[] }>(
    `Shipments?$filter=deliveryNumber eq '${delivery}'&$expand=items,partners,handlingUnits($expand=contents),events`,
  );
  expect(answer.status).toBe(200);
  const row = answer.data.value[0];
  expect(row).toBeDefined();
  const strip = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(strip);
    if (!value || typeof value !== 'object') return typeof value === 'string' ? value.replaceAll(delivery, '<delivery>') : value;
    const kept = Object.entries(value).filter(([key]) => !/^(ID|eventId|payloadHash|createdAt|modifiedAt|createdBy|modifiedBy|@odata.*)$|_ID$/.test(key));
    return Object.fromEntries(kept.map(([key, inner]) => [key, strip(inner)]).sort(([a], [b]) => String(a).localeCompare(String(b))));
  };
  const sortBy = (rows: unknown[]): unknown[] => [...rows].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  const shipment = strip(row) as Record<string, unknown[]>;
  for (const key of ['items', 'partners', 'handlingUnits', 'events']) shipment[key] = sortBy(shipment[key] ?? []);
  return shipment;
}

function mapped(format: Format) {
  const packet: XmlIdocPacket = FORMATS[format].read(fixture(FORMATS[format].file));
  const [idoc] = packet.idocs;
  if (!idoc) throw new Error(`${format}: no IDoc`);
  return mapIdoc(readControlRecord(idoc.control), idoc.segments, { payloadHash: 'same', receivedAt: '2026-11-24T10:15:00.000Z' });
}

describe('the same delivery as XML, SOAP and flat file', () => {
  it('maps to the same shipment and the same events, event ids included', () => {
    const xml = mapped('xml');
    expect(mapped('soap')).toEqual(xml);
    expect(mapped('flat')).toEqual(xml);
    expect(xml.events.map((event) => event.eventId)).toHaveLength(4);
  });

  it('stores the same shipment and events over HTTP, each format recorded as its transport', async () => {
    const shipments: Record<string, unknown> = {};
    for (const [index, format] of (['xml', 'soap', 'flat'] as const).entries()) {
      const docnum = `00000000040000${index}1`;
      const delivery = `00804000${index}1`;
      const answer = await post(format, document(format, docnum, delivery));
      expect(answer.status).toBe(200);
      expect(answer.data.idocs).toEqual([expect.objectContaining({ docnum, status: '64', outcome: 'accepted' })]);
      const stored = await lading.odata<{ transport: string; idocType: string }>(`InboundIdocs(${answer.data.idocs?.[0]?.id})`);
      expect(stored.data).toMatchObject({ transport: format, idocType: 'DELVRY07' });
      shipments[format] = await comparableShipment(delivery);
    }
    expect(shipments.soap).toEqual(shipments.xml);
    expect(shipments.flat).toEqual(shipments.xml);
  });

  it('stores the untouched flat file under exactly the event ids the XML mapping gives', async () => {
    // Same DOCNUM and delivery as the XML fixture, hence the same event ids (the id ignores the transport).
    const answer = await post('flat', fixture(FORMATS.flat.file));
    expect(answer.status).toBe(200);
    const events = await lading.odata<{ value: { eventId: string }[] }>("ShipmentEvents?$filter=shipment_ID eq 'S4HCLNT100/0080004242'");
    expect(events.status).toBe(200);
    expect(events.data.value.map((event) => event.eventId).sort()).toEqual(mapped('xml').events.map((event) => event.eventId).sort());
  });

  it('answers flat-file errors naming the record, segment and field', async () => {
    const lines = document('flat', '0000000004000091', '0080400091').split('\r\n');
    lines[1] = `${lines[1]?.slice(0, 49)}00000X${lines[1]?.slice(55)}`; // SEGNUM of E1EDL20
    const broken = lines.join('\r\n');
    const answer = await post('flat', broken);
    expect(answer.status).toBe(422);
    expect(answer.data.error).toMatchObject({ code: 'INVALID_FIELD', segment: 'EDI_DD40', field: 'SEGNUM', line: 2 });
    const wrongType = await lading.request<IdocAnswer>({
      method: 'POST', url: '/idoc/flat', data: '{}', headers: { 'Content-Type': 'application/json' }, auth: { username: 'erp', password: 'erp' },
    });
    expect(wrongType.status).toBe(415);
  });
});
