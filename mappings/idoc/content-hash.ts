import { createHash } from 'node:crypto';
import type { Segment } from './segment';

function canonical(segment: Segment): unknown[] {
  const fields = Object.entries(segment.fields)
    .map(([name, value]) => [name, value.trim()] as const)
    .filter(([, value]) => value !== '')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return [segment.name, fields, segment.children.map(canonical)];
}

/**
 * SHA-256 of an IDoc's segments and non-empty field values, blind to whitespace, namespaces, the
 * order of fields within a segment (a flat file has SAP's definition order, an XML port or a
 * middleware mapping may not) and the packet it came in: the same IDoc resent in another envelope
 * or transport has the same content hash. The order of segments counts.
 */
export function contentHashOf(control: Segment | undefined, segments: Segment[]): string {
  const tree = [control ? canonical(control) : null, segments.map(canonical)];
  return createHash('sha256').update(JSON.stringify(tree)).digest('hex');
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
