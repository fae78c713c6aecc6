import { fixture, startLading } from '../support/lading';

const lading = startLading();

interface ShipmentRow {
  ID: string;
  deliveryNumber: string;
  status: string;
  items: { itemNumber: string; quantity: number; commodityCode: string }[];
  partners: { role: string; name: string }[];
  events: { eventTypeCode: string; eventClassifierCode: string; eventDateTime: string; payloadHash: string; sourceIdoc_ID: string }[];
  handlingUnits: { externalId: string; sealNumber: string | null }[];
}

interface IdocRow {
  ID: string;
  docnum: string | null;
  status: string;
  statusText: string;
  idocType: string;
  payload: string;
  payloadHash: string;
  statusHistory: { status: string; message: string; segment: string | null; field: string | null }[];
}

async function shipment(deliveryNumber: string): Promise<ShipmentRow | undefined> {
  const answer = await lading.odata<{ value: ShipmentRow[] }>(
    `Shipments?$filter=deliveryNumber eq '${deliveryNumber}'&$expand=items,partners,events,handlingUnits`,
  );
  expect(answer.status).toBe(200);
  return answer.data.value[0];
}

async function idoc(id: string): Promise<IdocRow> {
  const answer = await lading.odata<IdocRow>(`InboundIdocs(${id})?$expand=statusHistory`);
  expect(answer.status).toBe(200);
  return answer.data;
}

