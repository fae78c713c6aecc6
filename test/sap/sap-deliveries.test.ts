import { readOutboundDeliveries, readOutboundDelivery, type DeliveryQuery, type OutboundDeliveryHeader } from '../../connectors/sap';
import type { SapConfig } from '../../connectors/sap';
import type { SapSimulator } from '../../sap-simulator';
import { basicDestination, sapConfig, sapFailure, simulator, useDestinations } from './sap-support';

async function readAll(config: SapConfig, query: DeliveryQuery = {}): Promise<OutboundDeliveryHeader[][]> {
  const pages: OutboundDeliveryHeader[][] = [];
  for await (const page of readOutboundDeliveries(config, query)) pages.push(page);
  return pages;
}

const DELIVERY_COUNT = 23;

describe('reading outbound deliveries (API_OUTBOUND_DELIVERY_SRV)', () => {
  let sap: SapSimulator;
  let cappedSap: SapSimulator;
  let restore: () => void;

  beforeAll(async () => {
    const deliveries = Array.from({ length: DELIVERY_COUNT }, (_, i) => ({
      DeliveryDocument: String(80_004_000 + i),
      ShippingPoint: i % 2 === 0 ? '1010' : '1020',
      SoldToParty: '17100001',
      ShipToParty: '17100002',
      OverallGoodsMovementStatus: i < 10 ? 'C' : 'A',
      HeaderGrossWeight: 1250.5 + i,
      HeaderWeightUnit: 'KG',
      CreationDate: '2026-11-01T00:00:00Z',
      LastChangeDate: i < 5 ? '2026-11-24T00:00:00Z' : '2026-11-20T00:00:00Z',
    }));
    sap = await simulator({ deliveries });
    // This one pages on its own at 4 entries, as a SAP system with a small server page size does.
    cappedSap = await simulator({ deliveries, odataPageSize: 4 });
    restore = useDestinations([basicDestination('READ_SAP', sap), basicDestination('READ_CAPPED', cappedSap), basicDestination('READ_BAD', sap, 'LADING', 'nope')]);
  });

  afterAll(async () => {
    restore();
    await Promise.all([sap.stop(), cappedSap.stop()]);
  });

  afterEach(() => {
    sap.clearFaults();
  });

  it.each([
    [5, [5, 5, 5, 5, 3]],
    [23, [23]],
    [10, [10, 10, 3]],
    [100, [23]],
  ])('pages of %i → page sizes %j, every delivery once, in delivery order', async (pageSize, sizes) => {
    const pages = await readAll(sapConfig('READ_SAP'), { pageSize });
    expect(pages.map((page) => page.length)).toEqual(sizes);
    const numbers = pages.flat().map((delivery) => delivery.deliveryDocument);
    expect(numbers).toEqual(Array.from({ length: DELIVERY_COUNT }, (_, i) => `00${80_004_000 + i}`));
  });

  it('follows SAP\'s __next links when SAP pages below $top', async () => {
    const pages = await readAll(sapConfig('READ_CAPPED'), { pageSize: 10 });
    expect(pages.flat()).toHaveLength(DELIVERY_COUNT);
    expect(new Set(pages.flat().map((d) => d.deliveryDocument)).size).toBe(DELIVERY_COUNT);
    expect(Math.max(...pages.map((page) => page.length))).toBeLessThanOrEqual(4);
  });

  it('maps OData V2 JSON to typed headers (dates as ISO instants, decimals as text)', async () => {
    const [first] = (await readAll(sapConfig('READ_SAP'), { deliveryDocuments: ['80004000'] })).flat();
    expect(first).toEqual({
      deliveryDocument: '0080004000',
      deliveryDocumentType: 'LF',
      shippingPoint: '1010',
      soldToParty: '17100001',
      shipToParty: '17100002',
      overallGoodsMovementStatus: 'C',
      overallProofOfDeliveryStatus: 'A',
      headerGrossWeight: '1250.500',
      headerWeightUnit: 'KG',
      creationDate: '2026-11-01T00:00:00.000Z',
      lastChangeDate: '2026-11-24T00:00:00.000Z',
    });
  });

  it.each([
    ['changed since 2026-11-23', { changedSince: '2026-11-23T15:00:00Z' }, 5],
    ['shipping point 1020', { shippingPoint: '1020' }, 11],
    ['two numbers', { deliveryDocuments: ['80004001', '0080004007'] }, 2],
    ['combined', { changedSince: '2026-11-23T00:00:00Z', shippingPoint: '1010' }, 3],
  ])('filters: %s', async (_, query: DeliveryQuery, count) => {
    expect((await readAll(sapConfig('READ_SAP'), { ...query, pageSize: 2 })).flat()).toHaveLength(count);
  });

  it('reads one delivery by number, undefined when SAP does not know it', async () => {
    await expect(readOutboundDelivery(sapConfig('READ_SAP'), '80004003')).resolves.toMatchObject({ deliveryDocument: '0080004003', shippingPoint: '1020' });
    await expect(readOutboundDelivery(sapConfig('READ_SAP'), '99999999')).resolves.toBeUndefined();
  });

  it('a failing delivery API is retryable; bad credentials are not', async () => {
    sap.fail({ status: 503, count: 1, scope: 'odata' });
    const error = await sapFailure(readAll(sapConfig('READ_SAP')));
    expect(error).toMatchObject({ retry: 'yes', status: 503, operation: 'read-deliveries' });
    const refused = await sapFailure(readAll(sapConfig('READ_BAD')));
    expect(refused).toMatchObject({ retry: 'never', status: 401 });
  });

  it('the delivery API down is retryable', async () => {
    await cappedSap.down();
    try {
      const error = await sapFailure(readAll(sapConfig('READ_CAPPED')));
      expect(error.retry).toBe('yes');
      // Refused for a new connection; reset when a kept-alive one from the last read is reused.
      expect(['ECONNREFUSED', 'ECONNRESET']).toContain(error.code);
    } finally {
      await cappedSap.up();
    }
  });
});
