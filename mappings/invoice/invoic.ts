import { IdocError } from '../errors';
import type { ControlRecord } from '../idoc/control-record';
import type { Segment } from '../idoc/segment';
import { childrenNamed, field, requiredField } from '../idoc/segment';
import { alpha, decimalField, instantField, integerField, nonNegativeField, stripLeadingZeros } from '../idoc/values';
import type { InvoiceLineRecord, InvoicePartnerRecord, InvoiceRecord, InvoiceReferenceRecord } from './invoice-record';

/**
 * INVOIC01/02 (message type INVOIC) → an invoice whose lines each bill one delivery item.
 * Pure: no I/O. Every refusal names the segment and field a person fixes in SAP.
 *
 * Which delivery a line bills: the item's own reference E1EDP02 QUALF 016 (preceding document,
 * what SD billing writes per item), else E1EDP02 QUALF 012 (delivery note), else the header's
 * E1EDK02 QUALF 012. The item-level reference wins because a collective invoice bills several
 * deliveries; a line that names none is refused.
 */

export interface InvoiceMappingContext {
  control: ControlRecord;
  /** ISO instant the IDoc arrived: the invoice date of last resort. */
  receivedAt: string;
}

/** Amounts are compared to the cent: a difference above this is real, below it is rounding. */
export const AMOUNT_TOLERANCE = 0.01;

const QUALIFIER = /^\d{3}$/;
const PARTNER_FUNCTION = /^[A-Z][A-Z0-9]{1,2}$/;
const CURRENCY = /^[A-Z]{3}$/;

/** E1EDK02 / E1EDP02 qualifiers Lading reads. */
const REFERENCE = { purchaseOrder: '001', order: '002', invoiceNumber: '009', deliveryNote: '012', precedingDocument: '016' } as const;
/** E1EDK03 IDDAT: document date, invoice date (SAP's domain values as far as public docs show). */
const DOCUMENT_DATES = ['012', '026'];
/** E1EDS01 SUMID: number of items, sales tax total, net invoice value, billed value. */
const TOTAL = { itemCount: '001', tax: '005', net: '010', billed: '011' } as const;
/** E1EDP26 QUALF 003: net value of the item. */
const NET_VALUE = '003';

function invalidField(segment: Segment, name: string, message: string): IdocError {
  return new IdocError({ code: 'INVALID_FIELD', message: `${segment.name}-${name}: ${message}`, segment: segment.name, field: name });
}

