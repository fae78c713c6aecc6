import cds from '@sap/cds';
import { fixture, startLading, type IdocAnswer } from '../support/lading';
import { applyEnv } from '../support/ledger-env';
import { invoiceXml, parseCsv } from './support';

/**
 * Finance in-process, without a ledger (LADING_PIPELINE=off): INVOIC02 over HTTP (XML, SOAP, flat
 * file) becomes an invoice with lines linked to the delivery, posted at once with no outbox row;
 * settling blocks every line whose delivery is not on the ledger or has no POD, with reasons and
 * amounts; finance acknowledges blocked lines; CSV exports of a period. Roles throughout.
 * The outcomes that need the ledger (ready, quantity, price, customs) are in settlement-ledger.test.ts.
 */

// Settling is explicit here (the settle action); the background job is tested in settlement-ledger.test.ts.
let restoreEnv: () => void = () => undefined;
beforeAll(() => {
  restoreEnv = applyEnv({ SETTLEMENT_INTERVAL_MS: '0' });
});
afterAll(() => restoreEnv());

const lading = startLading();
const INVOICE = 'S4HCLNT100/0090004242';
const as = (user: string) => ({ auth: { username: user, password: user } });

interface SettlementRow {
  ID: string;
  lineNumber: string;
  status: string;
  reasonCode: string;
  reasonCodes: string;
  reason: string;
  invoicedQuantity: number;
  deliveredQuantity: number | null;
  podQuantity: number | null;
  invoicedAmount: number;
  computedAmount: number | null;
  acceptedAmount: number | null;
  differenceAmount: number | null;
  lifecycle: string;
  comment: string | null;
  acknowledgedBy: string | null;
  acknowledgedAt: string | null;
  computedAt: string;
}

function post(url: string, body: string, contentType: string, user = 'erp') {
  return lading.request<IdocAnswer>({ method: 'POST', url, data: body, headers: { 'Content-Type': contentType }, ...as(user), transformRequest: [(payload: unknown) => payload] });
}

function finance<T = { value: Record<string, unknown>[] }>(path: string, user = 'finance') {
  return lading.request<T>({ method: 'GET', url: `/odata/v4/finance/${path}`, ...as(user) });
}

async function settle(invoice: string | null, user = 'finance') {
  return lading.request<{ value: { invoiceId: string; ready: number; blocked: number; changed: number }[] }>({
    method: 'POST', url: '/odata/v4/finance/settle', data: { invoice }, ...as(user),
  });
}

async function settlementsOf(invoice: string): Promise<SettlementRow[]> {
  const answer = await finance<{ value: SettlementRow[] }>(`Settlements?$filter=invoice_ID eq '${encodeURIComponent(invoice)}'&$orderby=lineNumber`);
  expect(answer.status).toBe(200);
  return answer.data.value;
}

function acknowledge(id: string, comment: string | null, user = 'finance') {
  return lading.request<SettlementRow & { error?: { message: string } }>({
    method: 'POST', url: `/odata/v4/finance/Settlements(${id})/FinanceService.acknowledge`, data: { comment }, ...as(user),
  });
}

/** The body as bytes decoded here: axios would drop the byte order mark the test looks for. '' = anonymous. */
function csv(path: string, user = 'finance') {
  return lading.request<string>({
    method: 'GET', url: `/finance/export/${path}`, responseType: 'arraybuffer',
    transformResponse: [(data: ArrayBuffer) => Buffer.from(data).toString('utf8')], ...(user === '' ? {} : as(user)),
  });
}

