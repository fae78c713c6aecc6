/**
 * Lading's SAP connector: the only place Lading sends to SAP (IDocs over SAP's XML-HTTP inbound
 * service) and reads from it (outbound deliveries, for reconciliation). Through the SAP Cloud
 * SDK and a destination; see README.md here.
 */
export {
  DEFAULT_DELIVERY_SERVICE_PATH,
  DEFAULT_DESTINATION,
  DEFAULT_IDOC_PATH,
  SapConfigError,
  loadSapConfig,
  type SapConfig,
  type SapIdocEnvelope,
} from './config';
export {
  SapCsrfTokenError,
  SapDestinationError,
  SapError,
  SapRequestRefusedError,
  SapResponseError,
  SapUnavailableError,
  type SapErrorContext,
  type SapErrorProperties,
  type SapOperation,
  type SapRetryAdvice,
} from './errors';
export { toSapError } from './classify';
export { sendIdoc, type IdocToSend, type SapSendReceipt, type SendOptions } from './idoc-sender';
export {
  EXACTLY_ONCE,
  LADING_MESSAGE_ID_NAMESPACE,
  MESSAGE_ID_PARAMETER,
  QUALITY_OF_SERVICE_PARAMETER,
  isMessageId,
  messageIdFor,
  nameBasedUuid,
} from './exactly-once';
export { readOutboundDeliveries, readOutboundDelivery, type DeliveryQuery, type OutboundDeliveryHeader } from './delivery-reader';
