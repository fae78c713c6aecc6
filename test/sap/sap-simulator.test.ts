import { startSapSimulator, type SapSimulator } from '../../sap-simulator';
import { buildSystat } from '../../mappings/outbound';
import { CREATED_AT, ENVELOPE } from './outbound-support';

const BASIC = `Basic ${Buffer.from('lading:lading').toString('base64')}`;

function statusXml(i: number): string {
  return buildSystat(ENVELOPE, [{ docnum: String(7000 + i), status: '53', loggedAt: CREATED_AT }], { createdAt: CREATED_AT }).xml;
}

async function json(response: Response): Promise<Record<string, unknown>> {
  return (await response.json()) as Record<string, unknown>;
}

describe('SAP simulator over HTTP', () => {
  let sap: SapSimulator;

  beforeEach(async () => {
    sap = await startSapSimulator({ port: 0, csrf: true, users: { LADING: 'lading' }, bearerTokens: ['token-1'] });
  });

  afterEach(async () => {
    await sap.stop();
  });

  const post = (xml: string, headers: Record<string, string> = {}, query = '?sap-client=100'): Promise<Response> =>
    fetch(`${sap.url}/sap/bc/idoc_xml${query}`, { method: 'POST', headers: { authorization: BASIC, 'content-type': 'text/xml', ...headers }, body: xml });

  async function csrfHeaders(): Promise<Record<string, string>> {
    const response = await fetch(`${sap.url}/sap/bc/idoc_xml?sap-client=100`, { method: 'HEAD', headers: { authorization: BASIC, 'x-csrf-token': 'Fetch' } });
    expect(response.status).toBe(200);
    const token = response.headers.get('x-csrf-token') ?? '';
    const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    expect(token).not.toBe('');
    return { 'x-csrf-token': token, cookie };
  }

  it.each([
    ['no credentials', {}, 401],
    ['a wrong password', { authorization: `Basic ${Buffer.from('LADING:x').toString('base64')}` }, 401],
    ['an unknown bearer token', { authorization: 'Bearer token-2' }, 401],
  ])('refuses %s with 401 and a Basic challenge', async (_, headers: Record<string, string>, status) => {
    const response = await fetch(`${sap.url}/sap/bc/idoc_xml?sap-client=100`, { method: 'POST', headers, body: statusXml(1) });
    expect(response.status).toBe(status);
    expect(response.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
  });

  it('refuses an unknown client', async () => {
    expect((await post(statusXml(1), await csrfHeaders(), '?sap-client=999')).status).toBe(401);
  });

  it('asks for a CSRF token (403, x-csrf-token: Required) and takes the IDoc with one, bearer tokens included', async () => {
    const refused = await post(statusXml(1));
    expect(refused.status).toBe(403);
    expect(refused.headers.get('x-csrf-token')).toBe('Required');
    const accepted = await post(statusXml(1), await csrfHeaders());
    expect(accepted.status).toBe(200);
    expect(accepted.headers.get('content-type')).toMatch(/text\/html/);
    const bearer = await fetch(`${sap.url}/sap/bc/idoc_xml?sap-client=100`, { method: 'HEAD', headers: { authorization: 'Bearer token-1', 'x-csrf-token': 'fetch' } });
    const cookie = (bearer.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const viaBearer = await fetch(`${sap.url}/sap/bc/idoc_xml?sap-client=100`, {
      method: 'POST', headers: { authorization: 'Bearer token-1', 'x-csrf-token': bearer.headers.get('x-csrf-token') ?? '', cookie }, body: statusXml(2),
    });
    expect(viaBearer.status).toBe(200);
  });

  it.each([
    ['not XML', 'hello'],
    ['a DTD', '<!DOCTYPE x [<!ENTITY a "b">]><SYSTAT01><IDOC BEGIN="1"/></SYSTAT01>'],
    ['no IDOC', '<SYSTAT01></SYSTAT01>'],
  ])('answers 400 to %s and stores nothing', async (_, xml) => {
    expect((await post(xml, await csrfHeaders())).status).toBe(400);
    expect(sap.stats()).toMatchObject({ received: 0, requests: { malformed: 1 } });
  });

  it('admin API: lists IDocs by message type, counts duplicates, clears', async () => {
    const headers = await csrfHeaders();
    await post(statusXml(1), headers);
    await post(statusXml(1), headers);
    await post(statusXml(2), headers);
    const stats = await json(await fetch(`${sap.url}/admin/stats`));
    expect(stats).toMatchObject({ received: 3, duplicates: 1, byMessageType: { STATUS: 3 } });
    const listed = await json(await fetch(`${sap.url}/admin/idocs?mestyp=status&xml=false`));
    expect(listed.idocs).toHaveLength(3);
    expect((listed.idocs as Record<string, unknown>[])[0]).not.toHaveProperty('xml');
    expect((await json(await fetch(`${sap.url}/admin/idocs?mestyp=ALEAUD`))).idocs).toEqual([]);
    await fetch(`${sap.url}/admin/idocs`, { method: 'DELETE' });
    expect(await json(await fetch(`${sap.url}/admin/stats`))).toMatchObject({ received: 0, duplicates: 0 });
  });

  it('admin API: faults for N requests (token fetches count too), then normal again', async () => {
    const set = await fetch(`${sap.url}/admin/faults`, { method: 'POST', body: JSON.stringify({ status: 500, count: 2, scope: 'idoc' }) });
    expect(set.status).toBe(201);
    expect(await json(set)).toMatchObject({ fault: { status: 500, remaining: 2, scope: 'idoc' } });
    const fetchDuringFault = await fetch(`${sap.url}/sap/bc/idoc_xml?sap-client=100`, { method: 'HEAD', headers: { authorization: BASIC, 'x-csrf-token': 'Fetch' } });
    expect(fetchDuringFault.status).toBe(500);
    expect((await post(statusXml(1))).status).toBe(500);
    expect((await json(await fetch(`${sap.url}/admin/faults`))).fault).toBeNull();
    expect((await post(statusXml(1), await csrfHeaders())).status).toBe(200);
    expect(sap.stats()).toMatchObject({ received: 1, requests: { faulted: 2 } });
  });

  it.each([
    [{ count: 0 }],
    [{ status: 200, count: 1 }],
    [{ status: 600, count: 1 }],
    [{ status: 503 }],
    [{ count: 1, scope: 'everything' }],
  ])('admin API refuses the fault %j', async (spec) => {
    expect((await fetch(`${sap.url}/admin/faults`, { method: 'POST', body: JSON.stringify(spec) })).status).toBe(400);
  });

  it('admin API: down for a while, then listening again on the same port', async () => {
    const answer = await fetch(`${sap.url}/admin/down`, { method: 'POST', body: JSON.stringify({ forSeconds: 0.3 }) });
    expect(answer.status).toBe(202);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await expect(fetch(`${sap.url}/admin/stats`)).rejects.toThrow();
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await fetch(`${sap.url}/admin/stats`)).status).toBe(200);
  });

  describe('delivery API', () => {
    const service = '/sap/opu/odata/sap/API_OUTBOUND_DELIVERY_SRV';
    const get = (path: string): Promise<Response> => fetch(`${sap.url}${service}${path}`, { headers: { authorization: BASIC } });

    beforeEach(async () => {
      const seeded = await fetch(`${sap.url}/admin/deliveries`, {
        method: 'POST',
        body: JSON.stringify([
          { DeliveryDocument: '80004242', ShippingPoint: '1010', HeaderGrossWeight: '1250', HeaderWeightUnit: 'KG', LastChangeDate: '2026-11-24' },
          { DeliveryDocument: '80004243', ShippingPoint: '1020', HeaderGrossWeight: 99.5, LastChangeDate: '2026-11-20' },
          { DeliveryDocument: "O'BRIEN", ShippingPoint: '1010' },
        ]),
      });
      expect(seeded.status).toBe(201);
    });

    it('answers one delivery by key in OData V2 JSON', async () => {
      const body = await json(await get("/A_OutbDeliveryHeader('0080004242')?$format=json"));
      expect(body.d).toMatchObject({
        DeliveryDocument: '0080004242',
        ShippingPoint: '1010',
        HeaderGrossWeight: '1250.000',
        HeaderWeightUnit: 'KG',
        OverallProofOfDeliveryStatus: 'A',
        LastChangeDate: `/Date(${Date.parse('2026-11-24T00:00:00Z')})/`,
        __metadata: { type: 'API_OUTBOUND_DELIVERY_SRV.A_OutbDeliveryHeaderType' },
      });
      expect((await json(await get("/A_OutbDeliveryHeader('O''BRIEN')"))).d).toMatchObject({ DeliveryDocument: "O'BRIEN" });
      expect((await get("/A_OutbDeliveryHeader('1')")).status).toBe(404);
    });

    it.each([
      ["ShippingPoint eq '1010'", 2],
      ["ShippingPoint ne '1010'", 1],
      ["LastChangeDate ge datetime'2026-11-21T00:00:00'", 1],
      ['HeaderGrossWeight gt 100', 1],
      // A comparison with null is false, so `not` makes it true for O'BRIEN, who has no weight.
      ["(ShippingPoint eq '1020' or DeliveryDocument eq 'O''BRIEN') and not (HeaderGrossWeight lt 100)", 1],
      ["(ShippingPoint eq '1020' or DeliveryDocument eq 'O''BRIEN') and not (HeaderGrossWeight gt 10)", 1],
      ['LastChangeDate eq null', 1],
    ])('$filter=%s → %i', async (filter, count) => {
      const body = await json(await get(`/A_OutbDeliveryHeader?$filter=${encodeURIComponent(filter)}&$inlinecount=allpages`));
      expect((body.d as { results: unknown[] }).results).toHaveLength(count);
      expect((body.d as { __count: string }).__count).toBe(String(count));
      expect(await (await get(`/A_OutbDeliveryHeader/$count?$filter=${encodeURIComponent(filter)}`)).text()).toBe(String(count));
    });

    it.each([
      ["substringof('10', ShippingPoint)"],
      ["Nonsense eq '1'"],
      ["ShippingPoint eq 1010"],
      ["LastChangeDate ge '2026-11-21'"],
    ])('$filter=%s → 400 with an OData error', async (filter) => {
      const response = await get(`/A_OutbDeliveryHeader?$filter=${encodeURIComponent(filter)}`);
      expect(response.status).toBe(400);
      expect(await json(response)).toMatchObject({ error: { message: { lang: 'en' } } });
    });

    it('pages with $top/$skip, orders with $orderby, selects with $select', async () => {
      const body = await json(await get('/A_OutbDeliveryHeader?$orderby=DeliveryDocument%20desc&$top=2&$skip=1&$select=DeliveryDocument,ShippingPoint'));
      const results = (body.d as { results: Record<string, unknown>[] }).results;
      expect(results.map((r) => r.DeliveryDocument)).toEqual(['0080004243', '0080004242']);
      expect(Object.keys(results[0] ?? {})).toEqual(['__metadata', 'DeliveryDocument', 'ShippingPoint']);
    });
  });
});
