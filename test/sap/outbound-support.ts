import { readIdocXml, type Segment, type XmlIdoc } from '../../mappings';
import type { IdocEnvelope } from '../../mappings/outbound';

export const ENVELOPE: IdocEnvelope = {
  client: '100',
  senderPort: 'LADING',
  senderPartner: 'LADING',
  receiverPort: 'SAPS4H',
  receiverPartner: 'S4HCLNT100',
};

export const CREATED_AT = '2026-11-25T10:15:30Z';

/** Reads a built document back with Lading's own inbound reader: the round trip. */
export function readBack(xml: string): { root: string; idoc: XmlIdoc; control: Record<string, string> } {
  const packet = readIdocXml(xml);
  expect(packet.idocs).toHaveLength(1);
  const idoc = packet.idocs[0] as XmlIdoc;
  return { root: packet.root, idoc, control: idoc.control?.fields ?? {} };
}

export function named(segments: readonly Segment[], name: string): Segment[] {
  return segments.filter((segment) => segment.name === name);
}

export function only(segments: readonly Segment[], name: string): Segment {
  const found = named(segments, name);
  expect(found).toHaveLength(1);
  return found[0] as Segment;
}
