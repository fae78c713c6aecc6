import { IdocError } from '../errors';
import type { Segment } from '../idoc/segment';
import { childrenNamed, field, requiredField } from '../idoc/segment';
import { alpha, instantField } from '../idoc/values';
import { amountField, sumAmounts } from './amounts';
import type { CustomsDeclarationItemRecord, CustomsStatusCode, DeclarationReading, DeclarationType } from './customs-record';
import { isCustomsStatus } from './status-events';

/**
 * Reads the Z1LADING_DECL segments of extension ZLADING_DECL01 (README.md here). Every value that
 * would mislead customs or the ledger is refused with the segment and field that carry it.
 */

export const DECLARATION_SEGMENT = 'Z1LADING_DECL';
export const DECLARATION_ITEM_SEGMENT = 'Z1LADING_DECL_ITEM';


/** EU Movement Reference Number: year (2 digits), country (2 letters), 14 letters or digits. */
const MRN = /^\d{2}[A-Z]{2}[A-Z0-9]{14}$/;
/** EU customs office reference number: country code and 6 letters or digits, e.g. DE004851. */
const CUSTOMS_OFFICE = /^[A-Z]{2}[A-Z0-9]{6}$/;
/** EU procedure code: requested and previous procedure, 2 digits each, e.g. 1000 (export), 4000. */
const PROCEDURE_CODE = /^\d{4}$/;
const DECLARATION_NUMBER = /^[A-Za-z0-9][A-Za-z0-9\-_.]{0,34}$/;
const HS_CODE = /^\d{6}(?:\d{2}){0,2}$/;
const COUNTRY = /^[A-Z]{2}$/;
/** ISO 4217 codes as the runtime's ICU knows them (Node 20: 160-odd), so XYZ or EURO are refused. */
const CURRENCIES: ReadonlySet<string> = new Set(Intl.supportedValuesOf('currency'));

function invalid(segment: Segment, name: string, message: string): IdocError {
  return new IdocError({ code: 'INVALID_FIELD', message: `${segment.name}-${name}: ${message}`, segment: segment.name, field: name });
}

function matching(segment: Segment, name: string, pattern: RegExp, what: string): string | undefined {
  const value = field(segment, name)?.toUpperCase();
  if (value !== undefined && !pattern.test(value)) throw invalid(segment, name, `"${value}" is not ${what}`);
  return value;
}

function currencyField(segment: Segment, name: string): string | undefined {
  const value = field(segment, name)?.toUpperCase();
  if (value !== undefined && !CURRENCIES.has(value)) throw invalid(segment, name, `"${value}" is not an ISO 4217 currency code`);
  return value;
}

function declarationType(segment: Segment): DeclarationType {
  const value = requiredField(segment, 'DECTYP').toUpperCase();
  if (value !== 'EX' && value !== 'IM') throw invalid(segment, 'DECTYP', `"${value}" is not a declaration type (EX export, IM import)`);
  return value;
}

function statusCode(segment: Segment): CustomsStatusCode {
  const value = requiredField(segment, 'STATUS').toUpperCase();
  if (!isCustomsStatus(value)) throw invalid(segment, 'STATUS', `"${value}" is not a customs status (SUBM, APPR, REJE, HOLD, INSP, RELS, EXIT)`);
  return value;
}

function statusInstant(segment: Segment): string {
  requiredField(segment, 'DECDAT');
  const instant = instantField(segment, 'DECDAT', 'DECTIM', field(segment, 'TZONE'), 'TZONE');
  if (instant === undefined) throw invalid(segment, 'DECDAT', 'is zero: a status needs the date customs reached it');
  return instant;
}

