import { readFile } from 'node:fs/promises';
import { connectLedger, devnetConfig, LedgerError, loadFabricConfig, ShipmentLedger, type FabricConfig } from '../connectors/fabric';
import { idocCommand } from './commands/idoc';
import { reconcileCommand } from './commands/reconcile';
import { redriveCommand } from './commands/redrive';
import { verifyCommand } from './commands/verify';

/**
 * Lading's command line for what parties do by hand. Exit codes scripts can trust: 0 done,
 * 1 refused or failed (one line on stderr naming the cause), 2 wrong usage.
 */

/** Help per command: `lading <command> --help` prints its own; `lading --help` prints them all. */
const HELP: Record<string, string> = {
  idoc: `  idoc post <file> [--transport xml|soap|flat]
               Post an IDoc file to a running Lading as SAP's port would (XML, SOAP envelope or flat file,
               recognised by its first characters). One line per IDoc: DOCNUM, status, outcome, message.
               Exit 1 when an IDoc was rejected or conflicts with one received before.
  idoc status <docnum | id>
               An IDoc's status and its status history, as SAP's IDoc monitor (WE02) shows it.
               Exit 1 when it is in error (51).
               Both: --url <base> (default LADING_URL or http://localhost:4004); --user/--password or
               LADING_USER/LADING_PASSWORD or LADING_TOKEN; without any, npm start's development user
               (erp to post, operator to read).
`,
  redrive: `  redrive <dead-letter-id> | --all
               Put what the pipeline gave up on back on its queue, after the cause is fixed (operator role;
               same --url and credentials as idoc). Exit 1 when one could not be re-driven.
`,
  pod: `  pod sign     Sign and record a proof of delivery as the consignee
               --shipment <sender/delivery> --received-at <ISO time> --item <POSNR=qty[:unit]>... [--remarks <text>]
  pod verify   Check a recorded proof of delivery against the signer's certificate on the ledger
               --event <eventId>
`,
  verify: `  verify <file | idoc-id>
               Prove an IDoc unchanged against the ledger: which block and transaction hold each of its
               events, and whether the payload still hashes to what the ledger keeps.
               <file> (IDoc XML, SOAP or flat file) is checked against the ledger alone, as the identity below
               [--time-zone <SAP zone>, default IDOC_SENDER_TIME_ZONE or UTC];
               <idoc-id> asks a running Lading about the payload its database holds now
               [--url <base>, default LADING_URL or http://localhost:4004; --user/--password or LADING_USER/
               LADING_PASSWORD (operator role), or LADING_TOKEN]. Exit 1 unless every IDoc is unchanged.
`,
  reconcile: `  reconcile [--full]
               Start a reconciliation run (ERP and Lading against the ledger; default incremental: only what
               changed since the last run) on a running Lading and follow its progress; discrepancies are
               served at /odata/v4/reconciliation. Same --url/--user/--password/LADING_TOKEN as verify
               (operator role); [--interval <ms> between progress polls, default 500]. Progress on stderr:
               a bar on a terminal, else a line per 10%. Exit 1 when the run failed or Lading refused.
`,
};

const IDENTITY = `
Identity (the organisation that acts):
  FABRIC_PEER_ENDPOINT, FABRIC_MSP_ID, FABRIC_CERT_PATH, FABRIC_KEY_PATH (see connectors/fabric/README.md)
  or --devnet <dir> --peer <host:port> --org <MSPID> to act as a devnet organisation
  (npm start's devnet: --devnet .devnet --peer 127.0.0.1:7051 --org ConsigneeMSP)

Options: --json  print the result as JSON;  --help  this text`;

const USAGE = `Usage: lading <command> [options]

Commands:
${Object.values(HELP).join('')}${IDENTITY}`;

class UsageError extends Error {}

interface Options {
  values: Map<string, string[]>;
  flags: Set<string>;
}

function parse(args: string[]): { words: string[]; options: Options } {
  const words: string[] = [];
  const values = new Map<string, string[]>();
  const flags = new Set<string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (!arg.startsWith('--')) {
      words.push(arg);
      continue;
    }
    const name = arg.slice(2);
    if (name === 'json' || name === 'help' || name === 'full' || name === 'all') {
      flags.add(name);
      continue;
    }
    const value = args[++i];
    if (value === undefined) throw new UsageError(`--${name} needs a value`);
    values.set(name, [...(values.get(name) ?? []), value]);
  }
  return { words, options: { values, flags } };
}

