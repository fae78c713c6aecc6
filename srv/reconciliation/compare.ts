import { isWeightUnit, kilogramsOf, sameWeightUnit } from '../../mappings';
import type { ErpDelivery, Finding, LedgerShipment, ReceivedEvent, ReceivedShipment, ShipmentState } from './state';

/**
 * The comparison of one shipment's ERP state with its ledger state: a pure function (no I/O), so
 * that every rule is tested table-driven in test/reconciliation/compare.test.ts. An empty answer
 * is a match. Events still on their way to the ledger (outbox pending or queued) are neither
 * missing nor counted in a status: the pipeline is doing its job.
 */

const MAX_VALUE = 1000;

/** Fields of SAP's delivery that Lading received in the DELVRY IDoc, compared as text. */
const TEXT_FIELDS = ['shippingPoint', 'salesOrganization', 'deliveryType'] as const satisfies readonly (keyof ErpDelivery & keyof ReceivedShipment)[];
/** Weights, compared in kilograms: the IDoc says KGM where SAP's API says KG, or TO for 1000 KG. */
const WEIGHT_FIELDS = ['grossWeight', 'netWeight'] as const satisfies readonly (keyof ErpDelivery & keyof ReceivedShipment)[];

function list(values: readonly string[]): string {
  const text = values.join(',');
  return text.length <= MAX_VALUE ? text : `${text.slice(0, MAX_VALUE - 20)}… (${values.length} in all)`;
}

function inFlight(event: ReceivedEvent): boolean {
  return event.outboxState === 'pending' || event.outboxState === 'queued';
}

function sameText(left: string | undefined, right: string | undefined): boolean {
  return (left ?? '') === (right ?? '');
}

/** Equal weights in whatever units each side states them; as numbers when a unit is unknown. */
function sameWeight(erp: ErpDelivery, received: ReceivedShipment, field: (typeof WEIGHT_FIELDS)[number]): boolean {
  const left = erp[field];
  const right = received[field];
  if (left === undefined || right === undefined || left === '' || right === '') return (left ?? '') === (right ?? '');
  const leftKg = erp.weightUnit ? kilogramsOf(Number(left), erp.weightUnit) : undefined;
  const rightKg = received.weightUnit ? kilogramsOf(Number(right), received.weightUnit) : undefined;
  if (leftKg === undefined || rightKg === undefined) return Number(left) === Number(right);
  // Milligram precision: SAP keeps three decimals of the unit it states.
  return Math.abs(leftKg - rightKg) < 0.000_001 * Math.max(1, Math.abs(leftKg));
}

/** Two known weight units never differ by themselves: the weights were compared by mass. */
function sameUnit(left: string | undefined, right: string | undefined): boolean {
  if (!left || !right) return (left ?? '') === (right ?? '');
  return sameWeightUnit(left, right) || (isWeightUnit(left) && isWeightUnit(right));
}

function compareHeader(shipmentId: string, erp: ErpDelivery, received: ReceivedShipment): Finding[] {
  const differing: (keyof ErpDelivery & keyof ReceivedShipment)[] = [
    ...TEXT_FIELDS.filter((field) => !sameText(erp[field], received[field])),
    ...WEIGHT_FIELDS.filter((field) => !sameWeight(erp, received, field)),
    ...(sameUnit(erp.weightUnit, received.weightUnit) ? [] : ['weightUnit' as const]),
  ];
  return differing.map((field) => ({
    shipmentId, kind: 'fieldMismatch', field, erpValue: erp[field] ?? '', receivedValue: received[field] ?? '',
  }));
}

/** Lading's events that should be on the ledger and are not; repairable when each came from an IDoc with an outbox row. */
function missingOnLedger(shipmentId: string, received: ReceivedShipment, ledger: LedgerShipment | undefined): Finding[] {
  const onLedger = new Set(ledger?.events ?? []);
  const missing = received.events.filter((event) => !onLedger.has(event.eventId) && !inFlight(event));
  if (missing.length === 0) return [];
  const idocIds = [...new Set(missing.map((event) => event.sourceIdocId).filter((id): id is string => id !== undefined))];
  const repairable = missing.every((event) => event.sourceIdocId !== undefined && event.outboxState !== undefined);
  return [{
    shipmentId,
    kind: 'missingOnLedger',
    field: ledger ? 'events' : 'shipment',
    receivedValue: list(missing.map((event) => event.eventId)),
    ...(ledger ? { ledgerValue: list(ledger.events) } : {}),
    ...(repairable ? { repair: { action: 'redriveOutbox' as const, idocIds: idocIds.sort() } } : {}),
  }];
}

/** Events on the ledger Lading does not have (another party's, missed by the listener, or forged). */
function missingInErp(shipmentId: string, received: ReceivedShipment, ledger: LedgerShipment): Finding[] {
  const known = new Set(received.events.map((event) => event.eventId));
  const unknown = ledger.events.filter((eventId) => !known.has(eventId));
  return unknown.length === 0 ? [] : [{ shipmentId, kind: 'missingInErp', field: 'events', ledgerValue: list(unknown) }];
}

