import { InboundIdocs, InvoiceLines, Invoices, ShipmentEvents, ShipmentItems, Shipments } from '#cds-models/lading';
import type { CustomsHoldFacts, DeliveryFacts, InvoiceLineFacts } from './three-way-match';
import type { KnownPod } from './pod-reader';

/**
 * What Lading's database knows for settling an invoice. Delivered quantities are the DESADV's
 * items (ShipmentItems), counted as on the ledger once that IDoc is posted there (status 53: its
 * events, carrying the payload hash, are committed). POD and customs decisions come from Lading's
 * copy of the ledger's events (ShipmentEvents with ledgerTxId, kept by the ledger listener).
 */

export interface InvoiceFacts {
  invoiceId: string;
  currency: string;
  lines: (InvoiceLineFacts & { shipmentId: string })[];
  shipments: Map<string, ShipmentFacts>;
}

export interface ShipmentFacts {
  delivery?: Omit<DeliveryFacts, 'item'> & { items: Map<string, { quantity?: number; unit?: string }> };
  pod?: KnownPod;
  customsHold?: CustomsHoldFacts;
}

const number = (value: unknown): number | undefined => (value === null || value === undefined ? undefined : Number(value));

async function deliveryOf(shipmentId: string): Promise<ShipmentFacts['delivery']> {
  const shipment = await SELECT.one.from(Shipments).columns('ID', 'lastIdoc_ID').where({ ID: shipmentId });
  if (!shipment) return undefined;
  const idoc = shipment.lastIdoc_ID ? await SELECT.one.from(InboundIdocs).columns('status', 'docnum').where({ ID: shipment.lastIdoc_ID }) : undefined;
  const items = await SELECT.from(ShipmentItems).columns('itemNumber', 'quantity', 'unit').where({ shipment_ID: shipmentId });
  return {
    onLedger: idoc?.status === '53',
    docnum: idoc?.docnum ?? undefined,
    items: new Map(items.map((item) => [item.itemNumber as string, { quantity: number(item.quantity), unit: item.unit ?? undefined }])),
  };
}

/** Actual events already committed on the ledger, newest first. */
async function ledgerEvents(shipmentId: string, codes: string[]): Promise<{ eventId: string; eventTypeCode: string; eventDateTime: string; documentId?: string; ledgerTxId: string }[]> {
  const rows = await SELECT.from(ShipmentEvents)
    .columns('eventId', 'eventTypeCode', 'eventDateTime', 'documentId', 'ledgerTxId')
    .where({ shipment_ID: shipmentId, eventClassifierCode: 'ACT', eventTypeCode: { in: codes }, ledgerTxId: { '!=': null } })
    .orderBy('eventDateTime desc', 'createdAt desc');
  return rows.map((row) => ({
    eventId: row.eventId as string, eventTypeCode: row.eventTypeCode ?? '', eventDateTime: new Date(row.eventDateTime as string).toISOString(),
    documentId: row.documentId ?? undefined, ledgerTxId: row.ledgerTxId as string,
  }));
}

async function shipmentFacts(shipmentId: string): Promise<ShipmentFacts> {
  const [pod] = await ledgerEvents(shipmentId, ['CMPL']);
  const [customs] = await ledgerEvents(shipmentId, ['HOLD', 'RELS']);
  return {
    delivery: await deliveryOf(shipmentId),
    pod: pod ? { eventId: pod.eventId, shipmentId, ledgerTxId: pod.ledgerTxId } : undefined,
    customsHold: customs?.eventTypeCode === 'HOLD' ? { eventId: customs.eventId, documentId: customs.documentId, since: customs.eventDateTime } : undefined,
  };
}

export async function invoiceFacts(invoiceId: string): Promise<InvoiceFacts | undefined> {
  const invoice = await SELECT.one.from(Invoices).columns('ID', 'currency').where({ ID: invoiceId });
  if (!invoice) return undefined;
  const lines = await SELECT.from(InvoiceLines).where({ invoice_ID: invoiceId }).orderBy('lineNumber');
  const shipments = new Map<string, ShipmentFacts>();
  for (const shipmentId of new Set(lines.map((line) => line.shipment_ID as string))) shipments.set(shipmentId, await shipmentFacts(shipmentId));
  return {
    invoiceId,
    currency: invoice.currency ?? '',
    lines: lines.map((line) => ({
      shipmentId: line.shipment_ID as string, lineNumber: line.lineNumber as string, deliveryNumber: line.deliveryNumber ?? '',
      deliveryItem: line.deliveryItem ?? (line.lineNumber as string), quantity: Number(line.quantity), unit: line.unit ?? '',
      unitPrice: number(line.unitPrice), priceUnit: number(line.priceUnit) ?? 1, netAmount: Number(line.netAmount),
    })),
    shipments,
  };
}
