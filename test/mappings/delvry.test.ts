import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MappedDeliveryIdoc } from '../../mappings';
import { contentHashOf, IdocError, mapIdoc, readControlRecord, readIdocXml } from '../../mappings';

const fixture = (name: string): string => readFileSync(join(__dirname, '..', 'fixtures', name), 'utf8');

function mapFirst(xml: string, senderTimeZone?: string): MappedDeliveryIdoc {
  const [idoc] = readIdocXml(xml).idocs;
  if (!idoc) throw new Error('fixture has no IDoc');
  const mapped = mapIdoc(readControlRecord(idoc.control), idoc.segments, {
    payloadHash: 'f'.repeat(64), receivedAt: '2026-11-25T12:00:00.000Z', senderTimeZone,
  });
  if (mapped.kind !== 'delivery') throw new Error(`expected a delivery, got ${mapped.kind}`);
  return mapped;
}

function mappingError(xml: string): IdocError {
  try {
    mapFirst(xml);
  } catch (error) {
    if (error instanceof IdocError) return error;
    throw error;
  }
  throw new Error('expected an IdocError');
}

describe('DELVRY07 DESADV → shipment', () => {
  const { shipment, events } = mapFirst(fixture('delvry/delvry07-desadv-3-items.xml'));

  it('keys the shipment by sending partner and delivery number', () => {
    expect(shipment).toMatchObject({
      shipmentId: 'S4HCLNT100/0080004242', deliveryNumber: '0080004242', senderPartner: 'S4HCLNT100',
      consignee: 'Acme Warehouse', consigneePartnerId: '0017100002', soldTo: 'Acme Imports Ltd',
      carrier: 'Nordic Line Carrier', carrierPartnerId: '0030000007', shipToCountry: 'GB',
      incoterms: 'FCA', incotermsPlace: 'Hamburg', grossWeight: 1250, netWeight: 1100, weightUnit: 'KGM',
      volume: 4.2, volumeUnit: 'MTQ', packageCount: 2, shippingPoint: '1010', route: 'DEHAM1',
      externalId: 'ASN4242', deliveryType: 'LF',
    });
  });

  it('maps items with origin country and commodity code', () => {
    expect(shipment.items).toHaveLength(3);
    expect(shipment.items[1]).toEqual({
      itemNumber: '000020', material: '100001', customerMaterial: undefined, description: 'Pump housing cast iron 1',
      quantity: 11, unit: 'PC', netWeight: 12.5, grossWeight: 13, weightUnit: 'KGM', plant: '1010', storageLocation: '0001',
      batch: 'B12026', originCountry: 'DE', commodityCode: '84137030', referenceDocument: '0004504242', referenceItem: '000020',
    });
  });

  it('maps partners and the container with its contents', () => {
    expect(shipment.partners.map((partner) => partner.role)).toEqual(['AG', 'WE', 'SP']);
    expect(shipment.partners[0]).toMatchObject({ street: '1 Harbour Rd', city: 'Felixstowe', postalCode: 'IP11 3SY', country: 'GB' });
    expect(shipment.handlingUnits).toEqual([{
      externalId: 'MSKU1234565', packagingMaterial: '40HC', packagingType: undefined, grossWeight: 1250, weightUnit: 'KGM',
      sealNumber: undefined,
      contents: [{ position: '000001', deliveryNumber: '0080004242', itemNumber: '000010', material: undefined, batch: undefined, quantity: 10, unit: undefined }],
    }]);
  });

  it('turns the receipt and the deadlines into DCSA events with provenance', () => {
    const summary = events.map((event) => [event.eventType, event.eventClassifierCode, event.eventTypeCode, event.eventDateTime]);
    expect(summary).toEqual([
      ['SHIPMENT', 'ACT', 'RECE', '2026-11-24T10:15:00.000Z'],
      ['EQUIPMENT', 'PLN', 'GTOT', '2026-11-25T07:00:00.000Z'],
      ['EQUIPMENT', 'ACT', 'GTOT', '2026-11-25T08:15:00.000Z'],
      ['EQUIPMENT', 'PLN', 'DROP', '2026-11-30T12:00:00.000Z'],
    ]);
    for (const event of events) {
      expect(event.shipmentId).toBe('S4HCLNT100/0080004242');
      expect(event.payloadHash).toBe('f'.repeat(64));
      expect(event.source).toEqual({ idocType: 'DELVRY07', docnum: '0000000001004242' });
      expect(event.eventId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
    expect(events[2]).toMatchObject({ equipmentReference: 'MSKU1234565', emptyIndicatorCode: 'LADEN', location: '1010' });
    expect(events[3]).toMatchObject({ location: 'Birmingham, GB' });
    expect(events[0]).toMatchObject({ documentTypeCode: 'SHI', documentID: '0080004242' });
  });

  it('gives the same event ids to the same facts', () => {
    const again = mapFirst(fixture('delvry/delvry07-desadv-3-items.xml'));
    expect(again.events.map((event) => event.eventId)).toEqual(events.map((event) => event.eventId));
    expect(new Set(events.map((event) => event.eventId)).size).toBe(events.length);
  });

  it('maps the 40-item reference IDoc', () => {
    const large = mapFirst(fixture('delvry/delvry07-desadv-40-items.xml'));
    expect(large.shipment.items).toHaveLength(40);
    expect(large.shipment.items.every((item) => item.commodityCode !== undefined && item.originCountry !== undefined)).toBe(true);
  });
});

describe('an untidy extended DELVRY07 without DOCNUM', () => {
  const { shipment, events } = mapFirst(fixture('delvry/untidy-extension.xml'));

  it('normalises what SAP and middleware make untidy', () => {
    expect(shipment).toMatchObject({
      shipmentId: 'Q01CLNT300/0080990777', deliveryNumber: '0080990777', incotermsPlace: 'Felixstowe & Harwich',
      grossWeight: 2480.5, packageCount: 3, billOfLading: 'HLCUHAM261100', shipper: 'Hanse Pumps GmbH', shipFromCountry: 'DE',
    });
    expect(shipment.items[0]).toMatchObject({ itemNumber: '000010', material: '100042', quantity: 12 });
    expect(shipment.partners[0]?.extensions).toEqual({ EMAIL: 'shipping@hanse-pumps.example' });
    expect(shipment.handlingUnits[0]).toMatchObject({ sealNumber: 'SL-998877', contents: [expect.objectContaining({ itemNumber: '000010', quantity: 12, unit: 'PC' })] });
  });

  it('keeps customer segments instead of failing', () => {
    expect(shipment.extensionSegments).toEqual([
      { path: 'E1EDL20/E1EDL24/ZE1ITEMX', fields: { ZDANGER: 'N' }, children: 0 },
      { path: 'E1EDL20/ZE1LADING', fields: { ZTRACKING: 'TRK-77', ZNOTE: '' }, children: 0 },
    ]);
  });

  it('applies daylight saving on the night it starts and keeps unknown qualifiers as deadlines only', () => {
    expect(events.map((event) => [event.eventClassifierCode, event.eventTypeCode, event.eventDateTime])).toEqual([
      ['ACT', 'RECE', '2026-03-29T01:30:00.000Z'],
      ['PLN', 'GTOT', '2026-03-29T00:00:00.000Z'],
      ['ACT', 'GTOT', '2026-03-29T01:30:00.000Z'],
    ]);
    expect(events[0]?.source).toEqual({ idocType: 'DELVRY07', docnum: undefined });
    expect(events[2]?.location).toBe('Hamburg, DE');
    expect(shipment.deadlines.map((deadline) => deadline.qualifier)).toEqual(['006', '099', '007']);
    expect(shipment.deadlines[1]?.plannedStart).toBe('2026-03-31T22:00:00.000Z');
  });

  it('reads control-record times in the configured sender time zone', () => {
    const cet = mapFirst(fixture('delvry/untidy-extension.xml'), 'UTC');
    expect(cet.events[0]?.eventDateTime).toBe('2026-03-29T01:30:00.000Z');
    const berlin = mapFirst(fixture('delvry/delvry07-desadv-3-items.xml'), 'CET');
    expect(berlin.events[0]?.eventDateTime).toBe('2026-11-24T09:15:00.000Z');
  });
});

describe('actual dates that are another party\'s fact', () => {
  it('keeps an actual delivery date (007 ISDD) as a deadline and puts no actual DROP on the ledger: only carrier or consignee record that', () => {
    const xml = fixture('delvry/delvry07-desadv-3-items.xml').replace(
      '<QUALF>007</QUALF><NTANF>20261130</NTANF><NTANZ>120000</NTANZ>',
      '<QUALF>007</QUALF><NTANF>20261130</NTANF><NTANZ>120000</NTANZ><ISDD>20261130</ISDD><ISDZ>143000</ISDZ>',
    );
    const mapped = mapFirst(xml);
    const drops = mapped.events.filter((event) => event.eventTypeCode === 'DROP');
    expect(drops.map((event) => event.eventClassifierCode)).toEqual(['PLN']);
    expect(mapped.shipment.deadlines.find((deadline) => deadline.qualifier === '007')?.actualStart).toBe('2026-11-30T14:30:00.000Z');
  });
});

describe('DELVRY mapping errors name the segment and field', () => {
  it.each([
    ['bad/missing-e1edl20.xml', 'MISSING_SEGMENT', 'E1EDL20', undefined],
    ['bad/missing-vbeln.xml', 'MISSING_FIELD', 'E1EDL20', 'VBELN'],
    ['bad/impossible-date.xml', 'INVALID_FIELD', 'E1EDT13', 'NTANF'],
    ['bad/negative-quantity.xml', 'INVALID_FIELD', 'E1EDL24', 'LFIMG'],
    ['bad/unknown-idoc-type.xml', 'UNKNOWN_IDOC_TYPE', 'EDI_DC40', 'IDOCTYP'],
  ])('%s → %s %s %s', (file, code, segment, field) => {
    const error = mappingError(fixture(file));
    expect({ code: error.code, segment: error.segment, field: error.field }).toEqual({ code, segment, field });
  });

  it('names a message type that is not supported on a delivery type', () => {
    const xml = fixture('delvry/delvry07-desadv-3-items.xml').replace('<MESTYP>DESADV</MESTYP>', '<MESTYP>INVOIC</MESTYP>');
    expect(mappingError(xml)).toMatchObject({ code: 'UNKNOWN_IDOC_TYPE', field: 'MESTYP' });
  });

  it('turns a deletion (E1EDL18 DEL) into a VOID event', () => {
    const xml = fixture('delvry/delvry07-desadv-3-items.xml').replace('<QUALF>ORI</QUALF>', '<QUALF>DEL</QUALF>');
    expect(mapFirst(xml).events.map((event) => event.eventTypeCode)).toEqual(['VOID']);
  });

  it('refuses a control record without sender or type', () => {
    const [idoc] = readIdocXml(fixture('bad/missing-control-record.xml')).idocs;
    expect(() => readControlRecord(idoc?.control)).toThrow(expect.objectContaining({ code: 'MISSING_SEGMENT', segment: 'EDI_DC40' }));
    const noType = readIdocXml('<X><IDOC><EDI_DC40 SEGMENT="1"><SNDPRN>S</SNDPRN><MESTYP>DESADV</MESTYP></EDI_DC40></IDOC></X>').idocs[0];
    expect(() => readControlRecord(noType?.control)).toThrow(expect.objectContaining({ code: 'MISSING_FIELD', field: 'IDOCTYP' }));
  });
});

describe('content hash', () => {
  it('is the same for the same IDoc with its fields in another order or other whitespace', () => {
    const xml = fixture('delvry/delvry07-desadv-3-items.xml');
    const reordered = xml.replace('<ROUTE>DEHAM1</ROUTE><INCO1>FCA</INCO1>', '<INCO1>FCA</INCO1><ROUTE>DEHAM1</ROUTE>').replace(/>\n\s*</g, '><');
    expect(reordered).not.toBe(xml);
    const hash = (document: string): string => {
      const [idoc] = readIdocXml(document).idocs;
      return contentHashOf(idoc?.control, idoc?.segments ?? []);
    };
    expect(hash(reordered)).toBe(hash(xml));
    expect(hash(xml.replace('<LFIMG>10.000</LFIMG>', '<LFIMG>9.000</LFIMG>'))).not.toBe(hash(xml));
  });
});