describe('INVOIC02 over HTTP → invoice records', () => {
  beforeAll(async () => {
    expect((await lading.postIdoc(fixture('delvry/delvry07-desadv-3-items.xml'))).status).toBe(200);
  });

  it('stores the invoice and its lines linked to the delivery; posted (53) at once, no outbox row', async () => {
    const answer = await lading.postIdoc(fixture('invoic/invoic02-3-lines.xml'));
    expect(answer.status).toBe(200);
    const [result] = answer.data.idocs ?? [];
    expect(result).toMatchObject({ docnum: '0000000002004242', status: '53' });

    const invoice = await finance<Record<string, unknown> & { lines: Record<string, unknown>[] }>(`Invoices('${encodeURIComponent(INVOICE)}')?$expand=lines($orderby=lineNumber)`);
    expect(invoice.status).toBe(200);
    expect(invoice.data).toMatchObject({
      invoiceNumber: '0090004242', senderPartner: 'S4HCLNT100', currency: 'EUR', invoiceDate: '2026-12-01', paymentTerms: 'NT30',
      purchaseOrder: 'PO-ACME-7731', netTotal: 3807, taxTotal: 723.33, grossTotal: 4530.33, billTo: 'Acme Imports Ltd Accounts Payable',
      billToPartnerId: '0017100001', seller: 'Hanse Pumpen GmbH', lastIdoc_ID: result?.id, settledAt: null,
    });
    expect(invoice.data.lines.map((line) => [line.lineNumber, line.shipment_ID, line.deliveryItem, line.quantity, line.unit, line.unitPrice, line.priceUnit, line.netAmount])).toEqual([
      ['000010', 'S4HCLNT100/0080004242', '000010', 10, 'PC', 125, 1, 1250],
      ['000020', 'S4HCLNT100/0080004242', '000020', 11, 'PC', 125, 1, 1375],
      ['000030', 'S4HCLNT100/0080004242', '000030', 12, 'PC', 985, 10, 1182],
    ]);

    const idoc = await SELECT.one.from('lading.InboundIdocs').where({ ID: result?.id as string });
    expect(idoc).toMatchObject({ status: '53', idocType: 'INVOIC02', messageType: 'INVOIC', shipment_ID: 'S4HCLNT100/0080004242' });
    expect(await SELECT.from('lading.Outbox').where({ idoc_ID: result?.id as string })).toEqual([]);
    expect(await SELECT.from('lading.ShipmentEvents').where({ sourceIdoc_ID: result?.id as string })).toEqual([]);
  });

  it('recognises the same invoice sent as SOAP and as a flat file as the one already stored', async () => {
    const first = await lading.postIdoc(fixture('invoic/invoic02-3-lines.xml'));
    const soap = await post('/idoc/soap', fixture('invoic/invoic02-3-lines.soap.xml'), 'text/xml; charset=utf-8');
    const flat = await post('/idoc/flat', fixture('invoic/invoic02-3-lines.flat.txt'), 'text/plain; charset=utf-8');
    expect(flat.status).toBe(200);
    expect(flat.data.idocs?.[0]?.id).toBe(first.data.idocs?.[0]?.id);
    expect(soap.status).toBe(200);
    expect(await SELECT.from('lading.Invoices').where({ ID: { like: 'S4HCLNT100/009000424%' } })).toHaveLength(1);
  });

  it('stores the same invoice identically whether it came as XML, SOAP or a flat file', async () => {
    const comparable = async (invoice: string): Promise<unknown> => {
      const answer = await finance<Record<string, unknown> & { lines: Record<string, unknown>[] }>(`Invoices('${encodeURIComponent(invoice)}')?$expand=lines($orderby=lineNumber)`);
      expect(answer.status).toBe(200);
      const { ID, invoiceNumber, lastIdoc_ID, receivedAt, references, lines, ...header } = answer.data;
      expect([ID, invoiceNumber, lastIdoc_ID, receivedAt]).not.toContain(undefined);
      return { header, references: String(references).replaceAll(String(invoiceNumber), '<n>'), lines: lines.map(({ invoice_ID, ...line }) => line) };
    };
    // Same lengths, so the flat file keeps its widths: another DOCNUM and invoice number per transport.
    const variant = (file: string, suffix: string): string => fixture(file).replace(/0000000002004242/g, `000000000200424${suffix}`).replace(/0090004242/g, `009000424${suffix}`);
    expect((await post('/idoc/soap', variant('invoic/invoic02-3-lines.soap.xml', '3'), 'text/xml; charset=utf-8')).status).toBe(200);
    expect((await post('/idoc/flat', variant('invoic/invoic02-3-lines.flat.txt', '4'), 'text/plain; charset=utf-8')).status).toBe(200);
    const xml = await comparable(INVOICE);
    expect(await comparable('S4HCLNT100/0090004243')).toEqual(xml);
    expect(await comparable('S4HCLNT100/0090004244')).toEqual(xml);
    const stored = await SELECT.from('lading.InboundIdocs').columns('transport', 'status').where({ docnum: { in: ['0000000002004243', '0000000002004244'] } }).orderBy('docnum');
    expect(stored).toEqual([{ transport: 'soap', status: '53' }, { transport: 'flat', status: '53' }]);
  });

  it('refuses an invoice whose totals do not add up with 422, naming E1EDS01-SUMME, and stores nothing of it', async () => {
    const bad = fixture('invoic/invoic02-3-lines.xml').replace('<SUMME>3807.00</SUMME>', '<SUMME>3870.00</SUMME>').replace('0000000002004242', '0000000002009999').replaceAll('0090004242', '0090009999');
    const answer = await lading.postIdoc(bad);
    expect(answer.status).toBe(422);
    expect(answer.data.error).toMatchObject({ code: 'INVALID_FIELD', segment: 'E1EDS01', field: 'SUMME' });
    expect(await SELECT.one.from('lading.Invoices').where({ ID: 'S4HCLNT100/0090009999' })).toBeUndefined();
  });

  it('lets finance read but not ingest: POST /idoc/xml as finance answers 403', async () => {
    const answer = await lading.postIdoc(fixture('invoic/invoic02-3-lines.xml'), { user: 'finance' });
    expect(answer.status).toBe(403);
    expect(answer.data.error?.code).toBe('FORBIDDEN');
  });
});

