import type { IncomingMessage } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import { header } from './http-util';

/** Who may call the SAP endpoints: basic-auth users and, for OAuth set-ups, bearer tokens. */
export interface Credentials {
  users: ReadonlyMap<string, string>;
  bearerTokens: ReadonlySet<string>;
}

function same(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** The authenticated user's name, or undefined when the request has no valid credentials. */
export function authenticate(request: IncomingMessage, credentials: Credentials): string | undefined {
  const authorization = header(request, 'authorization') ?? '';
  const [scheme, value = ''] = authorization.split(/\s+/, 2);
  if (scheme?.toLowerCase() === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return undefined;
    // SAP user names are case-insensitive; passwords are not.
    const user = decoded.slice(0, colon).toUpperCase();
    const expected = [...credentials.users].find(([name]) => name.toUpperCase() === user)?.[1];
    return expected !== undefined && same(expected, decoded.slice(colon + 1)) ? user : undefined;
  }
  if (scheme?.toLowerCase() === 'bearer') {
    return [...credentials.bearerTokens].some((token) => same(token, value)) ? 'OAUTH_CLIENT' : undefined;
  }
  return undefined;
}
