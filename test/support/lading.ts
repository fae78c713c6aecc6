import cds from '@sap/cds';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IdocErrorBody } from '../../mappings';

export const PROJECT_ROOT = join(__dirname, '..', '..');

export const fixture = (name: string): string => readFileSync(join(__dirname, '..', 'fixtures', name), 'utf8');

export interface HttpAnswer<T = unknown> {
  status: number;
  headers: Record<string, unknown>;
  data: T;
}

type Axios = {
  request<T>(config: Record<string, unknown>): Promise<HttpAnswer<T>>;
};

/** Starts Lading in-process (cds.test, in-memory SQLite) and returns a small HTTP client. */
export function startLading() {
  const test = cds.test(PROJECT_ROOT) as unknown as { axios: Axios; url: string };
  const request = async <T = unknown>(config: Record<string, unknown>): Promise<HttpAnswer<T>> =>
    test.axios.request<T>({ validateStatus: () => true, ...config });
  return {
    request,
    /** Base URL of the running server, for clients other than the test's own (a CLI child). */
    url: (): string => test.url,
    postIdoc: <T = IdocAnswer>(body: string | Buffer, options: { user?: string; contentType?: string } = {}) =>
      request<T>({
        method: 'POST', url: '/idoc/xml', data: body,
        headers: { 'Content-Type': options.contentType ?? 'application/xml' },
        ...(options.user === '' ? {} : { auth: { username: options.user ?? 'erp', password: options.user ?? 'erp' } }),
        transformRequest: [(payload: unknown) => payload],
      }),
    odata: <T = { value: Record<string, unknown>[] }>(path: string, user = 'operator') =>
      request<T>({ method: 'GET', url: `/odata/v4/shipment/${path}`, auth: { username: user, password: user } }),
  };
}

export interface IdocResultBody {
  docnum: string | null;
  id: string;
  status: string;
  message: string;
  outcome: string;
  error?: ErrorBody;
}

export type ErrorBody = IdocErrorBody;

export interface IdocAnswer {
  idocs?: IdocResultBody[];
  error?: ErrorBody;
}
