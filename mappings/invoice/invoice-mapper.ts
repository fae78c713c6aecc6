import type { IdocMapper } from '../mapped-idoc';
import { mapInvoice } from './invoic';

/**
 * INVOIC01/02 (message type INVOIC): commercial data, kept off the ledger. No events, so the IDoc
 * is posted (53) when stored; the shipments it names are the deliveries it bills.
 */
export const invoiceMapper: IdocMapper = {
  kind: 'invoice',
  idocTypes: new Set(['INVOIC01', 'INVOIC02']),
  messageTypes: new Set(['INVOIC']),
  map(control, segments, options) {
    const invoice = mapInvoice(segments, { control, receivedAt: options.receivedAt });
    const shipmentIds = [...new Set(invoice.lines.map((line) => line.shipmentId))];
    return { kind: 'invoice', invoice, events: [], shipmentIds, summary: `invoice ${invoice.invoiceNumber} (${invoice.lines.length} lines, ${invoice.netTotal} ${invoice.currency})` };
  },
};