function readItem(segment: Segment, headerCurrency: string | undefined, deliveryItems: ReadonlySet<string>): CustomsDeclarationItemRecord {
  const itemNumber = alpha(requiredField(segment, 'POSNR'), 6);
  if (!/^\d{6}$/.test(itemNumber)) throw invalid(segment, 'POSNR', `"${itemNumber}" is not an item number (up to 6 digits)`);
  if (deliveryItems.size > 0 && !deliveryItems.has(itemNumber)) throw invalid(segment, 'POSNR', `item ${itemNumber} is not an item (E1EDL24) of this delivery`);
  const rawCode = requiredField(segment, 'STAWN');
  // SAP and people write commodity codes grouped ("8413 70 30", "8413.70.30"): the digits count.
  const commodityCode = rawCode.replace(/[\s.]/g, '');
  if (!HS_CODE.test(commodityCode)) throw invalid(segment, 'STAWN', `"${rawCode}" is not an HS code (6, 8 or 10 digits)`);
  requiredField(segment, 'HERKL');
  const originCountry = matching(segment, 'HERKL', COUNTRY, 'a country code (ISO 3166, 2 letters)') as string;
  requiredField(segment, 'CUSTVAL');
  const customsValue = amountField(segment, 'CUSTVAL') as string;
  const currency = currencyField(segment, 'WAERK') ?? headerCurrency;
  if (currency === undefined) {
    throw new IdocError({ code: 'MISSING_FIELD', message: `Segment ${segment.name} has no value for field WAERK, and its declaration (Z1LADING_DECL-WAERK) none either`, segment: segment.name, field: 'WAERK' });
  }
  const duty = amountField(segment, 'DUTY');
  return { itemNumber, commodityCode, originCountry, customsValue, currency, ...(duty === undefined ? {} : { duty }) };
}

function readItems(segment: Segment, currency: string | undefined, deliveryItems: ReadonlySet<string>): CustomsDeclarationItemRecord[] {
  const items: CustomsDeclarationItemRecord[] = [];
  for (const child of childrenNamed(segment, DECLARATION_ITEM_SEGMENT)) {
    const item = readItem(child, currency, deliveryItems);
    if (items.some((known) => known.itemNumber === item.itemNumber)) throw invalid(child, 'POSNR', `item ${item.itemNumber} is declared twice`);
    // One declaration, one currency: the ledger keeps one declared value per declaration.
    const expected = currency ?? items[0]?.currency;
    if (expected !== undefined && item.currency !== expected) {
      throw invalid(child, 'WAERK', `currency ${item.currency} differs from the declaration's ${expected}`);
    }
    items.push(item);
    // The ledger takes the declared value (and duty) as one amount of at most 15 integer digits.
    for (const [name, amounts] of [['CUSTVAL', items.map((known) => known.customsValue)], ['DUTY', items.flatMap((known) => known.duty ?? [])]] as const) {
      if (sumAmounts(amounts).split('.')[0].length > 15) throw invalid(child, name, 'the declaration\'s total exceeds 15 integer digits');
    }
  }
  return items;
}

/** Reads one Z1LADING_DECL; deliveryItems = the IDoc's E1EDL24 item numbers (empty: not checked). */
export function readDeclaration(segment: Segment, deliveryItems: ReadonlySet<string>): DeclarationReading {
  const type = declarationType(segment);
  const declarationNumber = field(segment, 'DECNO');
  if (declarationNumber !== undefined && !DECLARATION_NUMBER.test(declarationNumber)) {
    throw invalid(segment, 'DECNO', `"${declarationNumber}" is not a declaration number (up to 35 letters, digits, - _ .)`);
  }
  const mrn = matching(segment, 'MRN', MRN, 'a Movement Reference Number (18 characters: year, country, 14 letters or digits)');
  if (declarationNumber === undefined && mrn === undefined) {
    throw new IdocError({ code: 'MISSING_FIELD', message: 'Segment Z1LADING_DECL has neither a declaration number (DECNO) nor an MRN', segment: segment.name, field: 'DECNO' });
  }
  const currency = currencyField(segment, 'WAERK');
  return {
    declarationType: type,
    declarationNumber,
    mrn,
    customsOffice: matching(segment, 'OFFICE', CUSTOMS_OFFICE, 'a customs office code (country and 6 letters or digits, e.g. DE004851)'),
    procedureCode: matching(segment, 'PROCD', PROCEDURE_CODE, 'a procedure code (4 digits, e.g. 1000)'),
    status: statusCode(segment),
    statusAt: statusInstant(segment),
    reason: field(segment, 'REASON'),
    currency,
    items: readItems(segment, currency, deliveryItems),
  };
}
