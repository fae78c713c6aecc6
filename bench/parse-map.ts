import { XMLParser } from 'fast-xml-parser';
import { contentHashOf, mapIdoc, readControlRecord, readIdocXml, sha256Hex } from '../mappings';
import { corpus } from './lib/idocs';
import type { Measurement } from './lib/result';
import { median, throughputFor } from './lib/timing';
import type { BenchContext } from './lib/context';

/**
 * 1. parse+map on one core: Lading's inbound CPU work per IDoc — read the XML (readIdocXml),
 * hash the payload and the content (sha256Hex, contentHashOf), read the control record and map
 * (readControlRecord, mapIdoc), exactly as srv/idoc-inbound/ingest.ts does — against
 * fast-xml-parser 5 `new XMLParser().parse()` (default options) of the same documents.
 */

const RECEIVED_AT = '2026-11-25T10:00:00.000Z';

function ladingParseMap(document: string): number {
  let events = 0;
  for (const idoc of readIdocXml(document).idocs) {
    const payloadHash = sha256Hex(idoc.raw);
    contentHashOf(idoc.control, idoc.segments);
    const control = readControlRecord(idoc.control);
    events += mapIdoc(control, idoc.segments, { payloadHash, receivedAt: RECEIVED_AT }).events.length;
  }
  return events;
}

/** Microseconds per IDoc spent in each stage of ladingParseMap, over `passes` passes of the corpus. */
function stages(documents: readonly string[], passes: number): Record<string, number> {
  const spent = { readIdocXml: 0, sha256Hex: 0, contentHashOf: 0, readControlRecord: 0, mapIdoc: 0 };
  let idocs = 0;
  for (let pass = 0; pass < passes; pass++) {
    for (const document of documents) {
      let t = performance.now();
      const packet = readIdocXml(document);
      spent.readIdocXml += performance.now() - t;
      for (const idoc of packet.idocs) {
        t = performance.now();
        const payloadHash = sha256Hex(idoc.raw);
        spent.sha256Hex += performance.now() - t;
        t = performance.now();
        contentHashOf(idoc.control, idoc.segments);
        spent.contentHashOf += performance.now() - t;
        t = performance.now();
        const control = readControlRecord(idoc.control);
        spent.readControlRecord += performance.now() - t;
        t = performance.now();
        mapIdoc(control, idoc.segments, { payloadHash, receivedAt: RECEIVED_AT });
        spent.mapIdoc += performance.now() - t;
        idocs++;
      }
    }
  }
  return Object.fromEntries(Object.entries(spent).map(([name, ms]) => [name, Math.round((ms * 1000) / idocs)]));
}

function cycle(documents: readonly string[], each: (document: string) => unknown): () => void {
  let next = 0;
  return () => {
    each(documents[next] as string);
    next = next + 1 === documents.length ? 0 : next + 1;
  };
}

export async function run(context: BenchContext): Promise<Measurement[]> {
  const { documents, bytes, segments } = corpus(context.quick ? 300 : 1000);
  const meanBytes = bytes / documents.length;
  const parser = new XMLParser();
  for (const document of documents) {
    if (ladingParseMap(document) === 0) throw new Error('a benchmark IDoc mapped to no events');
  }
  const subjects = {
    lading: cycle(documents, ladingParseMap),
    readerOnly: cycle(documents, (document) => readIdocXml(document)),
    fxp: cycle(documents, (document) => parser.parse(document)),
  };
  // Warm-up: let the JIT settle on every subject before anything is counted.
  for (const work of Object.values(subjects)) throughputFor(work, context.quick ? 300 : 1000);

  const rounds = context.quick ? 3 : 7;
  const roundMs = context.quick ? 700 : 3000;
  const rates: Record<keyof typeof subjects, number[]> = { lading: [], readerOnly: [], fxp: [] };
  for (let round = 0; round < rounds; round++) {
    // Alternate the order so drift (thermal, GC, neighbours) hurts both sides alike.
    const order = round % 2 === 0 ? (['lading', 'fxp', 'readerOnly'] as const) : (['fxp', 'lading', 'readerOnly'] as const);
    for (const name of order) rates[name].push(throughputFor(subjects[name], roundMs, 16).perSecond);
  }
  const perStage = stages(documents, context.quick ? 1 : 3);
  context.log(`µs per IDoc by stage: ${JSON.stringify(perStage)}`);
  const lading = median(rates.lading);
  const fxp = median(rates.fxp);
  const reader = median(rates.readerOnly);
  const notes = `${documents.length} DELVRY07 IDocs, mean ${(meanBytes / 1024).toFixed(1)} KiB and ${(segments / documents.length).toFixed(0)} segments; `
    + `median of ${rounds} rounds of ${roundMs} ms; readIdocXml alone ${reader.toFixed(0)} IDocs/s (${((reader * meanBytes) / 1e6).toFixed(1)} MB/s); µs per IDoc by stage ${JSON.stringify(perStage)}`;
  const baselineName = 'fast-xml-parser 5 XMLParser().parse, default options';
  return [
    {
      name: 'parse+map IDocs/s (1 core)', value: lading, unit: 'IDocs/s',
      baseline: { name: baselineName, value: fxp, unit: 'IDocs/s' }, target: { ratio: 3 }, notes,
    },
    {
      name: 'parse+map MB/s (1 core)', value: (lading * meanBytes) / 1e6, unit: 'MB/s',
      baseline: { name: baselineName, value: (fxp * meanBytes) / 1e6, unit: 'MB/s' }, target: { ratio: 3 }, notes,
    },
  ];
}
