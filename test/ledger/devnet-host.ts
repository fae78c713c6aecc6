/**
 * Runs one devnet in its own Node process for the ledger tests (started by support.ts through
 * tsx). A separate process makes a devnet restart a real restart (nothing survives in memory),
 * keeps the server off the test's event loop, so deadlines and delays behave as over a network,
 * and lets each test file own a network on free ports.
 *
 * argv[2]: JSON options for startDevnet. Prints one line `DEVNET_READY <json>` when serving;
 * stops cleanly on SIGTERM or when its parent closes stdin.
 */
import { startDevnet } from '../../devnet/index';
import { READY_PREFIX, type DevnetHostInfo } from './devnet-handshake';

async function main(): Promise<void> {
  const options = JSON.parse(process.argv[2] ?? '{}') as Parameters<typeof startDevnet>[0];
  const devnet = await startDevnet({ port: 0, adminPort: 0, ...options });
  const info: DevnetHostInfo = { port: devnet.port, address: devnet.address, adminUrl: devnet.adminUrl, dir: devnet.dir };
  process.stdout.write(`${READY_PREFIX}${JSON.stringify(info)}\n`);

  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    devnet.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`devnet stop failed: ${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  // If the test process dies, its end of our stdin closes: do not outlive it.
  process.stdin.on('end', stop);
  process.stdin.resume();
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`devnet failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
