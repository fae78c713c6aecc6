import { IdocError } from '../errors';
import type { Segment } from './segment';

/**
 * Reads an IDoc XML document (SAP's XML-HTTP port format) into segment trees.
 *
 * A small purpose-built scanner rather than a general XML parser: IDoc XML has no mixed
 * content, and on the inbound hot path we want one pass that checks well-formedness, refuses
 * every DTD or entity declaration without expanding anything (billion laughs, XXE), enforces
 * size limits and keeps each IDoc's exact text as its payload.
 */

export interface XmlLimits {
  /** Deepest element nesting accepted. Default 64. */
  maxDepth: number;
  /** Most elements (segments and fields) in one document. Default 1,000,000. */
  maxElements: number;
  /** Longest field value in characters. Default 65,536. */
  maxFieldLength: number;
}

export const DEFAULT_XML_LIMITS: XmlLimits = { maxDepth: 64, maxElements: 1_000_000, maxFieldLength: 65_536 };

/** Where the IDOC elements sit; envelopes (SOAP) put them deeper than the XML-HTTP port does. */
export interface XmlScanOptions {
  /**
   * Number of elements enclosing each IDOC element. Default 1 (root > IDOC); a lone IDOC as
   * the root is always accepted. SOAP: 3 (Envelope > Body > DELVRY07 > IDOC).
   */
  idocDepth: number;
}

/** A scanned document: the IDocs, and the root element with whatever is not an IDOC (e.g. a SOAP Header and Body). */
export interface ScannedXml {
  packet: XmlIdocPacket;
  rootElement: Segment;
  /** Attributes of the root element as written (namespace declarations included). */
  rootAttributes: Record<string, string>;
}

export interface XmlIdoc {
  /** Position of this IDoc in its packet, from 0. */
  index: number;
  /** The EDI_DC40 control record, when present. */
  control?: Segment;
  /** Data segments directly under IDOC, in order. */
  segments: Segment[];
  /** The IDOC element exactly as received. */
  raw: string;
  offset: number;
}

export interface XmlIdocPacket {
  /** Root element name without namespace prefix: the basic type, or the extension when CIMTYP is set. */
  root: string;
  idocs: XmlIdoc[];
}

interface OpenElement {
  name: string;
  offset: number;
  isSegment: boolean;
  text: string;
  children: Segment[] | undefined;
  fields: Record<string, string> | undefined;
}

const PREDEFINED_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

