// Preloaded into a child process under test (NODE_OPTIONS=--require, since Node 20 refuses
// --cpu-prof there): profiles the main thread with the in-process inspector and writes
// <BENCH_CPU_PROFILE_DIR>/<pid>.cpuprofile when the process exits.
'use strict';
const { isMainThread } = require('node:worker_threads');
const dir = process.env.BENCH_CPU_PROFILE_DIR;
if (isMainThread && dir) {
  const { Session } = require('node:inspector');
  const { mkdirSync, writeFileSync } = require('node:fs');
  const { join } = require('node:path');
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 1000 });
  session.post('Profiler.start');
  process.on('exit', () => {
    session.post('Profiler.stop', (error, result) => {
      if (error || !result) return;
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}
