import fc from 'fast-check';
import type { XmlIdocPacket } from '../../mappings';
import { IdocError, mapIdoc, readControlRecord, readIdocFlat, readIdocSoap, readIdocXml } from '../../mappings';
import { fixture } from '../support/lading';

/**
 * Property-based hardening of the three readers plus mapping: whatever arrives (random text,
 * random bytes, real IDocs cut, doubled, reordered, bloated or nested absurdly deep), the
 * pipeline returns a mapping or throws an IdocError with a code, naming the place where the
 * error concerns one. Anything else (TypeError, RangeError, a hang) is a bug.
 * Fixed seed and bounded runs, so a failure reproduces exactly.
 */

const SEED = 4242;
const RUNS = 300;
/** Per input: generous for a 20 kB document on a slow CI machine, far below a hang. */
const TIME_BOUND_MS = 2_000;

type Reader = (text: string) => XmlIdocPacket;

/** Keyed `<reader>` or `<reader> <what>`: one real document per reader and IDoc kind. */
const READERS: Record<string, { read: Reader; seed: string }> = {
  xml: { read: (text) => readIdocXml(text), seed: fixture('delvry/delvry07-desadv-3-items.xml') },
  soap: { read: (text) => readIdocSoap(text), seed: fixture('delvry/delvry07-desadv-3-items.soap.xml') },
  flat: { read: (text) => readIdocFlat(text), seed: fixture('delvry/delvry07-desadv-3-items.flat.txt') },
  'xml INVOIC02': { read: (text) => readIdocXml(text), seed: fixture('invoic/invoic02-3-lines.xml') },
  'soap INVOIC02': { read: (text) => readIdocSoap(text), seed: fixture('invoic/invoic02-3-lines.soap.xml') },
  'flat INVOIC02': { read: (text) => readIdocFlat(text), seed: fixture('invoic/invoic02-3-lines.flat.txt') },
  'xml SHPMNT05': { read: (text) => readIdocXml(text), seed: fixture('shpmnt/shpmnt05-sea-2-deliveries.xml') },
  'soap SHPMNT05': { read: (text) => readIdocSoap(text), seed: fixture('shpmnt/shpmnt05-sea-2-deliveries.soap.xml') },
  'flat SHPMNT05': { read: (text) => readIdocFlat(text), seed: fixture('shpmnt/shpmnt05-sea-2-deliveries.flat.txt') },
  'xml ZLADING_DECL01': { read: (text) => readIdocXml(text), seed: fixture('customs/decl07-export-submitted.xml') },
  'soap ZLADING_DECL01': { read: (text) => readIdocSoap(text), seed: fixture('customs/decl07-export-submitted.soap.xml') },
  'flat ZLADING_DECL01': { read: (text) => readIdocFlat(text), seed: fixture('customs/decl07-export-submitted.flat.txt') },
};

const POSITIONAL = new Set(['MALFORMED_XML', 'FORBIDDEN_DECLARATION']);

/** Reads and maps every IDoc; returns how it ended, or throws what is not an IdocError. */
function pipeline(read: Reader, text: string): 'mapped' | IdocError[] {
  let packet: XmlIdocPacket;
  try {
    packet = read(text);
  } catch (error) {
    if (error instanceof IdocError) return [error];
    throw error;
  }
  const errors: IdocError[] = [];
  for (const idoc of packet.idocs) {
    try {
      mapIdoc(readControlRecord(idoc.control), idoc.segments, { payloadHash: 'f'.repeat(64), receivedAt: '2026-11-25T12:00:00.000Z' });
    } catch (error) {
      if (error instanceof IdocError) errors.push(error);
      else throw error;
    }
  }
  return errors.length === 0 ? 'mapped' : errors;
}

function expectWellFormedError(error: IdocError, flat: boolean): void {
  expect(typeof error.code).toBe('string');
  expect(error.message.length).toBeGreaterThan(0);
  if (POSITIONAL.has(error.code)) {
    expect(error.line).toBeGreaterThanOrEqual(1);
    expect(error.column).toBeGreaterThanOrEqual(1);
  }
  if (['MISSING_FIELD', 'INVALID_FIELD'].includes(error.code)) {
    expect(error.segment).toBeTruthy();
    expect(error.field).toBeTruthy();
  }
  if (error.code === 'MISSING_SEGMENT') expect(error.segment).toBeTruthy();
  // The flat reader names the record of every structural error.
  if (flat && error.line === undefined) expect(error.segment ?? error.field).toBeTruthy();
}

function check(read: Reader, text: string, flat: boolean): void {
  const started = performance.now();
  const outcome = pipeline(read, text);
  const elapsed = performance.now() - started;
  if (elapsed > TIME_BOUND_MS) throw new Error(`took ${Math.round(elapsed)} ms for ${text.length} characters`);
  if (outcome !== 'mapped') for (const error of outcome) expectWellFormedError(error, flat);
}

// Mutations of a real document, applied one to four at a time.
type Mutation = (text: string) => string;

const at = (text: string, fraction: number): number => Math.floor(fraction * text.length);
const fraction = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });

function lineSwap(text: string, a: number, b: number): string {
  const lines = text.split('\n');
  const i = Math.floor(a * lines.length);
  const j = Math.floor(b * lines.length);
  [lines[i], lines[j]] = [lines[j] as string, lines[i] as string];
  return lines.join('\n');
}

