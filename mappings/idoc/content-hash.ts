import { createHash } from 'node:crypto';
import type { Segment } from './segment';

/** Characters after which JSON.stringify of a string is no longer `"` + the string + `"`. */
const NEEDS_ESCAPING = /["\\\u0000-\u001f\ud800-\udfff]/;

/** A string as JSON.stringify writes it; the common plain case without a call into it. */
function jsonString(text: string): string {
  return NEEDS_ESCAPING.test(text) ? JSON.stringify(text) : `"${text}"`;
}

function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The segment's canonical form as JSON text, character for character what
 * `JSON.stringify([name, [[field, trimmed value], …sorted by field name], [children…]])` writes
 * (test/mappings/content-hash.test.ts holds that form and pins the two together), built directly:
 * the arrays and the generic JSON.stringify walk cost more than the SHA-256 itself.
 */
function canonical(segment: Segment): string {
  const fields = segment.fields;
  const names: string[] = [];
  for (const name in fields) {
    if (Object.prototype.hasOwnProperty.call(fields, name) && (fields[name] as string).trim() !== '') names.push(name);
  }
  names.sort(byName);
  let text = `[${jsonString(segment.name)},[`;
  for (let i = 0; i < names.length; i++) {
    const name = names[i] as string;
    text += `${i === 0 ? '' : ','}[${jsonString(name)},${jsonString((fields[name] as string).trim())}]`;
  }
  text += '],[';
  const children = segment.children;
  for (let i = 0; i < children.length; i++) text += (i === 0 ? '' : ',') + canonical(children[i] as Segment);
  return `${text}]]`;
}

/**
 * SHA-256 of an IDoc's segments and non-empty field values, blind to whitespace, namespaces, the
 * order of fields within a segment (a flat file has SAP's definition order, an XML port or a
 * middleware mapping may not) and the packet it came in: the same IDoc resent in another envelope
 * or transport has the same content hash. The order of segments counts.
 */
export function contentHashOf(control: Segment | undefined, segments: Segment[]): string {
  let text = `[${control ? canonical(control) : 'null'},[`;
  for (let i = 0; i < segments.length; i++) text += (i === 0 ? '' : ',') + canonical(segments[i] as Segment);
  return createHash('sha256').update(`${text}]]`).digest('hex');
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
