/**
 * Every failure of a ledger call, classified once, by the type the Fabric Gateway client throws
 * (EndorseError, SubmitError, CommitStatusError, CommitError, GatewayError) and its gRPC or
 * validation code, into one LedgerError subclass per concept. Each says how to retry:
 *
 * - `same-transaction`: the outcome is unknown (the transaction may be on the ledger). Re-submit
 *   the same prepared bytes; the ledger's duplicate-transaction-id check makes that safe.
 * - `new-transaction`: nothing was committed and the cause is transient. Endorse again (a new
 *   transaction id); for queries and event streams, simply call again.
 * - `never`: repeating cannot help (contract rejected the input, request refused, tx invalid).
 */
import { status as GrpcStatus } from '@grpc/grpc-js';
import {
  CommitError,
  CommitStatusError,
  EndorseError,
  GatewayError,
  StatusCode,
} from '@hyperledger/fabric-gateway';
import { chaincodeFailureOf, type ContractRejectionReason } from './chaincode-failure';

export type RetryAdvice = 'same-transaction' | 'new-transaction' | 'never';

/** The step of the transaction flow that failed. */
export type LedgerOperation = 'evaluate' | 'endorse' | 'submit' | 'commit-status' | 'commit' | 'events' | 'decode';

/** Lading's ids, known by the caller, that an error should carry. */
export interface LedgerErrorContext {
  transactionId?: string;
  shipmentIds?: readonly string[];
  eventIds?: readonly string[];
  /** Used when the error type alone does not tell (a plain GatewayError is evaluate or events). */
  operation?: LedgerOperation;
}

export interface LedgerErrorProperties extends LedgerErrorContext {
  message: string;
  operation: LedgerOperation;
  /** gRPC status code, when the failure was a gRPC call. */
  grpcCode?: number;
  /** Fabric TxValidationCode, when the transaction was committed as invalid. */
  validationCode?: number;
  /** Per-peer messages the gateway attached (`mspId@address: message`). */
  details?: readonly string[];
  cause: unknown;
}

/** Base of every connector failure. */
export abstract class LedgerError extends Error {
  abstract readonly retry: RetryAdvice;
  readonly operation: LedgerOperation;
  readonly transactionId?: string;
  readonly shipmentIds: readonly string[];
  readonly eventIds: readonly string[];
  readonly grpcCode?: number;
  readonly validationCode?: number;
  readonly details: readonly string[];

  constructor(properties: Readonly<LedgerErrorProperties>) {
    super(properties.message, { cause: properties.cause });
    this.name = new.target.name;
    this.operation = properties.operation;
    this.transactionId = properties.transactionId;
    this.shipmentIds = properties.shipmentIds ?? [];
    this.eventIds = properties.eventIds ?? [];
    this.grpcCode = properties.grpcCode;
    this.validationCode = properties.validationCode;
    this.details = properties.details ?? [];
  }
}

/** Submitted, but whether it committed is unknown (submit or commit-status timeout, connection lost). */
export class LedgerOutcomeUnknownError extends LedgerError {
  readonly retry = 'same-transaction';
}

/** The gateway or the endorsing peers could not be reached or did not answer in time. */
export class LedgerUnavailableError extends LedgerError {
  readonly retry = 'new-transaction';
}

/**
 * Endorsed, ordered, but invalidated at commit for a transient reason: MVCC_READ_CONFLICT or
 * PHANTOM_READ_CONFLICT (another transaction changed what this one read) or
 * ENDORSEMENT_POLICY_FAILURE (endorsing peers were out of step). A new endorsement can succeed.
 */
export class CommitConflictError extends LedgerError {
  readonly retry = 'new-transaction';
}

/** The chaincode refused the call (status 500): invalid input, access denied, conflict, not found. */
export class ContractRejectedError extends LedgerError {
  readonly retry = 'never';
  readonly reason: ContractRejectionReason;
  /** The chaincode's own message. */
  readonly chaincodeMessage: string;

  constructor(properties: Readonly<LedgerErrorProperties & { reason: ContractRejectionReason; chaincodeMessage: string }>) {
    super(properties);
    this.reason = properties.reason;
    this.chaincodeMessage = properties.chaincodeMessage;
  }
}

/** Committed as invalid for a reason a retry cannot fix (bad signature, bad rwset, duplicate tx id...). */
export class TransactionInvalidError extends LedgerError {
  readonly retry = 'never';
}

/** The gateway refused the request itself (bad argument, permission, missing channel or chaincode). */
export class GatewayRequestError extends LedgerError {
  readonly retry = 'never';
}

/** The chaincode answered, but not with what this connector expects (version mismatch). */
export class LedgerResponseError extends LedgerError {
  readonly retry = 'never';
}

/** Anything else: a bug or an unforeseen failure; not retried automatically. */
export class UnexpectedLedgerError extends LedgerError {
  readonly retry = 'never';
}

const VALIDATION_NAMES = new Map<number, string>(Object.entries(StatusCode).map(([name, code]) => [code, name]));

/** Commit-time validation codes after which a fresh endorsement can succeed. */
const TRANSIENT_VALIDATION_CODES: ReadonlySet<number> = new Set([
  StatusCode.MVCC_READ_CONFLICT,
  StatusCode.PHANTOM_READ_CONFLICT,
  StatusCode.ENDORSEMENT_POLICY_FAILURE,
]);

