/** One IDoc ready to send to SAP. */
export interface OutboundIdoc {
  /** 16 digits, derived from the IDoc's source (see deterministicDocnum). */
  docnum: string;
  idocType: string;
  messageType: string;
  /** CIMTYP, when the IDoc uses an extension. */
  extensionType?: string;
  /** The whole XML document, as POSTed to /sap/bc/idoc_xml. */
  xml: string;
}
