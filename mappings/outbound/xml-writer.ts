import { OutboundIdocError } from './errors';
import type { SegmentDefinition } from './segment-definitions';

/** A segment to write: its definition, the values Lading fills, and its child segments. */
export interface SegmentNode {
  readonly definition: SegmentDefinition;
  /** Field name → value; undefined and '' are left out, as SAP leaves out empty fields. */
  readonly values: Readonly<Record<string, string | undefined>>;
  readonly children?: readonly SegmentNode[];
}

// XML 1.0 has no way to carry these characters, not even as references.
const NOT_XML_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

export function escapeXml(value: string): string {
  return value.replace(/[&<>"']/g, (character) => ESCAPES[character] ?? character);
}

function checkedValue(definition: SegmentDefinition, name: string, value: string): string {
  const field = definition.fields.find((candidate) => candidate.name === name);
  if (!field) {
    throw new OutboundIdocError({ code: 'UNKNOWN_FIELD', message: `${definition.name} has no field ${name}`, segment: definition.name, field: name });
  }
  if (NOT_XML_CHAR.test(value)) {
    throw new OutboundIdocError({ code: 'INVALID_VALUE', message: `${definition.name}-${name} holds a character XML cannot carry`, segment: definition.name, field: name });
  }
  // Length in characters, as SAP's CHAR fields count them in a Unicode system.
  const characters = [...value];
  if (characters.length <= field.length) return value;
  if (field.text) return characters.slice(0, field.length).join('');
  throw new OutboundIdocError({
    code: 'VALUE_TOO_LONG',
    message: `${definition.name}-${name} "${value}" is longer than ${field.length} characters`,
    segment: definition.name,
    field: name,
  });
}

/** Writes one segment and its children; fields in definition order, whatever order the values came in. */
export function writeSegment(node: SegmentNode, indent = '  '): string {
  const { definition, values } = node;
  for (const name of Object.keys(values)) checkedValue(definition, name, values[name] ?? '');
  const fields = definition.fields
    .filter((field) => values[field.name] !== undefined && values[field.name] !== '')
    .map((field) => `<${field.name}>${escapeXml(checkedValue(definition, field.name, values[field.name] as string))}</${field.name}>`)
    .join('');
  const children = (node.children ?? []).map((child) => `\n${writeSegment(child, `${indent}  `)}`).join('');
  const close = children === '' ? '' : `\n${indent}`;
  return `${indent}<${definition.name} SEGMENT="1">${fields}${children}${close}</${definition.name}>`;
}

/**
 * An IDoc XML document as SAP's XML-HTTP inbound service reads it: the root named after the basic
 * type (or the extension when CIMTYP is set), one IDOC holding the control record and the data
 * segments.
 */
export function writeIdocDocument(root: string, control: SegmentNode, segments: readonly SegmentNode[]): string {
  const body = [control, ...segments].map((segment) => writeSegment(segment, '  ')).join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${root}>\n<IDOC BEGIN="1">\n${body}\n</IDOC>\n</${root}>\n`;
}