describe('settling without a ledger', () => {
  it('blocks every line: the delivery is not on the ledger and there is no POD; amounts as invoiced', async () => {
    const answer = await settle(INVOICE);
    expect(answer.status).toBe(200);
    expect(answer.data.value).toEqual([{ invoiceId: INVOICE, ready: 0, blocked: 3, changed: 3 }]);
    const rows = await settlementsOf(INVOICE);
    expect(rows.map((row) => [row.lineNumber, row.status, row.reasonCode, row.reasonCodes, row.lifecycle])).toEqual([
      ['000010', 'blocked', 'DELIVERY_NOT_ON_LEDGER', 'DELIVERY_NOT_ON_LEDGER,POD_MISSING', 'open'],
      ['000020', 'blocked', 'DELIVERY_NOT_ON_LEDGER', 'DELIVERY_NOT_ON_LEDGER,POD_MISSING', 'open'],
      ['000030', 'blocked', 'DELIVERY_NOT_ON_LEDGER', 'DELIVERY_NOT_ON_LEDGER,POD_MISSING', 'open'],
    ]);
    expect(rows[1]).toMatchObject({ invoicedQuantity: 11, deliveredQuantity: 11, podQuantity: null, invoicedAmount: 1375, computedAmount: 1375, acceptedAmount: 1375, differenceAmount: 0 });
    expect(rows[1]?.reason).toBe('delivery 0080004242 (IDoc 0000000001004242) is not yet posted on the ledger; no signed proof of delivery for delivery 0080004242 on the ledger');
    const invoice = await finance<{ settledAt: string | null }>(`Invoices('${encodeURIComponent(INVOICE)}')`);
    expect(invoice.data.settledAt).not.toBeNull();
  });

  it('is idempotent: settling again with the same facts changes nothing', async () => {
    const before = await settlementsOf(INVOICE);
    expect((await settle(INVOICE)).data.value).toEqual([{ invoiceId: INVOICE, ready: 0, blocked: 3, changed: 0 }]);
    expect(await settlementsOf(INVOICE)).toEqual(before);
  });

  it('blocks the lines of a delivery Lading never received', async () => {
    expect((await lading.postIdoc(invoiceXml({ docnum: '0000000002005001', invoiceNumber: '0090005001', delivery: '0080005001', lines: [{ item: '000010', quantity: 5, price: 20 }] }))).status).toBe(200);
    await settle('S4HCLNT100/0090005001');
    const [row] = await settlementsOf('S4HCLNT100/0090005001');
    expect(row).toMatchObject({ status: 'blocked', reasonCode: 'DELIVERY_UNKNOWN', deliveredQuantity: null, acceptedAmount: null, differenceAmount: null });
    expect(row?.reason).toContain('no delivery 0080005001 was received from SAP');
  });

  it('settles every due invoice when none is named, and answers 404 for an unknown one', async () => {
    expect((await lading.postIdoc(invoiceXml({ docnum: '0000000002005002', invoiceNumber: '0090005002', delivery: '0080005002', lines: [{ item: '000010', quantity: 1, price: 1 }] }))).status).toBe(200);
    const all = await settle(null);
    expect(all.status).toBe(200);
    expect(all.data.value.map((result) => result.invoiceId)).toContain('S4HCLNT100/0090005002');
    expect((await settle('S4HCLNT100/0000000000')).status).toBe(404);
  });

  it('lets only finance settle', async () => {
    expect((await settle(INVOICE, 'operator')).status).toBe(403);
    expect((await settle(INVOICE, 'erp')).status).toBe(403);
  });
});

