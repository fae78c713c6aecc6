import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Realistic DELVRY07/DESADV IDocs for the benchmarks, built from the 3-item fixture
 * (test/fixtures/delvry, identical to /work/shared/idocs) by varying the number of items
 * (E1EDL24 + E1EDL19 each), the delivery number and the DOCNUM.
 */

export const PROJECT_ROOT = join(__dirname, '..', '..');
const TEMPLATE_PATH = join(PROJECT_ROOT, 'test', 'fixtures', 'delvry', 'delvry07-desadv-3-items.xml');
const TEMPLATE_DELIVERY = '0080004242';
const TEMPLATE_DOCNUM = '0000000001004242';

/** Segments outside the items: EDI_DC40, E1EDL20/22/21/18, 3 × E1ADRM1, 2 × E1EDT13, E1EDL37/39. */
export const FIXED_SEGMENTS = 12;
export const SEGMENTS_PER_ITEM = 2;

interface Template {
  head: string;
  tail: string;
}

let template: Template | undefined;

function loadTemplate(): Template {
  if (template) return template;
  const xml = readFileSync(TEMPLATE_PATH, 'utf8');
  const first = xml.indexOf('<E1EDL24');
  const end = xml.indexOf('</E1EDL20>');
  if (first < 0 || end < 0) throw new Error(`${TEMPLATE_PATH} no longer has E1EDL24 items inside E1EDL20`);
  const lineStart = xml.lastIndexOf('\n', first) + 1;
  template = { head: xml.slice(0, lineStart), tail: `  ${xml.slice(end)}` };
  return template;
}

function item(index: number, deliverySuffix: string): string {
  const posnr = String((index + 1) * 10).padStart(6, '0');
  const quantity = (10 + (index % 50)).toFixed(3);
  const net = (index * 12.5).toFixed(3);
  const gross = (index * 13).toFixed(3);
  return `      <E1EDL24 SEGMENT="1"><POSNR>${posnr}</POSNR><MATNR>${String(100000 + index).padStart(17, '0')}</MATNR><MATWA>MAT${index}</MATWA>`
    + `<ARKTX>Pump housing cast iron ${index}</ARKTX><WERKS>1010</WERKS><LGORT>0001</LGORT><CHARG>B${index % 10}2026</CHARG>`
    + `<LFIMG>${quantity}</LFIMG><VRKME>PC</VRKME><NTGEW>${net}</NTGEW><BRGEW>${gross}</BRGEW><GEWEI>KGM</GEWEI>`
    + `<VGBEL>000450${deliverySuffix}</VGBEL><VGPOS>${posnr}</VGPOS><HERKL>${index % 3 === 0 ? 'CN' : 'DE'}</HERKL><STAWN>84137030</STAWN>\n`
    + `        <E1EDL19 SEGMENT="1"><QUALF>QUA</QUALF></E1EDL19></E1EDL24>\n`;
}

/** The DOCNUM of the benchmark IDoc with this serial number (16 digits, so ranges compare as strings). */
export function docnumOf(serial: number): string {
  return `0000009${String(serial % 1e9).padStart(9, '0')}`;
}

/** One DELVRY07 document with `items` items, delivery number and DOCNUM derived from `serial`. */
export function delvry(serial: number, items: number): string {
  const { head, tail } = loadTemplate();
  const delivery = `008${String(serial % 1e7).padStart(7, '0')}`;
  const docnum = docnumOf(serial);
  const parts: string[] = [head];
  for (let i = 0; i < items; i++) parts.push(item(i, delivery.slice(-4)));
  parts.push(tail);
  return parts.join('').replaceAll(TEMPLATE_DELIVERY, delivery).replaceAll(TEMPLATE_DOCNUM, docnum);
}

/** A small deterministic PRNG (mulberry32), so every run benchmarks the same corpus. */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Item count for a document of 20–200 segments, skewed towards small ones so the corpus averages
 * about 9 KB per IDoc (most deliveries have a handful of items, a few have ninety).
 */
export function itemsFor(random: () => number): number {
  const minItems = Math.ceil((20 - FIXED_SEGMENTS) / SEGMENTS_PER_ITEM);
  const maxItems = Math.floor((200 - FIXED_SEGMENTS) / SEGMENTS_PER_ITEM);
  return minItems + Math.floor(random() ** 6 * (maxItems - minItems + 1));
}

export interface Corpus {
  documents: string[];
  bytes: number;
  segments: number;
}

/** `count` documents with serial numbers from `firstSerial`, item counts from `seed`. */
export function corpus(count: number, firstSerial = 1, seed = 42): Corpus {
  const random = prng(seed);
  const documents: string[] = [];
  let bytes = 0;
  let segments = 0;
  for (let i = 0; i < count; i++) {
    const items = itemsFor(random);
    const document = delvry(firstSerial + i, items);
    documents.push(document);
    bytes += Buffer.byteLength(document);
    segments += FIXED_SEGMENTS + SEGMENTS_PER_ITEM * items;
  }
  return { documents, bytes, segments };
}
