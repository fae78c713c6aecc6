import type { InvoiceRecord } from '../../../mappings';
import { InvoiceLines, Invoices } from '#cds-models/lading';

/**
 * An invoice IDoc's records: the invoice and its lines. A resent or corrected invoice (same sender
 * and number) replaces the lines; their settlement is computed by srv/settlement/, not here: it
 * needs the POD's items from the ledger, which ingest does not wait for.
 */

function partyOf(invoice: InvoiceRecord, ...roles: string[]): { name?: string; partnerId?: string } {
  // Roles in order of preference: the first role that is present wins.
  const partner = roles.map((role) => invoice.partners.find((candidate) => candidate.role === role)).find(Boolean);
  return { name: partner?.name, partnerId: partner?.partnerId };
}

/** Runs in the caller's transaction. */
export async function storeInvoice(invoice: InvoiceRecord, idocId: string): Promise<void> {
  const { lines, partners, references, invoiceId, ...header } = invoice;
  const billTo = partyOf(invoice, 'RE', 'AG');
  const columns: Record<string, unknown> = {
    ...header,
    ID: invoiceId,
    billTo: billTo.name,
    billToPartnerId: billTo.partnerId,
    seller: partyOf(invoice, 'RS', 'LF').name,
    partners: JSON.stringify(partners),
    references: JSON.stringify(references),
    lastIdoc_ID: idocId,
    receivedAt: new Date().toISOString(),
    settledAt: null,
  };
  await UPSERT.into(Invoices).entries(columns);
  await DELETE.from(InvoiceLines).where({ invoice_ID: invoiceId });
  await INSERT.into(InvoiceLines).entries(lines.map(({ shipmentId, ...line }) => ({ ...line, invoice_ID: invoiceId, shipment_ID: shipmentId })));
}
