import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { contentHashOf, readIdocXml, type Segment } from '../../mappings';
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
