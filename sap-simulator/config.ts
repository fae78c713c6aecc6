import type { SapSimulatorOptions } from './server';

/**
 * The CLI's configuration from the environment:
 *
 * | Variable       | Meaning                                               | Default         |
 * |----------------|-------------------------------------------------------|-----------------|
 * | SAPSIM_PORT    | TCP port (0 = any free one)                           | 4005            |
 * | SAPSIM_HOST    | Interface to listen on                                | 127.0.0.1       |
 * | SAPSIM_USERS   | Basic-auth users, `name:password,name:password`       | LADING:lading   |
 * | SAPSIM_CSRF    | `on` to require a CSRF token on IDoc POSTs            | off             |
 * | SAPSIM_CLIENTS | SAP clients, comma-separated; the first is default    | 100             |
 */
export class SimulatorConfigError extends Error {
  constructor(variable: string, problem: string) {
    super(`${variable}: ${problem}`);
    this.name = 'SimulatorConfigError';
  }
}

export function simulatorOptionsFromEnv(env: Readonly<Record<string, string | undefined>>): SapSimulatorOptions {
  const portText = env.SAPSIM_PORT ?? '4005';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) throw new SimulatorConfigError('SAPSIM_PORT', `"${portText}" is not a port number`);
  const users: Record<string, string> = {};
  for (const entry of (env.SAPSIM_USERS ?? 'LADING:lading').split(',')) {
    const colon = entry.indexOf(':');
    if (colon < 1) throw new SimulatorConfigError('SAPSIM_USERS', `"${entry}" is not name:password`);
    users[entry.slice(0, colon).trim()] = entry.slice(colon + 1);
  }
  const csrf = (env.SAPSIM_CSRF ?? 'off').toLowerCase();
  if (!['on', 'off', 'true', 'false'].includes(csrf)) throw new SimulatorConfigError('SAPSIM_CSRF', 'must be on or off');
  const clients = (env.SAPSIM_CLIENTS ?? '100').split(',').map((client) => client.trim());
  for (const client of clients) if (!/^\d{3}$/.test(client)) throw new SimulatorConfigError('SAPSIM_CLIENTS', `"${client}" is not a three-digit client`);
  return { port, host: env.SAPSIM_HOST ?? '127.0.0.1', users, csrf: csrf === 'on' || csrf === 'true', clients };
}
