import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { contentHashOf, readIdocFlat, readIdocSoap, readIdocXml, type Segment, type XmlIdocPacket } from '../../mappings';
import { fixture } from '../support/lading';

/**
 * The content hash decides whether a resend is a duplicate, so its canonical form may never
 * drift: stored hashes of IDocs received before must keep matching. The specification, written
 * the plain way (arrays, then JSON.stringify), against the implementation, which a faster rewrite
 * must keep equal.
 */
function specification(control: Segment | undefined, segments: Segment[]): string {
  const canonical = (segment: Segment): unknown[] => [
    segment.name,
    Object.entries(segment.fields).map(([name, value]) => [name, value.trim()] as const).filter(([, value]) => value !== '')
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    segment.children.map(canonical),
  ];
  return createHash('sha256').update(JSON.stringify([control ? canonical(control) : null, segments.map(canonical)])).digest('hex');
}

const text = fc.string({ unit: 'grapheme', maxLength: 12 });
const name = fc.stringMatching(/^[A-Z0-9_]{1,10}$/);
const fields = fc.dictionary(fc.stringMatching(/^[A-Za-z0-9_]{1,8}$/), fc.oneof(text, fc.constant(''), fc.constant('  ')));

/** Segments nested at most `depth` levels below this one. */
function segmentTree(depth: number): fc.Arbitrary<Segment> {
  const children = depth === 0 ? fc.constant([] as Segment[]) : fc.array(segmentTree(depth - 1), { maxLength: 3 });
  return fc.record({ name, fields, children, offset: fc.constant(0) });
}

describe('contentHashOf', () => {
  it('keeps the canonical form of its specification for any segments', () => {
    fc.assert(fc.property(fc.option(segmentTree(0), { nil: undefined }), fc.array(segmentTree(2), { maxLength: 5 }), (control, segments) => {
      expect(contentHashOf(control, segments)).toBe(specification(control, segments));
    }), { seed: 20261125, numRuns: 300 });
  });

  it('gives the realistic delivery the hash its specification gives', () => {
    const [idoc] = readIdocXml(fixture('delvry/delvry07-desadv-40-items.xml')).idocs;
    expect(contentHashOf(idoc?.control, idoc?.segments ?? [])).toBe(specification(idoc?.control, idoc?.segments ?? []));
  });
});

/**
 * Hashes stored before the rewrite of contentHashOf (commit 53eb23f, arrays + JSON.stringify),
 * one per IDoc of each fixture in order: they are dedup keys in databases, so they stay.
 */
const STORED_HASHES: Record<string, string[]> = {
  'bad/impossible-date.xml': ['556660dee01ce18fb69405763abb4acb02e6ca45237c897c56d06bcaf9b34401'],
  'bad/missing-control-record.xml': ['9588b4d52e1a5cacd51932f1ea307b5ee5bc754c23e037e62f3ef6188cd84b07'],
  'bad/missing-e1edl20.xml': ['ad12bc4d962d7b046f92a98e42e7c3091bc77d8d02f495b3a183a8774063adb0'],
  'bad/missing-vbeln.xml': ['e29a6c4f8c6f4924059389bfc2e74afa5572bcac21d0b055b5c9d8d8d0f77895'],
  'bad/negative-quantity.xml': ['03755fa1cd088416fce0393835ade640a21f1564c4fc085a515366bfea605136'],
  'bad/packet-one-bad.xml': [
    '971b8af7463e85710df71cb2a38b7861e1820ac2589af74b8e0b1dcef08601fc',
    '1df8cdb0c9f2cabf00463bef15bce56a393a825479e4a537c713865151a421d6',
    'f522ef72edd4e03ef623063114ac9c8d7d305ac2a5ddad328118b7fc39121dac',
  ],
  'bad/unknown-idoc-type.xml': ['597ca77b87072d15ec2b44bd270b0b39b83f1e4dee668ef82b3d52bf9774e4f0'],
  'customs/decl07-export-released.xml': ['40e4029336eb9bc815fb3e5e8b023f56ca0c2a4fabad8d3570f03f6c2bed2637'],
  'customs/decl07-export-submitted.flat.txt': ['f3057b09d0f0716bd9d858d97177094810c0b2f967159d6e419ee9cdb88a699d'],
  'customs/decl07-export-submitted.soap.xml': ['aed050b198b675955c9a0d389a0ea926980dfddc518e41b0cab37626c107d93c'],
  'customs/decl07-export-submitted.xml': ['aed050b198b675955c9a0d389a0ea926980dfddc518e41b0cab37626c107d93c'],
  'customs/decl07-import-broker-b.xml': ['ad82a196d4f9e47aa33bbff4b87e78af624e000d7dd1f9edf323081a03ccd854'],
  'customs/decl07-import-held-inspected.xml': ['a5072755bb4085d86bab6cf222e1be8dbf53b6855a98f31536d0aa92bdaf6b09'],
  'delvry/delvry07-desadv-3-items.flat.txt': ['2d3a30d123861189ba7603f1e28cb8cbb2061c8c438712ebfa9a4ea0a1b6a4f2'],
  'delvry/delvry07-desadv-3-items.soap.xml': ['a94ed3af735628c4e46a7f135a1eeae8bec77f0033622dbbaa11e7c6fed228a4'],
  'delvry/delvry07-desadv-3-items.xml': ['a94ed3af735628c4e46a7f135a1eeae8bec77f0033622dbbaa11e7c6fed228a4'],
  'delvry/delvry07-desadv-40-items.xml': ['6f234d5316c20245555d138742f2909070d02200adc37503e4487550a10d2547'],
  'delvry/delvry07-desadv-broker-a.xml': ['b97170e10e0f14b0413e600004ddadb56abfd0dc080f984b4b535b604c63cfce'],
  'delvry/packet-two-idocs.xml': [
    '2dd1cfdfe906e65b290cdee0c0e3c9803302ee0e71c4a45aae5cb475789eb900',
    '4e63a4db00ac9786c0b455aac68507d5de516ed55687a853342e8565c38f9f3b',
  ],
  'delvry/untidy-extension.xml': ['d8bb934b6a8134b9f21399c4c0affe8bd4a1af5f6d0dee446cf4f41fe109f821'],
  'invoic/invoic02-3-lines.flat.txt': ['fde0244bbab2bbf3a711cfa0650875444ad457aa8c0575d5489eec282c22b0aa'],
  'invoic/invoic02-3-lines.soap.xml': ['fde0244bbab2bbf3a711cfa0650875444ad457aa8c0575d5489eec282c22b0aa'],
  'invoic/invoic02-3-lines.xml': ['fde0244bbab2bbf3a711cfa0650875444ad457aa8c0575d5489eec282c22b0aa'],
  'shpmnt/shpmnt05-sea-2-deliveries.flat.txt': ['526f082e41b27733127b4a27910be46aaae16f34382830f44f0bab07270214db'],
  'shpmnt/shpmnt05-sea-2-deliveries.soap.xml': ['526f082e41b27733127b4a27910be46aaae16f34382830f44f0bab07270214db'],
  'shpmnt/shpmnt05-sea-2-deliveries.xml': ['526f082e41b27733127b4a27910be46aaae16f34382830f44f0bab07270214db'],
};

