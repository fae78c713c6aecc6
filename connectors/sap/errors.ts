/**
 * Every failure of a call to SAP, classified once into one SapError subclass per concept, each
 * saying whether to try again:
 *
 * - `yes`: SAP was not reached, did not answer in time, or answered 5xx / 408 / 429, or refused a
 *   stale CSRF token. The IDoc may or may not have arrived; resending it is safe because it
 *   carries the same deterministic DOCNUM.
 * - `never`: SAP refused the request as such (400, 401, 403, 404, 413, ...), redirected it
 *   (usually to a logon page), the destination is misconfigured, or the answer makes no sense.
 *   Repeating cannot help; SAP's answer is kept in `sapResponse` for the operator.
 */
export type SapRetryAdvice = 'yes' | 'never';

export type SapOperation = 'send-idoc' | 'read-deliveries';

/** Lading's ids, known by the caller, that an error should carry. */
export interface SapErrorContext {
  operation: SapOperation;
  destinationName: string;
  /** DOCNUM of the IDoc being sent. */
  docnum?: string;
}

export interface SapErrorProperties extends SapErrorContext {
  message: string;
  /** HTTP status SAP answered, when it answered. */
  status?: number;
  /** SAP's answer body (HTML page or OData error), shortened to 2000 characters. */
  sapResponse?: string;
  /** Network error code (ECONNREFUSED, ERR_CANCELED, ...), when SAP was not reached. */
  code?: string;
  cause: unknown;
}

export abstract class SapError extends Error {
  abstract readonly retry: SapRetryAdvice;
  readonly operation: SapOperation;
  readonly destinationName: string;
  readonly docnum?: string;
  readonly status?: number;
  readonly sapResponse?: string;
  readonly code?: string;

  constructor(properties: Readonly<SapErrorProperties>) {
    super(properties.message, { cause: properties.cause });
    this.name = new.target.name;
    this.operation = properties.operation;
    this.destinationName = properties.destinationName;
    this.docnum = properties.docnum;
    this.status = properties.status;
    this.sapResponse = properties.sapResponse;
    this.code = properties.code;
  }
}

/** Not reached, no answer in time, or a 5xx / 408 / 429 answer. */
export class SapUnavailableError extends SapError {
  readonly retry = 'yes';
}

/** 403 with `x-csrf-token: Required`: the token was missing or stale; a new attempt fetches a new one. */
export class SapCsrfTokenError extends SapError {
  readonly retry = 'yes';
}

/** SAP refused the request itself: bad credentials (401), no authorisation (403), bad IDoc (400), ... */
export class SapRequestRefusedError extends SapError {
  readonly retry = 'never';
}

/** The destination cannot be found or used (name, URL, authentication type). */
export class SapDestinationError extends SapError {
  readonly retry = 'never';
}

/** SAP answered, but not with what the connector expects (e.g. not OData JSON). */
export class SapResponseError extends SapError {
  readonly retry = 'never';
}
