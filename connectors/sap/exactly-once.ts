import { createHash } from 'node:crypto';

/**
 * SAP's "Exactly Once" quality of service for an HTTP sender: the sender names each message with
 * a GUID of its own choosing and sends it again, unchanged and under the same GUID, until SAP
 * answers 2xx; SAP remembers the GUIDs it accepted and answers a repeat without processing it
 * again. The parameter names are those of SAP PI/PO's SOAP sender adapter, which takes a plain
 * XML body (channel option "Do Not Use SOAP Envelope", `nosoap=true`) and the GUID as the query
 * parameter `MessageId` (see README.md here for the sources and the other SAP variants).
 */

/** Query parameter carrying the message's GUID. */
export const MESSAGE_ID_PARAMETER = 'MessageId';
/** Query parameter naming the quality of service asked for. */
export const QUALITY_OF_SERVICE_PARAMETER = 'QualityOfService';
/** SAP's name of the quality of service (XI message header, SAP RM, Plain SOAP). */
export const EXACTLY_ONCE = 'ExactlyOnce';

/** Lading's namespace of name-based message ids (a fixed random UUID: ids never collide with another sender's). */
export const LADING_MESSAGE_ID_NAMESPACE = 'd4d97368-4c02-4571-85ec-9c51faca313a';

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for a GUID in its usual text form, 8-4-4-4-12 hexadecimal digits. */
export function isMessageId(value: string): boolean {
  return UUID_PATTERN.test(value);
}

/**
 * A name-based UUID (RFC 4122 version 5: SHA-1 of namespace and name). The same name gives the
 * same id on every instance and every attempt, which is what lets SAP recognise a resend.
 */
export function nameBasedUuid(namespace: string, name: string): string {
  if (!isMessageId(namespace)) throw new RangeError(`namespace: expected a UUID, got "${namespace}"`);
  if (name === '') throw new RangeError('name: must not be empty');
  const hash = createHash('sha1').update(Buffer.from(namespace.replace(/-/g, ''), 'hex')).update(name, 'utf8').digest();
  hash[6] = ((hash[6] as number) & 0x0f) | 0x50; // version 5
  hash[8] = ((hash[8] as number) & 0x3f) | 0x80; // RFC 4122 variant
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The exactly-once message id Lading sends for `name` (e.g. the outbound IDoc's row id). */
export function messageIdFor(name: string): string {
  return nameBasedUuid(LADING_MESSAGE_ID_NAMESPACE, name);
}