function compareEvents(shipmentId: string, received: ReceivedShipment, ledger: LedgerShipment): Finding[] {
  const findings: Finding[] = [];
  const onLedger = new Set(ledger.events);
  for (const event of received.events) {
    if (!onLedger.has(event.eventId)) continue;
    const ledgerHash = ledger.payloadHashes[event.eventId];
    if (ledgerHash !== undefined && event.payloadHash !== undefined && ledgerHash !== event.payloadHash) {
      findings.push({ shipmentId, kind: 'payloadHashMismatch', field: `payloadHash:${event.eventId}`, receivedValue: event.payloadHash, ledgerValue: ledgerHash });
    }
    // The IDoc as stored must still hash to what the ledger keeps: an edited payload is tampering.
    const reference = ledgerHash ?? event.payloadHash;
    if (event.storedPayloadHash !== undefined && reference !== undefined && event.storedPayloadHash !== reference && event.sourceIdocId !== undefined) {
      findings.push({ shipmentId, kind: 'payloadHashMismatch', field: `idocPayload:${event.sourceIdocId}`, receivedValue: event.storedPayloadHash, ledgerValue: reference });
    }
    const ledgerOrg = ledger.recordedBy[event.eventId];
    if (ledgerOrg !== undefined && event.recordedBy && event.settled && ledgerOrg !== event.recordedBy) {
      findings.push({ shipmentId, kind: 'fieldMismatch', field: `recordedBy:${event.eventId}`, receivedValue: event.recordedBy, ledgerValue: ledgerOrg });
    }
  }
  // Several events of one IDoc share its hash: one finding per IDoc is enough.
  return findings.filter((finding, at) => findings.findIndex((other) => other.field === finding.field) === at);
}

function compareStatus(shipmentId: string, erp: ErpDelivery | undefined, received: ReceivedShipment, ledger: LedgerShipment): Finding[] {
  if (received.events.some(inFlight) || received.outbound.some((idoc) => idoc.status === '30')) return [];
  const findings: Finding[] = [];
  if (received.status !== undefined && received.status !== ledger.status) {
    findings.push({ shipmentId, kind: 'statusMismatch', field: 'status', receivedValue: received.status, ledgerValue: ledger.status });
  }
  if (erp?.proofOfDeliveryStatus !== undefined && erp.proofOfDeliveryStatus !== '') {
    const erpSigned = erp.proofOfDeliveryStatus === 'C';
    const ledgerSigned = ledger.status === 'POD_SIGNED';
    // A refused STPPOD is reported (and re-sent) as an outbound IDoc below, not twice.
    if (erpSigned !== ledgerSigned && received.outbound.length === 0) {
      findings.push({ shipmentId, kind: 'statusMismatch', field: 'proofOfDelivery', erpValue: erp.proofOfDeliveryStatus, ledgerValue: ledger.status });
    }
  }
  return findings;
}

/** IDocs with ledger news SAP refused: the news is missing in the ERP, and Lading sends it again. */
function unsentToSap(shipmentId: string, received: ReceivedShipment): Finding[] {
  const refused = received.outbound.filter((idoc) => idoc.status === '02');
  if (refused.length === 0) return [];
  return [{
    shipmentId, kind: 'missingInErp', field: 'outboundIdocs',
    receivedValue: list(refused.map((idoc) => `${idoc.docnum} (${idoc.status})`)),
    repair: { action: 'resendOutbound', outboundIdocIds: refused.map((idoc) => idoc.id).sort() },
  }];
}

export function compareShipment(state: ShipmentState): Finding[] {
  const { shipmentId, erp, received, ledger } = state;
  if (!received) {
    if (ledger) {
      return [{ shipmentId, kind: 'missingInErp', field: 'shipment', ...(erp ? { erpValue: erp.deliveryNumber } : {}), ledgerValue: list(ledger.events) }];
    }
    return erp ? [{ shipmentId, kind: 'missingOnLedger', field: 'shipment', erpValue: erp.deliveryNumber }] : [];
  }
  const findings: Finding[] = [];
  if (state.erpApplies) {
    if (erp) findings.push(...compareHeader(shipmentId, erp, received));
    else findings.push({ shipmentId, kind: 'missingInErp', field: 'delivery', receivedValue: received.deliveryNumber ?? '' });
  }
  findings.push(...missingOnLedger(shipmentId, received, ledger));
  if (ledger) {
    findings.push(...missingInErp(shipmentId, received, ledger));
    findings.push(...compareEvents(shipmentId, received, ledger));
    findings.push(...compareStatus(shipmentId, erp, received, ledger));
  }
  findings.push(...unsentToSap(shipmentId, received));
  return findings;
}

/** Stable identity of a finding across runs: one stored discrepancy per shipment, kind and field. */
export function findingKey(finding: Pick<Finding, 'shipmentId' | 'kind' | 'field'>): string {
  return `${finding.shipmentId}\u001f${finding.kind}\u001f${finding.field}`;
}
