import { IdocError } from '../errors';

/** A segment of an IDoc: its fields in order of arrival and its child segments. */
export interface Segment {
  name: string;
  fields: Record<string, string>;
  children: Segment[];
  /** Character offset in the document, for error positions. */
  offset: number;
}

/** A field's value with surrounding whitespace removed; undefined when absent or empty. */
export function field(segment: Segment, name: string): string | undefined {
  const value = segment.fields[name];
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

export function requiredField(segment: Segment, name: string): string {
  const value = field(segment, name);
  if (value === undefined) {
    throw new IdocError({
      code: 'MISSING_FIELD',
      message: `Segment ${segment.name} has no value for mandatory field ${name}`,
      segment: segment.name,
      field: name,
    });
  }
  return value;
}

export function childrenNamed(segment: Segment, name: string): Segment[] {
  return segment.children.filter((child) => child.name === name);
}

export function firstChild(segment: Segment, name: string): Segment | undefined {
  return segment.children.find((child) => child.name === name);
}

export function requiredChild(parent: Segment, name: string): Segment {
  const found = firstChild(parent, name);
  if (!found) {
    throw new IdocError({
      code: 'MISSING_SEGMENT',
      message: `Mandatory segment ${name} is missing under ${parent.name}`,
      segment: name,
    });
  }
  return found;
}

/** Depth-first walk over a segment tree. */
export function* walk(segments: Segment[]): Generator<Segment> {
  for (const segment of segments) {
    yield segment;
    yield* walk(segment.children);
  }
}