describe('acknowledging a blocked line', () => {
  it('moves it open → acknowledged with the comment, who and when; a second time answers 409', async () => {
    const [first] = await settlementsOf(INVOICE);
    const answer = await acknowledge(first?.ID as string, 'Carrier confirms, "see ticket 42"\nPOD follows');
    expect(answer.status).toBe(200);
    expect(answer.data).toMatchObject({ lifecycle: 'acknowledged', comment: 'Carrier confirms, "see ticket 42"\nPOD follows', acknowledgedBy: 'finance' });
    expect(Date.now() - Date.parse(answer.data.acknowledgedAt as string)).toBeLessThan(60_000);
    expect((await acknowledge(first?.ID as string, 'again')).status).toBe(409);
  });

  it('keeps the acknowledgement while the outcome stays the same', async () => {
    await settle(INVOICE);
    const [first] = await settlementsOf(INVOICE);
    expect(first).toMatchObject({ lifecycle: 'acknowledged', acknowledgedBy: 'finance' });
  });

  it('needs a comment (400), an existing line (404) and the finance role (403)', async () => {
    const [, second] = await settlementsOf(INVOICE);
    expect((await acknowledge(second?.ID as string, '  ')).status).toBe(400);
    expect((await acknowledge('00000000-0000-4000-8000-000000000000', 'x')).status).toBe(404);
    expect((await acknowledge(second?.ID as string, 'x', 'operator')).status).toBe(403);
    expect((await acknowledge(second?.ID as string, '=HYPERLINK("http://x")')).status).toBe(200);
  });
});

describe('a changed outcome', () => {
  it('opens an acknowledged line again: the delivery Lading never received has arrived', async () => {
    const invoice = 'S4HCLNT100/0090005001';
    const [before] = await settlementsOf(invoice);
    expect(before?.reasonCode).toBe('DELIVERY_UNKNOWN');
    expect((await acknowledge(before?.ID as string, 'waiting for the DESADV')).status).toBe(200);
    const desadv = fixture('delvry/delvry07-desadv-3-items.xml').replace(/0000000001004242/g, '0000000001005001').replace(/0080004242/g, '0080005001');
    expect((await lading.postIdoc(desadv)).status).toBe(200);
    expect((await settle(invoice)).data.value[0]).toMatchObject({ changed: 1 });
    const [after] = await settlementsOf(invoice);
    expect(after).toMatchObject({ ID: before?.ID, status: 'blocked', reasonCode: 'DELIVERY_NOT_ON_LEDGER', lifecycle: 'open', comment: null, acknowledgedBy: null });
    expect(after?.reasonCodes).toBe('DELIVERY_NOT_ON_LEDGER,POD_MISSING,QUANTITY_MISMATCH');
  });
});

describe('FinanceService roles', () => {
  it('lets operators read, keeps others out', async () => {
    expect((await finance('Settlements', 'operator')).status).toBe(200);
    expect((await finance('Invoices', 'operator')).status).toBe(200);
    expect((await finance('Settlements', 'erp')).status).toBe(403);
    expect((await finance('Settlements', 'broker-a')).status).toBe(403);
    expect((await lading.request({ method: 'GET', url: '/odata/v4/finance/Settlements' })).status).toBe(401);
  });

  it('is read-only over OData', async () => {
    for (const entity of ['Invoices', 'InvoiceLines', 'Settlements', 'ProofsOfDelivery', 'ProofOfDeliveryItems', 'Discrepancies', 'DiscrepancyEvents']) {
      const create = await lading.request({ method: 'POST', url: `/odata/v4/finance/${entity}`, data: {}, ...as('finance') });
      expect([entity, create.status]).toEqual([entity, 405]);
    }
    const [first] = await settlementsOf(INVOICE);
    const patch = await lading.request({ method: 'PATCH', url: `/odata/v4/finance/Settlements(${first?.ID})`, data: { status: 'ready' }, ...as('finance') });
    expect(patch.status).toBeGreaterThanOrEqual(400);
    expect((await settlementsOf(INVOICE))[0]?.status).toBe('blocked');
  });
});

