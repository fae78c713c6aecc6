/**
 * Command line: `tsx devnet/main.ts` starts a devnet configured by DEVNET_* variables and prints
 * one line with its address; `tsx devnet/main.ts verify [--dir D]` checks a ledger directory
 * (exit 0 when sound, 1 naming the first bad block).
 */
import { resolveConfig, ConfigError, optionsFromEnv } from './config';
import { runDevnet } from './network';
import { verifyLedger } from './verify';

async function verifyCommand(args: string[]): Promise<number> {
  const dirFlag = args.indexOf('--dir');
  const dir = dirFlag >= 0 ? args[dirFlag + 1] : (optionsFromEnv().dir ?? '.devnet');
  if (!dir) throw new ConfigError('--dir needs a directory');
  const result = await verifyLedger(dir);
  if (result.ok) {
    process.stdout.write(`ok: ${result.height} blocks, hash chain and data hashes intact${result.stateChecked ? ', world state matches a replay' : ''}\n`);
    return 0;
  }
  process.stdout.write(`FAILED${result.badBlock !== undefined ? ` at block ${result.badBlock}` : ''}: ${result.problem ?? 'unknown problem'}\n`);
  return 1;
}

/** Multi-peer: `, peers ShipperMSP@127.0.0.1:7051 CarrierMSP@127.0.0.1:7052, policy AND(...)`. */
function peerList(peers: ReadonlyArray<{ mspId: string; address: string }>, policy: string | undefined): string {
  if (peers.length === 0) return '';
  return `, peers ${peers.map((p) => `${p.mspId}@${p.address}`).join(' ')}${policy ? `, policy ${policy}` : ''}`;
}

async function startCommand(): Promise<void> {
  const config = resolveConfig({});
  const devnet = await runDevnet(config);
  process.stdout.write(
    `devnet listening on ${devnet.address} (channel ${devnet.channel}, chaincode ${devnet.chaincode}, admin ${devnet.adminUrl ?? 'off'}, dir ${devnet.dir}${peerList(devnet.peers, config.endorsementPolicySource)})\n`,
  );
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    config.log(`${signal}: stopping`);
    devnet.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        config.log(`stop failed: ${String(err)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

async function main(args: string[]): Promise<void> {
  const [command = 'start', ...rest] = args;
  if (command === 'verify') {
    process.exitCode = await verifyCommand(rest);
  } else if (command === 'start') {
    await startCommand();
  } else {
    throw new ConfigError(`unknown command '${command}' (use: start | verify [--dir D])`);
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`devnet: ${err instanceof ConfigError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