describe('POST /idoc/xml', () => {
  it('stores a delivery IDoc and answers one result per IDoc', async () => {
    const answer = await lading.postIdoc(fixture('delvry/delvry07-desadv-3-items.xml'));
    expect(answer.status).toBe(200);
    expect(answer.data.idocs).toEqual([expect.objectContaining({ docnum: '0000000001004242', status: '64', outcome: 'accepted' })]);
    const stored = await shipment('0080004242');
    expect(stored).toMatchObject({ ID: 'S4HCLNT100/0080004242', status: 'GOODS_ISSUED' });
    expect(stored?.items.map((item) => [item.itemNumber, item.quantity, item.commodityCode])).toEqual(
      expect.arrayContaining([['000010', 10, '84137030'], ['000020', 11, '84137030'], ['000030', 12, '84137030']]),
    );
    expect(stored?.partners.map((partner) => partner.role).sort()).toEqual(['AG', 'SP', 'WE']);
    expect(stored?.handlingUnits.map((unit) => unit.externalId)).toEqual(['MSKU1234565']);
    expect(stored?.events.map((event) => `${event.eventClassifierCode} ${event.eventTypeCode}`).sort()).toEqual(['ACT GTOT', 'ACT RECE', 'PLN DROP', 'PLN GTOT']);

    const id = answer.data.idocs?.[0]?.id as string;
    const received = await idoc(id);
    expect(received).toMatchObject({ docnum: '0000000001004242', idocType: 'DELVRY07', status: '64' });
    expect(received.payload.startsWith('<IDOC BEGIN="1">')).toBe(true);
    expect(received.payloadHash).toMatch(/^[0-9a-f]{64}$/);
    expect(stored?.events.every((event) => event.payloadHash === received.payloadHash && event.sourceIdoc_ID === id)).toBe(true);
    expect(received.statusHistory.map((record) => record.status).sort()).toEqual(['50', '64']);
  });

  it('answers a resend with 200 and creates nothing new', async () => {
    const first = await lading.postIdoc(fixture('delvry/packet-two-idocs.xml'));
    expect(first.status).toBe(200);
    const again = await lading.postIdoc(fixture('delvry/packet-two-idocs.xml'));
    expect(again.status).toBe(200);
    expect(again.data.idocs?.map((result) => result.outcome)).toEqual(['duplicate', 'duplicate']);
    expect(again.data.idocs?.map((result) => result.id)).toEqual(first.data.idocs?.map((result) => result.id));
    const idocs = await lading.odata("InboundIdocs?$filter=docnum eq '0000000002000001' or docnum eq '0000000002000002'&$count=true");
    expect(idocs.data.value).toHaveLength(2);
    expect((await shipment('0080010002'))?.items).toHaveLength(2);
    expect((await shipment('0080010001'))?.events).toHaveLength(2);
  });

  it('answers 409 for the same DOCNUM with different content and keeps the new payload as rejected', async () => {
    const original = fixture('delvry/delvry07-desadv-3-items.xml').replace(/0000000001004242/g, '0000000001007777').replace(/0080004242/g, '0080007777');
    expect((await lading.postIdoc(original)).status).toBe(200);
    const changed = original.replace('<LFIMG>10.000</LFIMG>', '<LFIMG>9.000</LFIMG>');
    const answer = await lading.postIdoc(changed);
    expect(answer.status).toBe(409);
    expect(answer.data.error).toMatchObject({ code: 'DOCNUM_CONFLICT', segment: 'EDI_DC40', field: 'DOCNUM' });
    expect(answer.data.error?.message).toContain('0000000001007777');
    const rejected = await idoc(answer.data.idocs?.[0]?.id as string);
    expect(rejected).toMatchObject({ status: '51', docnum: '0000000001007777' });
    expect(rejected.payload).toContain('<LFIMG>9.000</LFIMG>');
    expect((await shipment('0080007777'))?.items.find((item) => item.itemNumber === '000010')?.quantity).toBe(10);
  });

  it('accepts an untidy extended IDoc without DOCNUM, keyed by its content', async () => {
    const untidy = fixture('delvry/untidy-extension.xml');
    const first = await lading.postIdoc(untidy, { contentType: 'text/xml; charset=utf-8' });
    expect(first.status).toBe(200);
    expect(first.data.idocs?.[0]).toMatchObject({ docnum: null, outcome: 'accepted' });
    const again = await lading.postIdoc(untidy.replace(/\n\s*/g, ''), { contentType: 'text/xml' });
    expect(again.data.idocs?.[0]).toMatchObject({ outcome: 'duplicate', id: first.data.idocs?.[0]?.id });
    const stored = await shipment('0080990777');
    expect(stored).toMatchObject({ ID: 'Q01CLNT300/0080990777' });
    expect(stored?.handlingUnits[0]?.sealNumber).toBe('SL-998877');
  });

  it('honours the charset of the Content-Type', async () => {
    const latin1 = fixture('delvry/delvry07-desadv-3-items.xml')
      .replace(/0000000001004242/g, '0000000001005555').replace(/0080004242/g, '0080005555')
      .replace('Acme Warehouse', 'Lagerhaus Düsseldorf').replace('encoding="UTF-8"', 'encoding="ISO-8859-1"');
    const answer = await lading.postIdoc(Buffer.from(latin1, 'latin1'), { contentType: 'application/xml; charset=ISO-8859-1' });
    expect(answer.status).toBe(200);
    expect((await shipment('0080005555'))?.partners.find((partner) => partner.role === 'WE')?.name).toBe('Lagerhaus Düsseldorf');
  });

  it('keeps the good IDocs of a packet and reports the bad one', async () => {
    const answer = await lading.postIdoc(fixture('bad/packet-one-bad.xml'));
    expect(answer.status).toBe(422);
    expect(answer.data.idocs?.map((result) => [result.outcome, result.status])).toEqual([['accepted', '64'], ['rejected', '51'], ['accepted', '64']]);
    expect(answer.data.error).toMatchObject({ code: 'MISSING_FIELD', segment: 'E1EDL20', field: 'VBELN' });
    expect(await shipment('0080009005')).toBeDefined();
    expect(await shipment('0080009007')).toBeDefined();
    const rejected = await idoc(answer.data.idocs?.[1]?.id as string);
    expect(rejected.statusHistory).toEqual([expect.objectContaining({ status: '51', segment: 'E1EDL20', field: 'VBELN' })]);
  });
});

