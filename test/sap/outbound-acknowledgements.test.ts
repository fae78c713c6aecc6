import { buildAleaud, buildSystat, type IdocConfirmation } from '../../mappings/outbound';
import { CREATED_AT, ENVELOPE, named, only, readBack } from './outbound-support';

function confirmation(i: number, overrides: Partial<IdocConfirmation> = {}): IdocConfirmation {
  return {
    docnum: String(1_004_000 + i),
    messageType: 'DESADV',
    status: '53',
    text: `On the ledger: delivery ${i}`,
    createdObject: { key: `tx-${i}` },
    ...overrides,
  };
}

describe('ALEAUD01', () => {
  it('confirms IDocs: E1ADHDR per message type > E1STATE > E1PRTOB', () => {
    const [idoc, ...rest] = buildAleaud(ENVELOPE, [
      confirmation(1),
      confirmation(2, {
        status: '51',
        text: 'Delivery &1 refused: &2',
        parameters: ['0080004242', 'a reason longer than twenty characters'],
        message: { qualifier: 'SAP', id: 'ZLADING', number: '042' },
        createdObject: undefined,
      }),
      confirmation(3, { messageType: 'SHPCON', messageFunction: 'CHG' }),
    ], { createdAt: CREATED_AT });
    expect(rest).toHaveLength(0);
    const { root, idoc: read, control } = readBack(idoc?.xml ?? '');
    expect(root).toBe('ALEAUD01');
    expect(control).toMatchObject({ IDOCTYP: 'ALEAUD01', MESTYP: 'ALEAUD', DOCNUM: idoc?.docnum });
    const headers = named(read.segments, 'E1ADHDR');
    expect(headers.map((h) => h.fields)).toEqual([{ MESTYP: 'DESADV' }, { MESTYP: 'SHPCON', MESFCT: 'CHG' }]);
    const states = named(headers[0]?.children ?? [], 'E1STATE');
    expect(states.map((s) => [s.fields.DOCNUM, s.fields.STATUS, s.fields.STATYP])).toEqual([
      ['0000000001004001', '53', 'S'],
      ['0000000001004002', '51', 'E'],
    ]);
    expect(only(states[0]?.children ?? [], 'E1PRTOB').fields).toEqual({ OBJTYPE: 'ZLADINGTX', OBJKEY: 'tx-1' });
    expect(states[1]?.children).toEqual([]);
    expect(states[1]?.fields).toMatchObject({
      STATXT: 'Delivery &1 refused: &2',
      STAPA1: '0080004242',
      STAPA2: 'a reason longer than',
      STAPA2_LNG: 'a reason longer than twenty characters',
      STAMQU: 'SAP',
      STAMID: 'ZLADING',
      STAMNO: '042',
    });
  });

  it.each([
    [0, 0],
    [1, 1],
    [500, 1],
    [501, 2],
    [1200, 3],
  ])('%i confirmations → %i IDoc(s) of at most 500', (count, idocs) => {
    const built = buildAleaud(ENVELOPE, Array.from({ length: count }, (_, i) => confirmation(i)), { createdAt: CREATED_AT });
    expect(built).toHaveLength(idocs);
    const perIdoc = built.map((b) => named(readBack(b.xml).idoc.segments, 'E1ADHDR').flatMap((h) => h.children).length);
    expect(perIdoc.reduce((a, b) => a + b, 0)).toBe(count);
    expect(Math.max(0, ...perIdoc)).toBeLessThanOrEqual(500);
    expect(new Set(built.map((b) => b.docnum)).size).toBe(idocs);
  });

  it('gives the same DOCNUM when the same acknowledgement is built again later', () => {
    const list = [confirmation(1), confirmation(2)];
    const first = buildAleaud(ENVELOPE, list, { createdAt: CREATED_AT })[0];
    const again = buildAleaud(ENVELOPE, list, { createdAt: '2026-11-26T00:00:00Z' })[0];
    const other = buildAleaud(ENVELOPE, [confirmation(1), confirmation(2, { status: '51' })], { createdAt: CREATED_AT })[0];
    expect(again?.docnum).toBe(first?.docnum);
    expect(other?.docnum).not.toBe(first?.docnum);
  });

  it.each([
    ['not a number', 'ABC'],
    ['zero', '0000000000000000'],
    ['17 digits', '12345678901234567'],
  ])('refuses a confirmed DOCNUM that is %s', (_, docnum) => {
    expect(() => buildAleaud(ENVELOPE, [confirmation(1, { docnum })], { createdAt: CREATED_AT })).toThrow(/not an IDoc number/);
  });
});

describe('SYSTAT01', () => {
  it('reports statuses with LOGDAT/LOGTIM in UTC and the segment and field a failure names', () => {
    const built = buildSystat(ENVELOPE, [
      { docnum: '1004242', status: '53', loggedAt: '2026-11-25T09:15:00+01:00', text: 'On the ledger' },
      { docnum: '1004243', status: '51', loggedAt: '2026-11-25T08:20:05Z', text: 'Field &1 missing', parameters: ['VBELN'], segmentNumber: 2, segmentField: 'VBELN' },
    ], { createdAt: CREATED_AT });
    const { root, idoc, control } = readBack(built.xml);
    expect(root).toBe('SYSTAT01');
    expect(control.MESTYP).toBe('STATUS');
    const stats = named(idoc.segments, 'E1STATS');
    expect(stats.map((s) => s.fields)).toEqual([
      { DOCNUM: '0000000001004242', LOGDAT: '20261125', LOGTIM: '081500', STATUS: '53', STATXT: 'On the ledger' },
      { DOCNUM: '0000000001004243', LOGDAT: '20261125', LOGTIM: '082005', STATUS: '51', STATXT: 'Field &1 missing', SEGNUM: '000002', SEGFLD: 'VBELN', STAPA1: 'VBELN' },
    ]);
  });

  it.each([
    ['no statuses', [], /at least one/],
    ['a status of one digit', [{ docnum: '1', status: '5', loggedAt: CREATED_AT }], /two digits/],
    ['a bad time', [{ docnum: '1', status: '53', loggedAt: 'yesterday' }], /ISO-8601/],
    ['segment number 0', [{ docnum: '1', status: '51', loggedAt: CREATED_AT, segmentNumber: 0 }], /segmentNumber/],
  ])('refuses %s', (_, reports, message) => {
    expect(() => buildSystat(ENVELOPE, reports, { createdAt: CREATED_AT })).toThrow(message);
  });
});
