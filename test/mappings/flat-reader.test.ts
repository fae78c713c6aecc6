import { IdocError, readIdocFlat, readIdocXml, segmentTypeOf } from '../../mappings';
import type { Segment } from '../../mappings';
import { fixture } from '../support/lading';

/** A control record: fields at SAP's offsets, padded to 524 characters. */
function dc(docnum: string, idocType = 'DELVRY07'): string {
  const record = Array(524).fill(' ');
  const put = (offset: number, value: string): void => value.split('').forEach((char, i) => { record[offset + i] = char; });
  put(0, 'EDI_DC40'); put(10, '100'); put(13, docnum); put(39, idocType); put(99, 'DESADV'); put(162, 'S4HCLNT100');
  return record.join('');
}

/** A data record; numbers are written as SAP writes them (zero-padded), undefined as blanks. */
function dd(name: string, segnum: number | undefined, psgnum: number | undefined, hlevel: number | undefined, sdata: string, docnum = '0000000000000001'): string {
  const num = (value: number | undefined, width: number): string => (value === undefined ? ' '.repeat(width) : String(value).padStart(width, '0'));
  return `${name.padEnd(30)}100${docnum.padEnd(16)}${num(segnum, 6)}${num(psgnum, 6)}${num(hlevel, 2)}${sdata}`;
}

function flatError(text: string, limits = {}): IdocError {
  try {
    readIdocFlat(text, limits);
  } catch (error) {
    if (error instanceof IdocError) return error;
    throw error;
  }
  throw new Error('expected an IdocError');
}

/** Names and fields without offsets, to compare trees from different transports. */
function shape(segments: Segment[]): unknown[] {
  return segments.map((segment) => [segment.name, segment.fields, shape(segment.children)]);
}

