import { mergeStates, SourceOrderError } from '../../srv/reconciliation/merge';
import type { ErpDelivery, LedgerShipment, ReceivedShipment } from '../../srv/reconciliation/state';
import { ConfigError } from '../../srv/config';
import { readReconciliationConfig } from '../../srv/reconciliation/config';

/** The merge-join of the three page streams, and the reconciliation settings. */

async function* pages<T>(items: T[], size: number): AsyncGenerator<T[]> {
  for (let at = 0; at < items.length; at += size) yield items.slice(at, at + size);
}

const erp = (id: string): ErpDelivery => ({ shipmentId: `SAP/${id}`, deliveryNumber: id });
const received = (id: string): ReceivedShipment => ({ shipmentId: `SAP/${id}`, events: [], outbound: [] });
const ledger = (id: string): LedgerShipment => ({ shipmentId: `SAP/${id}`, status: 'ANNOUNCED', events: [], recordedBy: {}, payloadHashes: {} });

async function collect<T>(stream: AsyncIterable<T[]>): Promise<T[][]> {
  const batches: T[][] = [];
  for await (const batch of stream) batches.push(batch);
  return batches;
}

describe('mergeStates', () => {
  it('joins the three sources by shipment id, whatever their page sizes, in batches', async () => {
    const batches = await collect(mergeStates({
      erp: pages(['1', '2', '4'].map(erp), 2),
      received: pages(['2', '3', '4'].map(received), 1),
      ledger: pages(['3', '4', '5'].map(ledger), 3),
      erpApplies: (id) => id.startsWith('SAP/'),
    }, 2));
    expect(batches.map((batch) => batch.length)).toEqual([2, 2, 1]);
    const sides = batches.flat().map((state) => [state.shipmentId, Boolean(state.erp), Boolean(state.received), Boolean(state.ledger), state.erpApplies]);
    expect(sides).toEqual([
      ['SAP/1', true, false, false, true],
      ['SAP/2', true, true, false, true],
      ['SAP/3', false, true, true, true],
      ['SAP/4', true, true, true, true],
      ['SAP/5', false, false, true, true],
    ]);
  });

  it('without SAP, no shipment is compared with it', async () => {
    const [batch] = await collect(mergeStates({ received: pages([received('1')], 5), ledger: pages([], 5), erpApplies: () => true }, 10));
    expect(batch).toEqual([{ shipmentId: 'SAP/1', erpApplies: false, received: received('1') }]);
  });

  it('refuses a source that is not ordered by id (e.g. a database collation other than binary)', async () => {
    const merged = collect(mergeStates({ received: pages(['2', '1'].map(received), 5), ledger: pages(['1', '2'].map(ledger), 5), erpApplies: () => false }, 10));
    await expect(merged).rejects.toThrow(SourceOrderError);
    await expect(collect(mergeStates({ received: pages(['2', '1'].map(received), 5), ledger: pages([], 5), erpApplies: () => false }, 10)))
      .rejects.toThrow('Lading database returned shipment SAP/1 after SAP/2');
  });
});

describe('readReconciliationConfig', () => {
  it('has defaults: on demand only, SAP\'s receiver partner, hashes verified, batches of 500', () => {
    expect(readReconciliationConfig({})).toEqual({ erpPartner: 'S4HCLNT100', verifyPayloadHashes: true, batchSize: 500 });
    expect(readReconciliationConfig({ SAP_IDOC_RECEIVER_PARTNER: 'QS4CLNT200' }).erpPartner).toBe('QS4CLNT200');
    expect(readReconciliationConfig({ LADING_RECONCILE_CRON: '0 * * * *', LADING_RECONCILE_ERP_PARTNER: 'X', LADING_RECONCILE_VERIFY_HASHES: 'off', LADING_RECONCILE_BATCH: '50' }))
      .toEqual({ cron: '0 * * * *', erpPartner: 'X', verifyPayloadHashes: false, batchSize: 50 });
    expect(readReconciliationConfig({ LADING_RECONCILE_CRON: 'off' }).cron).toBeUndefined();
  });

  it.each([
    ['LADING_RECONCILE_CRON', 'hourly'],
    ['LADING_RECONCILE_CRON', '* * *'],
    ['LADING_RECONCILE_VERIFY_HASHES', 'maybe'],
    ['LADING_RECONCILE_BATCH', '0'],
    ['LADING_RECONCILE_BATCH', '5000'],
  ])('stops on %s=%s with one line naming the variable', (name, value) => {
    expect(() => readReconciliationConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => readReconciliationConfig({ [name]: value })).toThrow(new RegExp(`^Configuration error: ${name} `));
  });
});
