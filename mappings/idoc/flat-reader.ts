import { IdocError } from '../errors';
import type { IdocErrorCode } from '../errors';
import type { Segment } from './segment';
import type { XmlIdoc, XmlIdocPacket } from './xml-reader';
import { SEGMENT_LAYOUTS } from './layouts';
import type { SegmentLayout } from './layouts/records';
import { CONTROL_RECORD, DATA_RECORD_HEADER, recordLength, SDATA_LENGTH } from './layouts/records';

/**
 * Reads flat-file IDocs as SAP file ports write them: per IDoc one EDI_DC40 control record
 * (524 characters) and its EDI_DD40 data records (63 characters of administration + SDATA),
 * one record per line, CRLF or LF. Produces the same packet as the XML reader, so mapping and
 * storage do not know which transport an IDoc came by.
 *
 * Widths are characters of the decoded text: a Unicode SAP system counts characters, not bytes.
 * SDATA is split by the segment layouts in ./layouts (data, not code); a segment without a
 * layout is kept whole as one field SDATA, like an unknown segment in XML is kept as data.
 */

export interface FlatLimits {
  /** Deepest segment nesting accepted (HLEVEL or PSGNUM chain). Default 64, as the XML reader. */
  maxDepth: number;
  /** Most records (control and data) in one file. Default 1,000,000, as the XML reader's elements. */
  maxRecords: number;
  /** Longest line accepted: a data record is 1,063 characters; anything longer is not a record. */
  maxLineLength: number;
}

export const DEFAULT_FLAT_LIMITS: FlatLimits = { maxDepth: 64, maxRecords: 1_000_000, maxLineLength: 63 + SDATA_LENGTH };

const CONTROL_LENGTH = recordLength(CONTROL_RECORD);
const HEADER_LENGTH = recordLength(DATA_RECORD_HEADER);

/** Segments whose flat layout is known, by segment type. */
const LAYOUTS: Readonly<Record<string, SegmentLayout>> = SEGMENT_LAYOUTS;

interface Line {
  /** 1-based line number in the file, for errors. */
  number: number;
  text: string;
  offset: number;
  /** Offset just past the text, before the line end. */
  end: number;
}

interface OpenSegment {
  segment: Segment;
  level: number;
}

interface IdocUnderConstruction {
  control: Segment;
  controlDocnum: string;
  segments: Segment[];
  bySegnum: Map<number, OpenSegment>;
  /** Open segments by nesting, for records that give HLEVEL but no PSGNUM. */
  stack: OpenSegment[];
  /** HLEVEL of the first top-level segment: SAP writes 02 (the control record counts as 01), others 01. */
  baseLevel?: number;
  lastSegnum: number;
  start: number;
  end: number;
}

function fail(line: Line, code: IdocErrorCode, message: string, place: { segment?: string; field?: string; column?: number } = {}): never {
  const column = place.column ?? 1;
  const where = [place.segment, place.field].filter(Boolean).join('-');
  throw new IdocError({
    code,
    message: `Record ${line.number}${where ? ` (${where})` : ''}: ${message} (line ${line.number}, column ${column})`,
    segment: place.segment,
    field: place.field,
    line: line.number,
    column,
  });
}

function* linesOf(text: string): Generator<Line> {
  let offset = text.charCodeAt(0) === 0xfeff ? 1 : 0; // byte order mark
  let number = 0;
  while (offset < text.length) {
    const newline = text.indexOf('\n', offset);
    const next = newline === -1 ? text.length : newline + 1;
    let end = newline === -1 ? text.length : newline;
    if (end > offset && text.charCodeAt(end - 1) === 13) end--; // CRLF
    number++;
    yield { number, text: text.slice(offset, end), offset, end };
    offset = next;
  }
}

/** Splits a fixed-width record by a layout; blank fields are left out, as an absent XML element. */
function split(text: string, layout: SegmentLayout, start: number): { fields: Record<string, string>; end: number } {
  const fields: Record<string, string> = {};
  let position = start;
  for (const [name, length] of layout.fields) {
    const value = text.slice(position, position + length).trimEnd();
    if (value.trim() !== '') fields[name] = value;
    position += length;
  }
  return { fields, end: position };
}

/**
 * E2EDL20004 (segment definition, version 004) → E1EDL20 (segment type). Known types are matched
 * first; an unknown E2/Z2 name loses a trailing three-digit version only when a type name remains.
 */
