import { readFile } from 'node:fs/promises';
import { ladingApi, LadingApiError, odataString } from './lading-api';

/**
 * `lading idoc post <file>`: posts an IDoc file as SAP's port would (XML, SOAP envelope or flat
 * file, told apart by their first characters); `lading idoc status <docnum | id>`: the IDoc's
 * status and its history, as SAP's IDoc monitor shows it.
 */

export interface IdocCommandContext {
  values: ReadonlyMap<string, readonly string[]>;
  json: boolean;
  usageError(message: string): Error;
}

export type Transport = 'xml' | 'soap' | 'flat';

/** The transport of a document by its first characters: a flat file starts with its EDI_DC40 record. */
export function transportOf(document: string): Transport {
  const start = document.replace(/^\uFEFF/, '').trimStart();
  if (start.startsWith('EDI_DC40')) return 'flat';
  if (!start.startsWith('<')) return 'flat';
  return /<([A-Za-z][\w.-]*:)?Envelope[\s>]/.test(start.slice(0, 2000)) ? 'soap' : 'xml';
}

interface IdocResult {
  docnum: string | null;
  id: string;
  status: string;
  message: string;
  outcome: string;
}

const CONTENT_TYPES: Record<Transport, string> = { xml: 'application/xml', soap: 'text/xml', flat: 'text/plain' };

async function post(file: string, context: IdocCommandContext): Promise<{ file: string; transport: Transport; idocs: IdocResult[] }> {
  let document: string;
  try {
    document = await readFile(file, 'utf8');
  } catch (error) {
    throw new LadingApiError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const given = context.values.get('transport')?.[0];
  if (given !== undefined && !['xml', 'soap', 'flat'].includes(given)) throw context.usageError('--transport must be xml, soap or flat');
  const transport = (given as Transport | undefined) ?? transportOf(document);
  const api = ladingApi({ values: context.values, developmentUser: 'erp' });
  const answer = await api.request<{ idocs?: IdocResult[]; error?: { message: string; segment?: string; field?: string } }>(`/idoc/${transport}`, {
    method: 'POST', body: document, headers: { 'content-type': `${CONTENT_TYPES[transport]}; charset=utf-8`, accept: 'application/json' },
  });
  if (!answer.body?.idocs) {
    const error = answer.body?.error;
    const where = [error?.segment, error?.field].filter(Boolean).join('-');
    throw new LadingApiError(`Lading refused ${file} (${answer.status}): ${error?.message ?? 'no answer'}${where ? ` [${where}]` : ''}`, answer.status);
  }
  return { file, transport, idocs: answer.body.idocs };
}

interface StatusRecord {
  status: string;
  message: string | null;
  segment: string | null;
  field: string | null;
  createdAt: string;
}

interface IdocRow {
  ID: string;
  docnum: string | null;
  idocType: string | null;
  messageType: string | null;
  senderPartner: string | null;
  status: string;
  statusText: string | null;
  receivedAt: string;
  statusHistory: StatusRecord[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function status(key: string, context: IdocCommandContext): Promise<IdocRow[]> {
  const api = ladingApi({ values: context.values, developmentUser: 'operator' });
  const filter = UUID.test(key) ? `ID eq ${key}` : `docnum eq ${odataString(key.padStart(16, '0'))}`;
  const columns = 'ID,docnum,idocType,messageType,senderPartner,status,statusText,receivedAt';
  const answer = await api.request<{ value?: IdocRow[] }>(
    `/odata/v4/admin/InboundIdocs?$filter=${encodeURIComponent(filter)}&$select=${columns}&$expand=statusHistory($orderby=createdAt)&$orderby=receivedAt`);
  const rows = answer.body?.value ?? [];
  if (rows.length === 0) throw new LadingApiError(`no IDoc ${key} at ${api.base}`, 404);
  return rows;
}

function describePost(result: Awaited<ReturnType<typeof post>>): string {
  return result.idocs.map((idoc) => `${idoc.docnum ?? '(no DOCNUM)'}  ${idoc.status}  ${idoc.outcome.padEnd(9)} ${idoc.message}  [id ${idoc.id}]`).join('\n');
}

function describeStatus(rows: IdocRow[]): string {
  return rows.map((row) => [
    `IDoc ${row.docnum ?? '(no DOCNUM)'} ${row.idocType ?? ''}/${row.messageType ?? ''} from ${row.senderPartner ?? '?'}, received ${row.receivedAt}  [id ${row.ID}]`,
    `  status ${row.status}: ${row.statusText ?? ''}`,
    ...row.statusHistory.map((record) => `  ${record.createdAt}  ${record.status}  ${record.message ?? ''}${record.segment ? ` [${[record.segment, record.field].filter(Boolean).join('-')}]` : ''}`),
  ].join('\n')).join('\n\n');
}

/** Prints the outcome; exit code 1 when an IDoc was not accepted (rejected, conflict) or is in error (51). */
export async function idocCommand(words: readonly string[], context: IdocCommandContext): Promise<undefined> {
  const [command, target, ...extra] = words;
  if (!target || extra.length > 0) throw context.usageError(command === 'post' ? 'idoc post takes one file' : 'idoc status takes one DOCNUM or id');
  if (command === 'post') {
    const result = await post(target, context);
    console.log(context.json ? JSON.stringify(result) : describePost(result));
    if (result.idocs.some((idoc) => idoc.outcome === 'rejected' || idoc.outcome === 'conflict')) process.exitCode = 1;
    return undefined;
  }
  if (command === 'status') {
    const rows = await status(target, context);
    console.log(context.json ? JSON.stringify(rows) : describeStatus(rows));
    if (rows.some((row) => row.status === '51')) process.exitCode = 1;
    return undefined;
  }
  throw context.usageError(`unknown command "idoc ${command ?? ''}"`);
}