describe('readIdocFlat', () => {
  it('reads the flat fixture into the same segments as the XML fixture (E1EDL39 contents sent as E1EDL44)', () => {
    const flat = readIdocFlat(fixture('delvry/delvry07-desadv-3-items.flat.txt'));
    const xml = readIdocXml(fixture('delvry/delvry07-desadv-3-items.xml'));
    expect(flat.root).toBe('DELVRY07');
    expect(flat.idocs).toHaveLength(1);
    const xmlShape = JSON.stringify(shape(xml.idocs[0]?.segments ?? [])).replace(/E1EDL39/g, 'E1EDL44');
    const sorted = (tree: unknown): unknown => (Array.isArray(tree) ? tree.map(sorted) : tree && typeof tree === 'object'
      ? Object.fromEntries(Object.entries(tree).sort(([a], [b]) => a.localeCompare(b))) : tree);
    expect(sorted(shape(flat.idocs[0]?.segments ?? []))).toEqual(sorted(JSON.parse(xmlShape)));
    expect(flat.idocs[0]?.control?.fields).toMatchObject({ DOCNUM: '0000000001004242', IDOCTYP: 'DELVRY07', MESTYP: 'DESADV', SNDPRN: 'S4HCLNT100', CREDAT: '20261124' });
    expect(flat.idocs[0]?.raw.startsWith('EDI_DC40')).toBe(true);
  });

  it('reads several IDocs per file, LF or CRLF, parents by HLEVEL when PSGNUM is blank', () => {
    const idoc = (docnum: string): string[] => [
      dc(docnum),
      dd('E1EDL20', 1, undefined, 2, '0080000001', docnum),
      dd('E1EDL24', 2, undefined, 3, '000010', docnum),
      dd('E1EDL19', 3, undefined, 4, 'QUA', docnum),
      dd('E1EDL24', 4, undefined, 3, '000020', docnum),
      dd('E1EDL20', 5, undefined, 2, '0080000002', docnum),
    ];
    for (const eol of ['\n', '\r\n']) {
      const packet = readIdocFlat([...idoc('0000000000000001'), '', ...idoc('0000000000000002')].join(eol) + eol);
      expect(packet.idocs.map((one) => one.control?.fields.DOCNUM)).toEqual(['0000000000000001', '0000000000000002']);
      const [first] = packet.idocs;
      expect(shape(first?.segments ?? [])).toEqual([
        ['E1EDL20', { VBELN: '0080000001' }, [
          ['E1EDL24', { POSNR: '000010' }, [['E1EDL19', { QUALF: 'QUA' }, []]]],
          ['E1EDL24', { POSNR: '000020' }, []],
        ]],
        ['E1EDL20', { VBELN: '0080000002' }, []],
      ]);
      expect(first?.raw.endsWith(eol)).toBe(false);
      expect(first?.raw.split(eol)).toHaveLength(6);
    }
  });

  it('places by PSGNUM over HLEVEL, keeps unknown segments whole and maps versioned names', () => {
    const packet = readIdocFlat([
      dc('0000000000000001'),
      dd('E2EDL20004', 1, 0, 2, '0080000001'),
      dd('Z1LADING', 2, 1, 9, '  custom data  '),
      dd('E2ADRM1001', 3, 1, 3, 'WE '),
    ].join('\n'));
    expect(shape(packet.idocs[0]?.segments ?? [])).toEqual([
      ['E1EDL20', { VBELN: '0080000001' }, [['Z1LADING', { SDATA: '  custom data' }, []], ['E1ADRM1', { PARTNER_Q: 'WE' }, []]]],
    ]);
  });

  it.each([
    ['E2EDL20004', 'E1EDL20'], ['E2EDL20', 'E1EDL20'], ['E2ADRM1001', 'E1ADRM1'], ['E1EDL24', 'E1EDL24'],
    ['Z2LADING001', 'Z1LADING'], ['Z1LADING', 'Z1LADING'], ['E2EDK01005', 'E1EDK01'],
  ])('segment type of %s is %s', (name, type) => {
    expect(segmentTypeOf(name)).toBe(type);
  });

  it.each([
    ['a data record first', [dd('E1EDL20', 1, 0, 2, '1')], { code: 'MISSING_SEGMENT', segment: 'EDI_DC40', line: 1 }],
    ['an unknown parent', [dc('1'), dd('E1EDL24', 2, 7, 3, '10', '1')], { code: 'INVALID_FIELD', segment: 'E1EDL24', field: 'PSGNUM', line: 2, column: 56 }],
    ['a level jump', [dc('1'), dd('E1EDL20', 1, undefined, 2, '1', '1'), dd('E1EDL19', 2, undefined, 4, 'QUA', '1')], { code: 'INVALID_FIELD', segment: 'E1EDL19', field: 'HLEVEL', line: 3 }],
    ['a level above the top', [dc('1'), dd('E1EDL20', 1, undefined, 2, '1', '1'), dd('E1EDL20', 2, undefined, 1, '1', '1')], { code: 'INVALID_FIELD', field: 'HLEVEL', line: 3 }],
    ['a letter in SEGNUM', [dc('1'), `${'E1EDL20'.padEnd(30)}100${'1'.padEnd(16)}00000X000000021`], { code: 'INVALID_FIELD', segment: 'EDI_DD40', field: 'SEGNUM', line: 2, column: 50 }],
    ['a SEGNUM twice', [dc('1'), dd('E1EDL20', 1, 0, 2, '1', '1'), dd('E1EDL20', 1, 0, 2, '2', '1')], { code: 'INVALID_FIELD', field: 'SEGNUM', line: 3 }],
    ['another DOCNUM', [dc('0000000000000001'), dd('E1EDL20', 1, 0, 2, '1', '0000000000000002')], { code: 'INVALID_FIELD', segment: 'E1EDL20', field: 'DOCNUM', line: 2 }],
    ['no segment name', [dc('1'), dd('', 1, 0, 2, '1')], { code: 'INVALID_FIELD', segment: 'EDI_DD40', field: 'SEGNAM', line: 2 }],
    ['a record too long', [dc('1'), dd('E1EDL20', 1, 0, 2, 'x'.repeat(1001), '1')], { code: 'LIMIT_EXCEEDED', line: 2, column: 1064 }],
    ['a control record too long', [`${dc('1')}garbage`], { code: 'LIMIT_EXCEEDED', segment: 'EDI_DC40', line: 1 }],
  ])('refuses %s, naming the record, segment and field', (_name, lines, error) => {
    const thrown = flatError(lines.join('\n'));
    expect(thrown).toMatchObject(error);
    expect(thrown.message).toMatch(/^Record \d+/);
  });

  it('limits depth and record count like the XML reader', () => {
    const deep = [dc('1'), ...Array.from({ length: 70 }, (_, i) => dd('Z1DEEP', i + 1, i, undefined, 'x', '1'))].join('\n');
    expect(flatError(deep)).toMatchObject({ code: 'LIMIT_EXCEEDED', field: 'HLEVEL' });
    const many = [dc('1'), ...Array.from({ length: 20 }, (_, i) => dd('Z1MANY', i + 1, 0, 2, 'x', '1'))].join('\n');
    expect(flatError(many, { maxRecords: 10 })).toMatchObject({ code: 'LIMIT_EXCEEDED', line: 11 });
  });

  it('reads an empty file as a packet without IDocs', () => {
    expect(readIdocFlat('\r\n\n').idocs).toEqual([]);
  });
});
