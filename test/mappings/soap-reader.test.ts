import { IdocError, readIdocSoap, readIdocXml } from '../../mappings';
import { fixture } from '../support/lading';

function soapError(document: string): IdocError {
  try {
    readIdocSoap(document);
  } catch (error) {
    if (error instanceof IdocError) return error;
    throw error;
  }
  throw new Error('expected an IdocError');
}

const IDOC = '<IDOC BEGIN="1"><EDI_DC40 SEGMENT="1"><DOCNUM>1</DOCNUM></EDI_DC40><E1EDL20 SEGMENT="1"><VBELN>1</VBELN></E1EDL20></IDOC>';

describe('readIdocSoap', () => {
  it('reads the IDoc of a SOAP 1.1 envelope exactly as the XML port reads it', () => {
    const soap = readIdocSoap(fixture('delvry/delvry07-desadv-3-items.soap.xml'));
    const xml = readIdocXml(fixture('delvry/delvry07-desadv-3-items.xml'));
    expect(soap).toMatchObject({ root: 'DELVRY07', soapVersion: '1.1' });
    expect(soap.idocs.map((idoc) => idoc.raw)).toEqual(xml.idocs.map((idoc) => idoc.raw));
    expect(soap.idocs[0]?.segments.map((segment) => segment.name)).toEqual(xml.idocs[0]?.segments.map((segment) => segment.name));
  });

  it('reads SOAP 1.2, a prefixed IDoc root and several IDOCs, ignoring the Header', () => {
    const document = '<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"><e:Header><x:IDOC xmlns:x="urn:x">not this</x:IDOC></e:Header>'
      + `<e:Body><m:DELVRY07 xmlns:m="urn:sap-com:document:sap:idoc:soap:messages">${IDOC}${IDOC.replace('<DOCNUM>1', '<DOCNUM>2')}</m:DELVRY07></e:Body></e:Envelope>`;
    const packet = readIdocSoap(document);
    expect(packet).toMatchObject({ root: 'DELVRY07', soapVersion: '1.2' });
    expect(packet.idocs.map((idoc) => idoc.control?.fields.DOCNUM)).toEqual(['1', '2']);
  });

  it.each([
    ['not an envelope', `<DELVRY07>${IDOC}</DELVRY07>`, 'not a SOAP Envelope'],
    ['wrong namespace', `<s:Envelope xmlns:s="urn:other"><s:Body><DELVRY07>${IDOC}</DELVRY07></s:Body></s:Envelope>`, 'not in a SOAP namespace'],
    ['no Body', '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Header><a>1</a></s:Header></s:Envelope>', 'no Body'],
    ['empty Body', '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body/></s:Envelope>', 'Body is empty'],
    ['two documents', `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><A>${IDOC}</A><B>${IDOC}</B></s:Body></s:Envelope>`, 'exactly one'],
    ['a Fault', '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault><faultcode>x</faultcode></s:Fault></s:Body></s:Envelope>', 'Fault'],
  ])('refuses %s with MALFORMED_XML and a position', (_name, document, message) => {
    const error = soapError(document);
    expect(error.code).toBe('MALFORMED_XML');
    expect(error.message).toContain(message);
    expect(error.line).toBe(1);
    expect(error.column).toBeGreaterThan(0);
  });

  it('keeps the XML limits and DTD refusal', () => {
    expect(soapError('<!DOCTYPE x [<!ENTITY a "b">]><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"/>').code).toBe('FORBIDDEN_DECLARATION');
    const deep = `${'<a>'.repeat(70)}${'</a>'.repeat(70)}`;
    expect(soapError(`<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Header>${deep}</s:Header></s:Envelope>`).code).toBe('LIMIT_EXCEEDED');
  });
});
