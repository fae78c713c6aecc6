import { fixture, startLading } from '../support/lading';
import type { IdocAnswer } from '../support/lading';

const lading = startLading();

const SOAP_11 = 'text/xml; charset=utf-8';
const SOAP_12 = 'application/soap+xml; charset=utf-8';

function postSoap<T = IdocAnswer>(body: string, options: { contentType?: string; accept?: string; user?: string } = {}) {
  const user = options.user ?? 'erp';
  return lading.request<T>({
    method: 'POST', url: '/idoc/soap', data: body,
    headers: { 'Content-Type': options.contentType ?? SOAP_11, ...(options.accept ? { Accept: options.accept } : {}) },
    ...(user === '' ? {} : { auth: { username: user, password: user } }),
    transformRequest: [(payload: unknown) => payload],
    transformResponse: [(payload: unknown) => {
      try {
        return JSON.parse(String(payload));
      } catch {
        return payload;
      }
    }],
  });
}

/** The delivery fixture with its own DOCNUM and delivery number, so each test stands alone. */
function soapDelivery(suffix: string): string {
  return fixture('delvry/delvry07-desadv-3-items.soap.xml')
    .replace(/0000000001004242/g, `000000000300${suffix}`).replace(/0080004242/g, `008003${suffix}`);
}

describe('POST /idoc/soap', () => {
  it('stores the IDoc of a SOAP envelope with transport soap and answers JSON by default', async () => {
    const answer = await postSoap(soapDelivery('0001'));
    expect(answer.status).toBe(200);
    expect(answer.data.idocs).toEqual([expect.objectContaining({ docnum: '0000000003000001', status: '64', outcome: 'accepted' })]);
    const stored = await lading.odata<{ transport: string; idocType: string; payload: string }>(`InboundIdocs(${answer.data.idocs?.[0]?.id})`);
    expect(stored.data).toMatchObject({ transport: 'soap', idocType: 'DELVRY07' });
    expect(stored.data.payload.startsWith('<IDOC BEGIN="1">')).toBe(true);
    const shipment = await lading.odata("Shipments?$filter=deliveryNumber eq '0080030001'&$expand=items");
    expect(shipment.data.value[0]).toMatchObject({ ID: 'S4HCLNT100/0080030001' });
  });

  it('answers a SOAP 1.2 envelope in SOAP 1.2 when the client accepts XML', async () => {
    const document = soapDelivery('0002').replace('http://schemas.xmlsoap.org/soap/envelope/', 'http://www.w3.org/2003/05/soap-envelope');
    const answer = await postSoap<string>(document, { contentType: SOAP_12, accept: 'application/soap+xml' });
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toContain('application/soap+xml');
    expect(answer.data).toContain('xmlns:soap="http://www.w3.org/2003/05/soap-envelope"');
    expect(answer.data).toMatch(/<l:idoc><l:docnum>0000000003000002<\/l:docnum>.*<l:outcome>accepted<\/l:outcome>/);
  });

  it('treats the SOAP resend of an IDoc received as XML as a duplicate', async () => {
    const xml = fixture('delvry/delvry07-desadv-3-items.xml').replace(/0000000001004242/g, '0000000003000003').replace(/0080004242/g, '0080030003');
    const first = await lading.postIdoc(xml);
    expect(first.status).toBe(200);
    const again = await postSoap(soapDelivery('0003'));
    expect(again.status).toBe(200);
    expect(again.data.idocs?.[0]).toMatchObject({ outcome: 'duplicate', id: first.data.idocs?.[0]?.id });
  });

  it.each([
    ['malformed XML', (doc: string) => doc.replace('</E1EDL22>', '</E1EDL2>'), 400, { code: 'MALFORMED_XML' }],
    ['not an envelope', () => fixture('delvry/delvry07-desadv-3-items.xml'), 400, { code: 'MALFORMED_XML' }],
    ['a missing field', (doc: string) => doc.replace(/<VBELN>0080030004<\/VBELN><VSTEL>/, '<VSTEL>'), 422, { code: 'MISSING_FIELD', segment: 'E1EDL20', field: 'VBELN' }],
  ])('answers %s with JSON errors, or a SOAP Fault when asked', async (_name, change, status, error) => {
    const document = change(soapDelivery('0004'));
    const json = await postSoap(document);
    expect(json.status).toBe(status);
    expect(json.data.error).toMatchObject(error);
    const fault = await postSoap<string>(document, { accept: 'text/xml' });
    expect(fault.status).toBe(status);
    expect(fault.headers['content-type']).toContain('text/xml');
    expect(fault.data).toContain('<soap:Fault><faultcode>soap:Client</faultcode>');
    expect(fault.data).toContain(`<l:code>${error.code}</l:code>`);
  });

  it('answers 401 and 415 as SOAP Faults too, and keeps the ingest role', async () => {
    const anonymous = await postSoap<string>(soapDelivery('0005'), { user: '', accept: 'text/xml' });
    expect(anonymous.status).toBe(401);
    expect(anonymous.data).toContain('<l:code>UNAUTHENTICATED</l:code>');
    const finance = await postSoap(soapDelivery('0005'), { user: 'finance' });
    expect(finance.status).toBe(403);
    const json = await postSoap<string>('{}', { contentType: 'application/json', accept: 'application/soap+xml' });
    expect(json.status).toBe(415);
    expect(json.data).toContain('UNSUPPORTED_MEDIA_TYPE');
  });
});
