import { IdocError, readIdocXml } from '../../mappings';

function readError(xml: string): IdocError {
  try {
    readIdocXml(xml);
  } catch (error) {
    if (error instanceof IdocError) return error;
    throw error;
  }
  throw new Error('expected an IdocError');
}

describe('readIdocXml', () => {
  it('reads every IDOC of a packet with its control record, segments and exact text', () => {
    const xml = '<DELVRY07>\n <IDOC BEGIN="1"><EDI_DC40 SEGMENT="1"><DOCNUM>1</DOCNUM></EDI_DC40><E1EDL20 SEGMENT="1"><VBELN>1</VBELN></E1EDL20></IDOC>\n'
      + ' <IDOC BEGIN="1"><EDI_DC40 SEGMENT="1"><DOCNUM>2</DOCNUM></EDI_DC40><E1EDL20 SEGMENT="1"><VBELN>2</VBELN><E1EDL24 SEGMENT="1"><POSNR>10</POSNR></E1EDL24></E1EDL20></IDOC>\n</DELVRY07>';
    const packet = readIdocXml(xml);
    expect(packet.root).toBe('DELVRY07');
    expect(packet.idocs).toHaveLength(2);
    expect(packet.idocs.map((idoc) => idoc.control?.fields.DOCNUM)).toEqual(['1', '2']);
    expect(packet.idocs[1]?.segments[0]?.children[0]).toMatchObject({ name: 'E1EDL24', fields: { POSNR: '10' } });
    expect(packet.idocs[0]?.raw).toBe('<IDOC BEGIN="1"><EDI_DC40 SEGMENT="1"><DOCNUM>1</DOCNUM></EDI_DC40><E1EDL20 SEGMENT="1"><VBELN>1</VBELN></E1EDL20></IDOC>');
  });

  it('strips namespace prefixes, decodes entities and CDATA, keeps empty fields and segments', () => {
    const xml = '<?xml version="1.0"?><!-- c --><n:DELVRY07 xmlns:n="urn:x"><n:IDOC BEGIN="1"><n:EDI_DC40 SEGMENT="1"><n:DOCNUM/></n:EDI_DC40>'
      + '<E1EDL20 SEGMENT="1"><INCO2>A &amp; B &#x41;&#66;</INCO2><ARKTX><![CDATA[<raw> & text]]></ARKTX><E1EDL22 SEGMENT="1"/></E1EDL20></n:IDOC></n:DELVRY07>';
    const [idoc] = readIdocXml(xml).idocs;
    expect(idoc?.control?.fields).toEqual({ DOCNUM: '' });
    expect(idoc?.segments[0]?.fields).toEqual({ INCO2: 'A & B AB', ARKTX: '<raw> & text' });
    expect(idoc?.segments[0]?.children).toEqual([expect.objectContaining({ name: 'E1EDL22', fields: {}, children: [] })]);
  });

  it('accepts a lone IDOC as the root element', () => {
    const packet = readIdocXml('<IDOC BEGIN="1"><EDI_DC40 SEGMENT="1"><DOCNUM>7</DOCNUM></EDI_DC40></IDOC>');
    expect(packet.idocs).toHaveLength(1);
    expect(packet.idocs[0]?.control?.fields.DOCNUM).toBe('7');
  });

  it.each([
    ['mismatched closing tag', '<A>\n<IDOC>\n<B SEGMENT="1"></C></IDOC></A>', 'MALFORMED_XML', 3, 16],
    ['unclosed root', '<A><IDOC></IDOC>', 'MALFORMED_XML', 1, 17],
    ['text outside the root', '<A/>junk', 'MALFORMED_XML', 1, 5],
    ['second root', '<A/><B/>', 'MALFORMED_XML', 1, 5],
    ['unquoted attribute', '<A x=1/>', 'MALFORMED_XML', 1, 6],
    ['bare ampersand', '<A><B>AT&T</B></A>', 'MALFORMED_XML', 1, 9],
    ['mixed content', '<A><B>text<C/></B></A>', 'MALFORMED_XML', 1, 11],
    ['empty document', '   ', 'MALFORMED_XML', 1, 4],
    ['DOCTYPE', '<?xml version="1.0"?>\n<!DOCTYPE A [<!ENTITY e "x">]><A/>', 'FORBIDDEN_DECLARATION', 2, 1],
    ['undeclared entity', '<A><B>&e;</B></A>', 'FORBIDDEN_DECLARATION', 1, 7],
  ])('rejects %s with its position', (_name, xml, code, line, column) => {
    const error = readError(xml);
    expect(error.code).toBe(code);
    expect({ line: error.line, column: error.column }).toEqual({ line, column });
    expect(error.message).toContain(`line ${line}, column ${column}`);
  });

  it.each([
    ['a longer name than the open one', '<A><B SEGMENT="1"><BC>1</BCD></B></A>', 'Closing tag </BCD> does not match <BC> (line 1, column 24)'],
    ['a name with a non-ASCII tail', '<A><B>1</Bä></A>', 'Closing tag </Bä> does not match <B> (line 1, column 8)'],
    ['something before ">"', '<A><B>1</B x></A>', 'Expected ">" to close </B> (line 1, column 12)'],
    ['the end of the document', '<A></A', 'Expected ">" to close </A> (line 1, column 7)'],
    ['no open element', '</A>', 'Closing tag </A> without an opening tag (line 1, column 1)'],
    ['no name', '<A><B>1</></A>', 'Expected an element name (line 1, column 10)'],
  ])('names a closing tag with %s as it always did', (_name, xml, message) => {
    expect(readError(xml).message).toBe(message);
  });

  it('accepts whitespace before the ">" of a closing tag and non-ASCII names', () => {
    const packet = readIdocXml('<A><IDOC><ÄB SEGMENT="1"><F>1</F  ><G>2</G\n></ÄB></IDOC></A>');
    expect(packet.idocs[0]?.segments[0]).toMatchObject({ name: 'ÄB', fields: { F: '1', G: '2' } });
  });

  it.each([
    ['depth', '<A><B><C><D/></C></B></A>', { maxDepth: 3 }],
    ['element count', '<A><B/><B/><B/></A>', { maxElements: 3 }],
    ['field length', '<A><B>0123456789</B></A>', { maxFieldLength: 5 }],
  ])('enforces the %s limit', (_name, xml, limits) => {
    try {
      readIdocXml(xml, limits);
      throw new Error('expected a limit error');
    } catch (error) {
      expect(error).toBeInstanceOf(IdocError);
      expect((error as IdocError).code).toBe('LIMIT_EXCEEDED');
    }
  });
});