describe('POST /idoc/xml with bad input', () => {
  it.each([
    ['bad/malformed-mismatched-tag.xml', 400, { code: 'MALFORMED_XML', line: 6, column: 43 }],
    ['bad/billion-laughs.xml', 400, { code: 'FORBIDDEN_DECLARATION', line: 2, column: 1 }],
    ['bad/xxe.xml', 400, { code: 'FORBIDDEN_DECLARATION', line: 2 }],
  ])('%s → %d without expanding anything, payload kept', async (file, status, error) => {
    const answer = await lading.postIdoc(fixture(file));
    expect(answer.status).toBe(status);
    expect(answer.data.error).toMatchObject(error);
    expect(answer.data.error?.message).not.toContain('root:');
    const kept = await idoc(answer.data.error?.id as string);
    expect(kept).toMatchObject({ status: '51', payload: fixture(file) });
  });

  it.each([
    ['bad/unknown-idoc-type.xml', { code: 'UNKNOWN_IDOC_TYPE', segment: 'EDI_DC40', field: 'IDOCTYP' }],
    ['bad/missing-e1edl20.xml', { code: 'MISSING_SEGMENT', segment: 'E1EDL20' }],
    ['bad/missing-vbeln.xml', { code: 'MISSING_FIELD', segment: 'E1EDL20', field: 'VBELN' }],
    ['bad/impossible-date.xml', { code: 'INVALID_FIELD', segment: 'E1EDT13', field: 'NTANF' }],
    ['bad/missing-control-record.xml', { code: 'MISSING_SEGMENT', segment: 'EDI_DC40' }],
  ])('%s → 422 naming the segment and field, stored with status 51', async (file, error) => {
    const answer = await lading.postIdoc(fixture(file));
    expect(answer.status).toBe(422);
    expect(answer.data.error).toMatchObject(error);
    const stored = await idoc(answer.data.idocs?.[0]?.id as string);
    expect(stored.status).toBe('51');
    expect(stored.statusText).toBe(answer.data.error?.message);
  });

  it('finds rejected IDocs by status and type over OData', async () => {
    await lading.postIdoc(fixture('bad/unknown-idoc-type.xml'));
    const answer = await lading.odata<{ value: IdocRow[] }>("InboundIdocs?$filter=status eq '51' and idocType eq 'ORDERS05'");
    expect(answer.data.value.length).toBeGreaterThan(0);
    expect(answer.data.value[0]?.statusText).toContain('ORDERS05');
  });

  it('answers 413 above the size limit', async () => {
    const answer = await lading.postIdoc(Buffer.alloc(21 * 1024 * 1024, 0x20));
    expect(answer.status).toBe(413);
    expect(answer.data.error?.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('answers 415 for a body that is not XML', async () => {
    const answer = await lading.postIdoc('{}', { contentType: 'application/json' });
    expect(answer.status).toBe(415);
    expect(answer.data.error?.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('answers 400 for bytes that are not in the declared charset', async () => {
    const answer = await lading.postIdoc(Buffer.from([0x3c, 0x41, 0xff, 0xfe, 0x2f, 0x3e]), { contentType: 'application/xml; charset=utf-8' });
    expect(answer.status).toBe(400);
    expect(answer.data.error?.code).toBe('BAD_ENCODING');
  });

  it('answers 401 without credentials and 403 without the ingest role', async () => {
    const anonymous = await lading.postIdoc(fixture('delvry/delvry07-desadv-3-items.xml'), { user: '' });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers['www-authenticate']).toContain('Basic');
    const finance = await lading.postIdoc(fixture('delvry/delvry07-desadv-3-items.xml'), { user: 'finance' });
    expect(finance.status).toBe(403);
    expect(finance.data.error?.code).toBe('FORBIDDEN');
    const wrongPassword = await lading.request({ method: 'POST', url: '/idoc/xml', data: '<A/>', headers: { 'Content-Type': 'application/xml' }, auth: { username: 'erp', password: 'nope' } });
    expect(wrongPassword.status).toBe(401);
    const stranger = await lading.request({ method: 'POST', url: '/idoc/xml', data: '<A/>', headers: { 'Content-Type': 'application/xml' }, auth: { username: 'mallory', password: 'mallory' } });
    expect(stranger.status).toBe(401);
  });

  it('keeps brokers out of the ERP view of all shipments', async () => {
    const answer = await lading.odata('Shipments', 'broker-a');
    expect(answer.status).toBe(403);
  });
});
