// Preload for a Lading child: times every better-sqlite3 statement by its SQL text and writes the
// 25 costliest (total ms, count, ms each) to bench/results/sql-time-<pid>.txt every 5 s. It found the
// events table scans of the status refresh (bench/README, "End to end (session 4)"). Use:
//   BENCH_LADING_ENV='{"NODE_OPTIONS":"--require ./bench/lib/sql-time-preload.cjs"}' \
//   BENCH_E2E_SETUPS=sqlite BENCH_E2E_SECONDS=20 npx tsx bench/run.ts --quick --only end-to-end
// or for every process of a benchmark (the reconcile bench's steps, devnet, its chaincode):
//   NODE_OPTIONS="--require $PWD/bench/lib/sql-time-preload.cjs" BENCH_RECONCILE_SIZES=1000000 npx tsx bench/run.ts --only reconcile
const { writeFileSync, mkdirSync } = require('node:fs');
const { join } = require('node:path');
const Database = require(require.resolve('better-sqlite3', { paths: [process.cwd()] }));

const totals = new Map();
const prepare = Database.prototype.prepare;
Database.prototype.prepare = function timedPrepare(sql) {
  const statement = prepare.call(this, sql);
  const key = sql.replace(/\s+/g, ' ').slice(0, 300);
  for (const method of ['all', 'run', 'get', 'iterate']) {
    const original = statement[method];
    if (typeof original !== 'function') continue;
    statement[method] = function timed(...args) {
      const started = process.hrtime.bigint();
      try {
        return original.apply(this, args);
      } finally {
        const total = totals.get(key) ?? { count: 0, ms: 0 };
        total.count += 1;
        total.ms += Number(process.hrtime.bigint() - started) / 1e6;
        totals.set(key, total);
      }
    };
  }
  return statement;
};

// Next to this file, whatever the process's working directory (devnet's chaincode runs in chaincode/).
const dir = join(__dirname, '..', 'results');
function write() {
  const top = [...totals].sort((a, b) => b[1].ms - a[1].ms).slice(0, 25)
    .map(([sql, { count, ms }]) => `${ms.toFixed(0)} ms  ${count}×  ${(ms / count).toFixed(3)} ms each  ${sql}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `sql-time-${process.pid}.txt`), `${top.join('\n')}\n`);
}
setInterval(write, 5_000).unref();
// A short-lived child (the reconcile bench's steps) ends before the first interval.
process.on('exit', write);
