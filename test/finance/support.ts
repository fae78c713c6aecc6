/** Invoices for finance tests: INVOIC02 as SAP's billing output writes it, one delivery per invoice. */

export interface InvoiceLineSpec {
  item: string;
  quantity: number;
  price: number;
  priceUnit?: number;
  /** Net amount; default quantity × price / price unit. */
  net?: number;
  unit?: string;
}

export interface InvoiceSpec {
  docnum: string;
  invoiceNumber: string;
  delivery: string;
  /** YYYYMMDD, default 20261201. */
  date?: string;
  lines: InvoiceLineSpec[];
}

export function invoiceXml(spec: InvoiceSpec): string {
  const date = spec.date ?? '20261201';
  const lines = spec.lines.map((line) => {
    const net = line.net ?? Math.round((line.quantity * line.price * 100) / (line.priceUnit ?? 1)) / 100;
    return { ...line, net };
  });
  const total = lines.reduce((sum, line) => sum + line.net, 0);
  const items = lines.map((line) => `
  <E1EDP01 SEGMENT="1"><POSEX>${line.item}</POSEX><MENGE>${line.quantity.toFixed(3)}</MENGE><MENEE>${line.unit ?? 'PC'}</MENEE><VPREI>${line.price.toFixed(2)}</VPREI><PEINH>${line.priceUnit ?? 1}</PEINH><NETWR>${line.net.toFixed(2)}</NETWR><CURCY>EUR</CURCY>
    <E1EDP02 SEGMENT="1"><QUALF>016</QUALF><BELNR>${spec.delivery}</BELNR><ZEILE>${line.item}</ZEILE></E1EDP02>
    <E1EDP26 SEGMENT="1"><QUALF>003</QUALF><BETRG>${line.net.toFixed(2)}</BETRG></E1EDP26>
  </E1EDP01>`).join('');
  return `<?xml version="1.0" encoding="UTF-8"?>
<INVOIC02><IDOC BEGIN="1">
  <EDI_DC40 SEGMENT="1"><TABNAM>EDI_DC40</TABNAM><MANDT>100</MANDT><DOCNUM>${spec.docnum}</DOCNUM><IDOCTYP>INVOIC02</IDOCTYP><MESTYP>INVOIC</MESTYP><SNDPOR>SAPS4H</SNDPOR><SNDPRT>LS</SNDPRT><SNDPRN>S4HCLNT100</SNDPRN><RCVPOR>LADING</RCVPOR><RCVPRT>LS</RCVPRT><RCVPRN>LADING</RCVPRN><CREDAT>${date}</CREDAT><CRETIM>090000</CRETIM></EDI_DC40>
  <E1EDK01 SEGMENT="1"><CURCY>EUR</CURCY><ZTERM>NT30</ZTERM><BSART>INVO</BSART><BELNR>${spec.invoiceNumber}</BELNR></E1EDK01>
  <E1EDKA1 SEGMENT="1"><PARVW>RE</PARVW><PARTN>0017100001</PARTN><NAME1>Acme Imports Ltd</NAME1><LAND1>GB</LAND1></E1EDKA1>
  <E1EDK02 SEGMENT="1"><QUALF>012</QUALF><BELNR>${spec.delivery}</BELNR></E1EDK02>
  <E1EDK03 SEGMENT="1"><IDDAT>012</IDDAT><DATUM>${date}</DATUM></E1EDK03>${items}
  <E1EDS01 SEGMENT="1"><SUMID>010</SUMID><SUMME>${total.toFixed(2)}</SUMME><WAERQ>EUR</WAERQ></E1EDS01>
</IDOC></INVOIC02>
`;
}

/** The three lines of delivery 0080004242 as delivered (10, 11, 12 PC), at 125.00 / 125.00 / 98.50. */
export const DELIVERED_LINES: InvoiceLineSpec[] = [
  { item: '000010', quantity: 10, price: 125 },
  { item: '000020', quantity: 11, price: 125 },
  { item: '000030', quantity: 12, price: 985, priceUnit: 10 },
];

/** Parses CSV as RFC 4180 writes it (quoted fields may hold commas, quotes and line breaks). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i] as string;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') { cell += '"'; i += 1; } else if (char === '"') quoted = false; else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') { row.push(cell); cell = ''; } else if (char === '\r' && text[i + 1] === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; i += 1; } else cell += char;
  }
  if (cell !== '' || row.length > 0) { row.push(cell); rows.push(row); }
  return rows;
}
