import type { DeliveryStore } from './deliveries';
import { HttpProblem } from './http-util';
import type { IdocStore, ReceivedIdoc, RememberedAnswer } from './idoc-store';
import { IdocXmlError, parseIdocXml } from './idoc-xml';

export const IDOC_PATH = '/sap/bc/idoc_xml';

/** Query parameters of SAP's exactly-once inbound (PI/PO SOAP sender adapter: MessageId; XI, SAP RM: QualityOfService). */
export const MESSAGE_ID_PARAMETER = 'MessageId';
export const QUALITY_OF_SERVICE_PARAMETER = 'QualityOfService';

/** What the IDoc service answers: a small HTML page, and what it stored. */
export interface IdocAnswer {
  status: number;
  title: string;
  text: string;
  /** IDocs stored by this request (none for a refusal or a redelivery). */
  stored: ReceivedIdoc[];
  /** True when the answer came from memory: a resend under an accepted message id. */
  redelivery: boolean;
}

function podInstant(date: string | undefined, time: string | undefined): Date | undefined {
  if (date === undefined || !/^\d{8}$/.test(date)) return undefined;
  const t = time !== undefined && /^\d{6}$/.test(time) ? time : '000000';
  const millis = Date.parse(`${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6)}T${t.slice(0, 2)}:${t.slice(2, 4)}:${t.slice(4)}Z`);
  return Number.isNaN(millis) ? undefined : new Date(millis);
}

/** A query parameter by name in any case, as SAP's ICF reads form fields. */
function parameter(url: URL, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of url.searchParams) if (key.toLowerCase() === wanted) return value;
  return undefined;
}

/**
 * The exactly-once message id a POST asks for, lower case with dashes: `MessageId` as a GUID
 * (8-4-4-4-12, or 32 hexadecimal digits as SAP's own message ids are written), unless
 * `QualityOfService=BestEffort`. Undefined: at-least-once, as before. A malformed value is a 400
 * naming the parameter.
 */
export function exactlyOnceMessageId(url: URL): string | undefined {
  const quality = parameter(url, QUALITY_OF_SERVICE_PARAMETER);
  const given = parameter(url, MESSAGE_ID_PARAMETER);
  if (quality !== undefined && !['exactlyonce', 'besteffort'].includes(quality.toLowerCase())) {
    throw new HttpProblem(400, `${QUALITY_OF_SERVICE_PARAMETER}: expected ExactlyOnce or BestEffort, got "${quality}"`);
  }
  if (quality?.toLowerCase() === 'besteffort') return undefined;
  if (given === undefined || given === '') {
    if (quality !== undefined) throw new HttpProblem(400, `${MESSAGE_ID_PARAMETER}: required with ${QUALITY_OF_SERVICE_PARAMETER}=ExactlyOnce`);
    return undefined;
  }
  if (!/^[0-9a-f]{32}$/i.test(given) && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(given)) {
    throw new HttpProblem(400, `${MESSAGE_ID_PARAMETER}: expected a GUID (32 hexadecimal digits, dashes 8-4-4-4-12 allowed), got "${given}"`);
  }
  const hex = given.replace(/-/g, '').toLowerCase();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * POST of an IDoc XML document, after authentication and CSRF checks passed: every IDOC in it
 * is stored (duplicates by DOCNUM counted, not refused: SAP takes them too), a STPPOD marks its
 * delivery's POD as done, and the answer is 200 with a small HTML page, as SAP's service gives.
 * Under an exactly-once message id SAP accepted before, nothing is stored or changed: the answer
 * is the one the first arrival got, and its IDocs count as redeliveries.
 */
export function handleIdocPost(
  xml: string,
  context: { idocs: IdocStore; deliveries: DeliveryStore; user: string; client: string; messageId?: string },
): IdocAnswer {
  let parsed;
  try {
    parsed = parseIdocXml(xml);
  } catch (error) {
    if (!(error instanceof IdocXmlError)) throw error;
    context.idocs.requests.malformed++;
    return { status: 400, title: 'IDoc XML error', text: error.message, stored: [], redelivery: false };
  }
  const at = new Date();
  const { messageId } = context;
  const remembered = messageId === undefined ? undefined : context.idocs.recall(messageId);
  if (remembered) {
    context.idocs.redeliver(parsed, remembered, at);
    return { status: remembered.status, title: remembered.title, text: remembered.text, stored: [], redelivery: true };
  }
  const stored = parsed.map((idoc) => context.idocs.add(idoc, { xml, user: context.user, client: context.client, at, messageId }));
  for (const idoc of parsed) {
    const pod = idoc.proofOfDelivery;
    if (pod) context.deliveries.recordProofOfDelivery(pod.delivery, podInstant(pod.date, pod.time), at);
  }
  const answer: RememberedAnswer = { status: 200, title: 'IDoc XML received', text: `${stored.length} IDoc(s) received: ${stored.map((idoc) => idoc.sapDocnum).join(', ')}`, idocs: stored };
  if (messageId !== undefined) context.idocs.remember(messageId, answer);
  return { status: answer.status, title: answer.title, text: answer.text, stored, redelivery: false };
}
