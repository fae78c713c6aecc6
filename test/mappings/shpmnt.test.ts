import type { MappedIdoc, MappedTransportIdoc, XmlIdocPacket } from '../../mappings';
import { HEADER_DEADLINE_EVENTS, IdocError, mapIdoc, readControlRecord, readIdocFlat, readIdocSoap, readIdocXml } from '../../mappings';
import { buildShipmentDeadlines } from '../../mappings/outbound';
import { fixture } from '../support/lading';

const SEA = 'shpmnt/shpmnt05-sea-2-deliveries.xml';
const OPTIONS = { payloadHash: 'f'.repeat(64), receivedAt: '2026-11-25T12:00:00.000Z' };

function mapPacket(packet: XmlIdocPacket): MappedIdoc {
  const [idoc] = packet.idocs;
  if (!idoc) throw new Error('no IDoc');
  return mapIdoc(readControlRecord(idoc.control), idoc.segments, OPTIONS);
}

function transportOf(xml: string): MappedTransportIdoc {
  const mapped = mapPacket(readIdocXml(xml));
  if (mapped.kind !== 'transport') throw new Error(`mapped as ${mapped.kind}`);
  return mapped;
}

/** The sea fixture with one text replaced (each replacement must hit). */
function variant(...replacements: [string | RegExp, string][]): string {
  return replacements.reduce((xml, [from, to]) => {
    const next = xml.replace(from, to);
    if (next === xml) throw new Error(`fixture has no ${String(from)}`);
    return next;
  }, fixture(SEA));
}

type EventLine = [string, string, string, string, string, string | undefined, string | undefined];
const lines = (mapped: MappedTransportIdoc): EventLine[] => mapped.events.map((event) => [
  event.shipmentId.slice(-4), event.eventType, event.eventClassifierCode, event.eventTypeCode, event.eventDateTime, event.location, event.equipmentReference,
]);

