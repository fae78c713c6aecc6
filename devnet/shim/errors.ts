/**
 * Transport failures of the chaincode runtime. Chaincode errors are not here: they come back as
 * a ChaincodeResult with status >= 400, as a real peer reports them.
 */

export interface ChaincodeRuntimeErrorProperties {
  message: string;
  chaincodeId: string;
  address: string;
  txId?: string;
  cause?: unknown;
}

export class ChaincodeRuntimeError extends Error {
  override readonly name: string = 'ChaincodeRuntimeError';
  readonly chaincodeId: string;
  readonly address: string;
  readonly txId?: string;

  constructor(properties: Readonly<ChaincodeRuntimeErrorProperties>) {
    super(properties.message, { cause: properties.cause });
    this.chaincodeId = properties.chaincodeId;
    this.address = properties.address;
    this.txId = properties.txId;
  }
}

/** No registered chaincode stream within the connect timeout (process down, wrong address or id). */
export class ChaincodeUnavailableError extends ChaincodeRuntimeError {
  override readonly name = 'ChaincodeUnavailableError';
}

/** The stream broke while a transaction was running (Fabric: "chaincode stream terminated"). */
export class ChaincodeStreamTerminatedError extends ChaincodeRuntimeError {
  override readonly name = 'ChaincodeStreamTerminatedError';
}

/** The chaincode did not complete in time (Fabric: "timeout expired while executing transaction"). */
export class ChaincodeExecutionTimeoutError extends ChaincodeRuntimeError {
  override readonly name = 'ChaincodeExecutionTimeoutError';
}

/** execute() was called for a channel+txid that is already running, or after close(). */
export class ChaincodeInvocationRejectedError extends ChaincodeRuntimeError {
  override readonly name = 'ChaincodeInvocationRejectedError';
}
