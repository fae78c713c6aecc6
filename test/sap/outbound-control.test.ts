import { readControlRecord } from '../../mappings';
import { OutboundIdocError, buildSystat, deterministicDocnum } from '../../mappings/outbound';
import { CREATED_AT, ENVELOPE, readBack } from './outbound-support';

describe('deterministicDocnum', () => {
  it.each([
    ['ledger-event-1'],
    ['0000000001004242:53'],
    ['ü unicode seed'],
  ])('gives 16 digits, the same for the same seed (%s)', (seed) => {
    const docnum = deterministicDocnum(seed);
    expect(docnum).toMatch(/^\d{16}$/);
    expect(docnum).not.toBe('0000000000000000');
    expect(deterministicDocnum(seed)).toBe(docnum);
  });

  it('differs for different seeds', () => {
    const numbers = new Set(Array.from({ length: 2000 }, (_, i) => deterministicDocnum(`event-${i}`)));
    expect(numbers.size).toBe(2000);
  });

  it('refuses an empty seed', () => {
    expect(() => deterministicDocnum('')).toThrow(RangeError);
  });
});

describe('control record of IDocs into SAP', () => {
  const { control, root } = readBack(buildSystat(ENVELOPE, [{ docnum: '1004242', status: '53', loggedAt: CREATED_AT }], { createdAt: CREATED_AT }).xml);

  it.each([
    ['TABNAM', 'EDI_DC40'],
    ['MANDT', '100'],
    ['DIRECT', '2'],
    ['IDOCTYP', 'SYSTAT01'],
    ['MESTYP', 'STATUS'],
    ['SNDPOR', 'LADING'],
    ['SNDPRT', 'LS'],
    ['SNDPRN', 'LADING'],
    ['RCVPOR', 'SAPS4H'],
    ['RCVPRT', 'LS'],
    ['RCVPRN', 'S4HCLNT100'],
    ['CREDAT', '20261125'],
    ['CRETIM', '101530'],
  ])('%s = %s', (name, value) => {
    expect(control[name]).toBe(value);
  });

  it('is read by the inbound control record reader, fields in definition order', () => {
    expect(root).toBe('SYSTAT01');
    expect(Object.keys(control)).toEqual(['TABNAM', 'MANDT', 'DOCNUM', 'DIRECT', 'IDOCTYP', 'MESTYP', 'SNDPOR', 'SNDPRT', 'SNDPRN', 'RCVPOR', 'RCVPRT', 'RCVPRN', 'CREDAT', 'CRETIM']);
    const record = readControlRecord(readBack(buildSystat(ENVELOPE, [{ docnum: '1', status: '51', loggedAt: CREATED_AT }], { createdAt: CREATED_AT }).xml).idoc.control);
    expect(record).toMatchObject({ idocType: 'SYSTAT01', messageType: 'STATUS', senderPartner: 'LADING', receiverPartner: 'S4HCLNT100', client: '100' });
    expect(record.docnum).toMatch(/^\d{16}$/);
  });
});

describe('values', () => {
  it('escapes XML and keeps the text through the round trip', () => {
    const text = `Tom & Jerry <"quoted"> 'it'`;
    const { idoc } = readBack(buildSystat(ENVELOPE, [{ docnum: '1', status: '51', loggedAt: CREATED_AT, text }], { createdAt: CREATED_AT }).xml);
    expect(idoc.segments[0]?.fields.STATXT).toBe(text);
  });

  it('shortens free text to the field length but refuses over-long keys and unwritable characters', () => {
    const long = 'x'.repeat(100);
    const { idoc } = readBack(buildSystat(ENVELOPE, [{ docnum: '1', status: '51', loggedAt: CREATED_AT, text: long }], { createdAt: CREATED_AT }).xml);
    expect(idoc.segments[0]?.fields.STATXT).toBe('x'.repeat(70));
    expect(() => buildSystat(ENVELOPE, [{ docnum: '1', status: '51', loggedAt: CREATED_AT, segmentField: 'F'.repeat(31) }], { createdAt: CREATED_AT }))
      .toThrow(expect.objectContaining({ code: 'VALUE_TOO_LONG', segment: 'E1STATS', field: 'SEGFLD' }));
    expect(() => buildSystat(ENVELOPE, [{ docnum: '1', status: '51', loggedAt: CREATED_AT, text: 'bell \u0007' }], { createdAt: CREATED_AT }))
      .toThrow(OutboundIdocError);
    expect(() => buildSystat({ ...ENVELOPE, senderPartner: 'LADING-TOO-LONG' }, [{ docnum: '1', status: '51', loggedAt: CREATED_AT }], { createdAt: CREATED_AT }))
      .toThrow(expect.objectContaining({ code: 'VALUE_TOO_LONG', field: 'SNDPRN' }));
  });
});