function packetOf(name: string, text: string): XmlIdocPacket {
  if (name.endsWith('.flat.txt')) return readIdocFlat(text);
  if (name.endsWith('.soap.xml')) return readIdocSoap(text);
  return readIdocXml(text);
}

/** Field values that take JSON.stringify off its plain path: quotes, escapes, controls, surrogates. */
const AWKWARD_VALUES = [
  'say "hi"', 'C:\\path\\x', 'tab\there', 'line\nbreak', '\u0000\u0001\u001f', '\u007f\u0080', '\u2028\u2029',
  'lone \ud800 high', 'lone \udc00 low', 'pair \ud83d\ude9a truck', 'Zoll «通关» ü', '  padded  ', '\t\n ', '', '</>&amp;',
];

/** Copies of a segment tree with every field value (and one field name) replaced, and the field order reversed. */
function variant(segment: Segment, pick: (index: number) => string, counter: { n: number }): Segment {
  const entries = Object.entries(segment.fields).reverse().map(([name, value], index): [string, string] =>
    [index === 0 ? `${name}${pick(counter.n)}` : name, `${value}${pick(counter.n++)}`]);
  return { ...segment, fields: Object.fromEntries(entries), children: segment.children.map((child) => variant(child, pick, counter)) };
}

describe('contentHashOf on every fixture', () => {
  it.each(Object.entries(STORED_HASHES))('%s keeps the hash stored before the rewrite', (name, hashes) => {
    const packet = packetOf(name, fixture(name));
    expect(packet.idocs.map((idoc) => contentHashOf(idoc.control, idoc.segments))).toEqual(hashes);
  });

  it('covers every readable fixture', () => {
    const root = join(__dirname, '..', 'fixtures');
    const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((file) => /\.(xml|txt)$/.test(file)).sort();
    const readable = files.filter((file) => {
      try {
        return packetOf(file, fixture(file)).idocs.length > 0;
      } catch {
        return false;
      }
    });
    expect(readable).toEqual(Object.keys(STORED_HASHES).sort());
  });

  it('equals its specification on the shared IDocs and on awkward variants of every fixture', () => {
    const shared = '/work/shared/idocs';
    const documents = Object.keys(STORED_HASHES).map((name) => ({ name, text: fixture(name) }));
    if (existsSync(shared)) {
      for (const file of readdirSync(shared).filter((entry) => entry.endsWith('.xml'))) documents.push({ name: file, text: readFileSync(join(shared, file), 'utf8') });
    }
    let compared = 0;
    for (const { name, text } of documents) {
      for (const idoc of packetOf(name, text).idocs) {
        expect(contentHashOf(idoc.control, idoc.segments)).toBe(specification(idoc.control, idoc.segments));
        for (let shift = 0; shift < AWKWARD_VALUES.length; shift++) {
          const pick = (index: number): string => AWKWARD_VALUES[(index + shift) % AWKWARD_VALUES.length] as string;
          const counter = { n: 0 };
          const control = idoc.control ? variant(idoc.control, pick, counter) : undefined;
          const segments = idoc.segments.map((segment) => variant(segment, pick, counter));
          expect(contentHashOf(control, segments)).toBe(specification(control, segments));
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(400);
  });
});
