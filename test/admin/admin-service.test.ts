import { readIdocFlat, readIdocXml, sha256Hex } from '../../mappings';
import { storeRejected } from '../../srv/idoc-inbound/store';
import { deadLetter } from '../../srv/pipeline/settlement';
import { fixture, startLading, type HttpAnswer } from '../support/lading';

/**
 * AdminService over real HTTP (in-process Lading, pipeline off): the IDoc monitor's filters and
 * paging, reprocess and cancel, dead letters, queue health, and who may do what.
 */

const lading = startLading();

interface IdocRow {
  ID: string;
  docnum: string | null;
  status: string;
  statusText: string;
  idocType?: string;
  senderPartner?: string;
  statusHistory?: { status: string; message: string; segment: string | null; field: string | null; createdAt: string }[];
}

const as = (user: string) => (user === '' ? {} : { auth: { username: user, password: user } });
const admin = <T = unknown>(path: string, user = 'operator'): Promise<HttpAnswer<T>> =>
  lading.request<T>({ method: 'GET', url: `/odata/v4/admin/${path}`, ...as(user) });
const act = <T = unknown>(path: string, user = 'operator'): Promise<HttpAnswer<T>> =>
  lading.request<T>({ method: 'POST', url: `/odata/v4/admin/${path}`, data: {}, ...as(user) });
const idoc = async (id: string): Promise<IdocRow> =>
  (await admin<IdocRow>(`InboundIdocs(${id})?$expand=statusHistory($orderby=createdAt)`)).data;

/** A copy of the 3-item DESADV under another delivery and IDoc number. */
function delivery(deliveryNumber: string, docnum: string): string {
  return fixture('delvry/delvry07-desadv-3-items.xml').replace(/0080004242/g, deliveryNumber).replace(/0000000001004242/g, docnum);
}

async function post(xml: string): Promise<{ id: string; status: number }> {
  const answer = await lading.postIdoc(xml);
  return { id: answer.data.idocs?.[0]?.id as string, status: answer.status };
}

/** An IDoc as an earlier configuration or mapping rejected it: a good payload kept with 51 (the store's own function). */
async function rejectedEarlier(deliveryNumber: string, docnum: string): Promise<string> {
  const [parsed] = readIdocXml(delivery(deliveryNumber, docnum)).idocs;
  const raw = parsed?.raw as string;
  const stored = await storeRejected(
    { control: { docnum, idocType: 'DELVRY07', messageType: 'DESADV', senderPartner: 'S4HCLNT100' }, payload: raw, payloadHash: sha256Hex(raw), transport: 'xml' },
    { code: 'INVALID_FIELD', message: 'unknown SAP time zone "XYZ"', segment: 'EDI_DC40', field: 'CRETIM' },
  );
  return stored.id;
}

describe('IDoc monitor', () => {
  it('filters by status, type, partner and date, pages on the server and shows payload and history', async () => {
    expect((await post(delivery('0080070001', '0000000070000001'))).status).toBe(200);
    expect((await post(delivery('0080070002', '0000000070000002'))).status).toBe(200);
    expect((await post(fixture('bad/unknown-idoc-type.xml'))).status).toBe(422);
    const since = new Date(Date.now() - 60_000).toISOString();

    const ready = await admin<{ value: IdocRow[]; '@odata.count': number }>(
      `InboundIdocs?$filter=status eq '64' and idocType eq 'DELVRY07' and senderPartner eq 'S4HCLNT100' and receivedAt ge ${since}&$count=true&$top=1&$skip=0&$orderby=docnum&$select=ID,docnum,status`,
    );
    expect(ready.status).toBe(200);
    expect(ready.data['@odata.count']).toBeGreaterThanOrEqual(2);
    expect(ready.data.value).toHaveLength(1);
    const second = await admin<{ value: IdocRow[] }>(`InboundIdocs?$filter=status eq '64' and receivedAt ge ${since}&$top=1&$skip=1&$orderby=docnum&$select=ID,docnum`);
    expect(second.data.value[0]?.docnum).not.toBe(ready.data.value[0]?.docnum);

    const rejected = await admin<{ value: IdocRow[] }>("InboundIdocs?$filter=status eq '51' and idocType eq 'ORDERS05'&$expand=statusHistory");
    expect(rejected.data.value[0]?.statusHistory?.[0]).toMatchObject({ status: '51', segment: 'EDI_DC40', field: 'IDOCTYP' });
    const withPayload = await admin<{ payload: string }>(`InboundIdocs(${rejected.data.value[0]?.ID})?$select=payload`);
    expect(withPayload.data.payload).toContain('ORDERS05');
  });
});

