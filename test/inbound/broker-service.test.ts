import { fixture, startLading } from '../support/lading';

/** BrokerService over real HTTP: a broker sees its own shipments only; others do not exist for it. */

const lading = startLading();

interface BrokerShipment {
  ID: string;
  deliveryNumber: string;
  shipToCountry: string;
  items?: { itemNumber: string; commodityCode: string; originCountry: string }[];
  events?: { eventTypeCode: string; payloadHash: string; ledgerTxId: string | null }[];
}

const broker = <T>(user: string, path: string) => lading.request<T>({ method: 'GET', url: `/odata/v4/broker/${path}`, auth: { username: user, password: user } });

beforeAll(async () => {
  expect((await lading.postIdoc(fixture('delvry/delvry07-desadv-broker-a.xml'))).status).toBe(200);
  expect((await lading.postIdoc(fixture('delvry/packet-two-idocs.xml'))).status).toBe(200);
});

describe('BrokerService', () => {
  it('lists only the shipments the broker is partner of, with customs data and provenance', async () => {
    const answer = await broker<{ value: BrokerShipment[] }>('broker-a', 'Shipments?$expand=items,events');
    expect(answer.status).toBe(200);
    expect(answer.data.value.map((shipment) => shipment.ID)).toEqual(['S4HCLNT100/0080006001']);
    const [shipment] = answer.data.value;
    expect(shipment?.items?.map((item) => [item.itemNumber, item.commodityCode, item.originCountry])).toContainEqual(['000010', '84137030', 'DE']);
    expect(shipment?.events?.every((event) => /^[0-9a-f]{64}$/.test(event.payloadHash))).toBe(true);
  });

  it('answers 404, not 403, for another broker\'s shipment', async () => {
    const id = encodeURIComponent('S4HCLNT100/0080006001');
    expect((await broker('broker-a', `Shipments('${id}')`)).status).toBe(200);
    expect((await broker('broker-b', `Shipments('${id}')`)).status).toBe(404);
    expect((await broker<{ value: BrokerShipment[] }>('broker-b', 'Shipments')).data.value).toEqual([]);
  });

  it('keeps everyone else out and is read-only', async () => {
    expect((await lading.request({ method: 'GET', url: '/odata/v4/broker/Shipments' })).status).toBe(401);
    expect((await broker('finance', 'Shipments')).status).toBe(403);
    const write = await lading.request({ method: 'DELETE', url: `/odata/v4/broker/Shipments('${encodeURIComponent('S4HCLNT100/0080006001')}')`, auth: { username: 'broker-a', password: 'broker-a' } });
    expect([403, 405]).toContain(write.status);
  });
});