function one(options: Options, name: string): string {
  const value = options.values.get(name)?.[0];
  if (value === undefined) throw new UsageError(`--${name} is required`);
  return value;
}

function identity(options: Options): FabricConfig {
  const dir = options.values.get('devnet')?.[0];
  if (dir) return devnetConfig(options.values.get('peer')?.[0] ?? '127.0.0.1:7051', dir, options.values.get('org')?.[0] ?? 'ConsigneeMSP');
  return loadFabricConfig();
}

function items(options: Options): { itemNumber: string; quantity: number; unit: string }[] {
  const specs = options.values.get('item') ?? [];
  if (specs.length === 0) throw new UsageError('--item is required (e.g. --item 000010=10:PC)');
  return specs.map((spec) => {
    const match = /^(\d{1,6})=(\d+(?:\.\d+)?)(?::([A-Z0-9]{1,3}))?$/i.exec(spec);
    if (!match) throw new UsageError(`--item "${spec}" must look like 000010=10 or 000010=10:PC`);
    return { itemNumber: (match[1] as string).padStart(6, '0'), quantity: Number(match[2]), unit: (match[3] ?? 'PC').toUpperCase() };
  });
}

async function run(args: string[]): Promise<unknown> {
  const { words, options } = parse(args);
  const [group, command] = words;
  if (options.flags.has('help') || !group) {
    console.log(group && HELP[group] ? `Usage: lading ${HELP[group].trimStart()}` : USAGE);
    return undefined;
  }
  if (group === 'idoc') {
    return idocCommand(words.slice(1), { values: options.values, json: options.flags.has('json'), usageError: (message) => new UsageError(message) });
  }
  if (group === 'redrive') {
    return redriveCommand(words.slice(1), { values: options.values, all: options.flags.has('all'), json: options.flags.has('json'), usageError: (message) => new UsageError(message) });
  }
  if (group === 'verify') {
    return verifyCommand(words.slice(1), { values: options.values, json: options.flags.has('json'), identity: () => identity(options), usageError: (message) => new UsageError(message) });
  }
  if (group === 'reconcile') {
    return reconcileCommand(words.slice(1), { values: options.values, full: options.flags.has('full'), json: options.flags.has('json'), usageError: (message) => new UsageError(message) });
  }
  if (group !== 'pod' || (command !== 'sign' && command !== 'verify')) throw new UsageError(`unknown command "${words.join(' ')}"`);
  const config = identity(options);
  const connection = await connectLedger(config);
  try {
    const ledger = new ShipmentLedger(connection);
    if (command === 'verify') return await ledger.verifyProofOfDelivery(one(options, 'event'));
    const shipmentId = one(options, 'shipment');
    if (!shipmentId.includes('/')) throw new UsageError('--shipment must be <sender partner>/<delivery number>');
    const receivedAt = new Date(one(options, 'received-at'));
    if (Number.isNaN(receivedAt.getTime())) throw new UsageError('--received-at must be an ISO date and time');
    const remarks = options.values.get('remarks')?.[0];
    const receipt = await ledger.signProofOfDelivery({
      shipmentId, deliveryNumber: shipmentId.slice(shipmentId.indexOf('/') + 1), receivedAt: receivedAt.toISOString(), items: items(options),
      ...(remarks ? { remarks } : {}),
    }, { privateKeyPem: await readFile(config.keyPath, 'utf8') });
    return { ...receipt, blockNumber: Number(receipt.blockNumber), signedBy: config.mspId };
  } finally {
    connection.close();
  }
}

run(process.argv.slice(2)).then((result) => {
  if (result === undefined) return;
  const json = process.argv.includes('--json');
  console.log(json ? JSON.stringify(result) : Object.entries(result as Record<string, unknown>).map(([key, value]) => `${key}: ${typeof value === 'object' ? JSON.stringify(value) : String(value)}`).join('\n'));
  if ((result as { valid?: boolean }).valid === false) process.exitCode = 1;
}, (error: unknown) => {
  if (error instanceof UsageError) {
    console.error(`lading: ${error.message}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  const cause = error instanceof LedgerError ? `${error.name}: ${error.message}` : (error as Error).message;
  console.error(`lading: ${cause.split('\n')[0]}`);
  process.exitCode = 1;
});
