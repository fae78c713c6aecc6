import { ladingApi, LadingApiError } from './lading-api';

/**
 * `lading redrive <dead-letter-id> | --all`: puts what the pipeline gave up on back on its queue,
 * after the cause was fixed, through AdminService's redrive action (operator role).
 */

export interface RedriveCommandContext {
  values: ReadonlyMap<string, readonly string[]>;
  all: boolean;
  json: boolean;
  usageError(message: string): Error;
}

interface DeadLetter {
  ID: string;
  queue: string;
  jobId: string;
  reason: string;
  redrivenAt: string | null;
}

export async function redriveCommand(words: readonly string[], context: RedriveCommandContext): Promise<undefined> {
  if (context.all === (words.length > 0) || words.length > 1) throw context.usageError('redrive takes one dead-letter id, or --all');
  const api = ladingApi({ values: context.values, developmentUser: 'operator' });
  let ids: string[];
  if (context.all) {
    const open = await api.request<{ value?: DeadLetter[] }>(`/odata/v4/admin/DeadLetters?$filter=${encodeURIComponent('redrivenAt eq null')}&$select=ID&$orderby=createdAt`);
    ids = (open.body?.value ?? []).map((letter) => letter.ID);
  } else {
    ids = [words[0] as string];
  }
  const redriven: DeadLetter[] = [];
  const failed: string[] = [];
  for (const id of ids) {
    const answer = await api.request<DeadLetter & { error?: { message?: string } }>(`/odata/v4/admin/DeadLetters(${id})/AdminService.redrive`, {
      method: 'POST', body: '{}', headers: { 'content-type': 'application/json' },
    });
    if (answer.status === 200) redriven.push(answer.body);
    else failed.push(`${id}: ${answer.status} ${answer.body?.error?.message ?? ''}`.trim());
  }
  if (context.json) console.log(JSON.stringify({ redriven, failed }));
  else {
    console.log(ids.length === 0 ? 'no open dead letters' : `${redriven.length} of ${ids.length} dead letter(s) re-driven`);
    for (const letter of redriven) console.log(`  ${letter.ID}  ${letter.queue}  ${letter.jobId}`);
    for (const failure of failed) console.log(`  not re-driven: ${failure}`);
  }
  if (!context.all && failed.length > 0) throw new LadingApiError(failed[0] as string);
  if (failed.length > 0) process.exitCode = 1;
  return undefined;
}
