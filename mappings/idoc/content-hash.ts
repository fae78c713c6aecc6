import { createHash } from 'node:crypto';
import type { Segment } from './segment';

function canonical(segment: Segment): unknown[] {
  const fields = Object.entries(segment.fields)
    .map(([name, value]) => [name, value.trim()] as const)
    .filter(([, value]) => value !== '');
  return [segment.name, fields, segment.children.map(canonical)];
}

/**
 * SHA-256 of an IDoc's segments and non-empty field values, blind to whitespace, namespaces and
 * the packet it came in: the same IDoc resent in another envelope has the same content hash.
 */
export function contentHashOf(control: Segment | undefined, segments: Segment[]): string {
  const tree = [control ? canonical(control) : null, segments.map(canonical)];
  return createHash('sha256').update(JSON.stringify(tree)).digest('hex');
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
