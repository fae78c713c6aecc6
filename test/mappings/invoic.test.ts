import type { MappedInvoiceIdoc, XmlIdocPacket } from '../../mappings';
import { mapIdoc, mapperFor, readControlRecord, readIdocFlat, readIdocSoap, readIdocXml } from '../../mappings';
import { fixture } from '../support/lading';

/** INVOIC02 → an invoice whose lines bill delivery items; no ledger events; the same from XML, SOAP and flat file. */

const READERS: Record<'xml' | 'soap' | 'flat', { file: string; read: (text: string) => XmlIdocPacket }> = {
  xml: { file: 'invoic/invoic02-3-lines.xml', read: readIdocXml },
  soap: { file: 'invoic/invoic02-3-lines.soap.xml', read: readIdocSoap },
  flat: { file: 'invoic/invoic02-3-lines.flat.txt', read: readIdocFlat },
};

function mapped(format: keyof typeof READERS, text = fixture(READERS[format].file)): MappedInvoiceIdoc {
  const [idoc] = READERS[format].read(text).idocs;
  if (!idoc) throw new Error('no IDoc');
  const result = mapIdoc(readControlRecord(idoc.control), idoc.segments, { payloadHash: 'f'.repeat(64), receivedAt: '2026-12-01T10:00:00.000Z' });
  if (result.kind !== 'invoice') throw new Error(`expected an invoice, got ${result.kind}`);
  return result;
}

