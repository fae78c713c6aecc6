import { patched } from './intl-cache-patch';
import { run } from '../parse-map';

/**
 * `npx tsx bench/experiments/intl-cache.ts [--quick]`: benchmark 1 (parse+map) with
 * Intl.DateTimeFormat cached per zone — the fix proposed in bench/README.md, measured.
 */
async function main(): Promise<void> {
  if (!patched) throw new Error('Intl.DateTimeFormat was not patched');
  const quick = process.argv.includes('--quick');
  const results = await run({ quick, profile: false, resultsDir: '', log: (message) => process.stderr.write(`${message}\n`) });
  for (const result of results) {
    process.stdout.write(`${result.name}: ${result.value.toFixed(1)} ${result.unit}, baseline ${result.baseline.value.toFixed(1)} ${result.baseline.unit}, ratio ${(result.value / result.baseline.value).toFixed(2)}×\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
