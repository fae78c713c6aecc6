/**
 * The contract's refusals, one class per reason. fabric-contract-api sends only `error.message`
 * to the peer, so each message leads with words a client can classify on ("invalid",
 * "access denied", "conflict", "not found") and names the ids involved.
 */

/** The input breaks the contract's rules (missing field, wrong code, bad JSON). */
export class InvalidInputError extends Error {
  override readonly name = 'InvalidInputError';
}

/** The calling organisation may not do this. */
export class AccessDeniedError extends Error {
  override readonly name = 'AccessDeniedError';
  constructor(detail: string) {
    super(`access denied: ${detail}`);
  }
}

/** The ledger already holds something else under this id. */
export class ConflictError extends Error {
  override readonly name = 'ConflictError';
  constructor(detail: string) {
    super(`conflict: ${detail}`);
  }
}

/** Nothing on the ledger under this id. */
export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
  constructor(what: string, id: string) {
    super(`${what} ${id} not found`);
  }
}
