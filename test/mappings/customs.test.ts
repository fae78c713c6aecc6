import type { MappedCustomsIdoc, XmlIdocPacket } from '../../mappings';
import { eventIdOf, mapIdoc, mapperFor, readControlRecord, readIdocFlat, readIdocSoap, readIdocXml } from '../../mappings';
import { fixture } from '../support/lading';

/** DELVRY07 + ZLADING_DECL01: declarations, their status events and the customs values by event. */

const OPTIONS = { payloadHash: 'f'.repeat(64), receivedAt: '2026-11-25T12:00:00.000Z' };

function mapAll(packet: XmlIdocPacket): MappedCustomsIdoc[] {
  return packet.idocs.map((idoc) => {
    const mapped = mapIdoc(readControlRecord(idoc.control), idoc.segments, OPTIONS);
    if (mapped.kind !== 'customs') throw new Error(`expected customs, got ${mapped.kind}`);
    return mapped;
  });
}

const map = (name: string): MappedCustomsIdoc => mapAll(readIdocXml(fixture(name)))[0] as MappedCustomsIdoc;

describe('customs declarations (ZLADING_DECL01)', () => {
  it('maps an export declaration with its delivery, items and private values', () => {
    const mapped = map('customs/decl07-export-submitted.xml');
    expect(mapped.shipmentIds).toEqual(['S4HCLNT100/0080007001']);
    expect(mapped.summary).toBe('customs EX GTS-EX-2026-0042 SUBM for delivery 0080007001');
    expect(mapped.deliveryIncluded).toBe(true);
    expect(mapped.shipment.items).toHaveLength(3);
    expect(mapped.shipment.partners.map((partner) => partner.role)).toContain('CB');
    // The declarations are mapped, so they are no unmapped extension of the delivery.
    expect(mapped.shipment.extensionSegments).toEqual([]);
    const [declaration] = mapped.declarations;
    expect(declaration).toMatchObject({
      declarationId: 'S4HCLNT100/0080007001/EX/GTS-EX-2026-0042', declarationType: 'EX', declarationNumber: 'GTS-EX-2026-0042',
      customsOffice: 'DE004851', procedureCode: '1000', status: 'SUBM', statusAt: '2026-11-25T08:30:00.000Z', currency: 'EUR',
    });
    expect(declaration?.mrn).toBeUndefined();
    expect(declaration?.items).toEqual([
      { itemNumber: '000010', commodityCode: '84137030', originCountry: 'DE', customsValue: '12500.00', currency: 'EUR', duty: '0.00' },
      { itemNumber: '000020', commodityCode: '84137030', originCountry: 'DE', customsValue: '13750.50', currency: 'EUR', duty: '412.52' },
      { itemNumber: '000030', commodityCode: '841391', originCountry: 'CZ', customsValue: '15000.00', currency: 'EUR', duty: '450.00' },
    ]);
    // Only the customs event: the delivery's own events come with its DESADV, and a broker may not record them.
    expect(mapped.events).toHaveLength(1);
    const [event] = mapped.events;
    expect(event).toMatchObject({
      eventId: declaration?.eventId, shipmentId: 'S4HCLNT100/0080007001', eventType: 'SHIPMENT', eventClassifierCode: 'ACT',
      eventTypeCode: 'SUBM', eventDateTime: '2026-11-25T08:30:00.000Z', documentTypeCode: 'CUS', documentID: 'GTS-EX-2026-0042',
      location: 'Customs office DE004851', description: 'Export declaration submitted', payloadHash: OPTIONS.payloadHash,
      source: { idocType: 'DELVRY07', docnum: '0000000001007001' },
    });
    expect(mapped.customsValues).toEqual({
      [event?.eventId as string]: { declaredValue: '41250.50', currency: 'EUR', duty: '862.52', hsCodes: ['84137030', '841391'] },
    });
    // Nothing of the values is on the public event.
    expect(JSON.stringify(mapped.events)).not.toMatch(/41250|12500|862\.52|84137030|841391/);
  });

  it('maps status messages without items: no values, the MRN as document id', () => {
    const mapped = map('customs/decl07-export-released.xml');
    expect(mapped.deliveryIncluded).toBe(false);
    expect(mapped.customsValues).toEqual({});
    expect(mapped.declarations.map((declaration) => [declaration.status, declaration.mrn, declaration.declarationId])).toEqual([
      ['APPR', '26DE004851000042A7', 'S4HCLNT100/0080007001/EX/GTS-EX-2026-0042'],
      ['RELS', '26DE004851000042A7', 'S4HCLNT100/0080007001/EX/GTS-EX-2026-0042'],
    ]);
    expect(mapped.events.map((event) => [event.eventType, event.eventTypeCode, event.documentID, event.eventDateTime, event.description])).toEqual([
      ['SHIPMENT', 'APPR', '26DE004851000042A7', '2026-11-25T09:15:00.000Z', 'Export declaration accepted'],
      ['SHIPMENT', 'RELS', '26DE004851000042A7', '2026-11-25T10:10:00.000Z', 'Export declaration released'],
    ]);
  });

  it.each([
    ['SUBM', 'SHIPMENT', 'SUBM', 'submitted'],
    ['APPR', 'SHIPMENT', 'APPR', 'accepted'],
    ['REJE', 'SHIPMENT', 'REJE', 'rejected'],
    ['HOLD', 'SHIPMENT', 'HOLD', 'held'],
    ['RELS', 'SHIPMENT', 'RELS', 'released'],
    ['EXIT', 'SHIPMENT', 'RELS', 'exit confirmed'],
    ['INSP', 'EQUIPMENT', 'INSP', 'selected for inspection'],
  ])('status %s is a DCSA %s %s event about document CUS', (status, eventType, eventTypeCode, verb) => {
    const xml = fixture('customs/decl07-export-submitted.xml').replace('<STATUS>SUBM</STATUS>', `<STATUS>${status}</STATUS>`);
    const [idoc] = readIdocXml(xml).idocs;
    const mapped = mapIdoc(readControlRecord(idoc?.control), idoc?.segments ?? [], OPTIONS) as MappedCustomsIdoc;
    const [event] = mapped.events;
    expect(event).toMatchObject({ eventType, eventTypeCode, eventClassifierCode: 'ACT', documentTypeCode: 'CUS', description: `Export declaration ${verb}` });
    if (eventType === 'EQUIPMENT') {
      // The delivery names one container: the inspection is recorded on it, laden.
      expect(event).toMatchObject({ equipmentReference: 'MSKU1234565', emptyIndicatorCode: 'LADEN' });
    } else {
      expect(event?.equipmentReference).toBeUndefined();
    }
  });

  it('derives event ids from the facts: a resend under another DOCNUM gives the same ids, another status another id', () => {
    const xml = fixture('customs/decl07-export-released.xml');
    const first = map('customs/decl07-export-released.xml');
    const [resentIdoc] = readIdocXml(xml.replace('0000000001007011', '0000000001009999')).idocs;
    const resent = mapIdoc(readControlRecord(resentIdoc?.control), resentIdoc?.segments ?? [], { ...OPTIONS, payloadHash: 'e'.repeat(64) });
    expect(resent.events.map((event) => event.eventId)).toEqual(first.events.map((event) => event.eventId));
    const [apprId, relsId] = first.events.map((event) => event.eventId);
    expect(apprId).not.toBe(relsId);
    const event = first.events[0];
    expect(apprId).toBe(eventIdOf({
      shipmentId: 'S4HCLNT100/0080007001', eventType: 'SHIPMENT', eventClassifierCode: 'ACT', eventTypeCode: 'APPR',
      eventDateTime: event?.eventDateTime as string, discriminator: 'EX/GTS-EX-2026-0042/APPR',
    }));
  });

  it('identifies a declaration by its MRN when SAP sends no number', () => {
    const xml = fixture('customs/decl07-export-released.xml').replace(/<DECNO>GTS-EX-2026-0042<\/DECNO>/g, '');
    const [idoc] = readIdocXml(xml).idocs;
    const mapped = mapIdoc(readControlRecord(idoc?.control), idoc?.segments ?? [], OPTIONS) as MappedCustomsIdoc;
    expect(mapped.declarations.map((declaration) => declaration.declarationId)).toEqual([
      'S4HCLNT100/0080007001/EX/26DE004851000042A7', 'S4HCLNT100/0080007001/EX/26DE004851000042A7',
    ]);
  });

  it('joins the delivery of the system LOGSYS names when GTS sends with its own name', () => {
    const fromGts = fixture('customs/decl07-export-released.xml').replace('<SNDPRN>S4HCLNT100</SNDPRN>', '<SNDPRN>GTSCLNT100</SNDPRN>');
    const read = (xml: string): MappedCustomsIdoc => mapAll(readIdocXml(xml))[0] as MappedCustomsIdoc;
    expect(read(fromGts).shipmentIds).toEqual(['GTSCLNT100/0080007001']);
    const named = read(fromGts.replace(/<PROCD>1000<\/PROCD>/, '<PROCD>1000</PROCD><LOGSYS>S4HCLNT100</LOGSYS>'));
    expect(named.shipmentIds).toEqual(['S4HCLNT100/0080007001']);
    expect(named.declarations.map((declaration) => declaration.declarationId)).toEqual([
      'S4HCLNT100/0080007001/EX/GTS-EX-2026-0042', 'S4HCLNT100/0080007001/EX/GTS-EX-2026-0042',
    ]);
    // The same facts as when the delivery's own system sends them: the same event ids.
    expect(named.events.map((event) => event.eventId)).toEqual(map('customs/decl07-export-released.xml').events.map((event) => event.eventId));
  });

  it('maps held and inspected import declarations with their reasons (reasons stay off the ledger)', () => {
    const mapped = map('customs/decl07-import-held-inspected.xml');
    expect(mapped.declarations.map((declaration) => [declaration.declarationType, declaration.status, declaration.reason])).toEqual([
      ['IM', 'HOLD', 'Certificate of origin missing'], ['IM', 'INSP', 'Physical examination'],
    ]);
    expect(mapped.events.map((event) => `${event.eventType} ${event.eventTypeCode}`)).toEqual(['SHIPMENT HOLD', 'EQUIPMENT INSP']);
    // Without handling units in the message, the inspection names no container.
    expect(mapped.events[1]?.equipmentReference).toBeUndefined();
    expect(JSON.stringify(mapped.events)).not.toContain('Certificate');
  });

  it('reads the same declarations from XML, SOAP and a flat file', () => {
    const fromXml = mapAll(readIdocXml(fixture('customs/decl07-export-submitted.xml')));
    const fromSoap = mapAll(readIdocSoap(fixture('customs/decl07-export-submitted.soap.xml')));
    const fromFlat = mapAll(readIdocFlat(fixture('customs/decl07-export-submitted.flat.txt')));
    for (const other of [fromSoap, fromFlat]) {
      expect(other.map((mapped) => mapped.declarations)).toEqual(fromXml.map((mapped) => mapped.declarations));
      expect(other.map((mapped) => mapped.customsValues)).toEqual(fromXml.map((mapped) => mapped.customsValues));
      expect(other.map((mapped) => mapped.events.map((event) => event.eventId))).toEqual(fromXml.map((mapped) => mapped.events.map((event) => event.eventId)));
    }
  });

  it('claims only its extension: every other DELVRY07 stays a delivery', () => {
    expect(mapperFor({ idocType: 'DELVRY07', messageType: 'ZLADING_DECL', extensionType: 'ZLADING_DECL01' }).kind).toBe('customs');
    expect(mapperFor({ idocType: 'DELVRY07', messageType: 'DESADV', extensionType: 'ZLADING_DECL01' }).kind).toBe('customs');
    expect(mapperFor({ idocType: 'DELVRY07', messageType: 'DESADV', extensionType: undefined }).kind).toBe('delivery');
    expect(mapperFor({ idocType: 'DELVRY07', messageType: 'DESADV', extensionType: 'ZOTHER01' }).kind).toBe('delivery');
    expect(() => mapperFor({ idocType: 'DELVRY07', messageType: 'INVOIC', extensionType: 'ZLADING_DECL01' })).toThrow(expect.objectContaining({ code: 'UNKNOWN_IDOC_TYPE', field: 'MESTYP' }));
    // Without the extension the message type is unknown to the delivery mapper.
    expect(() => mapperFor({ idocType: 'DELVRY07', messageType: 'ZLADING_DECL', extensionType: undefined })).toThrow(expect.objectContaining({ field: 'MESTYP' }));
  });
});
