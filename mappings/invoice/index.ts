import type { InvoiceRecord } from './invoice-record';

export type * from './invoice-record';
export { mapInvoice, AMOUNT_TOLERANCE } from './invoic';
export { invoiceMapper } from './invoice-mapper';

/** What an INVOIC IDoc means to Lading: the invoice, no ledger events. */
export interface MappedInvoice {
  invoice: InvoiceRecord;
}
