import { AMOUNT_TOLERANCE } from '../../mappings';

/**
 * The three-way match of one invoice line, as a pure function of the facts Lading holds:
 * invoice (INVOIC) ↔ delivered quantity (the DESADV, posted on the ledger) ↔ accepted quantity
 * (the consignee's signed POD on the ledger), plus the shipment's customs status.
 * See README.md in this folder for the definitions.
 */

/** Why a line is blocked, in order of precedence: the first one found names the line's reasonCode. */
export const REASON_CODES = [
  'DELIVERY_UNKNOWN', 'DELIVERY_NOT_ON_LEDGER', 'CUSTOMS_HOLD', 'POD_MISSING', 'POD_UNREADABLE', 'POD_INVALID',
  'UNIT_MISMATCH', 'QUANTITY_MISMATCH', 'PRICE_MISMATCH',
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

/** Quantities are compared to the thousandth (SAP's 3 decimals). */
const QUANTITY_TOLERANCE = 0.0005;

export interface InvoiceLineFacts {
  lineNumber: string;
  deliveryNumber: string;
  deliveryItem: string;
  quantity: number;
  unit: string;
  unitPrice?: number;
  priceUnit: number;
  netAmount: number;
}

export interface DeliveryFacts {
  /** The DESADV's last IDoc is posted on the ledger (status 53). */
  onLedger: boolean;
  /** Lading IDoc number of that DESADV, for the reason text. */
  docnum?: string;
  /** The delivery item the line bills; undefined when the delivery has no such item. */
  item?: { quantity?: number; unit?: string };
}

export type PodFacts =
  | { state: 'read'; eventId: string; ledgerTxId?: string; items: ReadonlyMap<string, { quantity: number; unit: string }> }
  | { state: 'invalid' | 'unreadable'; eventId: string; ledgerTxId?: string; reason: string };

export interface CustomsHoldFacts {
  eventId: string;
  documentId?: string;
  since: string;
}

export interface LineFacts {
  line: InvoiceLineFacts;
  /** undefined: Lading has received no delivery of that number. */
  delivery?: DeliveryFacts;
  /** undefined: no POD for the shipment in Lading's copy of the ledger's events. */
  pod?: PodFacts;
  /** The latest customs decision is a HOLD with no later RELS. */
  customsHold?: CustomsHoldFacts;
}

export interface SettlementOutcome {
  status: 'ready' | 'blocked';
  reasonCodes: ReasonCode[];
  reason: string;
  invoicedQuantity: number;
  deliveredQuantity?: number;
  podQuantity?: number;
  invoicedAmount: number;
  computedAmount?: number;
  acceptedAmount?: number;
  differenceAmount?: number;
  podEventId?: string;
  podLedgerTxId?: string;
  customsEventId?: string;
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

function priced(quantity: number, line: InvoiceLineFacts): number | undefined {
  return line.unitPrice === undefined ? undefined : round2((quantity * line.unitPrice) / line.priceUnit);
}

export function matchLine(facts: LineFacts): SettlementOutcome {
  const { line, delivery, pod, customsHold } = facts;
  const reasons: [ReasonCode, string][] = [];
  const item = delivery?.item;
  const deliveredQuantity = item?.quantity;
  const podItem = pod?.state === 'read' ? pod.items.get(line.deliveryItem) : undefined;
  const podQuantity = podItem?.quantity;

  if (!delivery) {
    reasons.push(['DELIVERY_UNKNOWN', `no delivery ${line.deliveryNumber} was received from SAP`]);
  } else if (!delivery.onLedger) {
    reasons.push(['DELIVERY_NOT_ON_LEDGER', `delivery ${line.deliveryNumber} (IDoc ${delivery.docnum ?? '?'}) is not yet posted on the ledger`]);
  }
  if (customsHold) {
    reasons.push(['CUSTOMS_HOLD', `customs hold since ${customsHold.since}${customsHold.documentId ? ` (declaration ${customsHold.documentId})` : ''}, not released`]);
  }
  if (!pod) {
    reasons.push(['POD_MISSING', `no signed proof of delivery for delivery ${line.deliveryNumber} on the ledger`]);
  } else if (pod.state === 'unreadable') {
    reasons.push(['POD_UNREADABLE', `proof of delivery ${pod.eventId} could not be read from the ledger: ${pod.reason}`]);
  } else if (pod.state === 'invalid') {
    reasons.push(['POD_INVALID', `proof of delivery ${pod.eventId} does not verify: ${pod.reason}`]);
  }
  if (delivery && !item) {
    reasons.push(['QUANTITY_MISMATCH', `delivery ${line.deliveryNumber} has no item ${line.deliveryItem}`]);
  } else if (item?.unit !== undefined && item.unit.toUpperCase() !== line.unit) {
    reasons.push(['UNIT_MISMATCH', `invoiced in ${line.unit}, delivered in ${item.unit}`]);
  } else if (podItem && podItem.unit.toUpperCase() !== line.unit) {
    reasons.push(['UNIT_MISMATCH', `invoiced in ${line.unit}, the POD accepts ${podItem.unit}`]);
  } else if (item) {
    const quantities = [`invoiced ${line.quantity}`, `delivered ${deliveredQuantity ?? 'unknown'}`];
    if (pod?.state === 'read') quantities.push(`POD accepted ${podQuantity ?? 'none (item not listed)'}`);
    const differ = (value: number | undefined): boolean => value === undefined || Math.abs(value - line.quantity) > QUANTITY_TOLERANCE;
    if (differ(deliveredQuantity) || (pod?.state === 'read' && differ(podQuantity))) {
      reasons.push(['QUANTITY_MISMATCH', `${quantities.join(', ')} ${line.unit}`]);
    }
  }
  const computedAmount = priced(line.quantity, line);
  if (computedAmount === undefined) {
    reasons.push(['PRICE_MISMATCH', 'the line has no unit price (VPREI) to check its net amount against']);
  } else if (Math.abs(computedAmount - line.netAmount) > AMOUNT_TOLERANCE + 1e-9) {
    reasons.push(['PRICE_MISMATCH', `net amount ${line.netAmount.toFixed(2)} ≠ ${line.quantity} × ${line.unitPrice} / ${line.priceUnit} = ${computedAmount.toFixed(2)}`]);
  }

  const supported = [deliveredQuantity, podQuantity].filter((value): value is number => value !== undefined);
  const acceptedQuantity = deliveredQuantity === undefined || (pod?.state === 'read' && podQuantity === undefined) ? undefined : Math.min(...supported);
  const acceptedAmount = acceptedQuantity === undefined ? undefined : priced(acceptedQuantity, line);
  reasons.sort(([a], [b]) => REASON_CODES.indexOf(a) - REASON_CODES.indexOf(b));
  return {
    status: reasons.length === 0 ? 'ready' : 'blocked',
    reasonCodes: reasons.map(([code]) => code),
    reason: reasons.length === 0 ? 'invoice, delivery and POD agree' : reasons.map(([, text]) => text).join('; '),
    invoicedQuantity: line.quantity,
    deliveredQuantity,
    podQuantity,
    invoicedAmount: line.netAmount,
    computedAmount,
    acceptedAmount,
    differenceAmount: acceptedAmount === undefined ? undefined : round2(line.netAmount - acceptedAmount),
    podEventId: pod?.eventId,
    podLedgerTxId: pod?.ledgerTxId,
    customsEventId: customsHold?.eventId,
  };
}
