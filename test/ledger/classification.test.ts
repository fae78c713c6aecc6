/**
 * toLedgerError as a table: the client's own error classes in, retry advice out. The devnet
 * suites (faults, record, private-data) show the same classification on errors a gateway really
 * raised; this table also covers codes devnet cannot be made to produce (phantom reads,
 * endorsement policy failures, refusals at submit).
 */
import { Metadata, status as Grpc, type ServiceError } from '@grpc/grpc-js';
import { CommitError, CommitStatusError, EndorseError, GatewayError, StatusCode, type ErrorDetail } from '@hyperledger/fabric-gateway';
// The client exports SubmitError as a type only; the class is needed here to build one.
import { SubmitError } from '@hyperledger/fabric-gateway/dist/submiterror';
import {
  CommitConflictError,
  ContractRejectedError,
  GatewayRequestError,
  LedgerOutcomeUnknownError,
  LedgerUnavailableError,
  TransactionInvalidError,
  UnexpectedLedgerError,
  toLedgerError,
  type LedgerError,
} from '../../connectors/fabric';

const TX = 'a'.repeat(64);

function grpcCause(code: number, message: string): ServiceError {
  return Object.assign(new Error(message), { code, details: message, metadata: new Metadata() });
}

function detail(message: string): ErrorDetail {
  return { address: 'peer0.shipper:7051', mspId: 'ShipperMSP', message };
}

function endorse(code: number, details: ErrorDetail[] = [], message = 'failed to endorse transaction, see attached details for more info'): EndorseError {
  return new EndorseError({ code, details, cause: grpcCause(code, message), transactionId: TX, message });
}

function evaluate(code: number, message: string, details: ErrorDetail[] = []): GatewayError {
  return new GatewayError({ code, details, cause: grpcCause(code, message), message });
}

function submit(code: number): SubmitError {
  return new SubmitError({ code, details: [], cause: grpcCause(code, 'submit'), transactionId: TX, message: 'submit' });
}

function commitStatus(code: number): CommitStatusError {
  return new CommitStatusError({ code, details: [], cause: grpcCause(code, 'status'), transactionId: TX, message: 'status' });
}

function commit(code: (typeof StatusCode)[keyof typeof StatusCode]): CommitError {
  return new CommitError({ code, transactionId: TX, message: `commit ${code}` });
}

type Row = [string, () => unknown, abstract new (...args: never[]) => LedgerError, LedgerError['retry'], LedgerError['operation']];

const ROWS: Row[] = [
  ['endorse: peer unreachable', () => endorse(Grpc.UNAVAILABLE), LedgerUnavailableError, 'new-transaction', 'endorse'],
  ['endorse: deadline exceeded', () => endorse(Grpc.DEADLINE_EXCEEDED), LedgerUnavailableError, 'new-transaction', 'endorse'],
  ['endorse: aborted, no chaincode error', () => endorse(Grpc.ABORTED, [detail('error in simulation: timeout')]), LedgerUnavailableError, 'new-transaction', 'endorse'],
  ['endorse: chaincode refused', () => endorse(Grpc.ABORTED, [detail('chaincode response 500, conflict: event E1 differs')]), ContractRejectedError, 'never', 'endorse'],
  ['endorse: request refused', () => endorse(Grpc.FAILED_PRECONDITION), GatewayRequestError, 'never', 'endorse'],
  ['evaluate: chaincode refused, message only', () => evaluate(Grpc.UNKNOWN, 'evaluate call to endorser returned error: chaincode response 500, shipment S/1 not found'), ContractRejectedError, 'never', 'evaluate'],
  ['evaluate: unavailable', () => evaluate(Grpc.UNAVAILABLE, 'No connection established'), LedgerUnavailableError, 'new-transaction', 'evaluate'],
  ['evaluate: unknown without chaincode error', () => evaluate(Grpc.UNKNOWN, 'boom'), GatewayRequestError, 'never', 'evaluate'],
  ['submit: unavailable after sending', () => submit(Grpc.UNAVAILABLE), LedgerOutcomeUnknownError, 'same-transaction', 'submit'],
  ['submit: deadline exceeded', () => submit(Grpc.DEADLINE_EXCEEDED), LedgerOutcomeUnknownError, 'same-transaction', 'submit'],
  ['submit: malformed request', () => submit(Grpc.INVALID_ARGUMENT), GatewayRequestError, 'never', 'submit'],
  ['commit status: deadline exceeded', () => commitStatus(Grpc.DEADLINE_EXCEEDED), LedgerOutcomeUnknownError, 'same-transaction', 'commit-status'],
  ['commit status: permission denied', () => commitStatus(Grpc.PERMISSION_DENIED), GatewayRequestError, 'never', 'commit-status'],
  ['commit: MVCC read conflict', () => commit(StatusCode.MVCC_READ_CONFLICT), CommitConflictError, 'new-transaction', 'commit'],
  ['commit: phantom read conflict', () => commit(StatusCode.PHANTOM_READ_CONFLICT), CommitConflictError, 'new-transaction', 'commit'],
  ['commit: endorsement policy failure', () => commit(StatusCode.ENDORSEMENT_POLICY_FAILURE), CommitConflictError, 'new-transaction', 'commit'],
  ['commit: duplicate tx id', () => commit(StatusCode.DUPLICATE_TXID), TransactionInvalidError, 'never', 'commit'],
  ['commit: bad payload', () => commit(StatusCode.BAD_PAYLOAD), TransactionInvalidError, 'never', 'commit'],
  ['anything else', () => new TypeError('bug'), UnexpectedLedgerError, 'never', 'decode'],
];

describe('toLedgerError', () => {
  it.each(ROWS)('%s', (_, raise, type, retry, operation) => {
    const raised = raise();
    const error = toLedgerError(raised, { eventIds: ['E1'], shipmentIds: ['S/1'] });

    expect(error).toBeInstanceOf(type);
    expect(error).toMatchObject({ retry, operation, eventIds: ['E1'], shipmentIds: ['S/1'] });
    expect(error.cause).toBe(raised);
    if (raised instanceof GatewayError) expect(error.grpcCode).toBe(raised.code);
    if (raised instanceof CommitError) expect(error.validationCode).toBe(raised.code);
    // The transaction id comes from the client's error wherever it has one.
    expect(error.transactionId).toBe(typeof raised === 'object' && raised !== null && 'transactionId' in raised ? TX : undefined);
  });

  it.each([
    ['conflict: event E1 is already recorded with different content', 'conflict'],
    ['access denied: organisation CarrierMSP is not authorised to record event E1', 'forbidden'],
    ['invalid event E1: field payloadHash is required', 'invalid'],
    ['shipment S/1 not found', 'not-found'],
    ['something else went wrong', 'rejected'],
  ])('reads the contract reason of "%s" as %s', (message, reason) => {
    const error = toLedgerError(endorse(Grpc.ABORTED, [detail(`chaincode response 500, ${message}`)]));
    expect(error).toBeInstanceOf(ContractRejectedError);
    expect(error).toMatchObject({ reason, chaincodeMessage: message, details: [`ShipperMSP@peer0.shipper:7051: chaincode response 500, ${message}`] });
  });

  it('classifies once: a LedgerError passes through unchanged', () => {
    const first = toLedgerError(commit(StatusCode.MVCC_READ_CONFLICT));
    expect(toLedgerError(first, { eventIds: ['other'] })).toBe(first);
  });
});
