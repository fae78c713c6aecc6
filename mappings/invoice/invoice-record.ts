/** An invoice as mapped from an INVOIC IDoc: commercial data, kept off the ledger. */

export interface InvoicePartnerRecord {
  /** Partner function (E1EDKA1-PARVW): RE bill-to, RS invoicing party, AG sold-to, LF vendor, ... */
  role: string;
  partnerId?: string;
  name?: string;
  city?: string;
  country?: string;
}

/** A reference of the invoice header (E1EDK02), by qualifier. */
export interface InvoiceReferenceRecord {
  /** 001 customer PO, 002 order, 009 invoice number, 012 delivery note, 016 preceding document, ... */
  qualifier: string;
  documentNumber: string;
  itemNumber?: string;
  /** ISO date (YYYY-MM-DD). */
  date?: string;
}

export interface InvoiceLineRecord {
  /** Invoice item (E1EDP01-POSEX), six digits. */
  lineNumber: string;
  /** The ledger shipment the line bills: `<sender partner>/<delivery number>`. */
  shipmentId: string;
  deliveryNumber: string;
  /** Delivery item (E1EDP02-ZEILE of the delivery reference); the invoice item number when not sent. */
  deliveryItem: string;
  material?: string;
  description?: string;
  /** Invoiced quantity (MENEE units), never negative. */
  quantity: number;
  unit: string;
  /** Net price per `priceUnit` units (VPREI / PEINH). */
  unitPrice?: number;
  priceUnit: number;
  /** Net value of the line (E1EDP26 QUALF 003, else E1EDP01-NETWR), in the invoice currency. */
  netAmount: number;
  netWeight?: number;
  weightUnit?: string;
}

export interface InvoiceRecord {
  /** `<sender partner>/<invoice number>`: one invoice, whatever IDoc (re)sent it. */
  invoiceId: string;
  invoiceNumber: string;
  senderPartner: string;
  /** E1EDK01-BSART, e.g. INVO. */
  documentType?: string;
  /** ISO 4217 (E1EDK01-CURCY), mandatory. */
  currency: string;
  exchangeRate?: number;
  paymentTerms?: string;
  /** ISO date: E1EDK03 IDDAT 012 (document date), else 026, else the control record's creation date. */
  invoiceDate: string;
  purchaseOrder?: string;
  salesOrder?: string;
  /** Sum of the lines' net amounts; equals E1EDS01 SUMID 010 when SAP sends it. */
  netTotal: number;
  taxTotal?: number;
  /** E1EDS01 SUMID 011 (billed value, gross). */
  grossTotal?: number;
  partners: InvoicePartnerRecord[];
  references: InvoiceReferenceRecord[];
  lines: InvoiceLineRecord[];
}
