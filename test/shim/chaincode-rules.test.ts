/**
 * The shipment contract's pure rules, table by table: who may record what (chaincode/README.md
 * "Access by organisation") and which customs values the transient map may carry. The same rules
 * run end to end through the chaincode process in runtime.test.ts.
 */
import { mayRecord } from '../../chaincode/src/access-policy';
import { parseCustomsTransient } from '../../chaincode/src/customs';
import type { ShipmentEvent } from '../../chaincode/src/model';

function event(eventType: ShipmentEvent['eventType'], eventTypeCode: string, more: { classifier?: ShipmentEvent['eventClassifierCode']; document?: string } = {}): ShipmentEvent {
  return {
    eventId: 'E1',
    shipmentId: 'S4HCLNT100/0080990777',
    eventType,
    eventClassifierCode: more.classifier ?? 'ACT',
    eventTypeCode,
    eventDateTime: '2026-11-25T08:00:00Z',
    payloadHash: 'a'.repeat(64),
    ...(more.document ? { documentTypeCode: more.document } : {}),
  };
}

function label(shipmentEvent: ShipmentEvent): string {
  const document = typeof shipmentEvent.documentTypeCode === 'string' ? ` (${shipmentEvent.documentTypeCode})` : '';
  return `${shipmentEvent.eventClassifierCode} ${shipmentEvent.eventType} ${shipmentEvent.eventTypeCode}${document}`;
}

describe('recording grants by organisation', () => {
  const rows: Array<[string, ShipmentEvent, boolean]> = [
    // ShipperMSP: its documents, filing (not deciding) customs, its own equipment moves, plans
    ['ShipperMSP', event('SHIPMENT', 'RECE', { document: 'SHI' }), true],
    ['ShipperMSP', event('SHIPMENT', 'REQS'), true],
    ['ShipperMSP', event('SHIPMENT', 'SUBM', { document: 'CUS' }), true],
    ['ShipperMSP', event('SHIPMENT', 'ISSU', { document: 'CUS' }), false],
    ['ShipperMSP', event('SHIPMENT', 'APPR', { document: 'CUS' }), false],
    ['ShipperMSP', event('SHIPMENT', 'CMPL', { document: 'TRD' }), false],
    ['ShipperMSP', event('EQUIPMENT', 'STUF'), true],
    ['ShipperMSP', event('EQUIPMENT', 'STRP'), false],
    ['ShipperMSP', event('SHIPMENT', 'VOID', { document: 'SHI' }), true],
    ['ShipperMSP', event('EQUIPMENT', 'LOAD'), true],
    ['ShipperMSP', event('EQUIPMENT', 'DROP', { classifier: 'PLN' }), true],
    ['ShipperMSP', event('EQUIPMENT', 'DROP'), false],
    ['ShipperMSP', event('TRANSPORT', 'DEPA', { classifier: 'PLN' }), true],
    ['ShipperMSP', event('TRANSPORT', 'ARRI', { classifier: 'EST' }), true],
    ['ShipperMSP', event('TRANSPORT', 'ARRI'), false],
    // CarrierMSP: transport and equipment facts, nothing about documents
    ['CarrierMSP', event('TRANSPORT', 'ARRI'), true],
    ['CarrierMSP', event('EQUIPMENT', 'RMVD'), true],
    ['CarrierMSP', event('EQUIPMENT', 'INSP'), false],
    ['CarrierMSP', event('SHIPMENT', 'CONF'), false],
    // BrokerMSP: customs decisions and inspections only
    ['BrokerMSP', event('SHIPMENT', 'RELS', { document: 'CUS' }), true],
    ['BrokerMSP', event('SHIPMENT', 'HOLD', { document: 'CUS' }), true],
    ['BrokerMSP', event('SHIPMENT', 'HOLD', { document: 'BKG' }), false],
    ['BrokerMSP', event('SHIPMENT', 'RELS'), false],
    ['BrokerMSP', event('EQUIPMENT', 'INSP'), true],
    // ConsigneeMSP: proof of delivery and what arrives at its gate
    ['ConsigneeMSP', event('SHIPMENT', 'CMPL', { document: 'TRD' }), true],
    ['ConsigneeMSP', event('SHIPMENT', 'CMPL', { document: 'SHI' }), false],
    ['ConsigneeMSP', event('EQUIPMENT', 'GTIN'), true],
    ['ConsigneeMSP', event('EQUIPMENT', 'LOAD'), false],
    // FinanceMSP and strangers: nothing
    ['FinanceMSP', event('SHIPMENT', 'RECE'), false],
    ['UnknownMSP', event('TRANSPORT', 'ARRI'), false],
  ];
  test.each(rows.map(([mspId, shipmentEvent, allowed]) => [mspId, label(shipmentEvent), allowed, shipmentEvent] as const))(
    '%s, %s → allowed: %s',
    (mspId, _, allowed, shipmentEvent) => {
      expect(mayRecord(mspId, shipmentEvent)).toBe(allowed);
    },
  );
});

describe('customs values in the transient map', () => {
  const transient = (value: unknown): Map<string, Uint8Array> => new Map([['customs', Buffer.from(JSON.stringify(value))]]);
  const valid = { declaredValue: '125000.00', currency: 'EUR', hsCodes: ['847130'] };

  test('hash the canonical bytes, whatever the field order', () => {
    const a = parseCustomsTransient(transient({ E1: valid })).get('E1')!;
    const b = parseCustomsTransient(transient({ E1: { hsCodes: ['847130'], currency: 'EUR', declaredValue: '125000.00' } })).get('E1')!;
    expect(a.bytes.toString()).toBe('{"currency":"EUR","declaredValue":"125000.00","hsCodes":["847130"]}');
    expect(a.hash).toBe(b.hash);
  });

  test('no transient customs is no customs', () => {
    expect(parseCustomsTransient(new Map()).size).toBe(0);
  });

  test.each([
    ['declaredValue', { ...valid, declaredValue: -1 }],
    ['declaredValue', { ...valid, declaredValue: '12,5' }],
    ['currency', { ...valid, currency: 'euro' }],
    ['duty', { ...valid, duty: 'free' }],
    ['hsCodes', { ...valid, hsCodes: [] }],
    ['hsCodes', { ...valid, hsCodes: ['8471'] }],
  ])('refuse a bad %s, naming event and field', (field, values) => {
    expect(() => parseCustomsTransient(transient({ E7: values }))).toThrow(new RegExp(`invalid customs values of event E7: field ${field}`));
  });

  test('refuse customs that are not an object of events', () => {
    expect(() => parseCustomsTransient(transient([valid]))).toThrow(/invalid transient customs/);
    expect(() => parseCustomsTransient(new Map([['customs', Buffer.from('{')]]))).toThrow(/invalid transient customs: not JSON/);
  });
});