describe('reprocess', () => {
  it('accepts an IDoc that maps now: a new accepted IDoc continues, the rejected one gets 68 naming it', async () => {
    const id = await rejectedEarlier('0080071001', '0000000071000001');
    const answer = await act<{ outcome: string; status: string; acceptedIdoc: string; message: string }>(`InboundIdocs(${id})/AdminService.reprocess`);
    expect(answer.status).toBe(200);
    expect(answer.data).toMatchObject({ outcome: 'accepted', status: '68' });
    expect(answer.data.acceptedIdoc).not.toBe(id);

    const accepted = await idoc(answer.data.acceptedIdoc);
    expect(accepted).toMatchObject({ docnum: '0000000071000001', status: '64' });
    const original = await idoc(id);
    expect(original.status).toBe('68');
    expect(original.statusHistory?.map((record) => record.status)).toEqual(['51', '68']);
    expect(original.statusHistory?.[1]?.message).toContain(answer.data.acceptedIdoc);
    const shipment = await lading.odata<{ lastIdoc_ID: string }>(`Shipments('${encodeURIComponent('S4HCLNT100/0080071001')}')`);
    expect(shipment.data.lastIdoc_ID).toBe(answer.data.acceptedIdoc);
    const outbox = await admin<{ value: { state: string }[] }>(`Outbox?$filter=idoc_ID eq ${answer.data.acceptedIdoc}`);
    expect(outbox.data.value).toEqual([expect.objectContaining({ state: 'pending' })]);
  });

  it('reads a flat-file IDoc again from its stored record lines', async () => {
    const [parsed] = readIdocFlat(fixture('delvry/delvry07-desadv-3-items.flat.txt')).idocs;
    const raw = parsed?.raw as string;
    const stored = await storeRejected(
      { control: { docnum: '0000000001004242', senderPartner: 'S4HCLNT100' }, payload: raw, payloadHash: sha256Hex(raw), transport: 'flat' },
      { code: 'INVALID_FIELD', message: 'rejected under an earlier configuration', segment: 'EDI_DC40' },
    );
    const answer = await act<{ outcome: string; acceptedIdoc: string }>(`InboundIdocs(${stored.id})/AdminService.reprocess`);
    expect(answer.status).toBe(200);
    expect(answer.data.outcome).toBe('accepted');
    expect(await idoc(answer.data.acceptedIdoc)).toMatchObject({ docnum: '0000000001004242', status: '64' });
    const transport = await admin<{ transport: string }>(`InboundIdocs(${answer.data.acceptedIdoc})?$select=transport`);
    expect(transport.data.transport).toBe('flat');
  });

  it('answers 422 with the reason and adds a 51 record when the IDoc still fails', async () => {
    const { id, status } = await post(fixture('bad/missing-vbeln.xml'));
    expect(status).toBe(422);
    const answer = await act<{ error: { message: string } }>(`InboundIdocs(${id})/AdminService.reprocess`);
    expect(answer.status).toBe(422);
    expect(answer.data.error.message).toMatch(/^Reprocessing failed: .*VBELN/);
    const stored = await idoc(id);
    expect(stored.status).toBe('51');
    expect(stored.statusHistory?.map((record) => [record.status, record.field])).toEqual([['51', 'VBELN'], ['51', 'VBELN']]);
    expect(stored.statusText).toBe(answer.data.error.message);
  });

  it('answers 422 for a document that still cannot be read', async () => {
    const answer = await lading.postIdoc(fixture('bad/malformed-mismatched-tag.xml'));
    expect(answer.status).toBe(400);
    const id = answer.data.error?.id as string;
    const again = await act<{ error: { message: string } }>(`InboundIdocs(${id})/AdminService.reprocess`);
    expect(again.status).toBe(422);
    expect((await idoc(id)).statusHistory).toHaveLength(2);
  });

  it('answers 409 for a DOCNUM accepted meanwhile with other content, and marks a duplicate 68', async () => {
    const conflicting = await rejectedEarlier('0080072001', '0000000072000001');
    const duplicate = await rejectedEarlier('0080072002', '0000000072000002');
    expect((await post(delivery('0080072009', '0000000072000001'))).status).toBe(200);
    expect((await post(delivery('0080072002', '0000000072000002'))).status).toBe(200);

    const refused = await act<{ error: { message: string } }>(`InboundIdocs(${conflicting})/AdminService.reprocess`);
    expect(refused.status).toBe(409);
    expect(refused.data.error.message).toContain('different content');
    expect((await idoc(conflicting)).statusHistory?.map((record) => record.status)).toEqual(['51', '51']);

    const superseded = await act<{ outcome: string; status: string }>(`InboundIdocs(${duplicate})/AdminService.reprocess`);
    expect(superseded.status).toBe(200);
    expect(superseded.data).toMatchObject({ outcome: 'duplicate', status: '68' });
  });

  it('answers 409 for an IDoc not in status 51, and 404 for an unknown one', async () => {
    const { id } = await post(delivery('0080073001', '0000000073000001'));
    const answer = await act<{ error: { message: string } }>(`InboundIdocs(${id})/AdminService.reprocess`);
    expect(answer.status).toBe(409);
    expect(answer.data.error.message).toContain('has status 64');
    expect((await act('InboundIdocs(00000000-0000-4000-8000-000000000000)/AdminService.reprocess')).status).toBe(404);
  });

  it('re-drives a dead-lettered IDoc and marks its dead letter re-driven', async () => {
    const { id } = await post(delivery('0080074001', '0000000074000001'));
    await deadLetter(id, 'ledger-submit-0', `admin-test-${id}`, 'The ledger refused the events of this IDoc');
    expect((await idoc(id)).status).toBe('51');
    const answer = await act<{ outcome: string; status: string; acceptedIdoc: string }>(`InboundIdocs(${id})/AdminService.reprocess`);
    expect(answer.status).toBe(200);
    expect(answer.data).toMatchObject({ outcome: 'redriven', status: '64', acceptedIdoc: id });
    const letters = await admin<{ value: { redrivenAt: string | null }[] }>(`DeadLetters?$filter=idoc_ID eq ${id}`);
    expect(letters.data.value[0]?.redrivenAt).not.toBeNull();
    const outbox = await admin<{ value: { state: string; redriveCount: number }[] }>(`Outbox?$filter=idoc_ID eq ${id}`);
    expect(outbox.data.value[0]).toMatchObject({ state: 'pending', redriveCount: 1 });
  });
});

