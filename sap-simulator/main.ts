/**
 * CLI: `npx tsx sap-simulator/main.ts` starts the simulator and prints one line with its address.
 * Configuration: see config.ts (SAPSIM_PORT, default 4005).
 */
import { SimulatorConfigError, simulatorOptionsFromEnv } from './config';
import { startSapSimulator } from './server';

async function main(): Promise<void> {
  const options = simulatorOptionsFromEnv(process.env);
  const simulator = await startSapSimulator(options);
  process.stdout.write(`SAP simulator on ${simulator.url} (clients ${(options.clients ?? []).join(',')}, CSRF ${options.csrf ? 'on' : 'off'}, admin ${simulator.url}/admin/stats)\n`);
  const stop = (): void => {
    void simulator.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof SimulatorConfigError ? error.message : String(error)}\n`);
  process.exit(1);
});
