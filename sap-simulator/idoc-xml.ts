import { XMLParser, XMLValidator } from 'fast-xml-parser';

/** What the simulator needs to know of one received IDoc. */
export interface ParsedIdoc {
  docnum?: string;
  idocType?: string;
  extensionType?: string;
  messageType?: string;
  senderPartner?: string;
  client?: string;
  /** For DELVRY STPPOD: the delivery and its POD date/time (YYYYMMDD, HHMMSS). */
  proofOfDelivery?: { delivery: string; date?: string; time?: string };
}

export class IdocXmlError extends Error {
  override readonly name = 'IdocXmlError';
}

type XmlNode = Record<string, unknown>;

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false, // DOCNUM and VBELN keep their leading zeros
  trimValues: true,
  removeNSPrefix: true,
  processEntities: true,
  isArray: (name) => name === 'IDOC',
});

function text(node: unknown, field: string): string | undefined {
  if (typeof node !== 'object' || node === null) return undefined;
  const value = (node as XmlNode)[field];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function child(node: unknown, name: string): unknown {
  if (typeof node !== 'object' || node === null) return undefined;
  const value = (node as XmlNode)[name];
  return Array.isArray(value) ? value[0] : value;
}

function readOne(idoc: unknown): ParsedIdoc {
  const control = child(idoc, 'EDI_DC40');
  const parsed: ParsedIdoc = {
    docnum: text(control, 'DOCNUM'),
    idocType: text(control, 'IDOCTYP'),
    extensionType: text(control, 'CIMTYP'),
    messageType: text(control, 'MESTYP'),
    senderPartner: text(control, 'SNDPRN'),
    client: text(control, 'MANDT'),
  };
  const header = child(idoc, 'E1EDL20');
  const delivery = text(header, 'VBELN');
  if (parsed.messageType === 'STPPOD' && delivery !== undefined) {
    parsed.proofOfDelivery = { delivery, date: text(header, 'PODAT'), time: text(header, 'POTIM') };
  }
  return parsed;
}

/**
 * Reads an IDoc XML document: a root (basic type or extension) with one or more IDOC elements.
 * DTDs are refused outright, as SAP's parser does not expand them either.
 */
export function parseIdocXml(xml: string): ParsedIdoc[] {
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw new IdocXmlError('DTDs and entity declarations are not accepted');
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new IdocXmlError(`XML not well-formed: ${valid.err.msg} (line ${valid.err.line})`);
  const document = parser.parse(xml) as XmlNode;
  const roots = Object.keys(document).filter((key) => key !== '?xml');
  const root = roots.length === 1 ? document[roots[0] as string] : undefined;
  const idocs = child(root, 'IDOC') === undefined ? undefined : (root as XmlNode).IDOC;
  if (!Array.isArray(idocs) || idocs.length === 0) throw new IdocXmlError('The document holds no <IDOC> element');
  return idocs.map(readOne);
}
