import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { header } from './http-util';

/**
 * CSRF protection the way SAP's ICF does it for OData writes: a GET or HEAD with
 * `x-csrf-token: fetch` returns a token bound to a session cookie; a modifying request must send
 * both back, or it gets 403 with `x-csrf-token: Required`.
 */
export class CsrfSessions {
  private readonly tokens = new Map<string, { token: string; user: string }>();

  constructor(readonly cookieName: string) {}

  /** Token and Set-Cookie for a fetch request; the session is reused when the caller sends its cookie. */
  issue(request: IncomingMessage, user: string): { token: string; setCookie?: string } {
    const session = this.sessionOf(request);
    const existing = session === undefined ? undefined : this.tokens.get(session);
    if (session !== undefined && existing?.user === user) return { token: existing.token };
    const id = randomBytes(16).toString('hex');
    const token = randomBytes(18).toString('base64');
    this.tokens.set(id, { token, user });
    return { token, setCookie: `${this.cookieName}=${id}; path=/; HttpOnly` };
  }

  isValid(request: IncomingMessage, user: string): boolean {
    const sent = header(request, 'x-csrf-token');
    const session = this.sessionOf(request);
    if (sent === undefined || session === undefined) return false;
    const known = this.tokens.get(session);
    return known !== undefined && known.user === user && known.token === sent;
  }

  clear(): void {
    this.tokens.clear();
  }

  private sessionOf(request: IncomingMessage): string | undefined {
    const cookies = header(request, 'cookie') ?? '';
    for (const part of cookies.split(';')) {
      const [name, ...value] = part.trim().split('=');
      if (name === this.cookieName) return value.join('=');
    }
    return undefined;
  }
}

export function wantsCsrfToken(request: IncomingMessage): boolean {
  return (header(request, 'x-csrf-token') ?? '').toLowerCase() === 'fetch';
}