describe('SHPMNT05 sea shipment → transport', () => {
  const mapped = transportOf(fixture(SEA));
  const { transport } = mapped;

  it('keys the transport by sender and TKNUM and reads mode, vessel, voyage, carrier', () => {
    expect(mapped).toMatchObject({ kind: 'transport', summary: 'transport 0000004711 with 2 deliveries' });
    expect(transport).toMatchObject({
      transportId: 'S4HCLNT100/0000004711', shipmentNumber: '0000004711', senderPartner: 'S4HCLNT100',
      shipmentType: 'Z004', shippingType: '04', mode: 'VESSEL', legIndicator: 'MAIN', route: 'DEHAM1',
      vesselName: 'NORDIC STAR', voyageNumber: '042W', containerId: 'MSKU1234565', vehicleId: undefined,
      externalId1: 'NLC-BKG-88123', carrier: 'Nordic Line Carrier', carrierPartnerId: '0030000007',
      distance: 1310, distanceUnit: 'KMT', deleted: false, extensionSegments: [],
    });
    expect(transport.partners.map((partner) => [partner.role, partner.extensions])).toEqual([['SP', { 304: 'NLCA' }], ['AG', undefined]]);
  });

  it('links each contained delivery to its ledger shipment', () => {
    expect(mapped.shipmentIds).toEqual(['S4HCLNT100/0080004242', 'S4HCLNT100/0080004243']);
    expect(transport.deliveries).toEqual([
      { shipmentId: 'S4HCLNT100/0080004242', deliveryNumber: '0080004242', consignee: 'Acme Warehouse', consigneePartnerId: '0017100002', shipToCountry: 'GB', shippingPoint: '1010', grossWeight: 1250, weightUnit: 'KGM' },
      { shipmentId: 'S4HCLNT100/0080004243', deliveryNumber: '0080004243', consignee: 'Brit Valves plc', consigneePartnerId: '0017100009', shipToCountry: 'GB', shippingPoint: '1010', grossWeight: 830.5, weightUnit: 'KGM' },
    ]);
  });

  it.each([
    ['0001', { sequence: 1, category: 'TRANSPORT_LEG', legIndicator: 'PRELIMINARY', shippingType: '01', mode: 'TRUCK', distance: 12, distanceUnit: 'KMT',
      departure: { pointId: '1010', pointKind: 'WERKS', name: 'Plant Hamburg', city: 'Hamburg', country: 'DE' },
      destination: { pointId: 'DEHAM', pointKind: 'KNOTE', name: 'Container Terminal Burchardkai', city: 'Hamburg', country: 'DE' },
      carrier: undefined, deliveryNumbers: [] }],
    ['0002', { sequence: 2, legIndicator: 'MAIN', mode: 'VESSEL', distance: 1298,
      departure: { pointId: 'DEHAM', pointKind: 'KNOTE', name: 'Container Terminal Burchardkai', city: 'Hamburg', country: 'DE' },
      destination: { pointId: 'GBFXT', pointKind: 'KNOTE', name: 'Port of Felixstowe', city: 'Felixstowe', country: 'GB' },
      carrier: 'Nordic Line Carrier', carrierPartnerId: '0030000007', deliveryNumbers: ['0080004242', '0080004243'] }],
  ])('maps stage %s with its departure and destination points', (stageNumber, expected) => {
    expect(transport.stages.find((stage) => stage.stageNumber === stageNumber)).toMatchObject(expected);
  });

  it('keeps stage and header deadlines in UTC, actual dates included', () => {
    expect(transport.stages[1]?.deadlines).toEqual([{ qualifier: '005', plannedStart: '2026-11-26T17:00:00.000Z', plannedEnd: '2026-11-28T06:00:00.000Z', actualStart: undefined, actualEnd: undefined, timeZone: 'CET' }]);
    expect(transport.deadlines.map((deadline) => [deadline.qualifier, deadline.plannedStart, deadline.actualStart])).toEqual([
      ['003', '2026-11-25T07:00:00.000Z', undefined],
      ['004', '2026-11-25T09:00:00.000Z', '2026-11-25T09:30:00.000Z'],
      ['006', '2026-11-26T17:00:00.000Z', '2026-11-26T17:30:00.000Z'],
      ['007', '2026-11-28T06:00:00.000Z', undefined],
    ]);
  });

  it('maps the containers and what each carries', () => {
    expect(transport.handlingUnits).toEqual([
      { externalId: 'MSKU1234565', isContainer: true, packagingMaterial: '40HC', grossWeight: 1250, weightUnit: 'KGM',
        contents: [{ position: '000001', deliveryNumber: '0080004242', itemNumber: '000010', material: undefined, quantity: 10, unit: 'PC' }] },
      { externalId: 'TCNU7654321', isContainer: true, packagingMaterial: '20GP', grossWeight: 830.5, weightUnit: 'KGM',
        contents: [{ position: '000001', deliveryNumber: '0080004243', itemNumber: '000010', material: undefined, quantity: 4, unit: 'PAL' }] },
    ]);
  });

  it('emits DCSA events per delivery: legs from the stages, loading per container', () => {
    const hamburgPlant = 'Plant Hamburg, Hamburg, DE';
    const terminal = 'Container Terminal Burchardkai, Hamburg, DE';
    const felixstowe = 'Port of Felixstowe, Felixstowe, GB';
    expect(lines(mapped)).toEqual([
      ['4242', 'TRANSPORT', 'PLN', 'DEPA', '2026-11-25T10:00:00.000Z', hamburgPlant, undefined],
      ['4243', 'TRANSPORT', 'PLN', 'DEPA', '2026-11-25T10:00:00.000Z', hamburgPlant, undefined],
      ['4242', 'TRANSPORT', 'PLN', 'ARRI', '2026-11-25T12:30:00.000Z', terminal, undefined],
      ['4243', 'TRANSPORT', 'PLN', 'ARRI', '2026-11-25T12:30:00.000Z', terminal, undefined],
      ['4242', 'TRANSPORT', 'PLN', 'DEPA', '2026-11-26T17:00:00.000Z', terminal, undefined],
      ['4243', 'TRANSPORT', 'PLN', 'DEPA', '2026-11-26T17:00:00.000Z', terminal, undefined],
      ['4242', 'TRANSPORT', 'PLN', 'ARRI', '2026-11-28T06:00:00.000Z', felixstowe, undefined],
      ['4243', 'TRANSPORT', 'PLN', 'ARRI', '2026-11-28T06:00:00.000Z', felixstowe, undefined],
      ['4242', 'EQUIPMENT', 'PLN', 'LOAD', '2026-11-25T09:00:00.000Z', hamburgPlant, 'MSKU1234565'],
      ['4243', 'EQUIPMENT', 'PLN', 'LOAD', '2026-11-25T09:00:00.000Z', hamburgPlant, 'TCNU7654321'],
      ['4242', 'EQUIPMENT', 'ACT', 'LOAD', '2026-11-25T09:30:00.000Z', hamburgPlant, 'MSKU1234565'],
      ['4243', 'EQUIPMENT', 'ACT', 'LOAD', '2026-11-25T09:30:00.000Z', hamburgPlant, 'TCNU7654321'],
    ]);
    for (const event of mapped.events) {
      expect(event.payloadHash).toBe('f'.repeat(64));
      expect(event.source).toEqual({ idocType: 'SHPMNT05', docnum: '0000000003004711' });
      expect(event.eventId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      if (event.eventType === 'EQUIPMENT') expect(event.emptyIndicatorCode).toBe('LADEN');
    }
    expect(new Set(mapped.events.map((event) => event.eventId)).size).toBe(mapped.events.length);
  });

  it('puts no actual departure, arrival or discharge on the ledger: the carrier records those', () => {
    // 006 carries ISDD 18:30 CET; it stays a deadline of the transport and brings no ACT DEPA.
    expect(mapped.events.filter((event) => event.eventClassifierCode === 'ACT').map((event) => event.eventTypeCode)).toEqual(['LOAD', 'LOAD']);
  });

  it('gives the same event ids to a resend', () => {
    expect(transportOf(fixture(SEA)).events.map((event) => event.eventId)).toEqual(mapped.events.map((event) => event.eventId));
  });

  it('maps the same shipment identically from XML, SOAP and flat file', () => {
    const soap = mapPacket(readIdocSoap(fixture('shpmnt/shpmnt05-sea-2-deliveries.soap.xml')));
    const flat = mapPacket(readIdocFlat(fixture('shpmnt/shpmnt05-sea-2-deliveries.flat.txt')));
    expect(soap).toEqual(mapped);
    expect(flat).toEqual(mapped);
  });
});

describe('SHPMNT variants', () => {
  it.each([
    ['SHPMNT06 / SHPMNT', [['<IDOCTYP>SHPMNT05</IDOCTYP>', '<IDOCTYP>SHPMNT06</IDOCTYP>']]],
    ['SHPMNT05 / TPSSHT', [['<MESTYP>SHPMNT</MESTYP>', '<MESTYP>TPSSHT</MESTYP>']]],
  ] as [string, [string, string][]][])('accepts %s', (_name, replacements) => {
    expect(transportOf(variant(...replacements)).events).toHaveLength(12);
  });

  it('refuses another message type on SHPMNT05, naming MESTYP', () => {
    const [idoc] = readIdocXml(variant(['<MESTYP>SHPMNT</MESTYP>', '<MESTYP>DESADV</MESTYP>'])).idocs;
    expect(() => mapIdoc(readControlRecord(idoc?.control as never), idoc?.segments ?? [], OPTIONS))
      .toThrow(expect.objectContaining({ code: 'UNKNOWN_IDOC_TYPE', segment: 'EDI_DC40', field: 'MESTYP' }));
  });

  it('reads a truck shipment: SIGNI is the vehicle, no vessel, header dates without stages', () => {
    const truck = transportOf(variant(
      ['<VSART>04</VSART><LAUFK>2</LAUFK><ROUTE>', '<VSART>01</VSART><LAUFK>4</LAUFK><ROUTE>'],
      ['<SIGNI>MSKU1234565</SIGNI>', '<SIGNI>HH-LT 4711</SIGNI>'],
      [/<E1EDK33 SEGMENT="1">[\s\S]*<\/E1EDK33>\n/, ''],
      [/<E1EDT37 SEGMENT="1">[\s\S]*<\/E1EDT37>\n/, ''],
    ));
    expect(truck.transport).toMatchObject({ mode: 'TRUCK', legIndicator: 'DIRECT', vehicleId: 'HH-LT 4711', containerId: undefined, vesselName: undefined, voyageNumber: undefined, stages: [], handlingUnits: [] });
    // No container: no equipment events. Header 006/007 plans give the legs, without a place.
    expect(lines(truck)).toEqual([
      ['4242', 'TRANSPORT', 'PLN', 'DEPA', '2026-11-26T17:00:00.000Z', undefined, undefined],
      ['4243', 'TRANSPORT', 'PLN', 'DEPA', '2026-11-26T17:00:00.000Z', undefined, undefined],
      ['4242', 'TRANSPORT', 'PLN', 'ARRI', '2026-11-28T06:00:00.000Z', undefined, undefined],
      ['4243', 'TRANSPORT', 'PLN', 'ARRI', '2026-11-28T06:00:00.000Z', undefined, undefined],
    ]);
  });

  it('keeps a customer shipping type without a mode and a Z-segment as data', () => {
    const custom = transportOf(variant(
      ['<VSART>04</VSART><LAUFK>2</LAUFK>', '<VSART>Z7</VSART><LAUFK>2</LAUFK>'],
      ['<E1EDT18 SEGMENT="1">', '<Z1LADING_TRUCK SEGMENT="1"><PLATE>HH 1</PLATE></Z1LADING_TRUCK><E1EDT18 SEGMENT="1">'],
    ));
    expect(custom.transport).toMatchObject({ shippingType: 'Z7', mode: undefined, vesselName: undefined });
    expect(custom.transport.extensionSegments).toEqual([{ path: 'E1EDT20/Z1LADING_TRUCK', fields: { PLATE: 'HH 1' }, children: 0 }]);
  });

  it('limits stage and container events to the deliveries they name', () => {
    const split = transportOf(variant(['<E1EDT01 SEGMENT="1"><VBELN>0080004243</VBELN></E1EDT01>\n', '']));
    const arrivals = split.events.filter((event) => event.eventTypeCode === 'ARRI' && event.eventDateTime === '2026-11-28T06:00:00.000Z');
    // Stage 0002 names 0080004242 only; the header's 007 (at the last stage's destination) still concerns both.
    expect(arrivals.map((event) => [event.shipmentId.slice(-4), event.description])).toEqual([
      ['4242', 'Arrival, shipment 0000004711 stage 0002'], ['4243', 'Shipment end, shipment 0000004711'],
    ]);
  });

  it('brings no events for a shipment SAP deleted, and keeps the transport', () => {
    const deleted = transportOf(variant(['<E1EDT18 SEGMENT="1"><QUALF>ORI</QUALF>', '<E1EDT18 SEGMENT="1"><QUALF>DEL</QUALF>']));
    expect(deleted.transport.deleted).toBe(true);
    expect(deleted.events).toEqual([]);
    expect(deleted.shipmentIds).toHaveLength(2);
  });

  it('accepts a shipment without deliveries as a transport with no ledger shipment and no events', () => {
    const empty = transportOf(variant([/<E1EDL20 SEGMENT="1">[\s\S]*<\/E1EDL20>\n/, ''], [/<E1EDT01 SEGMENT="1">.*<\/E1EDT01>\n/g, ''], [/<E1EDT43 SEGMENT="1">.*<\/E1EDT43>/g, '']));
    expect(empty).toMatchObject({ shipmentIds: [], events: [], summary: 'transport 0000004711 with 0 deliveries' });
    expect(empty.transport.stages).toHaveLength(2);
  });

  it('turns a planned discharge (Z01) into DISC per container', () => {
    const discharge = transportOf(variant(['<E1ADRM4 SEGMENT="1"><PARTNER_Q>SP', '<E1EDT10 SEGMENT="1"><QUALF>Z01</QUALF><NTANF>20261128</NTANF><NTANZ>090000</NTANZ><ISDD>20261128</ISDD><ISDZ>100000</ISDZ><TZONE_BEG>UTC</TZONE_BEG></E1EDT10><E1ADRM4 SEGMENT="1"><PARTNER_Q>SP']));
    expect(lines(discharge).filter((line) => line[3] === 'DISC')).toEqual([
      ['4242', 'EQUIPMENT', 'PLN', 'DISC', '2026-11-28T09:00:00.000Z', 'Port of Felixstowe, Felixstowe, GB', 'MSKU1234565'],
      ['4243', 'EQUIPMENT', 'PLN', 'DISC', '2026-11-28T09:00:00.000Z', 'Port of Felixstowe, Felixstowe, GB', 'TCNU7654321'],
    ]);
  });

  it('is an IdocError with a code for everything it refuses (sanity of the helper)', () => {
    expect(() => transportOf(variant(['<TKNUM>0000004711</TKNUM>', '']))).toThrow(IdocError);
  });
});

describe('the outbound SHPMNT05 read back', () => {
  it('gives each milestone Lading reports to SAP the meaning Lading reads in a shipment', () => {
    const envelope = { client: '100', senderPort: 'LADING', senderPartner: 'LADING', receiverPort: 'SAPS4H', receiverPartner: 'S4HCLNT100' };
    const outbound = buildShipmentDeadlines(envelope, {
      source: 'round-trip', shipmentNumber: '4711',
      deadlines: [
        { milestone: 'loaded', actualAt: '2026-11-25T09:30:00.000Z' },
        { milestone: 'departed', plannedAt: '2026-11-26T17:00:00.000Z' },
        { milestone: 'arrived', plannedAt: '2026-11-28T06:00:00.000Z' },
        { milestone: 'discharged', plannedAt: '2026-11-28T09:00:00.000Z' },
      ],
    }, { createdAt: '2026-11-25T10:00:00.000Z' });
    const read = transportOf(outbound.xml);
    expect(read.transport.shipmentNumber).toBe('0000004711');
    const meaning = Object.fromEntries(read.transport.deadlines.map((deadline) => [deadline.qualifier, deadline.actualStart ?? deadline.plannedStart]));
    expect(meaning).toEqual({ '004': '2026-11-25T09:30:00.000Z', '006': '2026-11-26T17:00:00.000Z', '007': '2026-11-28T06:00:00.000Z', Z01: '2026-11-28T09:00:00.000Z' });
    // The four qualifiers are exactly those the inbound mapping turns into LOAD, DEPA, ARRI and DISC.
    expect(Object.keys(meaning).map((qualifier) => HEADER_DEADLINE_EVENTS[qualifier]?.eventTypeCode)).toEqual(['LOAD', 'DEPA', 'ARRI', 'DISC']);
    // No delivery in it: a transport with no ledger shipment and no events.
    expect(read).toMatchObject({ shipmentIds: [], events: [] });
  });
});
