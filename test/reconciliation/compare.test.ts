import { compareShipment, findingKey } from '../../srv/reconciliation/compare';
import type { ErpDelivery, Finding, LedgerShipment, ReceivedEvent, ReceivedShipment, ShipmentState } from '../../srv/reconciliation/state';

/** The comparison rules, one row each: pure data in, findings out. */

const ID = 'S4HCLNT100/0080000001';
const HASH_A = 'a'.repeat(64);
const HASH_B = 'b'.repeat(64);

function event(eventId: string, overrides: Partial<ReceivedEvent> = {}): ReceivedEvent {
  return { eventId, payloadHash: HASH_A, settled: true, recordedBy: 'ShipperMSP', sourceIdocId: 'idoc-1', outboxState: 'confirmed', storedPayloadHash: HASH_A, ...overrides };
}

function erp(overrides: Partial<ErpDelivery> = {}): ErpDelivery {
  return { shipmentId: ID, deliveryNumber: '0080000001', shippingPoint: '1000', salesOrganization: '1010', deliveryType: 'LF', grossWeight: '120.000', netWeight: '100.000', weightUnit: 'KG', proofOfDeliveryStatus: 'A', ...overrides };
}

function received(overrides: Partial<ReceivedShipment> = {}): ReceivedShipment {
  return {
    shipmentId: ID, deliveryNumber: '0080000001', shippingPoint: '1000', salesOrganization: '1010', deliveryType: 'LF', grossWeight: '120', netWeight: '100', weightUnit: 'KG',
    status: 'GOODS_ISSUED', events: [event('e1'), event('e2')], outbound: [], ...overrides,
  };
}

function ledger(overrides: Partial<LedgerShipment> = {}): LedgerShipment {
  return {
    shipmentId: ID, status: 'GOODS_ISSUED', events: ['e1', 'e2'], recordedBy: { e1: 'ShipperMSP', e2: 'ShipperMSP' },
    payloadHashes: { e1: HASH_A, e2: HASH_A }, ...overrides,
  };
}

function state(parts: Partial<ShipmentState>): ShipmentState {
  return { shipmentId: ID, erpApplies: true, erp: erp(), received: received(), ledger: ledger(), ...parts };
}

type Row = [string, ShipmentState, Partial<Finding>[]];

