import { IdocError } from '../errors';
import type { IdocErrorBody } from '../errors';
import type { Segment } from './segment';
import type { XmlIdocPacket, XmlLimits } from './xml-reader';
import { positionOf, scanIdocXml } from './xml-reader';

/**
 * Reads IDocs as SAP PI / Integration Suite (and SAP's own SOAP IDoc port) send them:
 * `Envelope/Body/<DELVRY07 xmlns="urn:sap-com:document:sap:idoc:soap:messages">/IDOC/...`.
 *
 * The same scanner as the XML-HTTP port, told that IDOC elements sit three levels down, so
 * limits, DTD refusal and error positions are identical. The SOAP Header is read for
 * well-formedness only and otherwise ignored (WS-Addressing, PI's message id: nothing Lading uses).
 */

export const SOAP_11_NAMESPACE = 'http://schemas.xmlsoap.org/soap/envelope/';
export const SOAP_12_NAMESPACE = 'http://www.w3.org/2003/05/soap-envelope';
/** SAP's namespace for the IDoc root inside the Body. Documented, not enforced: PI mappings often drop it. */
export const IDOC_SOAP_NAMESPACE = 'urn:sap-com:document:sap:idoc:soap:messages';

export type SoapVersion = '1.1' | '1.2';

export interface SoapIdocPacket extends XmlIdocPacket {
  soapVersion: SoapVersion;
}

/** Envelope > Body > IDoc root > IDOC. */
const IDOC_DEPTH = 3;

function fail(document: string, offset: number, message: string): never {
  const { line, column } = positionOf(document, offset);
  throw new IdocError({ code: 'MALFORMED_XML', message: `${message} (line ${line}, column ${column})`, line, column });
}

/** The namespace URI bound to the root element's own prefix (or the default namespace). */
function rootNamespace(rootTag: string, attributes: Record<string, string>): string | undefined {
  const colon = rootTag.indexOf(':');
  return colon === -1 ? attributes.xmlns : attributes[`xmlns:${rootTag.slice(0, colon)}`];
}

function soapVersionOf(namespace: string | undefined): SoapVersion | undefined {
  if (namespace === SOAP_11_NAMESPACE) return '1.1';
  if (namespace === SOAP_12_NAMESPACE) return '1.2';
  return undefined;
}

function bodyOf(document: string, envelope: Segment): Segment {
  // Envelope children are Header (optional) then Body; anything else is not SOAP.
  const body = envelope.children.find((child) => child.name === 'Body');
  if (!body) {
    // An empty <Body/> is read as a field of the envelope, not as a segment.
    const message = 'Body' in envelope.fields ? 'The SOAP Body is empty: it holds no IDoc' : 'The SOAP Envelope has no Body';
    fail(document, envelope.offset, message);
  }
  return body;
}

/**
 * Reads a SOAP envelope holding one IDoc document (one or more IDOC elements).
 * Throws IdocError (MALFORMED_XML with line and column) for anything that is not such an envelope.
 */
export function readIdocSoap(document: string, limits: Partial<XmlLimits> = {}): SoapIdocPacket {
  const { packet, rootElement, rootAttributes } = scanIdocXml(document, limits, { idocDepth: IDOC_DEPTH });
  if (rootElement.name !== 'Envelope') fail(document, rootElement.offset, `The root element <${packet.root}> is not a SOAP Envelope`);
  const rootTag = document.slice(rootElement.offset + 1).split(/[\s/>]/, 1)[0] ?? '';
  const soapVersion = soapVersionOf(rootNamespace(rootTag, rootAttributes));
  if (!soapVersion) {
    fail(document, rootElement.offset, `The Envelope is not in a SOAP namespace (${SOAP_11_NAMESPACE} or ${SOAP_12_NAMESPACE})`);
  }
  const body = bodyOf(document, rootElement);
  const idocRoots = body.children.filter((child) => child.name !== 'Fault');
  if (body.children.some((child) => child.name === 'Fault')) fail(document, body.offset, 'The SOAP Body holds a Fault, not an IDoc');
  if (idocRoots.length !== 1) {
    fail(document, body.offset, `The SOAP Body must hold exactly one IDoc document element, found ${idocRoots.length}`);
  }
  const idocRoot = idocRoots[0] as Segment;
  // IDOC elements were collected at depth 3; an IDoc root without them is reported by the caller like an empty XML packet.
  return { root: idocRoot.name, idocs: packet.idocs, soapVersion };
}

// Answers: the route replies in the envelope version the request used.

export type SoapErrorDetail = IdocErrorBody;

export interface SoapIdocResult {
  docnum: string | null;
  id: string;
  status: string;
  message: string;
  outcome: string;
  error?: SoapErrorDetail;
}

/** Lading's namespace for the detail of answers and Faults. */
export const LADING_SOAP_NAMESPACE = 'urn:lading:idoc:inbound';

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&${({ '<': 'lt', '>': 'gt', '&': 'amp', '"': 'quot', "'": 'apos' } as Record<string, string>)[c]};`);
}

function elements(values: object): string {
  return Object.entries(values)
    .filter(([, value]) => value !== undefined && value !== null && typeof value !== 'object')
    .map(([name, value]) => `<l:${name}>${escapeXml(String(value))}</l:${name}>`)
    .join('');
}

function resultsXml(idocs: SoapIdocResult[]): string {
  return idocs.map((idoc) => `<l:idoc>${elements(idoc)}${idoc.error ? `<l:error>${elements(idoc.error)}</l:error>` : ''}</l:idoc>`).join('');
}

function envelope(version: SoapVersion, body: string): string {
  const namespace = version === '1.2' ? SOAP_12_NAMESPACE : SOAP_11_NAMESPACE;
  return `<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="${namespace}"><soap:Body>${body}</soap:Body></soap:Envelope>`;
}

/** A success answer: one l:idoc per IDoc, as in the JSON answer. */
export function soapResultsEnvelope(version: SoapVersion, idocs: SoapIdocResult[]): string {
  return envelope(version, `<l:IdocResults xmlns:l="${LADING_SOAP_NAMESPACE}">${resultsXml(idocs)}</l:IdocResults>`);
}

/**
 * A SOAP Fault carrying the same error fields as the JSON answer (and the per-IDoc results when
 * some IDocs of the packet were kept). Client fault for 4xx (resending will not help), server fault for 5xx.
 */
export function soapFaultEnvelope(version: SoapVersion, status: number, error: SoapErrorDetail, idocs: SoapIdocResult[]): string {
  const detail = `<l:IdocError xmlns:l="${LADING_SOAP_NAMESPACE}">${elements(error)}${resultsXml(idocs)}</l:IdocError>`;
  const client = status < 500;
  if (version === '1.2') {
    return envelope(version, `<soap:Fault><soap:Code><soap:Value>soap:${client ? 'Sender' : 'Receiver'}</soap:Value></soap:Code>`
      + `<soap:Reason><soap:Text xml:lang="en">${escapeXml(error.message)}</soap:Text></soap:Reason><soap:Detail>${detail}</soap:Detail></soap:Fault>`);
  }
  return envelope(version, `<soap:Fault><faultcode>soap:${client ? 'Client' : 'Server'}</faultcode>`
    + `<faultstring>${escapeXml(error.message)}</faultstring><detail>${detail}</detail></soap:Fault>`);
}