function segmentSwap(text: string, a: number, b: number): string {
  // XML segments: swap two whole <E1…>…</E1…> elements of the same document (nesting permitting).
  const matches = [...text.matchAll(/<(E1[A-Z0-9]+) SEGMENT="1">(?:(?!<\1[ >]).)*?<\/\1>/gs)];
  if (matches.length < 2) return lineSwap(text, a, b);
  const first = matches[Math.floor(a * matches.length)] as RegExpMatchArray;
  const second = matches[Math.floor(b * matches.length)] as RegExpMatchArray;
  const [x, y] = (first.index ?? 0) <= (second.index ?? 0) ? [first, second] : [second, first];
  const xEnd = (x.index ?? 0) + x[0].length;
  if (xEnd > (y.index ?? 0)) return text; // overlapping (nested): leave it
  return text.slice(0, x.index) + y[0] + text.slice(xEnd, y.index) + x[0] + text.slice((y.index ?? 0) + y[0].length);
}

function deepNesting(text: string, depth: number, where: number, flat: boolean): string {
  if (flat) {
    const docnum = /^EDI_DC40 {2}.{3}(.{16})/m.exec(text)?.[1] ?? ''.padEnd(16);
    const chain = Array.from({ length: depth }, (_, i) =>
      `${'Z1DEEP'.padEnd(30)}100${docnum}${String(900 + i).padStart(6, '0')}${String(i === 0 ? 1 : 899 + i).padStart(6, '0')}  x`);
    const lines = text.split('\r\n');
    lines.splice(Math.max(1, Math.floor(where * lines.length)), 0, ...chain);
    return lines.join('\r\n');
  }
  const index = text.indexOf('<E1EDL24');
  const open = '<Z1DEEP SEGMENT="1">'.repeat(depth);
  const close = '</Z1DEEP>'.repeat(depth);
  return index === -1 ? open + text + close : text.slice(0, index) + open + '<X>1</X>' + close + text.slice(index);
}

function mutations(flat: boolean): fc.Arbitrary<Mutation> {
  return fc.oneof(
    fc.tuple(fraction, fc.integer({ min: 1, max: 200 })).map(([f, n]): Mutation => (t) => t.slice(0, at(t, f)) + t.slice(at(t, f) + n)),
    fc.tuple(fraction, fc.integer({ min: 1, max: 400 })).map(([f, n]): Mutation => (t) => t.slice(0, at(t, f) + n) + t.slice(at(t, f))),
    fraction.map((f): Mutation => (t) => t.slice(0, at(t, f))),
    fc.tuple(fraction, fraction).map(([a, b]): Mutation => (t) => (flat ? lineSwap(t, a, b) : segmentSwap(t, a, b))),
    fc.tuple(fraction, fc.string({ unit: 'binary', maxLength: 40 })).map(([f, s]): Mutation => (t) => t.slice(0, at(t, f)) + s + t.slice(at(t, f))),
    fc.tuple(fraction, fc.uint8Array({ maxLength: 64 })).map(([f, bytes]): Mutation => (t) => t.slice(0, at(t, f)) + Buffer.from(bytes).toString('latin1') + t.slice(at(t, f))),
    fc.tuple(fraction, fc.constantFrom('<', '>', '&', '"', '/', '\r', '\n', ' ', '0', '-', '&#0;', '&#xD800;', '<!DOCTYPE x>', ']]>', 'SEGMENT="1"'))
      .map(([f, s]): Mutation => (t) => t.slice(0, at(t, f)) + s + t.slice(at(t, f))),
    // A huge field: XML text past the field limit, or a flat record past 1,063 characters.
    fc.tuple(fraction, fc.integer({ min: 1_000, max: 70_000 })).map(([f, n]): Mutation => (t) => {
      const index = flat ? t.indexOf('\r\n', at(t, f)) : t.indexOf('</', at(t, f));
      return index === -1 ? t + 'x'.repeat(n) : t.slice(0, index) + 'x'.repeat(n) + t.slice(index);
    }),
    fc.tuple(fc.integer({ min: 1, max: 120 }), fraction).map(([depth, where]): Mutation => (t) => deepNesting(t, depth, where, flat)),
    // A field value replaced by something plausible but wrong.
    fc.tuple(fraction, fc.constantFrom('', '-1', '99999999', '20261340', 'ABC', '1.2.3', '0'.repeat(40), 'é'))
      .map(([f, value]): Mutation => (t) => t.replace(/>([^<>]{1,40})</g, (match, _v, offset: number) => (offset >= at(t, f) && offset < at(t, f) + 60 ? `>${value}<` : match))),
  );
}

function mutated(seed: string, flat: boolean): fc.Arbitrary<string> {
  return fc.array(mutations(flat), { minLength: 1, maxLength: 4 }).map((list) => list.reduce((text, mutate) => mutate(text), seed));
}

describe.each(Object.entries(READERS))('%s reader and mapping under fuzzing', (name, { read, seed }) => {
  const flat = name.startsWith('flat');

  it('maps the unmutated fixture', () => {
    expect(pipeline(read, seed)).toBe('mapped');
  });

  it(`never crashes or hangs on mutated IDocs (${RUNS} runs, seed ${SEED})`, () => {
    fc.assert(fc.property(mutated(seed, flat), (text) => check(read, text, flat)), { seed: SEED, numRuns: RUNS });
  });

  it(`never crashes or hangs on random text and bytes (${RUNS} runs, seed ${SEED})`, () => {
    const random = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 2_000 }),
      fc.uint8Array({ maxLength: 2_000 }).map((bytes) => Buffer.from(bytes).toString('utf8')),
      fc.array(fc.constantFrom('<', '>', '/', 'IDOC', 'EDI_DC40', 'E1EDL20', ' SEGMENT="1"', '=', '"', 'x', '\n', 'Envelope', 'Body', ':', '&amp;'), { maxLength: 300 }).map((parts) => parts.join('')),
    );
    fc.assert(fc.property(random, (text) => check(read, text, flat)), { seed: SEED, numRuns: RUNS });
  });
});