const rows: Row[] = [
  ['all three agree: a match', state({}), []],
  ['decimals compare as numbers, not text', state({ erp: erp({ grossWeight: '120.000' }), received: received({ grossWeight: '120' }) }), []],
  ['another system\'s shipment is not compared with SAP', state({ erpApplies: false, erp: undefined }), []],
  ['SAP and Lading disagree on a header field: which field, both values',
    state({ erp: erp({ shippingPoint: '2000' }) }),
    [{ kind: 'fieldMismatch', field: 'shippingPoint', erpValue: '2000', receivedValue: '1000' }]],
  ['a weight differs', state({ received: received({ netWeight: '99.5' }) }),
    [{ kind: 'fieldMismatch', field: 'netWeight', erpValue: '100.000', receivedValue: '99.5' }]],
  ['the IDoc\'s ISO unit (KGM) and SAP\'s internal one (KG) are the same unit', state({ received: received({ weightUnit: 'KGM' }) }), []],
  ['weights in tonnes on one side and kilograms on the other compare by mass', state({ erp: erp({ grossWeight: '0.120', netWeight: '0.100', weightUnit: 'TO' }), received: received({ weightUnit: 'KGM' }) }), []],
  ['a different mass in different units is still a difference', state({ erp: erp({ grossWeight: '0.121', netWeight: '0.100', weightUnit: 'TO' }), received: received({ weightUnit: 'KGM' }) }),
    [{ kind: 'fieldMismatch', field: 'grossWeight', erpValue: '0.121', receivedValue: '120' }]],
  ['a unit that is not a weight unit differs from one that is', state({ erp: erp({ weightUnit: 'PCE' }) }),
    [{ kind: 'fieldMismatch', field: 'weightUnit', erpValue: 'PCE', receivedValue: 'KG' }]],
  ['SAP does not know the delivery', state({ erp: undefined }), [{ kind: 'missingInErp', field: 'delivery', receivedValue: '0080000001' }]],
  ['only SAP knows it: never reached Lading nor the ledger', state({ received: undefined, ledger: undefined }),
    [{ kind: 'missingOnLedger', field: 'shipment', erpValue: '0080000001' }]],
  ['only the ledger knows it', state({ erp: undefined, received: undefined }), [{ kind: 'missingInErp', field: 'shipment', ledgerValue: 'e1,e2' }]],
  ['a settled event is missing on the ledger: re-drive its IDoc',
    state({ ledger: ledger({ events: ['e1'], recordedBy: { e1: 'ShipperMSP' }, payloadHashes: { e1: HASH_A } }), received: received({ events: [event('e1'), event('e2', { sourceIdocId: 'idoc-2' })] }) }),
    [{ kind: 'missingOnLedger', field: 'events', receivedValue: 'e2', ledgerValue: 'e1', repair: { action: 'redriveOutbox', idocIds: ['idoc-2'] } }]],
  ['the whole shipment is missing on the ledger, the outbox gave up: re-drive',
    state({ ledger: undefined, received: received({ events: [event('e1', { outboxState: 'failed', settled: false })] }) }),
    [{ kind: 'missingOnLedger', field: 'shipment', receivedValue: 'e1', repair: { action: 'redriveOutbox', idocIds: ['idoc-1'] } }]],
  ['events on their way (outbox pending or queued) are no finding, nor their status',
    state({ ledger: ledger({ events: ['e1'], status: 'ANNOUNCED' }), received: received({ events: [event('e1'), event('e2', { outboxState: 'queued', settled: false })] }) }), []],
  ['another party\'s event missing in Lading, not repairable',
    state({ received: received({ events: [event('e1')] }) }),
    [{ kind: 'missingInErp', field: 'events', ledgerValue: 'e2' }]],
  ['an event without outbox row missing on the ledger is reported without repair',
    state({ ledger: ledger({ events: ['e1'] }), received: received({ events: [event('e1'), event('e2', { sourceIdocId: undefined, outboxState: undefined })] }) }),
    [{ kind: 'missingOnLedger', field: 'events', receivedValue: 'e2', ledgerValue: 'e1' }]],
  ['status differs between Lading and the ledger', state({ ledger: ledger({ status: 'DEPARTED' }) }),
    [{ kind: 'statusMismatch', field: 'status', receivedValue: 'GOODS_ISSUED', ledgerValue: 'DEPARTED' }]],
  ['the ledger has the POD, SAP does not', state({ ledger: ledger({ status: 'POD_SIGNED' }), received: received({ status: 'POD_SIGNED' }) }),
    [{ kind: 'statusMismatch', field: 'proofOfDelivery', erpValue: 'A', ledgerValue: 'POD_SIGNED' }]],
  ['SAP has a POD the ledger has not', state({ erp: erp({ proofOfDeliveryStatus: 'C' }) }),
    [{ kind: 'statusMismatch', field: 'proofOfDelivery', erpValue: 'C', ledgerValue: 'GOODS_ISSUED' }]],
  ['the event\'s hash in Lading differs from the ledger\'s',
    state({ received: received({ events: [event('e1', { payloadHash: HASH_B, storedPayloadHash: HASH_B }), event('e2')] }) }),
    [
      { kind: 'payloadHashMismatch', field: 'payloadHash:e1', receivedValue: HASH_B, ledgerValue: HASH_A },
      { kind: 'payloadHashMismatch', field: 'idocPayload:idoc-1', receivedValue: HASH_B, ledgerValue: HASH_A },
    ]],
  ['the stored IDoc was edited: its hash no longer matches the ledger (once per IDoc)',
    state({ received: received({ events: [event('e1', { storedPayloadHash: HASH_B }), event('e2', { storedPayloadHash: HASH_B })] }) }),
    [{ kind: 'payloadHashMismatch', field: 'idocPayload:idoc-1', receivedValue: HASH_B, ledgerValue: HASH_A }]],
  ['recorded by another organisation than Lading says',
    state({ ledger: ledger({ recordedBy: { e1: 'ShipperMSP', e2: 'CarrierMSP' } }) }),
    [{ kind: 'fieldMismatch', field: 'recordedBy:e2', receivedValue: 'ShipperMSP', ledgerValue: 'CarrierMSP' }]],
  ['an IDoc SAP refused: news missing in the ERP, re-send it',
    state({ received: received({ outbound: [{ id: 'out-1', docnum: '0000000000000042', status: '02' }] }) }),
    [{ kind: 'missingInErp', field: 'outboundIdocs', receivedValue: '0000000000000042 (02)', repair: { action: 'resendOutbound', outboundIdocIds: ['out-1'] } }]],
  ['an IDoc for SAP still waiting: no finding, and no status verdict meanwhile',
    state({ ledger: ledger({ status: 'POD_SIGNED' }), received: received({ status: 'POD_SIGNED', outbound: [{ id: 'out-1', docnum: '1', status: '30' }] }) }), []],
  ['nothing anywhere: nothing to say', { shipmentId: ID, erpApplies: true }, []],
];

describe('compareShipment', () => {
  it.each(rows)('%s', (_name, input, expected) => {
    const findings = compareShipment(input);
    expect(findings).toHaveLength(expected.length);
    expected.forEach((want, at) => expect(findings[at]).toEqual({ shipmentId: ID, ...want }));
  });

  it('keeps long value lists within the column size', () => {
    const many = Array.from({ length: 200 }, (_, at) => `event-${String(at).padStart(30, '0')}`);
    const [finding] = compareShipment(state({ received: received({ events: [] }), ledger: ledger({ events: many }) }));
    expect(finding?.kind).toBe('missingInErp');
    expect(finding?.ledgerValue?.length).toBeLessThanOrEqual(1000);
    expect(finding?.ledgerValue).toMatch(/\(200 in all\)$/);
  });

  it('gives each finding a key that stays the same across runs', () => {
    const first = compareShipment(state({ erp: erp({ shippingPoint: '2000' }) })).map(findingKey);
    const second = compareShipment(state({ erp: erp({ shippingPoint: '3000' }) })).map(findingKey);
    expect(first).toEqual(second);
  });
});
