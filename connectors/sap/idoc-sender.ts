import type { SapConfig } from './config';
import { sapHttp } from './sap-http';

/** An IDoc XML document ready for SAP (what mappings/outbound builds). */
export interface IdocToSend {
  /** DOCNUM in its control record, for errors and logs. */
  docnum: string;
  xml: string;
}

export interface SapSendReceipt {
  docnum: string;
  /** HTTP status of SAP's answer (200). */
  status: number;
  /** SAP's answer body (an HTML page), shortened to 2000 characters. */
  sapAnswer: string;
  durationMs: number;
}

export interface SendOptions {
  signal?: AbortSignal;
}

/**
 * POSTs one IDoc XML document to SAP's XML-HTTP inbound service. Resolves when SAP answered 2xx
 * (the IDoc is in SAP, status 50 onwards there); rejects with a SapError saying whether a resend
 * can help. A resend is safe: the IDoc keeps its deterministic DOCNUM.
 */
export async function sendIdoc(config: SapConfig, idoc: IdocToSend, options: SendOptions = {}): Promise<SapSendReceipt> {
  const started = Date.now();
  const response = await sapHttp(config, {
    method: 'post',
    path: config.idocPath,
    data: idoc.xml,
    headers: { 'content-type': 'text/xml; charset=utf-8' },
    fetchCsrfToken: config.fetchCsrfToken,
    signal: options.signal,
  }, { operation: 'send-idoc', docnum: idoc.docnum });
  const body = typeof response.data === 'string' ? response.data : JSON.stringify(response.data ?? '');
  return { docnum: idoc.docnum, status: response.status, sapAnswer: body.slice(0, 2000), durationMs: Date.now() - started };
}
