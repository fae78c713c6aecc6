/**
 * Lading's Fabric connector: the only module that talks to the ledger. See README.md here for
 * configuring a real Fabric network.
 */
export {
  DEFAULT_CHAINCODE,
  DEFAULT_CHANNEL,
  DEFAULT_TIMEOUTS,
  FabricConfigError,
  IDENTITY_ALGORITHMS,
  devnetConfig,
  devnetIdentity,
  loadFabricConfig,
  type FabricConfig,
  type FabricIdentityFiles,
  type IdentityAlgorithm,
  type FabricTimeouts,
} from './config';
export { fabricEnvironmentFromBinding, type FabricBinding, type PemSource } from './binding';
export { connectLedger, type LedgerConnection } from './connection';
export { ShipmentLedger, shipmentLedger, type RecordOptions } from './contract';
export type { ContractRejectionReason } from './chaincode-failure';
export {
  CommitConflictError,
  ContractRejectedError,
  GatewayRequestError,
  LedgerError,
  LedgerOutcomeUnknownError,
  LedgerResponseError,
  LedgerUnavailableError,
  TransactionInvalidError,
  UnexpectedLedgerError,
  toLedgerError,
  type LedgerErrorContext,
  type LedgerOperation,
  type RetryAdvice,
} from './errors';
export { fileCheckpointer, memoryCheckpointer, type Checkpointer, type LedgerCheckpoint } from './checkpointers';
export {
  SHIPMENT_EVENTS_RECORDED,
  ShipmentEventStream,
  openShipmentEvents,
  type ShipmentEventsNotice,
  type ShipmentEventsOptions,
} from './events';
export {
  ProofOfDeliveryInputError,
  buildProofOfDeliveryEvent,
  canonicalJson,
  loadSigningKey,
  proofOfDeliveryEventId,
  proofOfDeliveryPayload,
  type PodSignedPayload,
} from './proof-of-delivery';
export type * from './types';
