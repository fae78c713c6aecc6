import cds from '@sap/cds';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { contentHashOf, mapIdoc, readControlRecord, readIdocXml, sha256Hex } from '../../mappings';
import { acceptedKeyOf, storeAccepted } from '../../srv/idoc-inbound/store';
import { delvry, itemsFor, prng } from '../lib/idocs';

/**
 * Where the time of storing accepted IDocs goes, in-process (no HTTP): N realistic DELVRY07
 * IDocs parsed and mapped first, then stored by 32 concurrent callers through storeAccepted
 * (group commit), with the time per CQN statement kind. Not part of `npm run bench`.
 *   npx tsx bench/experiments/store-phases.ts [count]
 */
async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 2000);
  const dir = mkdtempSync(join(tmpdir(), 'lading-store-phases-'));
  cds.env.requires.db = { kind: 'sqlite', credentials: { url: join(dir, 'lading.sqlite') } } as never;
  await cds.connect.to('db');
  const model = await cds.load('*');
  await (cds as unknown as { deploy(model: unknown): { to(db: string): Promise<void> } }).deploy(model).to('db');
  cds.model = cds.compile.for.nodejs(model);
  const random = prng(42);
  const accepted = Array.from({ length: count }, (_, n) => {
    const [idoc] = readIdocXml(delvry(3_000_000 + n, itemsFor(random))).idocs;
    if (!idoc) throw new Error('no idoc');
    const control = readControlRecord(idoc.control);
    const payloadHash = sha256Hex(idoc.raw);
    const contentHash = contentHashOf(idoc.control, idoc.segments);
    const mapped = mapIdoc(control, idoc.segments, { payloadHash, receivedAt: new Date().toISOString() });
    return { control, payload: idoc.raw, payloadHash, contentHash, transport: 'xml' as const, acceptedKey: acceptedKeyOf(control, contentHash), mapped };
  });
  const spent = new Map<string, { ms: number; n: number }>();
  const db = cds.db as unknown as { run: (query: unknown, ...rest: unknown[]) => Promise<unknown> };
  const original = db.run.bind(db);
  db.run = async (query: unknown, ...rest: unknown[]) => {
    const kind = typeof query === 'string' ? query.slice(0, 12) : Object.keys(query as object)[0] + ' ' + JSON.stringify((query as Record<string, { into?: unknown; entity?: unknown; from?: unknown }>)[Object.keys(query as object)[0] as string]?.into ?? (query as Record<string, { from?: { ref?: unknown } }>)[Object.keys(query as object)[0] as string]?.from?.ref ?? '').slice(0, 40);
    const start = performance.now();
    try {
      return await original(query, ...rest);
    } finally {
      const entry = spent.get(kind) ?? { ms: 0, n: 0 };
      entry.ms += performance.now() - start;
      entry.n++;
      spent.set(kind, entry);
    }
  };
  const cpu = process.cpuUsage();
  const start = performance.now();
  let next = 0;
  await Promise.all(Array.from({ length: 32 }, async () => {
    while (next < accepted.length) await storeAccepted(accepted[next++] as never);
  }));
  const ms = performance.now() - start;
  const used = process.cpuUsage(cpu);
  console.log(JSON.stringify({ count, ms: Math.round(ms), perSecond: Math.round(count / (ms / 1000)), cpuMsPerIdoc: (used.user + used.system) / 1000 / count }));
  for (const [kind, entry] of [...spent].sort((a, b) => b[1].ms - a[1].ms)) console.log(kind.padEnd(60), entry.n, Math.round(entry.ms), 'ms');
  await (cds.db as unknown as { disconnect(): Promise<void> }).disconnect();
}

void main().catch((error: unknown) => { console.error(error); process.exit(1); });