export function segmentTypeOf(name: string): string {
  if (!/^[EZ]2/.test(name)) return name;
  const type = `${name[0]}1${name.slice(2)}`;
  if (LAYOUTS[type]) return type;
  const unversioned = type.replace(/\d{3}$/, '');
  if (LAYOUTS[unversioned] || (unversioned !== type && unversioned.length >= 7)) return unversioned;
  return type;
}

function readControl(line: Line): Segment {
  if (line.text.length > CONTROL_LENGTH && line.text.slice(CONTROL_LENGTH).trim() !== '') {
    fail(line, 'LIMIT_EXCEEDED', `the control record is longer than ${CONTROL_LENGTH} characters`, { segment: 'EDI_DC40', column: CONTROL_LENGTH + 1 });
  }
  const { fields } = split(line.text, CONTROL_RECORD, 0);
  return { name: 'EDI_DC40', fields, children: [], offset: line.offset };
}

function numberField(line: Line, raw: string, field: string, column: number): number | undefined {
  const value = raw.trim();
  if (value === '') return undefined;
  if (!/^\d+$/.test(value)) fail(line, 'INVALID_FIELD', `${field} "${value}" is not a number`, { segment: 'EDI_DD40', field, column });
  return Number(value);
}

interface DataHeader {
  name: string;
  docnum: string;
  segnum?: number;
  psgnum?: number;
  hlevel?: number;
}

function readDataHeader(line: Line): DataHeader {
  const text = line.text;
  const name = text.slice(0, 30).trim();
  if (name === '') fail(line, 'INVALID_FIELD', 'the data record has no segment name', { segment: 'EDI_DD40', field: 'SEGNAM', column: 1 });
  if (!/^[A-Z0-9_/]+$/i.test(name)) fail(line, 'INVALID_FIELD', `"${name}" is not a segment name`, { segment: 'EDI_DD40', field: 'SEGNAM', column: 1 });
  return {
    name,
    docnum: text.slice(33, 49).trim(),
    segnum: numberField(line, text.slice(49, 55), 'SEGNUM', 50),
    psgnum: numberField(line, text.slice(55, 61), 'PSGNUM', 56),
    hlevel: numberField(line, text.slice(61, 63), 'HLEVEL', 62),
  };
}

function readSegment(line: Line, type: string): Segment {
  const layout = LAYOUTS[type];
  const sdata = line.text.slice(HEADER_LENGTH, HEADER_LENGTH + SDATA_LENGTH);
  if (!layout) {
    const value = sdata.trimEnd();
    return { name: type, fields: value.trim() === '' ? {} : { SDATA: value }, children: [], offset: line.offset };
  }
  const { fields, end } = split(sdata, layout, 0);
  // Data past the fields we know (a newer segment version) is kept, never dropped silently.
  const rest = sdata.slice(end).trimEnd();
  if (rest.trim() !== '') fields.SDATA_REST = rest;
  return { name: type, fields, children: [], offset: line.offset };
}

class FlatReader {
  private readonly idocs: XmlIdoc[] = [];
  private current: IdocUnderConstruction | undefined;
  private records = 0;

  constructor(
    private readonly text: string,
    private readonly limits: FlatLimits,
  ) {}

  read(): XmlIdocPacket {
    for (const line of linesOf(this.text)) {
      if (line.text.trim() === '') continue; // blank lines between IDocs, a final line end
      if (++this.records > this.limits.maxRecords) {
        fail(line, 'LIMIT_EXCEEDED', `the file has more than ${this.limits.maxRecords} records`);
      }
      if (line.text.length > this.limits.maxLineLength) {
        fail(line, 'LIMIT_EXCEEDED', `the record is longer than ${this.limits.maxLineLength} characters`, { column: this.limits.maxLineLength + 1 });
      }
      if (line.text.startsWith('EDI_DC40')) this.startIdoc(line);
      else this.addRecord(line);
    }
    this.finishIdoc();
    const first = this.idocs[0]?.control?.fields;
    return { root: first?.CIMTYP?.trim() || first?.IDOCTYP?.trim() || 'EDI_DC40', idocs: this.idocs };
  }

  private startIdoc(line: Line): void {
    this.finishIdoc();
    const control = readControl(line);
    this.current = {
      control, controlDocnum: control.fields.DOCNUM?.trim() ?? '', segments: [], bySegnum: new Map(), stack: [],
      lastSegnum: 0, start: line.offset, end: line.end,
    };
  }

