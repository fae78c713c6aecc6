import { Agent, request } from 'node:http';
import { elapsedMs, nowNs, percentile, sleep } from './timing';

/**
 * A closed-loop HTTP load generator: `concurrency` clients, each posting its next body as soon as
 * the previous answer is in, over keep-alive connections (one socket per client).
 */

export interface LoadOptions {
  /** One URL, or several that request n is posted to in turn (n mod count: round robin). */
  url: string | readonly string[];
  concurrency: number;
  /** Stop issuing requests after this long (ms)... */
  durationMs?: number;
  /** ...or after this many requests, whichever comes first. */
  maxRequests?: number;
  /** Open-loop pacing: request n is not sent before n / ratePerSecond seconds (default: as fast as answered). */
  ratePerSecond?: number;
  /** Body of request number `n` (from 0). */
  body(n: number): string;
  headers?: Record<string, string>;
  /** Whether an answer counts as success (default: status 200). */
  accept?(status: number, body: string): boolean;
  /** Called with the request number and the moment its answer arrived (ms since start). */
  onAnswer?(n: number, atMs: number): void;
}

export interface LoadResult {
  ok: number;
  failed: number;
  ms: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  firstFailure?: string;
}

interface Answer {
  status: number;
  body: string;
}

function post(agent: Agent, url: URL, body: string, headers: Record<string, string>): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: 'POST', agent,
      headers: { 'content-type': 'application/xml', 'content-length': String(Buffer.byteLength(body)), ...headers },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const urls = (typeof options.url === 'string' ? [options.url] : options.url).map((url) => new URL(url));
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });
  const accept = options.accept ?? ((status: number) => status === 200);
  const latencies: number[] = [];
  let issued = 0;
  let ok = 0;
  let failed = 0;
  let firstFailure: string | undefined;
  const start = nowNs();
  const more = (): boolean => (options.maxRequests === undefined || issued < options.maxRequests)
    && (options.durationMs === undefined || elapsedMs(start) < options.durationMs);

  const client = async (): Promise<void> => {
    while (more()) {
      const n = issued++;
      if (options.ratePerSecond !== undefined) {
        const wait = (n * 1000) / options.ratePerSecond - elapsedMs(start);
        if (wait > 0) await sleep(wait);
        // A paced request whose turn falls after the end is not sent: the phase keeps its length.
        if (options.durationMs !== undefined && elapsedMs(start) >= options.durationMs) break;
      }
      const body = options.body(n);
      const sent = nowNs();
      try {
        const answer = await post(agent, urls[n % urls.length] as URL, body, options.headers ?? {});
        latencies.push(elapsedMs(sent));
        if (accept(answer.status, answer.body)) {
          ok++;
          options.onAnswer?.(n, elapsedMs(start));
        } else {
          failed++;
          firstFailure ??= `${answer.status} ${answer.body.slice(0, 300)}`;
        }
      } catch (error) {
        failed++;
        firstFailure ??= error instanceof Error ? error.message : String(error);
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, client));
  const ms = elapsedMs(start);
  agent.destroy();
  return {
    ok, failed, ms, perSecond: (ok * 1000) / ms,
    p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99),
    ...(firstFailure === undefined ? {} : { firstFailure }),
  };
}
