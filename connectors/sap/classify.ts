import {
  SapCsrfTokenError,
  SapDestinationError,
  SapError,
  SapRequestRefusedError,
  SapUnavailableError,
  type SapErrorContext,
} from './errors';

/** What an HTTP client error (axios, under the SAP Cloud SDK) looks like, read without importing axios. */
interface HttpFailure {
  message: string;
  code?: string;
  response?: { status: number; headers?: Record<string, unknown>; data?: unknown };
}

/** Network-level codes: SAP was not reached or did not answer in time. */
const NOT_REACHED = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ECONNABORTED', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH',
  'EAI_AGAIN', 'ENOTFOUND', 'ERR_CANCELED', 'ERR_NETWORK', 'ERR_SOCKET_CONNECTION_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT',
]);

function isHttpFailure(value: unknown): value is HttpFailure {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as { isAxiosError?: unknown; response?: unknown; code?: unknown };
  return candidate.isAxiosError === true || (typeof candidate.code === 'string' && NOT_REACHED.has(candidate.code));
}

/** The SDK wraps some failures (destination look-up) in errors with a cause; the HTTP one is inside. */
function httpFailureIn(error: unknown): HttpFailure | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current !== undefined && current !== null; depth++) {
    if (isHttpFailure(current)) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function bodyText(data: unknown): string | undefined {
  if (data === undefined || data === null || data === '') return undefined;
  const text = typeof data === 'string' ? data : Buffer.isBuffer(data) ? data.toString('utf8') : JSON.stringify(data);
  return text.length > 2000 ? `${text.slice(0, 2000)}…` : text;
}

function headerValue(headers: Record<string, unknown> | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  const entry = Object.entries(headers).find(([key]) => key.toLowerCase() === name);
  return typeof entry?.[1] === 'string' ? entry[1] : undefined;
}

function isRetryableStatus(status: number): boolean {
  return status >= 500 || status === 408 || status === 429;
}

/** The SDK's messages are layered ("Failed to build headers." around the real reason): keep them all. */
function messageChain(error: unknown): string {
  const messages: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current !== undefined && current !== null; depth++) {
    const message = current instanceof Error ? current.message : String(current);
    if (message !== '' && !messages.some((seen) => seen.includes(message))) messages.push(message.replace(/\s+/g, ' ').trim());
    current = (current as { cause?: unknown }).cause;
  }
  return messages.join(' ← ');
}

/** Converts whatever the SAP Cloud SDK threw into one SapError. */
export function toSapError(error: unknown, context: SapErrorContext): SapError {
  if (error instanceof SapError) return error;
  const failure = httpFailureIn(error);
  const what = context.docnum === undefined ? context.operation : `${context.operation} of IDoc ${context.docnum}`;
  if (!failure) {
    return new SapDestinationError({ ...context, message: `${what} via destination "${context.destinationName}": ${messageChain(error)}`, cause: error });
  }
  const response = failure.response;
  if (!response) {
    const code = failure.code ?? 'ERR_NETWORK';
    const reason = code === 'ERR_CANCELED' ? 'no answer within the deadline (or cancelled)' : `not reached (${code})`;
    return new SapUnavailableError({ ...context, code, message: `${what}: SAP ${reason}`, cause: error });
  }
  const { status } = response;
  const properties = { ...context, status, sapResponse: bodyText(response.data), cause: error };
  if (isRetryableStatus(status)) return new SapUnavailableError({ ...properties, message: `${what}: SAP answered ${status}` });
  if (status === 403 && headerValue(response.headers, 'x-csrf-token')?.toLowerCase() === 'required') {
    return new SapCsrfTokenError({ ...properties, message: `${what}: SAP refused the CSRF token (403, x-csrf-token: Required)` });
  }
  if (status >= 300 && status < 400) {
    return new SapRequestRefusedError({ ...properties, message: `${what}: SAP redirected (${status}), usually to a logon page: check the destination's authentication` });
  }
  return new SapRequestRefusedError({ ...properties, message: `${what}: SAP refused the request (${status})` });
}
