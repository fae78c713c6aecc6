/**
 * devnet's chaincode runtime: the peer side of the chaincode shim protocol, spoken to a
 * chaincode-as-a-service process over protos.Chaincode/Connect (the peer dials the chaincode).
 */
export type { ChaincodeInvocation, ChaincodeResult, ChaincodeRuntime, KeyModification, RangePage, StateKV, TxSimulator } from './types';
export { connectChaincode, type ConnectChaincodeOptions } from './runtime';
export { launchChaincode, type ChaincodeExit, type LaunchChaincodeOptions, type LaunchedChaincode } from './launch';
export { freeLocalAddress } from './address';
export {
  ChaincodeExecutionTimeoutError,
  ChaincodeInvocationRejectedError,
  ChaincodeRuntimeError,
  ChaincodeStreamTerminatedError,
  ChaincodeUnavailableError,
} from './errors';
