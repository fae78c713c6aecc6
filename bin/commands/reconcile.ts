/**
 * `lading reconcile [--full]`: starts a reconciliation run on a running Lading (its OData action
 * POST /odata/v4/reconciliation/startRun) and follows its progress until it ends. It runs in Lading,
 * on the job queue, not in this process: the CLI needs no database or ledger identity, only the
 * URL (--url, default LADING_URL or http://localhost:4004) and an operator
 * (--user/--password or LADING_USER/LADING_PASSWORD, else LADING_TOKEN as a bearer token).
 *
 * Progress goes to stderr: a bar redrawn in place on a terminal, otherwise one line per 10%.
 * The summary goes to stdout (--json: the run as JSON). Exit 0 when the run finished (whatever it
 * found: discrepancies are for the OData service), 1 when it failed or Lading refused, 2 for wrong usage.
 */

export interface ReconcileCommandContext {
  values: Map<string, string[]>;
  full: boolean;
  json: boolean;
  usageError: (message: string) => Error;
  env?: Record<string, string | undefined>;
  /** Where progress goes; default process.stderr. */
  progress?: { isTTY?: boolean; write(text: string): unknown };
}

export interface RunView {
  ID: string;
  mode: string;
  status: 'queued' | 'running' | 'finished' | 'failed';
  done: number;
  total: number;
  eta?: string | null;
  matched: number;
  discrepancies: number;
  opened: number;
  repaired: number;
  resolved: number;
  message?: string | null;
}

const BAR_WIDTH = 30;

function percent(done: number, total: number): number {
  return total <= 0 ? 0 : Math.min(100, Math.floor((done / total) * 100));
}

function etaText(eta: string | null | undefined, now: number): string {
  if (!eta) return '';
  const seconds = Math.max(0, Math.round((Date.parse(eta) - now) / 1000));
  return ` ETA ${seconds >= 60 ? `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s` : `${seconds}s`}`;
}

/** The bar as redrawn on a terminal: `\r[#####.....]  50% 500/1000 ETA 12s`, erasing the rest of the line. */
export function progressBar(run: Pick<RunView, 'done' | 'total' | 'eta'>, now = Date.now()): string {
  const share = percent(run.done, run.total);
  const filled = Math.round((share / 100) * BAR_WIDTH);
  return `\r[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${String(share).padStart(3)}% ${run.done}/${run.total}${etaText(run.eta, now)}\u001b[K`;
}

/** Plain output: a line for each 10% step reached since `lastStep` (answers the lines and the new step). */
export function progressLines(run: Pick<RunView, 'done' | 'total' | 'eta'>, lastStep: number, now = Date.now()): { lines: string[]; step: number } {
  const step = Math.floor(percent(run.done, run.total) / 10);
  if (step <= lastStep) return { lines: [], step: lastStep };
  return { lines: [`${step * 10}% ${run.done}/${run.total}${etaText(run.eta, now)}\n`], step };
}

function authorization(context: ReconcileCommandContext): string | undefined {
  const env = context.env ?? process.env;
  const user = context.values.get('user')?.[0] ?? env.LADING_USER;
  if (user) return `Basic ${Buffer.from(`${user}:${context.values.get('password')?.[0] ?? env.LADING_PASSWORD ?? ''}`).toString('base64')}`;
  return env.LADING_TOKEN ? `Bearer ${env.LADING_TOKEN}` : undefined;
}

async function call<T>(base: string, path: string, init: RequestInit, auth: string | undefined): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`${base}/odata/v4/reconciliation/${path}`, {
      ...init, headers: { accept: 'application/json', 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}) },
    });
  } catch (error) {
    const cause = (error as Error & { cause?: Error }).cause?.message ?? (error as Error).message;
    throw new Error(`cannot reach Lading at ${base}: ${cause}`, { cause: error });
  }
  const body = (await response.json().catch(() => ({}))) as T & { error?: { message?: string } };
  if (!response.ok) throw new Error(`Lading at ${base} answered ${response.status}: ${body.error?.message ?? response.statusText}`);
  return body;
}

function summary(run: RunView): string {
  return run.message ?? `${run.mode}: ${run.done} shipments, ${run.matched} matched, ${run.discrepancies} discrepancies (${run.opened} new, ${run.repaired} repaired, ${run.resolved} resolved)`;
}

export async function reconcileCommand(words: string[], context: ReconcileCommandContext): Promise<RunView | undefined> {
  if (words.length > 0) throw context.usageError(`reconcile takes no arguments, got "${words.join(' ')}"`);
  const env = context.env ?? process.env;
  const base = (context.values.get('url')?.[0] ?? env.LADING_URL ?? 'http://localhost:4004').replace(/\/+$/, '');
  const intervalMs = Number(context.values.get('interval')?.[0] ?? 500);
  if (!Number.isFinite(intervalMs) || intervalMs < 50) throw context.usageError('--interval must be at least 50 (milliseconds)');
  const auth = authorization(context);
  const out = context.progress ?? process.stderr;
  const tty = out.isTTY === true;

  let run = await call<RunView>(base, 'startRun', { method: 'POST', body: JSON.stringify({ mode: context.full ? 'full' : 'incremental' }) }, auth);
  out.write(`reconciliation run ${run.ID} (${run.mode}) queued at ${base}\n`);
  let step = 0;
  while (run.status === 'queued' || run.status === 'running') {
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
    run = await call<RunView>(base, `ReconciliationRuns(${run.ID})`, { method: 'GET' }, auth);
    if (tty) out.write(progressBar(run));
    else {
      const next = progressLines(run, step);
      for (const line of next.lines) out.write(line);
      step = next.step;
    }
  }
  if (tty) out.write('\n');
  if (run.status === 'failed') {
    process.exitCode = 1;
    out.write(`lading: reconciliation run ${run.ID} failed: ${run.message ?? 'no reason given'}\n`);
  }
  if (context.json) return run;
  if (run.status === 'finished') console.log(summary(run));
  return undefined;
}