describe('cancel', () => {
  it('sets 68 with a status record, once', async () => {
    const { id } = await post(fixture('bad/missing-e1edl20.xml'));
    const answer = await act<IdocRow>(`InboundIdocs(${id})/AdminService.cancel`);
    expect(answer.status).toBe(200);
    expect(answer.data.status).toBe('68');
    const stored = await idoc(id);
    expect(stored.statusHistory?.map((record) => record.status)).toEqual(['51', '68']);
    expect(stored.statusHistory?.[1]?.message).toBe('Cancelled by operator: no further processing');
    expect((await act(`InboundIdocs(${id})/AdminService.cancel`)).status).toBe(409);
    expect((await act(`InboundIdocs(${id})/AdminService.reprocess`)).status).toBe(409);
  });

  it('refuses an IDoc on its way to the ledger (64)', async () => {
    const { id } = await post(delivery('0080075001', '0000000075000001'));
    const answer = await act<{ error: { message: string } }>(`InboundIdocs(${id})/AdminService.cancel`);
    expect(answer.status).toBe(409);
    expect(answer.data.error.message).toContain('on its way to the ledger');
  });

  it('keeps a cancelled dead-lettered IDoc from being re-driven', async () => {
    const { id } = await post(delivery('0080076001', '0000000076000001'));
    await deadLetter(id, 'ledger-submit-0', `admin-test-${id}`, 'The ledger refused the events of this IDoc');
    expect((await act(`InboundIdocs(${id})/AdminService.cancel`)).status).toBe(200);
    const letters = await admin<{ value: { ID: string }[] }>(`DeadLetters?$filter=idoc_ID eq ${id}`);
    const redrive = await act<{ error: { message: string } }>(`DeadLetters(${letters.data.value[0]?.ID})/AdminService.redrive`);
    expect(redrive.status).toBe(409);
    expect(redrive.data.error.message).toContain('cancelled');
    expect((await idoc(id)).status).toBe('68');
  });
});

describe('queue health', () => {
  it('counts outbox rows by state and open dead letters; queues are off without the pipeline', async () => {
    const answer = await admin<{ pipeline: string; outboxPending: number; outboxFailed: number; openDeadLetters: number; submitWaiting: number | null }>('queueHealth()');
    expect(answer.status).toBe(200);
    expect(answer.data.pipeline).toBe('off');
    expect(answer.data.outboxPending).toBeGreaterThan(0);
    expect(answer.data.openDeadLetters).toBeGreaterThanOrEqual(1);
    expect(answer.data.submitWaiting).toBeNull();
  });
});

describe('who may do what', () => {
  let rejected: string;
  beforeAll(async () => {
    rejected = (await post(fixture('bad/missing-vbeln.xml').replace('0000000009000004', '0000000077000001'))).id;
  });

  it.each(['finance', 'erp', 'broker-a', 'consignee'])('%s may not reprocess, cancel or read the monitor (403)', async (user) => {
    expect((await act(`InboundIdocs(${rejected})/AdminService.reprocess`, user)).status).toBe(403);
    expect((await act(`InboundIdocs(${rejected})/AdminService.cancel`, user)).status).toBe(403);
    expect((await admin('InboundIdocs', user)).status).toBe(403);
    expect((await admin('queueHealth()', user)).status).toBe(403);
    expect((await idoc(rejected)).statusHistory).toHaveLength(1);
  });

  it('asks anonymous callers to log in (401)', async () => {
    expect((await act(`InboundIdocs(${rejected})/AdminService.reprocess`, '')).status).toBe(401);
    expect((await act(`InboundIdocs(${rejected})/AdminService.cancel`, '')).status).toBe(401);
    expect((await admin('DeadLetters', '')).status).toBe(401);
  });

  it('keeps the monitor read-only', async () => {
    const write = await lading.request({ method: 'PATCH', url: `/odata/v4/admin/InboundIdocs(${rejected})`, data: { status: '53' }, ...as('operator') });
    expect([403, 405]).toContain(write.status);
    expect((await idoc(rejected)).status).toBe('51');
  });
});
