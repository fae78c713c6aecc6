/**
 * The running Lading a command talks to: --url (or LADING_URL, default http://localhost:4004) and
 * credentials from --user/--password, LADING_USER/LADING_PASSWORD or LADING_TOKEN (a bearer token,
 * as xsuaa issues). Without any, the development user of the command's role is used (erp for
 * posting, operator otherwise: the password is the name), which is what `npm start` knows.
 */

export interface ApiOptions {
  values: ReadonlyMap<string, readonly string[]>;
  env?: NodeJS.ProcessEnv;
  /** Development user for the command's role, used when no credentials are given. */
  developmentUser: string;
}

export class LadingApiError extends Error {
  constructor(message: string, readonly status?: number) {
    super(message);
    this.name = 'LadingApiError';
  }
}

export interface LadingApi {
  base: string;
  request<T>(path: string, init?: RequestInit): Promise<{ status: number; body: T }>;
}

function authorization(options: ApiOptions): string {
  const env = options.env ?? process.env;
  const user = options.values.get('user')?.[0] ?? env.LADING_USER;
  if (user) return `Basic ${Buffer.from(`${user}:${options.values.get('password')?.[0] ?? env.LADING_PASSWORD ?? ''}`).toString('base64')}`;
  if (env.LADING_TOKEN) return `Bearer ${env.LADING_TOKEN}`;
  return `Basic ${Buffer.from(`${options.developmentUser}:${options.developmentUser}`).toString('base64')}`;
}

/** Error text of a CAP / Lading answer: OData's error.message, or the IDoc route's error. */
function messageOf(body: unknown, fallback: string): string {
  const error = (body as { error?: { message?: string } } | undefined)?.error;
  return error?.message ?? fallback;
}

export function ladingApi(options: ApiOptions): LadingApi {
  const env = options.env ?? process.env;
  const base = (options.values.get('url')?.[0] ?? env.LADING_URL ?? 'http://localhost:4004').replace(/\/+$/, '');
  const auth = authorization(options);
  return {
    base,
    async request<T>(path: string, init: RequestInit = {}): Promise<{ status: number; body: T }> {
      let response: Response;
      try {
        response = await fetch(`${base}${path}`, { ...init, headers: { accept: 'application/json', authorization: auth, ...(init.headers ?? {}) } });
      } catch (error) {
        const cause = (error as Error & { cause?: Error }).cause?.message ?? (error as Error).message;
        throw new LadingApiError(`cannot reach Lading at ${base}: ${cause} (is it running? npm start)`);
      }
      const text = await response.text();
      let body: unknown;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        body = text;
      }
      if (response.status === 401 || response.status === 403) {
        throw new LadingApiError(`Lading at ${base} answered ${response.status}: ${response.status === 401 ? 'credentials refused' : 'this user lacks the role'} (--user/--password or LADING_USER/LADING_PASSWORD)`, response.status);
      }
      if (response.status >= 500) throw new LadingApiError(`Lading at ${base} answered ${response.status}: ${messageOf(body, response.statusText)}`, response.status);
      return { status: response.status, body: body as T };
    },
  };
}

/** OData string literal: quotes doubled. */
export function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
