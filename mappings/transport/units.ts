import { IdocError } from '../errors';
import type { Segment } from '../idoc/segment';
import { field } from '../idoc/segment';

/**
 * Units a shipment IDoc states its weights, distances and quantities in, ISO and SAP internal
 * codes. A unit Lading cannot place is refused only where it must be compared with another
 * (a handling unit's weight against the shipment's planning weight unit, a content quantity against
 * the delivery item's unit); elsewhere it is kept as sent.
 */

const KILOGRAMS_PER_UNIT: Readonly<Record<string, number>> = {
  KGM: 1, KG: 1, GRM: 0.001, G: 0.001, MGM: 0.000001, MG: 0.000001, TNE: 1000, TO: 1000, T: 1000,
  LBR: 0.45359237, LB: 0.45359237, ONZ: 0.028349523125, OZ: 0.028349523125,
};

const METRES_PER_UNIT: Readonly<Record<string, number>> = {
  KMT: 1000, KM: 1000, MTR: 1, M: 1, SMI: 1609.344, MI: 1609.344, NMI: 1852, NM: 1852, MIL: 1609.344,
};

export function invalidField(segment: Segment, name: string, message: string): IdocError {
  return new IdocError({ code: 'INVALID_FIELD', message: `${segment.name}-${name}: ${message}`, segment: segment.name, field: name });
}

export function isWeightUnit(unit: string): boolean {
  return KILOGRAMS_PER_UNIT[unit.toUpperCase()] !== undefined;
}

/** A weight unit field (GEWEI, DTMEG): a unit Lading can convert, so weights of units, deliveries and the shipment compare. */
export function weightUnitField(segment: Segment, name: string): string | undefined {
  const unit = field(segment, name);
  if (unit !== undefined && !isWeightUnit(unit)) throw invalidField(segment, name, `"${unit}" is not a unit of weight`);
  return unit;
}

/** A distance unit (MEDST) next to a distance (DISTZ): required with a distance, and a length unit. */
export function distanceUnitField(segment: Segment, distance: number | undefined): string | undefined {
  const unit = field(segment, 'MEDST');
  if (unit === undefined) {
    if (distance !== undefined && distance !== 0) throw invalidField(segment, 'MEDST', `distance ${distance} has no unit`);
    return undefined;
  }
  if (METRES_PER_UNIT[unit.toUpperCase()] === undefined) throw invalidField(segment, 'MEDST', `"${unit}" is not a unit of distance`);
  return unit;
}
