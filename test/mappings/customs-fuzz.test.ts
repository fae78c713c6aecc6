import fc from 'fast-check';
import { IdocError, mapIdoc, readControlRecord, readIdocXml } from '../../mappings';
import type { MappedCustomsIdoc } from '../../mappings';
import { fixture } from '../support/lading';

/**
 * Property-based check of the customs fields themselves: any value in any Z1LADING_DECL or
 * Z1LADING_DECL_ITEM field either maps to a declaration that keeps the rules (HS codes of 6, 8 or
 * 10 digits, non-negative exact amounts, ISO currencies and countries, known statuses) or is
 * refused with an IdocError naming that segment and field. Fixed seed, bounded runs.
 */

const SEED = 4243;
const RUNS = 400;
const BASE = fixture('customs/decl07-export-submitted.xml');

const DECLARATION_FIELDS = ['DECTYP', 'DECNO', 'MRN', 'OFFICE', 'PROCD', 'STATUS', 'DECDAT', 'DECTIM', 'TZONE', 'WAERK', 'REASON', 'LOGSYS'] as const;
const ITEM_FIELDS = ['POSNR', 'STAWN', 'HERKL', 'CUSTVAL', 'WAERK', 'DUTY'] as const;

/** Sets a field of the first Z1LADING_DECL (or of its item `item`), adding it when absent. */
function withField(xml: string, segment: 'Z1LADING_DECL' | 'Z1LADING_DECL_ITEM', field: string, value: string, item = 0): string {
  const escaped = value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const pattern = new RegExp(`<${segment} SEGMENT="1">`, 'g');
  let index = -1;
  for (let n = 0; n <= (segment === 'Z1LADING_DECL' ? 0 : item); n++) index = (pattern.exec(xml)?.index ?? -1);
  if (index === -1) return xml;
  const open = `<${segment} SEGMENT="1">`;
  const start = index + open.length;
  const end = xml.indexOf(segment === 'Z1LADING_DECL' ? '<Z1LADING_DECL_ITEM' : '</Z1LADING_DECL_ITEM>', start);
  const body = xml.slice(start, end);
  const replaced = new RegExp(`<${field}>[^<]*</${field}>`).test(body)
    ? body.replace(new RegExp(`<${field}>[^<]*</${field}>`), `<${field}>${escaped}</${field}>`)
    : `<${field}>${escaped}</${field}>${body}`;
  return xml.slice(0, start) + replaced + xml.slice(end);
}

const plausible = fc.oneof(
  fc.constantFrom('', ' ', '-1', '1-', '0', '00000000', '20261340', '20260229', '240000', '8413', '84137', '8413703', '841370301', '84137030',
    '8413703012', '84137030123', 'EX', 'IM', 'XX', 'SUBM', 'EXIT', 'INSP', 'LOAD', 'EUR', 'eur', 'EURO', 'XYZ', 'DE', 'DEU', 'd3',
    'DE004851', 'DE00485', '1000', '10000', '26DE004851000042A7', '1.5', '1,5', '.', '-', '9'.repeat(16), '9'.repeat(15), '999999999999999.999999', '0.0000001', 'é', 'CET', 'MARS'),
  fc.string({ maxLength: 20 }),
  fc.stringMatching(/^\d{1,12}([.,]\d{0,8})?-?$/),
);

const mutation = fc.oneof(
  fc.tuple(fc.constantFrom(...DECLARATION_FIELDS), plausible).map(([field, value]) => (xml: string) => withField(xml, 'Z1LADING_DECL', field, value)),
  fc.tuple(fc.constantFrom(...ITEM_FIELDS), plausible, fc.integer({ min: 0, max: 2 })).map(([field, value, item]) => (xml: string) => withField(xml, 'Z1LADING_DECL_ITEM', field, value, item)),
);

function outcome(xml: string): MappedCustomsIdoc | IdocError {
  const [idoc] = readIdocXml(xml).idocs;
  try {
    return mapIdoc(readControlRecord(idoc?.control), idoc?.segments ?? [], { payloadHash: 'f'.repeat(64), receivedAt: '2026-11-25T12:00:00.000Z' }) as MappedCustomsIdoc;
  } catch (error) {
    if (error instanceof IdocError) return error;
    throw error;
  }
}

const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

describe('customs fields under fuzzing', () => {
  it(`map within the rules or are refused naming segment and field (${RUNS} runs, seed ${SEED})`, () => {
    fc.assert(fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (mutations) => {
      const result = outcome(mutations.reduce((xml, mutate) => mutate(xml), BASE));
      if (result instanceof IdocError) {
        expect(['MISSING_FIELD', 'INVALID_FIELD']).toContain(result.code);
        expect(['Z1LADING_DECL', 'Z1LADING_DECL_ITEM']).toContain(result.segment);
        expect(result.field).toBeTruthy();
        return;
      }
      for (const declaration of result.declarations) {
        expect(['EX', 'IM']).toContain(declaration.declarationType);
        expect(['SUBM', 'APPR', 'REJE', 'HOLD', 'INSP', 'RELS', 'EXIT']).toContain(declaration.status);
        expect(Number.isNaN(Date.parse(declaration.statusAt))).toBe(false);
        for (const item of declaration.items) {
          expect(item.commodityCode).toMatch(/^\d{6}(\d{2}){0,2}$/);
          expect(item.originCountry).toMatch(/^[A-Z]{2}$/);
          expect(item.customsValue).toMatch(/^\d{1,15}\.\d{2,6}$/);
          if (item.duty !== undefined) expect(item.duty).toMatch(/^\d{1,15}\.\d{2,6}$/);
          expect(CURRENCIES.has(item.currency)).toBe(true);
        }
      }
      // What goes to the private collection keeps the chaincode's rules.
      for (const values of Object.values(result.customsValues)) {
        expect(values.declaredValue).toMatch(/^\d{1,15}(\.\d{1,6})?$/);
        expect(values.hsCodes.length).toBeGreaterThan(0);
      }
      expect(JSON.stringify(result.events)).not.toContain('declaredValue');
    }), { seed: SEED, numRuns: RUNS });
  });
});
