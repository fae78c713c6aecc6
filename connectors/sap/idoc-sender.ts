import type { SapConfig } from './config';
import { EXACTLY_ONCE, MESSAGE_ID_PARAMETER, QUALITY_OF_SERVICE_PARAMETER, isMessageId, messageIdFor } from './exactly-once';
import { sapHttp } from './sap-http';

/** An IDoc XML document ready for SAP (what mappings/outbound builds). */
export interface IdocToSend {
  /** DOCNUM in its control record, for errors and logs. */
  docnum: string;
  xml: string;
  /**
   * Exactly-once message id, a GUID: the same on every resend of this document, from whichever
   * instance. Default: derived from the client, Lading's logical system and the DOCNUM.
   */
  messageId?: string;
}

export interface SapSendReceipt {
  docnum: string;
  /** HTTP status of SAP's answer (200). */
  status: number;
  /** SAP's answer body (an HTML page), shortened to 2000 characters. */
  sapAnswer: string;
  /** The message id sent with exactly-once; undefined when SAP_EXACTLY_ONCE is off. */
  messageId?: string;
  durationMs: number;
}

export interface SendOptions {
  signal?: AbortSignal;
}

/** The GUID this document goes under: the caller's, or one derived from its DOCNUM. */
function messageIdOf(config: SapConfig, idoc: IdocToSend): string {
  if (idoc.messageId !== undefined) {
    if (!isMessageId(idoc.messageId)) throw new RangeError(`messageId: expected a GUID (8-4-4-4-12 hexadecimal digits), got "${idoc.messageId}"`);
    return idoc.messageId.toLowerCase();
  }
  if (idoc.docnum.trim() === '') throw new RangeError('docnum: needed to derive the exactly-once message id; give messageId instead');
  return messageIdFor(`idoc/${config.client}/${config.idocEnvelope.senderPartner}/${idoc.docnum}`);
}

/**
 * POSTs one IDoc XML document to SAP's XML-HTTP inbound service. Resolves when SAP answered 2xx
 * (the IDoc is in SAP, status 50 onwards there); rejects with a SapError saying whether a resend
 * can help. With exactly-once (the default) the POST names the document by its message id, so
 * SAP answers a resend after a lost answer without creating a second IDoc.
 */
export async function sendIdoc(config: SapConfig, idoc: IdocToSend, options: SendOptions = {}): Promise<SapSendReceipt> {
  const started = Date.now();
  const messageId = config.exactlyOnce ? messageIdOf(config, idoc) : undefined;
  const response = await sapHttp(config, {
    method: 'post',
    path: config.idocPath,
    params: { ...config.idocParameters, ...(messageId === undefined ? {} : { [MESSAGE_ID_PARAMETER]: messageId, [QUALITY_OF_SERVICE_PARAMETER]: EXACTLY_ONCE }) },
    data: idoc.xml,
    headers: { 'content-type': 'text/xml; charset=utf-8' },
    fetchCsrfToken: config.fetchCsrfToken,
    signal: options.signal,
  }, { operation: 'send-idoc', docnum: idoc.docnum });
  const body = typeof response.data === 'string' ? response.data : JSON.stringify(response.data ?? '');
  return { docnum: idoc.docnum, status: response.status, sapAnswer: body.slice(0, 2000), messageId, durationMs: Date.now() - started };
}
