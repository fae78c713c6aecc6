import { IdocError } from '../errors';
import type { Segment } from '../idoc/segment';
import { field } from '../idoc/segment';
import { isWeightUnit, METRES_PER_UNIT } from '../units';

/**
 * Units a shipment IDoc states its weights, distances and quantities in, ISO and SAP internal
 * codes. A unit Lading cannot place is refused only where it must be compared with another
 * (a handling unit's weight against the shipment's planning weight unit, a content quantity against
 * the delivery item's unit); elsewhere it is kept as sent.
 */

export function invalidField(segment: Segment, name: string, message: string): IdocError {
  return new IdocError({ code: 'INVALID_FIELD', message: `${segment.name}-${name}: ${message}`, segment: segment.name, field: name });
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
