import type { ServerResponse } from 'node:http';
import type { DeliveryStore } from './deliveries';
import { sendHtml } from './http-util';
import type { IdocStore, ReceivedIdoc } from './idoc-store';
import { IdocXmlError, parseIdocXml } from './idoc-xml';

export const IDOC_PATH = '/sap/bc/idoc_xml';

function podInstant(date: string | undefined, time: string | undefined): Date | undefined {
  if (date === undefined || !/^\d{8}$/.test(date)) return undefined;
  const t = time !== undefined && /^\d{6}$/.test(time) ? time : '000000';
  const millis = Date.parse(`${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6)}T${t.slice(0, 2)}:${t.slice(2, 4)}:${t.slice(4)}Z`);
  return Number.isNaN(millis) ? undefined : new Date(millis);
}

/**
 * POST of an IDoc XML document, after authentication and CSRF checks passed: every IDOC in it
 * is stored (duplicates by DOCNUM counted, not refused: SAP takes them too), a STPPOD marks its
 * delivery's POD as done, and the answer is 200 with a small HTML page, as SAP's service gives.
 */
export function handleIdocPost(
  xml: string,
  response: ServerResponse,
  context: { idocs: IdocStore; deliveries: DeliveryStore; user: string; client: string },
): ReceivedIdoc[] | undefined {
  let parsed;
  try {
    parsed = parseIdocXml(xml);
  } catch (error) {
    if (!(error instanceof IdocXmlError)) throw error;
    context.idocs.requests.malformed++;
    sendHtml(response, 400, 'IDoc XML error', error.message);
    return undefined;
  }
  const at = new Date();
  const stored = parsed.map((idoc) => context.idocs.add(idoc, { xml, user: context.user, client: context.client, at }));
  for (const idoc of parsed) {
    const pod = idoc.proofOfDelivery;
    if (pod) context.deliveries.recordProofOfDelivery(pod.delivery, podInstant(pod.date, pod.time), at);
  }
  sendHtml(response, 200, 'IDoc XML received', `${stored.length} IDoc(s) received: ${stored.map((idoc) => idoc.sapDocnum).join(', ')}`);
  return stored;
}
