import cds from '@sap/cds';
import { fixture, startLading } from '../support/lading';

/**
 * Customs IDocs (DELVRY07 + ZLADING_DECL01) over HTTP: the declarations, items and status history
 * stored, the customs values kept for the ledger's private collection beside (not in) the public
 * events, a bare status message that does not blank the delivery, and the broker view restricted
 * to the broker's own shipments.
 */

const lading = startLading();

interface Declaration {
  ID: string;
  declarationType: string;
  declarationNumber: string;
  mrn: string | null;
  customsOffice: string;
  procedureCode: string | null;
  status: string;
  statusAt: string;
  currency: string | null;
  shipment_ID: string;
  items?: { itemNumber: string; commodityCode: string; originCountry: string; customsValue: number | string; duty: number | string | null; currency: string }[];
  statusHistory?: { eventId: string; status: string; statusAt: string; reason: string | null; mrn: string | null }[];
}

const EXPORT_ID = 'S4HCLNT100/0080007001/EX/GTS-EX-2026-0042';
const IMPORT_ID = 'S4HCLNT100/0080007002/IM/GTS-IM-2026-0007';

const broker = <T>(user: string, path: string) => lading.request<T>({ method: 'GET', url: `/odata/v4/broker/${path}`, auth: { username: user, password: user } });
const key = (id: string): string => `'${encodeURIComponent(id)}'`;

async function rows<T>(entity: string, where: Record<string, unknown>): Promise<T[]> {
  return (await cds.db.run(cds.ql.SELECT.from(entity).where(where))) as T[];
}

beforeAll(async () => {
  for (const name of ['decl07-export-submitted.xml', 'decl07-export-released.xml', 'decl07-import-broker-b.xml', 'decl07-import-held-inspected.xml']) {
    const answer = await lading.postIdoc(fixture(`customs/${name}`));
    expect({ name, status: answer.status, outcome: answer.data.idocs?.[0]?.outcome }).toEqual({ name, status: 200, outcome: 'accepted' });
  }
});

