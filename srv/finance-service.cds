using { lading } from '../db/settlement';
using { lading as reconciliation } from '../db/reconciliation';

/**
 * Finance: invoices received from SAP (INVOIC) and their settlement, one line at a time, by
 * three-way match with the delivery and the consignee's signed POD on the ledger; blocked lines
 * are acknowledged with a comment. Operators may read. CSV exports: /finance/export/*.csv.
 */
@path: '/odata/v4/finance'
@requires: ['finance', 'operator']
service FinanceService {
  @readonly
  entity Invoices as projection on lading.Invoices;

  @readonly
  entity InvoiceLines as projection on lading.InvoiceLines;

  @readonly
  @restrict: [{ grant: 'READ', to: ['finance', 'operator'] }, { grant: 'acknowledge', to: 'finance' }]
  entity Settlements as projection on lading.Settlements actions {
    /** Takes note of a blocked line with finance's comment (who and when are kept); open → acknowledged. */
    action acknowledge(comment : String(1000)) returns Settlements;
  };

  @readonly
  entity ProofsOfDelivery as projection on lading.ProofsOfDelivery;

  @readonly
  entity ProofOfDeliveryItems as projection on lading.ProofOfDeliveryItems;

  /** Reconciliation's differences between ERP and ledger, for finance's view of a period. */
  @readonly
  entity Discrepancies as projection on reconciliation.Discrepancies;

  @readonly
  entity DiscrepancyEvents as projection on reconciliation.DiscrepancyEvents;

  type SettleResult {
    invoiceId : String(80);
    ready     : Integer;
    blocked   : Integer;
    changed   : Integer;
  }

  /** Settles one invoice now (or every due invoice when none is named); answers per invoice. */
  @requires: 'finance'
  action settle(invoice : String(80)) returns many SettleResult;
}
