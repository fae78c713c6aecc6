import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONTROL_RECORD, DATA_RECORD_HEADER, readIdocXml, SEGMENT_LAYOUTS } from '../../mappings';
import type { Segment, SegmentLayout } from '../../mappings';

/**
 * The flat file (file port) and the SOAP envelope of an IDoc XML fixture, written next to it as
 * `<name>.flat.txt` and `<name>.soap.xml`, for the fixtures' make-variants scripts. The flat file
 * numbers segments as SAP's file port does (SEGNUM, PSGNUM of the parent, HLEVEL from 02), with
 * CRLF line ends and trailing blanks cut; a field the segment's layout lacks is an error, not lost.
 */

export interface IdocVariants {
  /** The fixture folder, holding `<name>.xml`; the variants are written there too. */
  dir: string;
  name: string;
  /** The SOAP message's WS-Addressing MessageID (urn:uuid:…), fixed so the output is stable. */
  messageId: string;
}

const pad = (layout: SegmentLayout, values: Record<string, string>): string =>
  layout.fields.map(([field, length]) => (values[field] ?? '').padEnd(length).slice(0, length)).join('');

export function flatFileOf(xml: string): string {
  const [idoc] = readIdocXml(xml).idocs;
  if (!idoc?.control) throw new Error('the fixture has no IDoc');
  const control = idoc.control.fields;
  const records = [pad(CONTROL_RECORD, { ...control, TABNAM: 'EDI_DC40' }).trimEnd()];
  let segnum = 0;
  const emit = (segments: Segment[], parent: number, level: number): void => {
    for (const segment of segments) {
      const own = ++segnum;
      const layout = SEGMENT_LAYOUTS[segment.name];
      if (!layout) throw new Error(`no flat layout for ${segment.name}`);
      const lost = Object.keys(segment.fields).filter((field) => !layout.fields.some(([name]) => name === field));
      if (lost.length > 0) throw new Error(`${segment.name}: ${lost.join(', ')} not in the layout`);
      const header = pad(DATA_RECORD_HEADER, {
        SEGNAM: segment.name, MANDT: control.MANDT ?? '', DOCNUM: control.DOCNUM ?? '',
        SEGNUM: String(own).padStart(6, '0'), PSGNUM: String(parent).padStart(6, '0'), HLEVEL: String(level).padStart(2, '0'),
      });
      records.push(`${header}${pad(layout, segment.fields)}`.trimEnd());
      emit(segment.children, own, level + 1);
    }
  };
  emit(idoc.segments, 0, 2);
  return `${records.join('\r\n')}\r\n`;
}

/** The IDoc XML inside a SOAP envelope, its root element in SAP's IDoc SOAP namespace. */
export function soapEnvelopeOf(xml: string, messageId: string): string {
  const body = xml.replace(/^<\?xml[^>]*>\s*/, '');
  const root = /^<([A-Z0-9_]+)>/.exec(body)?.[1];
  if (!root) throw new Error('the fixture does not start with an IDoc root element');
  const inNamespace = body.replace(`<${root}>`, `<${root} xmlns="urn:sap-com:document:sap:idoc:soap:messages">`);
  return `<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">
  <soapenv:Header>
    <wsa:MessageID xmlns:wsa="http://www.w3.org/2005/08/addressing">${messageId}</wsa:MessageID>
  </soapenv:Header>
  <soapenv:Body>
    ${inNamespace.trim()}
  </soapenv:Body>
</soapenv:Envelope>
`;
}

export function writeIdocVariants({ dir, name, messageId }: IdocVariants): void {
  const xml = readFileSync(join(dir, `${name}.xml`), 'utf8');
  writeFileSync(join(dir, `${name}.flat.txt`), flatFileOf(xml));
  writeFileSync(join(dir, `${name}.soap.xml`), soapEnvelopeOf(xml, messageId));
}
