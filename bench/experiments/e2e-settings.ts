import { spawnSync } from 'node:child_process';
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../lib/idocs';
import type { BenchResult } from '../lib/result';

/**
 * Settings of the pipeline measured end to end (bench/README.md, "Settings measured"):
 * `npx tsx bench/experiments/e2e-settings.ts [rounds] [seconds] [setup]` runs
 * `bench/run.ts --quick --only end-to-end` on one set-up (default pg1) with `seconds`-long load
 * phases once per setting and round — rounds interleaved, so a busy spell of the shared machine
 * hits every setting alike — and appends each run's figures to bench/results/e2e-settings.jsonl.
 * The settings tried are below; BENCH_E2E_SETTINGS (a JSON array of them) replaces the list.
 */

const DEFAULT_SETTINGS: Record<string, string>[] = [
  {},
  { LEDGER_PARTITIONS: '2' },
  { LEDGER_PARTITIONS: '16' },
  { LEDGER_CONFIRM_CONCURRENCY: '1' },
  { LEDGER_CONFIRM_CONCURRENCY: '16' },
  { LADING_DB_POOL_MAX: '4' },
  { LADING_DB_POOL_MAX: '20' },
];
/** BENCH_E2E_SETTINGS='[{}, {"LEDGER_PARTITIONS":"2"}]' measures those instead (e.g. a pair, for more rounds). */
const SETTINGS = process.env.BENCH_E2E_SETTINGS ? (JSON.parse(process.env.BENCH_E2E_SETTINGS) as Record<string, string>[]) : DEFAULT_SETTINGS;

const rounds = Number(process.argv[2] ?? 2);
const seconds = process.argv[3] ?? '15';
const setup = process.argv[4] ?? 'pg1';
const out = join(PROJECT_ROOT, 'bench', 'results', 'e2e-settings.jsonl');
const label = (settings: Record<string, string>): string => Object.entries(settings).map(([name, value]) => `${name}=${value}`).join(' ') || 'defaults';

for (let round = 1; round <= rounds; round++) {
  for (const settings of SETTINGS) {
    const started = Date.now();
    const run = spawnSync(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'bench', 'run.ts'), '--quick', '--only', 'end-to-end'], {
      cwd: PROJECT_ROOT, encoding: 'utf8',
      env: { ...process.env, BENCH_E2E_SETUPS: setup, BENCH_E2E_SECONDS: seconds, BENCH_LADING_ENV: JSON.stringify(settings) },
    });
    const results = run.status === 0 ? (JSON.parse(readFileSync(join(PROJECT_ROOT, 'bench', 'results', 'latest.json'), 'utf8')) as BenchResult[]) : [];
    const value = (part: string): number | undefined => results.find((result) => result.name.endsWith(part))?.value;
    const ratio = results.find((result) => result.name.endsWith('events/s committed (full load)'))?.ratio;
    const row = {
      round, started: new Date(started).toISOString(), setup, seconds: Number(seconds), settings: label(settings), ok: run.status === 0, loadAverage: readFileSync('/proc/loadavg', 'utf8').split(' ')[0],
      fullEventsPerSecond: value('events/s committed (full load)'), ratioToBullmq: ratio,
      fullP99Ms: value('accept→53 p99 (full load)'), halfP50Ms: value('accept→53 p50 (half load)'), halfP99Ms: value('accept→53 p99 (half load)'),
      seconds_taken: Math.round((Date.now() - started) / 1000),
    };
    appendFileSync(out, `${JSON.stringify(row)}\n`);
    process.stdout.write(`${JSON.stringify(row)}\n`);
    if (run.status !== 0) process.stdout.write(`${run.stdout.slice(-1500)}\n${run.stderr.slice(-1500)}\n`);
  }
}