/** gRPC codes meaning "not reached / no answer in time / overloaded": worth another attempt. */
const TRANSIENT_GRPC_CODES: ReadonlySet<number> = new Set([
  GrpcStatus.UNAVAILABLE,
  GrpcStatus.DEADLINE_EXCEEDED,
  GrpcStatus.RESOURCE_EXHAUSTED,
  GrpcStatus.CANCELLED,
]);

/** gRPC codes by which the gateway refuses a request as such; the request would be refused again. */
const REFUSAL_GRPC_CODES: ReadonlySet<number> = new Set([
  GrpcStatus.INVALID_ARGUMENT,
  GrpcStatus.FAILED_PRECONDITION,
  GrpcStatus.PERMISSION_DENIED,
  GrpcStatus.UNAUTHENTICATED,
  GrpcStatus.NOT_FOUND,
  GrpcStatus.UNIMPLEMENTED,
]);

/** Converts any failure of a ledger call into its LedgerError; a LedgerError passes through unchanged. */
export function toLedgerError(err: unknown, context: LedgerErrorContext = {}): LedgerError {
  if (err instanceof LedgerError) return err;
  if (err instanceof CommitError) return fromCommitError(err, context);
  if (err instanceof EndorseError) return fromProposalError(err, 'endorse', { ...context, transactionId: err.transactionId });
  if (err instanceof CommitStatusError) return fromAfterSubmitError(err, 'commit-status', { ...context, transactionId: err.transactionId });
  if (isSubmitError(err)) return fromAfterSubmitError(err, 'submit', { ...context, transactionId: err.transactionId });
  if (err instanceof GatewayError) return fromProposalError(err, context.operation ?? 'evaluate', context);
  return new UnexpectedLedgerError({
    ...context,
    operation: context.operation ?? 'decode',
    message: err instanceof Error ? err.message : String(err),
    cause: err,
  });
}

/** The commit status of a transaction as a LedgerError, for callers that read statuses themselves. */
export function commitFailure(
  validationCode: number,
  context: LedgerErrorContext & { transactionId: string },
  cause?: unknown,
): LedgerError {
  const name = VALIDATION_NAMES.get(validationCode) ?? `code ${validationCode}`;
  const properties: LedgerErrorProperties = {
    ...context,
    operation: 'commit',
    validationCode,
    message: `Transaction ${context.transactionId} was committed as invalid: ${name}`,
    cause,
  };
  return TRANSIENT_VALIDATION_CODES.has(validationCode)
    ? new CommitConflictError(properties)
    : new TransactionInvalidError(properties);
}

function fromCommitError(err: CommitError, context: LedgerErrorContext): LedgerError {
  return commitFailure(err.code, { ...context, transactionId: err.transactionId }, err);
}

/** Evaluate and endorse: nothing was submitted yet, so a transient failure means "try a new transaction". */
function fromProposalError(err: GatewayError, operation: LedgerOperation, context: LedgerErrorContext): LedgerError {
  const properties = grpcProperties(err, operation, context);
  const chaincode = chaincodeFailureOf(err);
  if (chaincode !== undefined) {
    return new ContractRejectedError({
      ...properties,
      message: `Chaincode rejected ${operation}: ${chaincode.message}`,
      reason: chaincode.reason,
      chaincodeMessage: chaincode.message,
    });
  }
  // ABORTED without a chaincode failure: endorsements disagreed or a peer gave up; a fresh try can pass.
  if (TRANSIENT_GRPC_CODES.has(err.code) || err.code === GrpcStatus.ABORTED) return new LedgerUnavailableError(properties);
  return new GatewayRequestError(properties);
}

/**
 * Submit and commit status: the transaction may have reached ordering, so unless the gateway
 * refused the request as such, the outcome is unknown and only the same transaction may be retried.
 */
function fromAfterSubmitError(err: GatewayError, operation: LedgerOperation, context: LedgerErrorContext): LedgerError {
  const properties = grpcProperties(err, operation, context);
  if (REFUSAL_GRPC_CODES.has(err.code)) return new GatewayRequestError(properties);
  return new LedgerOutcomeUnknownError(properties);
}

function grpcProperties(err: GatewayError, operation: LedgerOperation, context: LedgerErrorContext): LedgerErrorProperties {
  const details = err.details.map((detail) => `${detail.mspId}@${detail.address}: ${detail.message}`);
  const codeName = GrpcStatus[err.code] ?? String(err.code);
  return {
    ...context,
    operation,
    grpcCode: err.code,
    details,
    message: `${operation} failed (${codeName}): ${err.message}${details.length > 0 ? ` [${details.join('; ')}]` : ''}`,
    cause: err,
  };
}

/**
 * True when a submission failed because the ledger already has this transaction id, i.e. an
 * earlier submission of the same bytes got through: a CommitError DUPLICATE_TXID, or a Submit
 * refused with ALREADY_EXISTS by a gateway that checks ids before ordering.
 */
export function isDuplicateSubmission(err: unknown): boolean {
  if (err instanceof CommitError) return err.code === StatusCode.DUPLICATE_TXID;
  return isSubmitError(err) && err.code === GrpcStatus.ALREADY_EXISTS;
}

/**
 * The client exports SubmitError as a type only, so `instanceof` is not available; its `name` is
 * the tag the client sets on purpose for each of its error classes.
 */
function isSubmitError(err: unknown): err is GatewayError & { transactionId: string } {
  return err instanceof GatewayError && err.name === 'SubmitError' && 'transactionId' in err;
}