  private finishIdoc(): void {
    const idoc = this.current;
    if (!idoc) return;
    this.idocs.push({
      index: this.idocs.length, control: idoc.control, segments: idoc.segments,
      raw: this.text.slice(idoc.start, idoc.end), offset: idoc.start,
    });
    this.current = undefined;
  }

  private addRecord(line: Line): void {
    const idoc = this.current;
    if (!idoc) fail(line, 'MISSING_SEGMENT', 'a data record before any control record EDI_DC40', { segment: 'EDI_DC40' });
    const header = readDataHeader(line);
    const type = segmentTypeOf(header.name.toUpperCase());
    // Writers differ in zero padding; the number is what must agree.
    if (header.docnum !== '' && idoc.controlDocnum !== '' && header.docnum.replace(/^0+/, '') !== idoc.controlDocnum.replace(/^0+/, '')) {
      fail(line, 'INVALID_FIELD', `DOCNUM ${header.docnum} differs from the control record's ${idoc.controlDocnum}`, { segment: type, field: 'DOCNUM', column: 34 });
    }
    const segnum = header.segnum ?? idoc.lastSegnum + 1;
    if (idoc.bySegnum.has(segnum)) fail(line, 'INVALID_FIELD', `segment number ${segnum} is used twice`, { segment: type, field: 'SEGNUM', column: 50 });
    idoc.lastSegnum = segnum;
    const segment = readSegment(line, type);
    const { parent, level } = this.placeOf(line, idoc, header, type);
    if (level - (idoc.baseLevel ?? level) + 1 > this.limits.maxDepth) {
      fail(line, 'LIMIT_EXCEEDED', `segments are nested deeper than ${this.limits.maxDepth} levels`, { segment: type, field: 'HLEVEL', column: 62 });
    }
    (parent ? parent.children : idoc.segments).push(segment);
    const open = { segment, level };
    idoc.bySegnum.set(segnum, open);
    while (idoc.stack.length > 0 && (idoc.stack[idoc.stack.length - 1] as OpenSegment).level >= level) idoc.stack.pop();
    idoc.stack.push(open);
    idoc.end = line.end;
  }

  /** The parent: by PSGNUM when given (SAP writes 000000 for top-level segments), else by HLEVEL. */
  private placeOf(line: Line, idoc: IdocUnderConstruction, header: DataHeader, type: string): { parent?: Segment; level: number } {
    if (header.psgnum !== undefined && header.psgnum !== 0) {
      const parent = idoc.bySegnum.get(header.psgnum);
      if (!parent) fail(line, 'INVALID_FIELD', `parent segment ${header.psgnum} does not precede this segment`, { segment: type, field: 'PSGNUM', column: 56 });
      return { parent: parent.segment, level: parent.level + 1 };
    }
    const hlevel = header.hlevel;
    idoc.baseLevel ??= hlevel ?? 1; // the first segment sets the top level
    const top = idoc.baseLevel;
    if (hlevel === undefined || hlevel === top) return { level: top }; // neither PSGNUM nor HLEVEL: top level
    if (hlevel < top) {
      fail(line, 'INVALID_FIELD', `HLEVEL ${hlevel} is above the top level ${top} of this IDoc`, { segment: type, field: 'HLEVEL', column: 62 });
    }
    // Nearest open segment one level up.
    for (let i = idoc.stack.length - 1; i >= 0; i--) {
      const candidate = idoc.stack[i] as OpenSegment;
      if (candidate.level === hlevel - 1) return { parent: candidate.segment, level: hlevel };
      if (candidate.level < hlevel - 1) break;
    }
    return fail(line, 'INVALID_FIELD', `HLEVEL ${hlevel} has no open parent segment at level ${hlevel - 1}`, { segment: type, field: 'HLEVEL', column: 62 });
  }
}

/**
 * Reads a flat IDoc file: one or more IDocs, each starting with its EDI_DC40 record.
 * Throws IdocError naming the record (line), segment and field for anything it cannot place.
 */
export function readIdocFlat(text: string, limits: Partial<FlatLimits> = {}): XmlIdocPacket {
  return new FlatReader(text, { ...DEFAULT_FLAT_LIMITS, ...limits }).read();
}
