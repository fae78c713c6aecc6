/**
 * Units of measure as SAP sends them, ISO codes (KGM, TNE) and SAP's internal ones (KG, TO) alike:
 * the one table Lading converts with, so an IDoc in KGM and SAP's API in KG mean the same weight.
 */

export const KILOGRAMS_PER_UNIT: Readonly<Record<string, number>> = {
  KGM: 1, KG: 1, GRM: 0.001, G: 0.001, MGM: 0.000001, MG: 0.000001, TNE: 1000, TO: 1000, T: 1000,
  LBR: 0.45359237, LB: 0.45359237, ONZ: 0.028349523125, OZ: 0.028349523125,
};

export const METRES_PER_UNIT: Readonly<Record<string, number>> = {
  KMT: 1000, KM: 1000, MTR: 1, M: 1, SMI: 1609.344, MI: 1609.344, NMI: 1852, NM: 1852, MIL: 1609.344,
};

export function isWeightUnit(unit: string): boolean {
  return KILOGRAMS_PER_UNIT[unit.toUpperCase()] !== undefined;
}

/** A weight in kilograms, or undefined when the unit is not a known weight unit. */
export function kilogramsOf(value: number, unit: string): number | undefined {
  const factor = KILOGRAMS_PER_UNIT[unit.toUpperCase()];
  return factor === undefined ? undefined : value * factor;
}

/** Whether two weight unit codes mean the same unit (KGM and KG); unknown codes only equal themselves. */
export function sameWeightUnit(left: string, right: string): boolean {
  if (left.toUpperCase() === right.toUpperCase()) return true;
  const a = KILOGRAMS_PER_UNIT[left.toUpperCase()];
  const b = KILOGRAMS_PER_UNIT[right.toUpperCase()];
  return a !== undefined && a === b;
}
