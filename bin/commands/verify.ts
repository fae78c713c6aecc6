import { readFile, stat } from 'node:fs/promises';
import { connectLedger, ShipmentLedger, type FabricConfig } from '../../connectors/fabric';
import { payloadHashAlgorithm } from '../../srv/observability/payload-hash';
import type { EventProof, ProvenanceReport } from '../../srv/observability/provenance';
import { verifyDocument } from '../../srv/observability/provenance';
import { ladingApi, LadingApiError } from './lading-api';

/**
 * `lading verify <file | idoc-id>`: proves an IDoc unchanged against the ledger.
 *
 * - A file (IDoc XML, SOAP envelope or flat file, as sent to Lading) is checked against the
 *   ledger alone, as the identity given (FABRIC_* or --devnet): no Lading and no database needed,
 *   so anyone on the channel can check a document they hold.
 * - An IDoc id (Lading's InboundIdocs ID) asks a running Lading (--url, default LADING_URL or
 *   http://localhost:4004; --user/--password or LADING_USER/LADING_PASSWORD, or LADING_TOKEN as a
 *   bearer token; without any, npm start's development operator) to check the payload its database holds now.
 *
 * Exit 0 when every IDoc is unchanged; 1 when one changed, is not (completely) on the ledger, or
 * the check failed; 2 for wrong usage.
 */

export interface VerifyCommandContext {
  values: Map<string, string[]>;
  json: boolean;
  /** The ledger identity the CLI acts as (FABRIC_* or --devnet/--peer/--org). */
  identity: () => FabricConfig;
  usageError: (message: string) => Error;
  env?: Record<string, string | undefined>;
}

/** What the command prints: the report of the library, or the service's answer (block numbers as numbers). */
type Report = Omit<ProvenanceReport, 'events' | 'idocId' | 'storedPayloadHash'> & {
  idocId?: string | null;
  storedPayloadHash?: string | null;
  events: (Omit<EventProof, 'blockNumber'> & { blockNumber?: string | number | null })[];
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

async function verifyFile(path: string, context: VerifyCommandContext): Promise<Report[]> {
  const env = context.env ?? process.env;
  const document = await readFile(path, 'utf8');
  const connection = await connectLedger(context.identity());
  try {
    const senderTimeZone = context.values.get('time-zone')?.[0] ?? env.IDOC_SENDER_TIME_ZONE?.trim() ?? 'UTC';
    return await verifyDocument(document, new ShipmentLedger(connection), { senderTimeZone, algorithm: payloadHashAlgorithm(env) });
  } finally {
    connection.close();
  }
}

async function verifyStored(idocId: string, context: VerifyCommandContext): Promise<Report[]> {
  const api = ladingApi({ values: context.values, developmentUser: 'operator', ...(context.env ? { env: context.env as NodeJS.ProcessEnv } : {}) });
  const answer = await api.request<Report & { error?: { message?: string } }>(`/odata/v4/provenance/verifyIdoc(idocId=${idocId})`);
  if (answer.status >= 400) throw new LadingApiError(`Lading at ${api.base} answered ${answer.status}: ${answer.body?.error?.message ?? 'no answer'}`, answer.status);
  return [answer.body];
}

function describeEvent(event: Report['events'][number]): string {
  const where = event.transactionId ? `block ${event.blockNumber}, transaction ${event.transactionId}` : 'not on the ledger';
  const hash = { unchanged: 'hash equal', changed: `hash on the ledger ${event.ledgerPayloadHash}`, missing: '', 'other-source': `recorded from IDoc ${event.sourceDocnum}` }[event.verdict];
  return `  event ${event.eventId} ${event.eventTypeCode} of ${event.shipmentId}: ${event.verdict}, ${where}${hash ? `; ${hash}` : ''}`;
}

function describe(report: Report): string {
  const name = `IDoc ${report.docnum ?? '(no DOCNUM)'} (${report.idocType ?? 'unknown type'})${report.idocId ? `, Lading id ${report.idocId}` : ''}`;
  return [
    `${name}: ${report.verdict.toUpperCase()}`,
    `  payload ${report.algorithm} now: ${report.payloadHash}`,
    ...report.events.map(describeEvent),
    ...report.differences.map((difference) => `  difference: ${difference}`),
  ].join('\n');
}

export async function verifyCommand(args: readonly string[], context: VerifyCommandContext): Promise<undefined> {
  const [target, extra] = args;
  if (!target) throw context.usageError('verify needs an IDoc document file or a Lading IDoc id');
  if (extra !== undefined) throw context.usageError(`verify takes one IDoc, got also "${extra}"`);
  let reports: Report[];
  if (await isFile(target)) reports = await verifyFile(target, context);
  else if (UUID.test(target)) reports = await verifyStored(target, context);
  else throw context.usageError(`"${target}" is neither a file nor a Lading IDoc id (a UUID)`);
  console.log(context.json ? JSON.stringify(reports) : reports.map(describe).join('\n\n'));
  if (!reports.every((report) => report.verdict === 'unchanged')) process.exitCode = 1;
  return undefined;
}
