/**
 * Builders of the IDocs Lading sends to SAP: pure functions from typed inputs to IDoc XML as
 * SAP's XML-HTTP inbound service (/sap/bc/idoc_xml) reads it. No I/O, no connector imports.
 */
export { deterministicDocnum } from './docnum';
export { OutboundIdocError } from './errors';
export type { OutboundIdocErrorCode, OutboundIdocErrorDetails } from './errors';
export type { OutboundIdoc } from './outbound-idoc';
export type { IdocEnvelope } from './control-record';
export type { StatusMessage } from './status-message';
export { ALEAUD_MAX_CONFIRMATIONS, buildAleaud } from './aleaud';
export type { AleaudOptions, IdocConfirmation, InboundOutcomeStatus } from './aleaud';
export { buildSystat } from './systat';
export type { IdocStatusReport, SystatOptions } from './systat';
export { buildProofOfDelivery } from './proof-of-delivery';
export type { ProofOfDelivery, ProofOfDeliveryItem, ProofOfDeliveryOptions } from './proof-of-delivery';
export { DEFAULT_DEADLINE_QUALIFIERS, buildShipmentDeadlines } from './shipment-deadlines';
export type { ShipmentDeadline, ShipmentDeadlineOptions, ShipmentDeadlineUpdate, TransportMilestone } from './shipment-deadlines';
export { CUSTOMS_EXTENSION, CUSTOMS_MESSAGE_TYPE, CUSTOMS_STATUS_CODES, buildCustomsStatus } from './customs-status';
export type { CustomsDecision, CustomsStatusOptions, CustomsStatusUpdate } from './customs-status';
export { sapUpdateFor } from './ledger-updates';
export type { DeliveryFacts, LedgerEventForSap, SapUpdate, SapUpdatePurpose } from './ledger-updates';
