import { matchLine, type LineFacts, type PodFacts } from '../../srv/settlement/three-way-match';

/** The three-way match of one line, table-driven: each outcome from the facts that cause it. */

const LINE = { lineNumber: '000020', deliveryNumber: '0080004242', deliveryItem: '000020', quantity: 11, unit: 'PC', unitPrice: 125, priceUnit: 1, netAmount: 1375 };
const DELIVERY = { onLedger: true, docnum: '0000000001004242', item: { quantity: 11, unit: 'PC' } };
const pod = (quantity: number, unit = 'PC'): PodFacts => ({ state: 'read', eventId: 'pod-1', ledgerTxId: 'tx-pod', items: new Map([['000020', { quantity, unit }]]) });
const READY: LineFacts = { line: LINE, delivery: DELIVERY, pod: pod(11) };

describe('three-way match of an invoice line', () => {
  it('is ready when invoice, delivery and POD agree and the amount is quantity × price / price unit', () => {
    expect(matchLine(READY)).toEqual({
      status: 'ready', reasonCodes: [], reason: 'invoice, delivery and POD agree', invoicedQuantity: 11, deliveredQuantity: 11, podQuantity: 11,
      invoicedAmount: 1375, computedAmount: 1375, acceptedAmount: 1375, differenceAmount: 0, podEventId: 'pod-1', podLedgerTxId: 'tx-pod', customsEventId: undefined,
    });
  });

  it.each<[string, LineFacts, string[], RegExp]>([
    ['the POD accepts less than invoiced', { ...READY, pod: pod(10) }, ['QUANTITY_MISMATCH'], /invoiced 11, delivered 11, POD accepted 10 PC/],
    ['less was delivered than invoiced', { ...READY, delivery: { ...DELIVERY, item: { quantity: 10, unit: 'PC' } }, pod: pod(10) }, ['QUANTITY_MISMATCH'], /invoiced 11, delivered 10/],
    ['the POD does not list the item', { ...READY, pod: { state: 'read', eventId: 'pod-1', items: new Map() } }, ['QUANTITY_MISMATCH'], /POD accepted none \(item not listed\)/],
    ['the delivery has no such item', { ...READY, delivery: { onLedger: true } }, ['QUANTITY_MISMATCH'], /has no item 000020/],
    ['the delivery is in another unit', { ...READY, delivery: { ...DELIVERY, item: { quantity: 11, unit: 'KGM' } } }, ['UNIT_MISMATCH'], /invoiced in PC, delivered in KGM/],
    ['the net amount is not quantity × price', { ...READY, line: { ...LINE, netAmount: 1400 } }, ['PRICE_MISMATCH'], /net amount 1400.00 ≠ 11 × 125 \/ 1 = 1375.00/],
    ['the line has no unit price', { ...READY, line: { ...LINE, unitPrice: undefined } }, ['PRICE_MISMATCH'], /no unit price/],
    ['there is no POD', { ...READY, pod: undefined }, ['POD_MISSING'], /no signed proof of delivery/],
    ['the POD does not verify', { ...READY, pod: { state: 'invalid', eventId: 'pod-1', reason: 'signature does not verify' } }, ['POD_INVALID'], /does not verify/],
    ['the POD cannot be read', { ...READY, pod: { state: 'unreadable', eventId: 'pod-1', reason: 'UNAVAILABLE' } }, ['POD_UNREADABLE'], /could not be read/],
    ['customs hold the goods', { ...READY, customsHold: { eventId: 'hold-1', documentId: '26DE1', since: '2026-11-28T09:00:00.000Z' } }, ['CUSTOMS_HOLD'], /customs hold since 2026-11-28T09:00:00.000Z \(declaration 26DE1\)/],
    ['the delivery was never received', { ...READY, delivery: undefined }, ['DELIVERY_UNKNOWN'], /no delivery 0080004242/],
    ['the delivery is not yet on the ledger', { ...READY, delivery: { ...DELIVERY, onLedger: false } }, ['DELIVERY_NOT_ON_LEDGER'], /not yet posted on the ledger/],
    ['several things at once, in order of precedence', { line: { ...LINE, netAmount: 1400 }, delivery: DELIVERY, customsHold: { eventId: 'h', since: '2026-11-28T09:00:00.000Z' } }, ['CUSTOMS_HOLD', 'POD_MISSING', 'PRICE_MISMATCH'], /customs hold .*; no signed proof .*; net amount/],
  ])('is blocked when %s', (_name, facts, codes, reason) => {
    const outcome = matchLine(facts);
    expect(outcome.status).toBe('blocked');
    expect(outcome.reasonCodes).toEqual(codes);
    expect(outcome.reason).toMatch(reason);
  });

  it('prices what the facts support: the smaller of delivered and accepted, and the difference to the invoice', () => {
    expect(matchLine({ ...READY, pod: pod(10) })).toMatchObject({ computedAmount: 1375, acceptedAmount: 1250, differenceAmount: 125 });
    expect(matchLine({ ...READY, line: { ...LINE, quantity: 12, unitPrice: 985, priceUnit: 10, netAmount: 1182 }, delivery: { ...DELIVERY, item: { quantity: 12, unit: 'PC' } }, pod: pod(12) }))
      .toMatchObject({ status: 'ready', computedAmount: 1182, acceptedAmount: 1182, differenceAmount: 0 });
    expect(matchLine({ ...READY, pod: undefined })).toMatchObject({ acceptedAmount: 1375, differenceAmount: 0 });
  });

  it('tolerates a cent of rounding and a thousandth of quantity, no more', () => {
    expect(matchLine({ ...READY, line: { ...LINE, netAmount: 1375.01 } }).status).toBe('ready');
    expect(matchLine({ ...READY, line: { ...LINE, netAmount: 1375.02 } }).reasonCodes).toEqual(['PRICE_MISMATCH']);
    expect(matchLine({ ...READY, pod: pod(10.9996) }).status).toBe('ready');
    expect(matchLine({ ...READY, pod: pod(10.999) }).reasonCodes).toEqual(['QUANTITY_MISMATCH']);
  });
});