describe('customs IDocs over HTTP', () => {
  it('stores the export declaration with its items, its status history and its current status', async () => {
    const answer = await broker<Declaration>('broker-a', `CustomsDeclarations(${key(EXPORT_ID)})?$expand=items,statusHistory($orderby=statusAt)`);
    expect(answer.status).toBe(200);
    expect(answer.data).toMatchObject({
      declarationType: 'EX', declarationNumber: 'GTS-EX-2026-0042', mrn: '26DE004851000042A7', customsOffice: 'DE004851',
      procedureCode: '1000', status: 'RELS', currency: 'EUR', shipment_ID: 'S4HCLNT100/0080007001',
    });
    expect(new Date(answer.data.statusAt).toISOString()).toBe('2026-11-25T10:10:00.000Z');
    expect(answer.data.items?.map((item) => [item.itemNumber, item.commodityCode, item.originCountry, Number(item.customsValue), item.currency])).toEqual([
      ['000010', '84137030', 'DE', 12500, 'EUR'], ['000020', '84137030', 'DE', 13750.5, 'EUR'], ['000030', '841391', 'CZ', 15000, 'EUR'],
    ]);
    expect(answer.data.statusHistory?.map((record) => record.status)).toEqual(['SUBM', 'APPR', 'RELS']);
  });

  it('shows operators and finance every declaration in the shipment view, with items and status history', async () => {
    for (const user of ['operator', 'finance']) {
      const answer = await lading.odata<{ value: Declaration[] }>(`CustomsDeclarations?$filter=shipment_ID eq 'S4HCLNT100/0080007001'&$expand=items,statusHistory`, user);
      expect(answer.status).toBe(200);
      expect(answer.data.value.map((declaration) => [declaration.declarationType, declaration.status, declaration.items?.length, declaration.statusHistory?.length]))
        .toEqual([['EX', 'RELS', 3, 3]]);
    }
    // Unlike a broker, the shipper's operators see the declarations of every broker.
    const all = await lading.odata<{ value: Declaration[] }>('CustomsDeclarations?$select=ID,declarationType', 'operator');
    expect(new Set(all.data.value.map((declaration) => declaration.declarationType))).toEqual(new Set(['EX', 'IM']));
  });

  it('keeps the customs values beside the public event, keyed by its id, and only for the message with items', async () => {
    const [submitted] = await rows<{ eventId: string }>('lading.CustomsStatusRecords', { declaration_ID: EXPORT_ID, status: 'SUBM' });
    const [values] = await rows<Record<string, unknown>>('lading.CustomsLedgerValues', { eventId: submitted?.eventId });
    expect(values).toMatchObject({ declaredValue: '41250.50', currency: 'EUR', duty: '862.52' });
    expect(JSON.parse(values?.hsCodes as string)).toEqual(['84137030', '841391']);
    const [event] = await rows<Record<string, unknown>>('lading.ShipmentEvents', { eventId: submitted?.eventId });
    expect(event).toMatchObject({ eventType: 'SHIPMENT', eventTypeCode: 'SUBM', documentTypeCode: 'CUS', documentId: 'GTS-EX-2026-0042' });
    expect(JSON.stringify(event)).not.toMatch(/41250|862\.52|84137030/);
    const statusEvents = await rows<{ eventId: string }>('lading.CustomsStatusRecords', { declaration_ID: EXPORT_ID, status: { in: ['APPR', 'RELS'] } });
    expect(await rows('lading.CustomsLedgerValues', { eventId: { in: statusEvents.map((record) => record.eventId) } })).toEqual([]);
  });

  it('records the status events on the shipment and moves its status', async () => {
    const answer = await broker<{ status: string; items: unknown[]; events: { eventTypeCode: string; documentTypeCode: string | null; documentId: string | null }[] }>(
      'broker-a', `Shipments(${key('S4HCLNT100/0080007001')})?$expand=items,events`);
    expect(answer.status).toBe(200);
    expect(answer.data.status).toBe('CUSTOMS_RELEASED');
    // The bare status message named the delivery by VBELN only: its items are still there.
    expect(answer.data.items).toHaveLength(3);
    expect(answer.data.events.filter((event) => event.documentTypeCode === 'CUS').map((event) => [event.eventTypeCode, event.documentId]).sort()).toEqual([
      ['APPR', '26DE004851000042A7'], ['RELS', '26DE004851000042A7'], ['SUBM', 'GTS-EX-2026-0042'],
    ]);
  });

  it('keeps the latest status when an older one arrives late, and records a resent fact once', async () => {
    const late = fixture('customs/decl07-export-released.xml').replace(/0000000001007011/g, '0000000001007013')
      .replace('<STATUS>APPR</STATUS><DECDAT>20261125</DECDAT><DECTIM>101500</DECTIM>', '<STATUS>HOLD</STATUS><DECDAT>20261125</DECDAT><DECTIM>100000</DECTIM>');
    expect((await lading.postIdoc(late)).status).toBe(200);
    const answer = await broker<Declaration>('broker-a', `CustomsDeclarations(${key(EXPORT_ID)})?$expand=statusHistory($orderby=statusAt)`);
    expect(answer.data.status).toBe('RELS');
    // HOLD is new; the RELS of the same message is the same fact as before (same event id), kept once.
    expect(answer.data.statusHistory?.map((record) => record.status)).toEqual(['SUBM', 'HOLD', 'APPR', 'RELS']);
  });

  it('joins an exit confirmation GTS sends under its own name to the delivery LOGSYS names', async () => {
    const exit = fixture('customs/decl07-export-released.xml').replace(/0000000001007011/g, '0000000001007014')
      .replace('<SNDPRN>S4HCLNT100</SNDPRN>', '<SNDPRN>GTSCLNT100</SNDPRN>')
      .replace(/<Z1LADING_DECL SEGMENT="1">.*?<\/Z1LADING_DECL>\s*(?=<Z1LADING_DECL)/s, '')
      .replace('<STATUS>RELS</STATUS><DECDAT>20261125</DECDAT><DECTIM>111000</DECTIM>', '<LOGSYS>S4HCLNT100</LOGSYS><STATUS>EXIT</STATUS><DECDAT>20261127</DECDAT><DECTIM>163000</DECTIM>');
    expect(exit).toContain('<STATUS>EXIT</STATUS>');
    expect((await lading.postIdoc(exit)).status).toBe(200);
    const answer = await broker<Declaration>('broker-a', `CustomsDeclarations(${key(EXPORT_ID)})?$expand=statusHistory($orderby=statusAt)`);
    expect(answer.data.status).toBe('EXIT');
    expect(answer.data.statusHistory?.map((record) => record.status)).toEqual(['SUBM', 'HOLD', 'APPR', 'RELS', 'EXIT']);
    expect((await rows('lading.Shipments', { ID: 'GTSCLNT100/0080007001' }))).toEqual([]);
  });

  it('stores the import declaration: held, then inspected, with reasons', async () => {
    const answer = await broker<Declaration>('broker-b', `CustomsDeclarations(${key(IMPORT_ID)})?$expand=items,statusHistory($orderby=statusAt)`);
    expect(answer.status).toBe(200);
    expect(answer.data).toMatchObject({ declarationType: 'IM', status: 'INSP', mrn: '26GB000060000007C3', currency: 'USD' });
    expect(answer.data.statusHistory?.map((record) => [record.status, record.reason])).toEqual([
      ['SUBM', null], ['HOLD', 'Certificate of origin missing'], ['INSP', 'Physical examination'],
    ]);
    expect(answer.data.items?.map((item) => [item.commodityCode, Number(item.customsValue), Number(item.duty)])).toEqual([['8413703000', 14100, 0]]);
    const shipment = await broker<{ status: string }>('broker-b', `Shipments(${key('S4HCLNT100/0080007002')})`);
    expect(shipment.data.status).toBe('CUSTOMS_INSPECTION');
  });

  it('sends values only with a new event: items that come after their status was recorded stay off the ledger', async () => {
    const full = fixture('customs/decl07-export-submitted.xml').replace(/0080007001/g, '0080007401').replace(/0000000001007001/g, '0000000001007401');
    const bare = full.replace(/<Z1LADING_DECL_ITEM SEGMENT="1">.*?<\/Z1LADING_DECL_ITEM>\s*/gs, '').replace(/0000000001007401/g, '0000000001007400');
    expect(bare).not.toContain('Z1LADING_DECL_ITEM');
    expect((await lading.postIdoc(bare)).status).toBe(200);
    expect((await lading.postIdoc(full)).status).toBe(200);
    const id = 'S4HCLNT100/0080007401/EX/GTS-EX-2026-0042';
    const [status] = await rows<{ eventId: string }>('lading.CustomsStatusRecords', { declaration_ID: id });
    expect(await rows('lading.CustomsLedgerValues', { eventId: status?.eventId })).toEqual([]);
    // Lading keeps the items with the declaration all the same.
    expect(await rows('lading.CustomsDeclarationItems', { declaration_ID: id })).toHaveLength(3);
  });

  it('refuses a declaration with a bad HS code with 422 naming segment and field, stored with status 51', async () => {
    const bad = fixture('customs/decl07-export-submitted.xml').replace(/0000000001007001/g, '0000000001007099').replace('<STAWN>841391</STAWN>', '<STAWN>8413911</STAWN>');
    const answer = await lading.postIdoc(bad);
    expect(answer.status).toBe(422);
    expect(answer.data.error).toMatchObject({ code: 'INVALID_FIELD', segment: 'Z1LADING_DECL_ITEM', field: 'STAWN' });
    expect(answer.data.idocs?.[0]?.status).toBe('51');
  });
});