export function positionOf(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

function localName(qualified: string): string {
  const colon = qualified.indexOf(':');
  return colon === -1 ? qualified : qualified.slice(colon + 1);
}

function isNameChar(code: number): boolean {
  return (
    (code >= 97 && code <= 122) || // a-z
    (code >= 65 && code <= 90) || // A-Z
    (code >= 48 && code <= 57) || // 0-9
    code === 95 || code === 45 || code === 46 || code === 58 || // _ - . : (SAP writes /NS/ as _-NS_-)
    code > 127
  );
}

function isSpace(code: number): boolean {
  return code === 32 || code === 10 || code === 13 || code === 9;
}

class Scanner {
  private pos = 0;
  private elements = 0;
  private readonly stack: OpenElement[] = [];
  private root: string | undefined;
  private rootClosed = false;
  private readonly idocs: XmlIdoc[] = [];
  private idocStart = -1;
  private rootElement: Segment | undefined;
  private readonly rootAttributes: Record<string, string> = {};

  constructor(
    private readonly xml: string,
    private readonly limits: XmlLimits,
    private readonly idocDepth = 1,
  ) {}

  read(): ScannedXml {
    const xml = this.xml;
    const length = xml.length;
    if (xml.charCodeAt(0) === 0xfeff) this.pos = 1; // byte order mark
    while (this.pos < length) {
      const lt = xml.indexOf('<', this.pos);
      const textEnd = lt === -1 ? length : lt;
      if (textEnd > this.pos) this.text(this.pos, textEnd);
      if (lt === -1) break;
      this.pos = lt;
      this.markup();
    }
    if (this.stack.length > 0) {
      const open = this.stack[this.stack.length - 1];
      this.fail(`Element <${open.name}> is not closed before the end of the document`, length);
    }
    if (this.root === undefined) this.fail('The document has no root element', length);
    const packet = { root: localName(this.root as string), idocs: this.idocs };
    const rootElement = this.rootElement ?? { name: packet.root, fields: {}, children: [], offset: 0 };
    return { packet, rootElement, rootAttributes: this.rootAttributes };
  }

  private fail(message: string, offset: number, code: 'MALFORMED_XML' | 'FORBIDDEN_DECLARATION' | 'LIMIT_EXCEEDED' = 'MALFORMED_XML'): never {
    const { line, column } = positionOf(this.xml, offset);
    throw new IdocError({ code, message: `${message} (line ${line}, column ${column})`, line, column });
  }

  private text(start: number, end: number): void {
    const top = this.stack[this.stack.length - 1];
    if (!top) {
      if (this.xml.slice(start, end).trim() !== '') this.fail('Text outside the root element', start);
      return;
    }
    if (top.children !== undefined) return; // whitespace between segments
    const raw = this.xml.slice(start, end);
    const value = raw.indexOf('&') === -1 ? raw : this.decodeEntities(raw, start);
    top.text = top.text === '' ? value : top.text + value;
    if (top.text.length > this.limits.maxFieldLength) {
      this.fail(`Field ${top.name} is longer than ${this.limits.maxFieldLength} characters`, start, 'LIMIT_EXCEEDED');
    }
  }

  private decodeEntities(raw: string, offset: number): string {
    return raw.replace(/&([^;&\s<]{0,32});?/g, (match: string, name: string, at: number) => {
      if (!match.endsWith(';')) this.fail('Unescaped "&" in text', offset + at);
      if (name.startsWith('#x')) return this.charRef(parseInt(name.slice(2), 16), offset + at);
      if (name.startsWith('#')) return this.charRef(parseInt(name.slice(1), 10), offset + at);
      const predefined = PREDEFINED_ENTITIES[name];
      if (predefined === undefined) this.fail(`Undeclared entity &${name}; (entities are not expanded)`, offset + at, 'FORBIDDEN_DECLARATION');
      return predefined;
    });
  }

  private charRef(code: number, offset: number): string {
    if (!Number.isInteger(code) || code <= 0 || code > 0x10ffff) this.fail('Invalid character reference', offset);
    return String.fromCodePoint(code);
  }

  private markup(): void {
    const xml = this.xml;
    const next = xml.charCodeAt(this.pos + 1);
    if (next === 63 /* ? */) return this.skipUntil('?>', 'processing instruction');
    if (next === 33 /* ! */) {
      if (xml.startsWith('<!--', this.pos)) return this.skipUntil('-->', 'comment');
      if (xml.startsWith('<![CDATA[', this.pos)) return this.cdata();
      const declaration = xml.slice(this.pos + 2, this.pos + 10).split(/[\s>[]/)[0];
      this.fail(`<!${declaration}> declarations are not accepted in IDocs`, this.pos, 'FORBIDDEN_DECLARATION');
    }
    if (next === 47 /* / */) return this.closeTag();
    return this.openTag();
  }

  private skipUntil(terminator: string, what: string): void {
    const end = this.xml.indexOf(terminator, this.pos + 2);
    if (end === -1) this.fail(`Unterminated ${what}`, this.pos);
    this.pos = end + terminator.length;
  }

  private cdata(): void {
    const start = this.pos + 9;
    const end = this.xml.indexOf(']]>', start);
    if (end === -1) this.fail('Unterminated CDATA section', this.pos);
    const top = this.stack[this.stack.length - 1];
    if (!top) this.fail('CDATA outside the root element', this.pos);
    if (top.children === undefined) top.text += this.xml.slice(start, end);
    this.pos = end + 3;
  }

  private readName(): string {
    const xml = this.xml;
    const start = this.pos;
    while (this.pos < xml.length && isNameChar(xml.charCodeAt(this.pos))) this.pos++;
    if (this.pos === start) this.fail('Expected an element name', start);
    return xml.slice(start, this.pos);
  }

  private skipSpace(): void {
    const xml = this.xml;
    while (this.pos < xml.length && isSpace(xml.charCodeAt(this.pos))) this.pos++;
  }

  private openTag(): void {
    const tagStart = this.pos;
    if (this.rootClosed) this.fail('A second root element', tagStart);
    this.pos++;
    const name = this.readName();
    let isSegment = false;
    const xml = this.xml;
    for (;;) {
      const spaceStart = this.pos;
      this.skipSpace();
      const code = xml.charCodeAt(this.pos);
      if (code === 62 /* > */ || code === 47 /* / */) break;
      if (Number.isNaN(code)) this.fail(`Unterminated tag <${name}>`, tagStart);
      if (this.pos === spaceStart) this.fail(`Expected whitespace before an attribute in <${name}>`, this.pos);
      const attribute = this.readName();
      this.skipSpace();
      if (xml.charCodeAt(this.pos) !== 61 /* = */) this.fail(`Attribute ${attribute} of <${name}> has no value`, this.pos);
      this.pos++;
      this.skipSpace();
      const quote = xml[this.pos];
      if (quote !== '"' && quote !== "'") this.fail(`Attribute ${attribute} of <${name}> is not quoted`, this.pos);
      const valueEnd = xml.indexOf(quote, this.pos + 1);
      if (valueEnd === -1) this.fail(`Unterminated value of attribute ${attribute}`, this.pos);
      const value = xml.slice(this.pos + 1, valueEnd);
      if (value.indexOf('<') !== -1) this.fail(`"<" in the value of attribute ${attribute}`, this.pos);
      const decoded = value.indexOf('&') !== -1 ? this.decodeEntities(value, this.pos + 1) : value;
      if (attribute === 'SEGMENT') isSegment = true;
      if (this.stack.length === 0) this.rootAttributes[attribute] = decoded;
      this.pos = valueEnd + 1;
    }
    const selfClosing = xml.charCodeAt(this.pos) === 47;
    if (selfClosing) {
      if (xml.charCodeAt(this.pos + 1) !== 62) this.fail(`Expected ">" after "/" in <${name}>`, this.pos);
      this.pos += 2;
    } else {
      this.pos += 1;
    }
    if (++this.elements > this.limits.maxElements) {
      this.fail(`The document has more than ${this.limits.maxElements} elements`, tagStart, 'LIMIT_EXCEEDED');
    }
    if (this.stack.length >= this.limits.maxDepth) {
      this.fail(`Elements are nested deeper than ${this.limits.maxDepth} levels`, tagStart, 'LIMIT_EXCEEDED');
    }
    const parent = this.stack[this.stack.length - 1];
    if (parent && parent.children === undefined) {
      // The parent turns out to hold elements: it is a segment, not a field.
      if (parent.text.trim() !== '') this.fail(`Element <${parent.name}> mixes text and elements`, tagStart);
      parent.children = [];
      parent.fields = {};
    }
    if (!parent) this.root = name;
    const local = localName(name);
    if (local === 'IDOC' && (this.stack.length === 0 || this.stack.length === this.idocDepth)) this.idocStart = tagStart;
    const element: OpenElement = {
      name,
      offset: tagStart,
      isSegment,
      text: '',
      children: isSegment || !parent ? [] : undefined,
      fields: isSegment || !parent ? {} : undefined,
    };
    this.stack.push(element);
    if (selfClosing) this.finish(element, this.pos);
  }

  private closeTag(): void {
    const tagStart = this.pos;
    const xml = this.xml;
    const open = this.stack[this.stack.length - 1];
    const nameStart = tagStart + 2;
    // The usual case compared in place: the open element's name, then a character that ends a name.
    if (open && xml.startsWith(open.name, nameStart) && !isNameChar(xml.charCodeAt(nameStart + open.name.length))) {
      this.pos = nameStart + open.name.length;
      this.skipSpace();
      if (xml.charCodeAt(this.pos) !== 62) this.fail(`Expected ">" to close </${open.name}>`, this.pos);
      this.pos++;
      this.finish(open, this.pos);
      return;
    }
    this.pos = nameStart;
    const name = this.readName();
    this.skipSpace();
    if (xml.charCodeAt(this.pos) !== 62) this.fail(`Expected ">" to close </${name}>`, this.pos);
    this.pos++;
    if (!open) this.fail(`Closing tag </${name}> without an opening tag`, tagStart);
    if (open.name !== name) this.fail(`Closing tag </${name}> does not match <${open.name}>`, tagStart);
    this.finish(open, this.pos);
  }

  private finish(element: OpenElement, end: number): void {
    this.stack.pop();
    const parent = this.stack[this.stack.length - 1];
    const local = localName(element.name);
    if (!parent) {
      this.rootClosed = true;
      if (local === 'IDOC') this.collectIdoc(element, this.idocStart >= 0 ? this.idocStart : element.offset, end);
      else this.rootElement = { name: local, fields: element.fields ?? {}, children: element.children ?? [], offset: element.offset };
      return;
    }
    if (local === 'IDOC' && this.stack.length === this.idocDepth) {
      this.collectIdoc(element, this.idocStart, end);
      return;
    }
    const parentFields = parent.fields as Record<string, string>;
    const parentChildren = parent.children as Segment[];
    if (element.children !== undefined) {
      parentChildren.push({
        name: local,
        fields: element.fields as Record<string, string>,
        children: element.children,
        offset: element.offset,
      });
    } else {
      parentFields[local] = element.text;
    }
  }

  private collectIdoc(element: OpenElement, start: number, end: number): void {
    const children = element.children ?? [];
    const controlIndex = children.findIndex((segment) => segment.name === 'EDI_DC40');
    this.idocs.push({
      index: this.idocs.length,
      control: controlIndex === -1 ? undefined : children[controlIndex],
      segments: children.filter((_, i) => i !== controlIndex),
      raw: this.xml.slice(start, end),
      offset: start,
    });
  }
}

/**
 * Reads a whole IDoc XML document: a root holding one or more IDOC elements, or a lone IDOC.
 * Throws IdocError with line and column on anything that is not well-formed.
 */
export function readIdocXml(xml: string, limits: Partial<XmlLimits> = {}): XmlIdocPacket {
  return new Scanner(xml, { ...DEFAULT_XML_LIMITS, ...limits }).read().packet;
}

/** Like readIdocXml, with IDOC elements at another depth and the rest of the document kept (for envelopes). */
export function scanIdocXml(xml: string, limits: Partial<XmlLimits> = {}, options: Partial<XmlScanOptions> = {}): ScannedXml {
  return new Scanner(xml, { ...DEFAULT_XML_LIMITS, ...limits }, options.idocDepth ?? 1).read();
}
