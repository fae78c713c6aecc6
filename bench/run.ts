import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Benchmark, BenchContext } from './lib/context';
import { PROJECT_ROOT } from './lib/idocs';
import { run as parseMap } from './parse-map';
import { run as ingestHttp } from './ingest-http';
import { run as devnetChaincode } from './devnet-chaincode';
import { run as endToEnd } from './end-to-end';
import { run as listenerSap } from './listener-sap';
import { run as reconcile } from './reconcile';
import { finish, gitCommit, machine, table, type BenchResult } from './lib/result';

/**
 * `npm run bench [-- --quick] [--only parse-map,ingest-http,...] [--profile]`: runs the benchmarks in
 * order, writes bench/results/latest.json and prints a table.
 */

const MODULES: Record<string, Benchmark> = {
  'parse-map': parseMap,
  'ingest-http': ingestHttp,
  'devnet-chaincode': devnetChaincode,
  'end-to-end': endToEnd,
  'listener-sap': listenerSap,
  reconcile,
};

function selected(argv: readonly string[]): string[] {
  const at = argv.indexOf('--only');
  if (at < 0) return Object.keys(MODULES);
  const names = (argv[at + 1] ?? '').split(',').filter((name) => name !== '');
  for (const name of names) if (!(name in MODULES)) throw new Error(`unknown benchmark ${name} (known: ${Object.keys(MODULES).join(', ')})`);
  return names;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const resultsDir = join(PROJECT_ROOT, 'bench', 'results');
  mkdirSync(resultsDir, { recursive: true });
  const context: BenchContext = {
    quick: argv.includes('--quick'),
    profile: argv.includes('--profile'),
    resultsDir,
    log: (message) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`),
  };
  const stamp = { machine: machine(), commit: gitCommit(PROJECT_ROOT), date: new Date().toISOString() };
  const results: BenchResult[] = [];
  const failures: string[] = [];
  for (const name of selected(argv)) {
    const started = Date.now();
    context.log(`${name} …`);
    try {
      const benchmark = MODULES[name] as Benchmark;
      for (const measurement of await benchmark(context)) results.push(finish(measurement, stamp));
      context.log(`${name} done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    } catch (error) {
      failures.push(name);
      context.log(`${name} FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
    writeFileSync(join(resultsDir, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
  }
  process.stdout.write(`${table(results)}\n\n${stamp.machine.cpus} × ${stamp.machine.model}, ${stamp.machine.node}, commit ${stamp.commit.slice(0, 10)}${context.quick ? ', --quick' : ''}\n\n`);
  if (failures.length > 0) {
    process.stdout.write(`failed: ${failures.join(', ')}\n`);
    process.exitCode = 1;
  }
}

main().then(
  () => process.exit(),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