const TRANSPORTS = {
  xml: { file: 'customs/decl07-export-submitted.xml', url: '/idoc/xml', contentType: 'application/xml' },
  soap: { file: 'customs/decl07-export-submitted.soap.xml', url: '/idoc/soap', contentType: 'text/xml; charset=utf-8' },
  flat: { file: 'customs/decl07-export-submitted.flat.txt', url: '/idoc/flat', contentType: 'text/plain; charset=utf-8' },
} as const;

describe('customs IDocs by every transport', () => {
  it('stores the same declaration and values from XML, SOAP and a flat file', async () => {
    const stored: unknown[] = [];
    for (const [index, [format, transport]] of Object.entries(TRANSPORTS).entries()) {
      // Own DOCNUM and delivery per transport, same lengths so the flat file keeps its widths.
      const body = fixture(transport.file).replace(/0000000001007001/g, `000000000100720${index}`).replace(/0080007001/g, `008000720${index}`);
      const answer = await lading.request<{ idocs?: { outcome: string }[] }>({
        method: 'POST', url: transport.url, data: body, headers: { 'Content-Type': transport.contentType },
        auth: { username: 'erp', password: 'erp' }, transformRequest: [(payload: unknown) => payload],
      });
      expect({ format, status: answer.status, outcome: answer.data.idocs?.[0]?.outcome }).toEqual({ format, status: 200, outcome: 'accepted' });
      const id = `S4HCLNT100/008000720${index}/EX/GTS-EX-2026-0042`;
      const declaration = await broker<Declaration & Record<string, unknown>>('broker-a', `CustomsDeclarations(${key(id)})?$expand=items,statusHistory`);
      expect(declaration.status).toBe(200);
      const [record] = declaration.data.statusHistory ?? [];
      const [values] = await rows<Record<string, unknown>>('lading.CustomsLedgerValues', { eventId: record?.eventId });
      const { ID: _id, shipment_ID: _shipment, '@odata.context': _context, ...rest } = declaration.data;
      stored.push({
        ...rest,
        items: rest.items?.map(({ declaration_ID: _declaration, ...item }: Record<string, unknown>) => item),
        statusHistory: rest.statusHistory?.map(({ eventId: _event, declaration_ID: _declaration, ...status }: Record<string, unknown>) => status),
        values: { ...values, eventId: undefined },
      });
    }
    expect(stored[1]).toEqual(stored[0]);
    expect(stored[2]).toEqual(stored[0]);
    expect(stored[0]).toMatchObject({ status: 'SUBM', values: { declaredValue: '41250.50', currency: 'EUR' } });
  });
});

