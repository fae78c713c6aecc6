import cds from '@sap/cds';
import { PROJECT_ROOT, type HttpAnswer } from '../support/lading';

/** Lading in-process (cds.test), with its base URL for a CLI child process and a small HTTP client. */
export function startLadingWithUrl() {
  const test = cds.test(PROJECT_ROOT) as unknown as { url: string; axios: { request<T>(config: Record<string, unknown>): Promise<HttpAnswer<T>> } };
  const request = <T = unknown>(config: Record<string, unknown>): Promise<HttpAnswer<T>> => test.axios.request<T>({ validateStatus: () => true, ...config });
  return {
    get url(): string {
      return test.url;
    },
    request,
    as: (user: string) => ({ auth: { username: user, password: user } }),
    postIdoc: (body: string, user = 'erp') => request<{ idocs?: { id: string; docnum: string | null; status: string; outcome: string }[] }>({
      method: 'POST', url: '/idoc/xml', data: body, headers: { 'Content-Type': 'application/xml' },
      auth: { username: user, password: user }, transformRequest: [(payload: unknown) => payload],
    }),
  };
}

interface Sample {
  labels: Record<string, string>;
  value: number;
}

/** The samples of one metric in Prometheus text format (no escapes in Lading's label values). */
export function samples(text: string, name: string): Sample[] {
  const found: Sample[] = [];
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const labels: Record<string, string> = {};
    for (const pair of (match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)) labels[pair[1] as string] = pair[2] as string;
    found.push({ labels, value: Number(match[3]) });
  }
  return found;
}

/** Sum of the samples of `name` whose labels include `labels` (0 when none). */
export function metric(text: string, name: string, labels: Record<string, string> = {}): number {
  return samples(text, name)
    .filter((sample) => Object.entries(labels).every(([key, value]) => sample.labels[key] === value))
    .reduce((sum, sample) => sum + sample.value, 0);
}
