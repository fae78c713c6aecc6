import { createHash } from 'node:crypto';
import type { LedgerEvent } from '../../connectors/fabric';
import { mapIdoc, readControlRecord, readIdocXml } from '../../mappings';
import { hashPayload, payloadHashAlgorithm, payloadHashes } from '../../srv/observability/payload-hash';
import { ProvenanceError, readDocument, verifyDocument } from '../../srv/observability/provenance';
import { connectAs, Devnet, type OrgClient } from '../ledger/support';
import { fixture } from '../support/lading';

/**
 * The payload hash algorithm (SHA-256 or SM3) and document verification against devnet alone:
 * events recorded with an SM3 payload hash verify as unchanged under SM3 whatever is configured,
 * and a changed document is named as changed.
 */

describe('hashPayload', () => {
  it.each([
    ['sha256', 'abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
    // GB/T 32905-2016, example 1.
    ['sm3', 'abc', '66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0'],
  ] as const)('%s of %j', (algorithm, text, expected) => {
    expect(hashPayload(text, algorithm)).toBe(expected);
  });

  it('hashes the UTF-8 bytes of the text', () => {
    expect(hashPayload('Grüße', 'sha256')).toBe(createHash('sha256').update(Buffer.from('Grüße', 'utf8')).digest('hex'));
  });

  it('puts the preferred algorithm first among all hashes', () => {
    expect(payloadHashes('abc', 'sm3').all.map(([algorithm]) => algorithm)).toEqual(['sm3', 'sha256']);
    expect(payloadHashes('abc').all.map(([algorithm]) => algorithm)).toEqual(['sha256', 'sm3']);
  });
});

describe('LADING_HASH_ALGORITHM', () => {
  it.each([
    [undefined, 'sha256'],
    ['', 'sha256'],
    ['sha256', 'sha256'],
    ['SHA-256', 'sha256'],
    ['sm3', 'sm3'],
    [' SM3 ', 'sm3'],
  ])('%j gives %s', (value, expected) => {
    expect(payloadHashAlgorithm({ LADING_HASH_ALGORITHM: value })).toBe(expected);
  });

  it.each(['md5', 'sha1', 'sm2'])('refuses %j on one line naming the variable', (value) => {
    expect(() => payloadHashAlgorithm({ LADING_HASH_ALGORITHM: value })).toThrow(`Configuration error: LADING_HASH_ALGORITHM must be sha256 or sm3, got "${value}"`);
  });
});

describe('readDocument', () => {
  it('reads IDoc XML, a SOAP envelope and a flat file alike', () => {
    for (const name of ['delvry/delvry07-desadv-3-items.xml', 'delvry/delvry07-desadv-3-items.soap.xml', 'delvry/delvry07-desadv-3-items.flat.txt']) {
      const packet = readDocument(fixture(name));
      expect(packet.idocs).toHaveLength(1);
      expect(readControlRecord(packet.idocs[0]?.control).docnum).toMatch(/^\d{16}$/);
    }
  });
});

describe('verifyDocument against devnet', () => {
  let devnet: Devnet;
  let shipper: OrgClient;
  let finance: OrgClient;

  beforeAll(async () => {
    devnet = await Devnet.start();
    shipper = await connectAs(devnet, 'ShipperMSP');
    finance = await connectAs(devnet, 'FinanceMSP');
  }, 120_000);

  afterAll(async () => {
    shipper?.close();
    finance?.close();
    await devnet?.dispose();
  });

  /** Records the document's events as Lading would, with the payload hash made by `algorithm`. */
  async function record(document: string, algorithm: 'sha256' | 'sm3'): Promise<{ transactionId: string; blockNumber: bigint }> {
    const [idoc] = readIdocXml(document).idocs;
    if (!idoc) throw new Error('no IDoc in the document');
    const control = readControlRecord(idoc.control);
    const payloadHash = hashPayload(idoc.raw, algorithm);
    const { events } = mapIdoc(control, idoc.segments, { payloadHash, receivedAt: new Date().toISOString() });
    const ledgerEvents: LedgerEvent[] = events.map((event) => ({ ...event, source: { idocType: control.idocType, docnum: control.docnum } }));
    return shipper.ledger.recordEvents(ledgerEvents);
  }

  const delivery = (deliveryNumber: string, docnum: string): string =>
    fixture('delvry/delvry07-desadv-3-items.xml').replace(/0080004242/g, deliveryNumber).replace(/0000000001004242/g, docnum);

  it('proves a document recorded with SM3 unchanged while SHA-256 is configured, and names the algorithm', async () => {
    const document = delivery('0080900001', '0000000090000001');
    const committed = await record(document, 'sm3');
    const [report] = await verifyDocument(document, finance.ledger, { algorithm: 'sha256' });
    expect(report).toMatchObject({ verdict: 'unchanged', algorithm: 'sm3', docnum: '0000000090000001', differences: [] });
    expect(report?.payloadHash).toBe(hashPayload(readIdocXml(document).idocs[0]?.raw ?? '', 'sm3'));
    expect(report?.events).toHaveLength(4);
    for (const event of report?.events ?? []) {
      expect(event).toMatchObject({ verdict: 'unchanged', algorithm: 'sm3', transactionId: committed.transactionId, blockNumber: String(committed.blockNumber), recordedBy: 'ShipperMSP' });
    }
  });

  it('names an SM3-recorded document changed, with the configured algorithm\'s hash', async () => {
    const document = delivery('0080900002', '0000000090000002');
    await record(document, 'sm3');
    const altered = document.replace('<ANZPK>00002</ANZPK>', '<ANZPK>00003</ANZPK>');
    const [report] = await verifyDocument(altered, finance.ledger, { algorithm: 'sm3' });
    expect(report?.verdict).toBe('changed');
    expect(report?.algorithm).toBe('sm3');
    expect(report?.differences).toHaveLength(4);
    expect(report?.differences[0]).toContain(`the payload now hashes to ${hashPayload(readIdocXml(altered).idocs[0]?.raw ?? '', 'sm3')} (sm3)`);
  });

  it('tells apart an event another IDoc brought first (other-source) from a changed one', async () => {
    const first = delivery('0080900003', '0000000090000003');
    await record(first, 'sha256');
    // The same delivery resent under another DOCNUM: same facts, same event ids, recorded once from the first IDoc.
    const resent = first.replace(/0000000090000003/g, '0000000090000004');
    const [report] = await verifyDocument(resent, finance.ledger);
    const verdicts = report?.events.map((event) => `${event.verdict} ${event.sourceDocnum ?? '-'}`).sort();
    // The facts of the delivery came with the first IDoc; the resent IDoc's own notification event is not recorded.
    expect(verdicts).toEqual(['missing -', 'other-source 0000000090000003', 'other-source 0000000090000003', 'other-source 0000000090000003']);
    expect(report?.verdict).toBe('not-on-ledger');
    expect(report?.differences).toEqual([expect.stringMatching(/is not on the ledger$/)]);
  });

  it('reports incomplete when only some events are on the ledger', async () => {
    const document = delivery('0080900005', '0000000090000005');
    const [idoc] = readIdocXml(document).idocs;
    const control = readControlRecord(idoc?.control);
    const payloadHash = hashPayload(idoc?.raw ?? '');
    const { events } = mapIdoc(control, idoc?.segments ?? [], { payloadHash, receivedAt: new Date().toISOString() });
    await shipper.ledger.recordEvents(events.slice(0, 1).map((event) => ({ ...event, source: { idocType: control.idocType, docnum: control.docnum } })));
    const [report] = await verifyDocument(document, finance.ledger);
    expect(report?.verdict).toBe('incomplete');
    expect(report?.events.filter((event) => event.verdict === 'missing')).toHaveLength(3);
    expect(report?.differences.filter((difference) => difference.endsWith('is not on the ledger'))).toHaveLength(3);
  });

  it('refuses a document that is no IDoc with ProvenanceError unreadable', async () => {
    await expect(verifyDocument('<?xml version="1.0"?><DELVRY07><broken></DELVRY07>', finance.ledger)).rejects.toMatchObject({ name: 'ProvenanceError', reason: 'unreadable' });
    await expect(verifyDocument('not an idoc at all', finance.ledger)).rejects.toBeInstanceOf(ProvenanceError);
  });
});
