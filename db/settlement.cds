namespace lading;

using { cuid } from '@sap/cds/common';
using { lading } from './schema';

/**
 * Invoices (INVOIC) and their settlement against the deliveries they bill: commercial data, kept
 * off the ledger. A settlement line is the three-way match of one invoice line: the invoice ↔ the
 * delivered quantity (the DESADV whose events are on the ledger) ↔ the consignee's signed POD.
 */

type Amount : Decimal(15, 2);

/** ready: may be paid; blocked: a reason below stops it. */
type SettlementStatus : String(8) enum { ready; blocked; }

/** open → acknowledged (finance's comment, who and when). A changed outcome opens it again. */
type SettlementLifecycle : String(12) enum { open; acknowledged; }

/** One invoice, whichever IDoc (re)sent it: `<sender partner>/<invoice number>`. */
entity Invoices {
  key ID              : String(80);
      invoiceNumber   : String(35) @title: 'Invoice (E1EDK01-BELNR)';
      senderPartner   : String(35);
      documentType    : String(4);
      currency        : String(3);
      exchangeRate    : Decimal(12, 5);
      paymentTerms    : String(17);
      invoiceDate     : Date;
      purchaseOrder   : String(35);
      salesOrder      : String(35);
      netTotal        : Amount;
      taxTotal        : Amount;
      grossTotal      : Amount;
      billTo          : String(80);
      billToPartnerId : String(17);
      seller          : String(80);
      /** E1EDKA1 partners and E1EDK02 references as sent, JSON. */
      partners        : LargeString;
      references      : LargeString;
      lastIdoc        : Association to lading.InboundIdocs;
      receivedAt      : Timestamp;
      /** Last settlement run over this invoice; null until the first one. */
      settledAt       : Timestamp;
      lines           : Composition of many InvoiceLines on lines.invoice = $self;
      settlements     : Association to many Settlements on settlements.invoice = $self;
}

entity InvoiceLines {
  key invoice        : Association to Invoices;
  key lineNumber     : String(6) @title: 'Invoice item (POSEX)';
      shipment       : Association to lading.Shipments;
      deliveryNumber : String(35);
      deliveryItem   : String(6);
      material       : String(40);
      description    : String(80);
      quantity       : lading.Quantity;
      unit           : String(3);
      unitPrice      : Decimal(15, 4);
      priceUnit      : Decimal(9, 0);
      netAmount      : Amount;
      netWeight      : lading.Quantity;
      weightUnit     : String(3);
}

/** The three-way match of one invoice line. Settling again with the same facts changes nothing. */
@assert.unique: { line: [invoice, lineNumber] }
entity Settlements : cuid {
  invoice           : Association to Invoices;
  lineNumber        : String(6);
  shipment          : Association to lading.Shipments;
  deliveryItem      : String(6);
  status            : SettlementStatus;
  /** The first reason by precedence (see srv/settlement/README.md); all of them in reasonCodes. */
  reasonCode        : String(24);
  reasonCodes       : String(200);
  reason            : String(1000);
  currency          : String(3);
  unit              : String(3);
  invoicedQuantity  : lading.Quantity;
  deliveredQuantity : lading.Quantity;
  podQuantity       : lading.Quantity;
  /** The line's net amount as invoiced. */
  invoicedAmount    : Amount;
  /** Invoiced quantity × unit price / price unit. */
  computedAmount    : Amount;
  /** What the facts support: the smaller of delivered and POD quantity × unit price / price unit. */
  acceptedAmount    : Amount;
  /** invoicedAmount − acceptedAmount. */
  differenceAmount  : Amount;
  podEventId        : lading.LedgerId;
  podLedgerTxId     : String(64);
  customsEventId    : lading.LedgerId;
  /** SHA-256 of the outcome: an unchanged outcome is not written again (idempotent runs). */
  outcomeHash       : String(64);
  computedAt        : Timestamp;
  lifecycle         : SettlementLifecycle default 'open';
  comment           : String(1000);
  acknowledgedBy    : String(80);
  acknowledgedAt    : Timestamp;
}

/** A consignee's POD as read from the ledger once (getEvent + verifyProofOfDelivery), for settling. */
entity ProofsOfDelivery {
  key eventId     : lading.LedgerId;
      shipment    : Association to lading.Shipments;
      receivedAt  : Timestamp;
      signerMspId : String(40);
      valid       : Boolean;
      reason      : String(500);
      ledgerTxId  : String(64);
      readAt      : Timestamp;
      items       : Composition of many ProofOfDeliveryItems on items.pod = $self;
}

entity ProofOfDeliveryItems {
  key pod        : Association to ProofsOfDelivery;
  key itemNumber : String(6);
      quantity   : lading.Quantity;
      unit       : String(3);
}