describe('CSV export', () => {
  it('streams a period\'s settlement lines, Excel-friendly: BOM, CRLF, RFC 4180 quoting, ISO dates, decimal point', async () => {
    const answer = await csv('settlements.csv?from=2026-12-01&to=2026-12-31');
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(answer.headers['content-disposition']).toBe('attachment; filename="settlements-2026-12-01-2026-12-31.csv"');
    const text = answer.data;
    expect(text.startsWith('\uFEFFinvoiceNumber,invoiceDate,lineNumber,')).toBe(true);
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.replaceAll('\r\n', '').includes('\n')).toBe(true); // the one line break is inside a quoted comment
    const rows = parseCsv(text.slice(1));
    const [header, ...lines] = rows;
    expect(header).toContain('differenceAmount');
    const col = (name: string): number => (header as string[]).indexOf(name);
    const ours = lines.filter((line) => line[col('invoiceNumber')] === '0090004242').sort((a, b) => String(a[col('lineNumber')]).localeCompare(String(b[col('lineNumber')])));
    expect(ours).toHaveLength(3);
    expect(ours[0]?.[col('invoiceDate')]).toBe('2026-12-01');
    expect(ours[0]?.[col('comment')]).toBe('Carrier confirms, "see ticket 42"\nPOD follows');
    expect(ours[1]?.[col('comment')]).toBe('\'=HYPERLINK("http://x")');
    expect(ours[2]?.[col('invoicedAmount')]).toBe('1182.00');
    expect(ours[2]?.[col('invoicedQuantity')]).toBe('12.000');
    expect(ours[0]?.[col('acknowledgedAt')]).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(text).toContain('"Carrier confirms, ""see ticket 42""\nPOD follows"');
  });

  it('leaves out invoices dated outside the period', async () => {
    const rows = parseCsv((await csv('settlements.csv?from=2026-11-01&to=2026-11-30')).data.slice(1));
    expect(rows).toHaveLength(1);
  });

  it('pages through more lines than one query reads (keyset), each once', async () => {
    const lines = Array.from({ length: 620 }, (_, index) => ({ item: String((index + 1) * 10).padStart(6, '0'), quantity: 1, price: 2 }));
    expect((await lading.postIdoc(invoiceXml({ docnum: '0000000002006001', invoiceNumber: '0090006001', delivery: '0080006001', date: '20270115', lines }))).status).toBe(200);
    await settle('S4HCLNT100/0090006001');
    const rows = parseCsv((await csv('settlements.csv?from=2027-01-01&to=2027-01-31')).data.slice(1)).slice(1);
    expect(rows).toHaveLength(620);
    expect(new Set(rows.map((row) => row[2])).size).toBe(620);
  });

  it('exports the reconciliation discrepancies first seen in the period', async () => {
    await INSERT.into('lading.Discrepancies').entries({
      ID: cds.utils.uuid(), shipmentId: 'S4HCLNT100/0080004242', kind: 'fieldMismatch', field: 'shippingPoint', erpValue: '1010', receivedValue: '1020, Hamburg',
      ledgerValue: null, status: 'open', firstSeenAt: '2026-12-03T10:00:00.000Z', changedAt: '2026-12-03T10:00:00.000Z', changedBy: 'scheduler',
    });
    const answer = await csv('discrepancies.csv?from=2026-12-01&to=2026-12-31');
    expect(answer.status).toBe(200);
    const [header, row, ...rest] = parseCsv(answer.data.slice(1));
    expect(header?.slice(0, 3)).toEqual(['shipmentId', 'kind', 'field']);
    expect(row).toEqual(['S4HCLNT100/0080004242', 'fieldMismatch', 'shippingPoint', '1010', '1020, Hamburg', '', 'open', '', '2026-12-03T10:00:00Z', '2026-12-03T10:00:00Z', 'scheduler']);
    expect(rest).toEqual([]);
    expect(parseCsv((await csv('discrepancies.csv?from=2026-11-01&to=2026-11-30')).data.slice(1))).toHaveLength(1);
    const read = await finance<{ value: { field: string; receivedValue: string }[] }>("Discrepancies?$filter=field eq 'shippingPoint'");
    expect(read.status).toBe(200);
    expect(read.data.value[0]?.receivedValue).toBe('1020, Hamburg');
  });

  it('answers 400 for a missing or impossible period', async () => {
    for (const query of ['', '?from=2026-12-01', '?from=2026-02-30&to=2026-03-01', '?from=2026-12-31&to=2026-12-01', '?from=20261201&to=20261231']) {
      const answer = await csv(`settlements.csv${query}`);
      expect(answer.status).toBe(400);
      expect(JSON.parse(answer.data).error.code).toBe('INVALID_PERIOD');
    }
  });

  it('is for finance only: 401 anonymous, 403 operator and ERP', async () => {
    const anonymous = await csv('settlements.csv?from=2026-12-01&to=2026-12-31', '');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers['www-authenticate']).toContain('Basic');
    expect((await csv('settlements.csv?from=2026-12-01&to=2026-12-31', 'operator')).status).toBe(403);
    expect((await csv('discrepancies.csv?from=2026-12-01&to=2026-12-31', 'erp')).status).toBe(403);
    const wrong = await lading.request({ method: 'GET', url: '/finance/export/settlements.csv?from=2026-12-01&to=2026-12-31', auth: { username: 'finance', password: 'nope' } });
    expect(wrong.status).toBe(401);
  });
});