/** A qualifier field: present, and three digits (unknown codes of that shape are kept as data). */
function qualifier(segment: Segment, name: string): string {
  const value = requiredField(segment, name);
  if (!QUALIFIER.test(value)) throw invalidField(segment, name, `"${value}" is not a qualifier (three digits, such as 001 or 012)`);
  return value;
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

function differs(a: number, b: number): boolean {
  return Math.abs(a - b) > AMOUNT_TOLERANCE + 1e-9;
}

/** A date field (YYYYMMDD) as an ISO date; refuses dates that are not on the calendar. */
function dateField(segment: Segment, name: string): string | undefined {
  const instant = instantField(segment, name, '\u0000none', 'UTC', name);
  return instant?.slice(0, 10);
}

function currencyOf(segment: Segment, name: string): string | undefined {
  const value = field(segment, name)?.toUpperCase();
  if (value !== undefined && !CURRENCY.test(value)) throw invalidField(segment, name, `"${value}" is not an ISO 4217 currency code`);
  return value;
}

function readPartners(header: Segment[]): InvoicePartnerRecord[] {
  return header.filter((segment) => segment.name === 'E1EDKA1').map((segment) => {
    const role = requiredField(segment, 'PARVW').toUpperCase();
    if (!PARTNER_FUNCTION.test(role)) throw invalidField(segment, 'PARVW', `"${role}" is not a partner function (2 or 3 letters, such as RE, RS, AG)`);
    return {
      role,
      partnerId: field(segment, 'PARTN') ?? field(segment, 'LIFNR'),
      name: [field(segment, 'NAME1'), field(segment, 'NAME2')].filter(Boolean).join(' ') || undefined,
      city: field(segment, 'ORT01'),
      country: field(segment, 'LAND1')?.toUpperCase(),
    };
  });
}

function readReference(segment: Segment, itemName: 'POSNR' | 'ZEILE'): InvoiceReferenceRecord {
  return {
    qualifier: qualifier(segment, 'QUALF'),
    documentNumber: requiredField(segment, 'BELNR'),
    itemNumber: field(segment, itemName),
    date: dateField(segment, 'DATUM'),
  };
}

function invoiceDate(header: Segment[], context: InvoiceMappingContext): string {
  const dates = header.filter((segment) => segment.name === 'E1EDK03').map((segment) => ({
    qualifier: qualifier(segment, 'IDDAT'),
    date: dateField(segment, 'DATUM'),
  }));
  for (const wanted of DOCUMENT_DATES) {
    const found = dates.find((date) => date.qualifier === wanted && date.date !== undefined);
    if (found?.date) return found.date;
  }
  const created = context.control.createdDate;
  if (created && /^\d{8}$/.test(created)) return `${created.slice(0, 4)}-${created.slice(4, 6)}-${created.slice(6, 8)}`;
  return context.receivedAt.slice(0, 10);
}

interface LineContext {
  senderPartner: string;
  currency: string;
  headerDelivery?: string;
}

function lineDelivery(item: Segment, context: LineContext, lineNumber: string): { deliveryNumber: string; deliveryItem: string } {
  const references = childrenNamed(item, 'E1EDP02').map((segment) => readReference(segment, 'ZEILE'));
  const reference = references.find((ref) => ref.qualifier === REFERENCE.precedingDocument)
    ?? references.find((ref) => ref.qualifier === REFERENCE.deliveryNote);
  const deliveryNumber = reference?.documentNumber ?? context.headerDelivery;
  if (deliveryNumber === undefined) {
    throw new IdocError({
      code: 'MISSING_SEGMENT',
      message: `Item ${lineNumber} names no delivery: E1EDP02 with QUALF 016 or 012 (or E1EDK02 QUALF 012 on the header) is required`,
      segment: 'E1EDP02',
      field: 'QUALF',
    });
  }
  const deliveryItem = reference?.itemNumber;
  return { deliveryNumber: alpha(deliveryNumber), deliveryItem: alpha(deliveryItem ?? lineNumber, 6) };
}

function netAmountOf(item: Segment): number {
  const amounts = childrenNamed(item, 'E1EDP26').map((segment) => ({ segment, qualifier: qualifier(segment, 'QUALF') }));
  const net = amounts.find((amount) => amount.qualifier === NET_VALUE);
  const [segment, name] = net ? [net.segment, 'BETRG'] : [item, 'NETWR'];
  const value = decimalField(segment, name);
  if (value !== undefined && value < 0) throw invalidField(segment, name, `net value must not be negative (got ${value}); credit memos are not settled here`);
  if (value === undefined) {
    throw new IdocError({
      code: 'MISSING_FIELD',
      message: `Item ${field(item, 'POSEX') ?? '?'} has no net value: E1EDP26 QUALF 003 BETRG (or E1EDP01-NETWR) is required`,
      segment: 'E1EDP26',
      field: 'BETRG',
    });
  }
  return value;
}

function readLine(item: Segment, context: LineContext): InvoiceLineRecord {
  const lineNumber = alpha(requiredField(item, 'POSEX'), 6);
  const quantity = nonNegativeField(item, 'MENGE');
  if (quantity === undefined) requiredField(item, 'MENGE');
  const unit = requiredField(item, 'MENEE').toUpperCase();
  const priceUnitOfMeasure = field(item, 'PMENE')?.toUpperCase();
  if (priceUnitOfMeasure !== undefined && priceUnitOfMeasure !== unit) {
    throw invalidField(item, 'PMENE', `price unit of measure "${priceUnitOfMeasure}" differs from the quantity's unit MENEE "${unit}": Lading cannot price the quantity`);
  }
  const itemCurrency = currencyOf(item, 'CURCY');
  if (itemCurrency !== undefined && itemCurrency !== context.currency) {
    throw invalidField(item, 'CURCY', `item currency "${itemCurrency}" differs from the invoice currency E1EDK01-CURCY "${context.currency}"`);
  }
  const priceUnit = nonNegativeField(item, 'PEINH') ?? 1;
  if (priceUnit === 0) throw invalidField(item, 'PEINH', 'price unit must be at least 1');
  const unitPrice = nonNegativeField(item, 'VPREI');
  const netAmount = netAmountOf(item);
  const { deliveryNumber, deliveryItem } = lineDelivery(item, context, lineNumber);
  const material = childrenNamed(item, 'E1EDP19').map((segment) => ({ qualifier: qualifier(segment, 'QUALF'), segment }));
  // E1EDP19 QUALF 002: the vendor's material number, 001 the customer's.
  const ours = material.find((entry) => entry.qualifier === '002') ?? material.find((entry) => entry.qualifier === '001');
  const materialNumber = ours ? field(ours.segment, 'IDTNR') : undefined;
  return {
    lineNumber,
    shipmentId: `${context.senderPartner}/${deliveryNumber}`,
    deliveryNumber,
    deliveryItem,
    material: materialNumber !== undefined && /^\d+$/.test(materialNumber) ? stripLeadingZeros(materialNumber) : materialNumber,
    description: ours ? field(ours.segment, 'KTEXT') : undefined,
    quantity: quantity as number,
    unit,
    unitPrice,
    priceUnit,
    netAmount,
    netWeight: nonNegativeField(item, 'NTGEW'),
    weightUnit: field(item, 'GEWEI'),
  };
}

interface Totals {
  net?: number;
  tax?: number;
  billed?: number;
}

/** E1EDS01 totals, checked against the lines: a total that does not add up is refused. */
function checkTotals(segments: Segment[], lines: InvoiceLineRecord[], currency: string): Totals {
  const totals: Totals = {};
  const sum = round2(lines.reduce((total, line) => total + line.netAmount, 0));
  for (const segment of segments.filter((candidate) => candidate.name === 'E1EDS01')) {
    const id = qualifier(segment, 'SUMID');
    const waerq = currencyOf(segment, 'WAERQ');
    if (waerq !== undefined && waerq !== currency) {
      throw invalidField(segment, 'WAERQ', `total in "${waerq}" differs from the invoice currency E1EDK01-CURCY "${currency}"`);
    }
    if (id === TOTAL.itemCount) {
      const count = integerField(segment, 'SUMME');
      if (count !== undefined && count !== lines.length) {
        throw invalidField(segment, 'SUMME', `number of items (SUMID 001) is ${count}, but the invoice has ${lines.length} E1EDP01 items`);
      }
    } else if (id === TOTAL.net) {
      totals.net = decimalField(segment, 'SUMME');
      if (totals.net !== undefined && differs(totals.net, sum)) {
        throw invalidField(segment, 'SUMME', `net invoice value (SUMID 010) ${totals.net} does not add up: the items' net values sum to ${sum}`);
      }
    } else if (id === TOTAL.tax) {
      totals.tax = decimalField(segment, 'SUMME');
    } else if (id === TOTAL.billed) {
      totals.billed = decimalField(segment, 'SUMME');
    }
  }
  if (totals.billed !== undefined && totals.tax !== undefined) {
    const expected = round2((totals.net ?? sum) + totals.tax);
    if (differs(totals.billed, expected)) {
      const billed = segments.find((segment) => segment.name === 'E1EDS01' && field(segment, 'SUMID') === TOTAL.billed) as Segment;
      throw invalidField(billed, 'SUMME', `billed value (SUMID 011) ${totals.billed} does not add up: net ${totals.net ?? sum} + tax ${totals.tax} = ${expected}`);
    }
  }
  return totals;
}

export function mapInvoice(segments: Segment[], context: InvoiceMappingContext): InvoiceRecord {
  const header = segments.find((segment) => segment.name === 'E1EDK01');
  if (!header) {
    throw new IdocError({ code: 'MISSING_SEGMENT', message: 'Mandatory segment E1EDK01 (invoice header) is missing', segment: 'E1EDK01' });
  }
  const currency = currencyOf(header, 'CURCY');
  if (currency === undefined) {
    throw new IdocError({ code: 'MISSING_FIELD', message: 'Segment E1EDK01 has no currency (CURCY): an invoice without a currency cannot be settled', segment: 'E1EDK01', field: 'CURCY' });
  }
  // In INVOIC02 the header's siblings (E1EDKA1, E1EDK02, ...) follow E1EDK01 at the top level; some
  // middleware nests them under E1EDK01. Both shapes are read.
  const headerSegments = [...segments, ...header.children];
  const references = headerSegments.filter((segment) => segment.name === 'E1EDK02').map((segment) => readReference(segment, 'POSNR'));
  const referenced = (wanted: string): string | undefined => references.find((reference) => reference.qualifier === wanted)?.documentNumber;
  const invoiceNumberRaw = field(header, 'BELNR') ?? referenced(REFERENCE.invoiceNumber);
  if (invoiceNumberRaw === undefined) {
    throw new IdocError({ code: 'MISSING_FIELD', message: 'The invoice has no number: E1EDK01-BELNR or E1EDK02 QUALF 009 is required', segment: 'E1EDK01', field: 'BELNR' });
  }
  const invoiceNumber = alpha(invoiceNumberRaw);
  const senderPartner = context.control.senderPartner;
  const headerDelivery = referenced(REFERENCE.deliveryNote);
  const items = headerSegments.filter((segment) => segment.name === 'E1EDP01');
  if (items.length === 0) {
    throw new IdocError({ code: 'MISSING_SEGMENT', message: 'The invoice has no items (E1EDP01)', segment: 'E1EDP01' });
  }
  const lines = items.map((item) => readLine(item, { senderPartner, currency, headerDelivery }));
  const seen = new Set<string>();
  for (const [index, line] of lines.entries()) {
    if (seen.has(line.lineNumber)) throw invalidField(items[index] as Segment, 'POSEX', `item ${line.lineNumber} appears twice`);
    seen.add(line.lineNumber);
  }
  const totals = checkTotals(headerSegments, lines, currency);
  return {
    invoiceId: `${senderPartner}/${invoiceNumber}`,
    invoiceNumber,
    senderPartner,
    documentType: field(header, 'BSART'),
    currency,
    exchangeRate: decimalField(header, 'WKURS'),
    paymentTerms: field(header, 'ZTERM'),
    invoiceDate: invoiceDate(headerSegments, context),
    purchaseOrder: referenced(REFERENCE.purchaseOrder),
    salesOrder: referenced(REFERENCE.order),
    netTotal: totals.net ?? round2(lines.reduce((total, line) => total + line.netAmount, 0)),
    taxTotal: totals.tax,
    grossTotal: totals.billed,
    partners: readPartners(headerSegments),
    references,
    lines,
  };
}