describe('INVOIC02 → invoice', () => {
  const { invoice, events, shipmentIds, summary } = mapped('xml');

  it('is routed to the invoice mapper by basic type and message type', () => {
    expect(mapperFor({ idocType: 'INVOIC02', messageType: 'INVOIC' }).kind).toBe('invoice');
    expect(mapperFor({ idocType: 'INVOIC01', messageType: 'INVOIC' }).kind).toBe('invoice');
    expect(() => mapperFor({ idocType: 'INVOIC02', messageType: 'DESADV' })).toThrow(/Message type DESADV is not supported on INVOIC02/);
  });

  it('stays off the ledger and names the delivery it bills', () => {
    expect(events).toEqual([]);
    expect(shipmentIds).toEqual(['S4HCLNT100/0080004242']);
    expect(summary).toBe('invoice 0090004242 (3 lines, 3807 EUR)');
  });

  it('reads the header: number, currency, terms, dates, references, partners and totals', () => {
    expect(invoice).toMatchObject({
      invoiceId: 'S4HCLNT100/0090004242', invoiceNumber: '0090004242', senderPartner: 'S4HCLNT100', documentType: 'INVO',
      currency: 'EUR', exchangeRate: 1, paymentTerms: 'NT30', invoiceDate: '2026-12-01', purchaseOrder: 'PO-ACME-7731',
      salesOrder: '0004504242', netTotal: 3807, taxTotal: 723.33, grossTotal: 4530.33,
    });
    expect(invoice.partners.map((partner) => [partner.role, partner.partnerId, partner.name])).toEqual([
      ['AG', '0017100001', 'Acme Imports Ltd'], ['RE', '0017100001', 'Acme Imports Ltd Accounts Payable'], ['RS', '1010', 'Hanse Pumpen GmbH'],
    ]);
    expect(invoice.references.map((reference) => [reference.qualifier, reference.documentNumber, reference.date])).toEqual([
      ['001', 'PO-ACME-7731', '2026-11-10'], ['002', '0004504242', '2026-11-12'], ['009', '0090004242', '2026-12-01'], ['012', '0080004242', '2026-11-24'],
    ]);
  });

  it('links every line to its delivery item, with quantity, unit, price per price unit and net amount', () => {
    expect(invoice.lines).toEqual([
      { lineNumber: '000010', shipmentId: 'S4HCLNT100/0080004242', deliveryNumber: '0080004242', deliveryItem: '000010', material: '100000', description: 'Pump housing cast iron 0', quantity: 10, unit: 'PC', unitPrice: 125, priceUnit: 1, netAmount: 1250, netWeight: 0, weightUnit: 'KGM' },
      { lineNumber: '000020', shipmentId: 'S4HCLNT100/0080004242', deliveryNumber: '0080004242', deliveryItem: '000020', material: '100001', description: 'Pump housing cast iron 1', quantity: 11, unit: 'PC', unitPrice: 125, priceUnit: 1, netAmount: 1375, netWeight: 12.5, weightUnit: 'KGM' },
      { lineNumber: '000030', shipmentId: 'S4HCLNT100/0080004242', deliveryNumber: '0080004242', deliveryItem: '000030', material: '100002', description: 'Pump housing cast iron 2', quantity: 12, unit: 'PC', unitPrice: 985, priceUnit: 10, netAmount: 1182, netWeight: 25, weightUnit: 'KGM' },
    ]);
  });

  it.each(['soap', 'flat'] as const)('maps the %s transport of the same invoice identically', (format) => {
    expect(mapped(format)).toEqual(mapped('xml'));
  });

  it.each([
    ['per item E1EDP02 QUALF 012 (delivery note) when no 016 is sent', (xml: string) => xml.replaceAll('<QUALF>016</QUALF><BELNR>0080004242</BELNR>', '<QUALF>012</QUALF><BELNR>0080004242</BELNR>')],
    ['the header E1EDK02 QUALF 012 when items name no delivery', (xml: string) => xml.replace(/<E1EDP02 SEGMENT="1"><QUALF>016<\/QUALF>.*?<\/E1EDP02>/g, '')],
  ])('takes the delivery from %s', (_name, change) => {
    const { invoice: changed, shipmentIds: ids } = mapped('xml', change(fixture('invoic/invoic02-3-lines.xml')));
    expect(ids).toEqual(['S4HCLNT100/0080004242']);
    expect(changed.lines.map((line) => line.deliveryNumber)).toEqual(['0080004242', '0080004242', '0080004242']);
  });

  it('bills several deliveries in one collective invoice: the item reference wins over the header', () => {
    const xml = fixture('invoic/invoic02-3-lines.xml').replace('<QUALF>016</QUALF><BELNR>0080004242</BELNR><ZEILE>000030</ZEILE>', '<QUALF>016</QUALF><BELNR>80004243</BELNR><ZEILE>000010</ZEILE>');
    const { invoice: changed, shipmentIds: ids } = mapped('xml', xml);
    expect(ids).toEqual(['S4HCLNT100/0080004242', 'S4HCLNT100/0080004243']);
    expect(changed.lines[2]).toMatchObject({ shipmentId: 'S4HCLNT100/0080004243', deliveryItem: '000010' });
  });

  it('takes the net value from NETWR when no E1EDP26 QUALF 003 is sent, and the number from E1EDK02 QUALF 009 without BELNR', () => {
    const xml = fixture('invoic/invoic02-3-lines.xml').replace(/<E1EDP26 SEGMENT="1"><QUALF>003<\/QUALF>.*?<\/E1EDP26>/g, '').replace('<BELNR>0090004242</BELNR><NTGEW>', '<NTGEW>');
    const { invoice: changed } = mapped('xml', xml);
    expect(changed.invoiceNumber).toBe('0090004242');
    expect(changed.lines.map((line) => line.netAmount)).toEqual([1250, 1375, 1182]);
  });

  it('dates the invoice by the control record when E1EDK03 has no document date', () => {
    const xml = fixture('invoic/invoic02-3-lines.xml').replace('<IDDAT>012</IDDAT><DATUM>20261201</DATUM>', '<IDDAT>024</IDDAT><DATUM>20261130</DATUM>').replace('<CREDAT>20261201</CREDAT>', '<CREDAT>20261202</CREDAT>');
    expect(mapped('xml', xml).invoice.invoiceDate).toBe('2026-12-02');
  });
});