describe('customs declarations in the broker view', () => {
  it('shows each broker the declarations of its own shipments only', async () => {
    const a = await broker<{ value: Declaration[] }>('broker-a', 'CustomsDeclarations');
    const b = await broker<{ value: Declaration[] }>('broker-b', 'CustomsDeclarations');
    // broker-a is customs broker (CB) of the export and of the copies posted above under other deliveries.
    const copies = ['0080007200', '0080007201', '0080007202', '0080007401'].map((delivery) => `S4HCLNT100/${delivery}/EX/GTS-EX-2026-0042`);
    expect(a.data.value.map((declaration) => declaration.ID).sort()).toEqual([EXPORT_ID, ...copies].sort());
    expect(b.data.value.map((declaration) => declaration.ID)).toEqual([IMPORT_ID]);
  });

  it("answers 404 for another broker's declaration, and lists none of its items or statuses", async () => {
    expect((await broker('broker-b', `CustomsDeclarations(${key(EXPORT_ID)})`)).status).toBe(404);
    expect((await broker('broker-a', `CustomsDeclarations(${key(IMPORT_ID)})`)).status).toBe(404);
    const itemsA = await broker<{ value: { declaration_ID: string }[] }>('broker-a', 'CustomsDeclarationItems');
    const itemsB = await broker<{ value: { declaration_ID: string }[] }>('broker-b', 'CustomsDeclarationItems');
    expect(itemsA.data.value.map((item) => item.declaration_ID)).not.toContain(IMPORT_ID);
    expect(itemsA.data.value.map((item) => item.declaration_ID)).toContain(EXPORT_ID);
    expect(new Set(itemsB.data.value.map((item) => item.declaration_ID))).toEqual(new Set([IMPORT_ID]));
    const statusesB = await broker<{ value: { declaration_ID: string; status: string }[] }>('broker-b', 'CustomsStatusRecords');
    expect(statusesB.data.value.map((record) => record.status).sort()).toEqual(['HOLD', 'INSP', 'SUBM']);
    expect(statusesB.data.value.every((record) => record.declaration_ID === IMPORT_ID)).toBe(true);
  });

  it("lists none of another broker's shipment items (HS codes, origin), partners or events", async () => {
    for (const entity of ['ShipmentItems', 'ShipmentPartners', 'ShipmentEvents']) {
      const listed = await broker<{ value: { shipment_ID: string }[] }>('broker-b', entity);
      expect({ entity, status: listed.status }).toEqual({ entity, status: 200 });
      expect({ entity, shipments: [...new Set(listed.data.value.map((row) => row.shipment_ID))] }).toEqual({ entity, shipments: ['S4HCLNT100/0080007002'] });
    }
  });

  it('keeps everyone else out and is read-only', async () => {
    expect((await lading.request({ method: 'GET', url: '/odata/v4/broker/CustomsDeclarations' })).status).toBe(401);
    expect((await broker('finance', 'CustomsDeclarations')).status).toBe(403);
    const write = await lading.request({ method: 'DELETE', url: `/odata/v4/broker/CustomsDeclarations(${key(EXPORT_ID)})`, auth: { username: 'broker-a', password: 'broker-a' } });
    expect([403, 405]).toContain(write.status);
  });
});
