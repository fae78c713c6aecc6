import type { SegmentNode } from './xml-writer';
import { EDI_DC40 } from './segment-definitions';
import { sapDateTime } from './sap-values';

/** Who sends to whom: Lading's logical system and the SAP system, as the partner profile (WE20) knows them. */
export interface IdocEnvelope {
  /** SAP client (MANDT), e.g. '100'. */
  client: string;
  /** Lading's port as SAP knows it (SNDPOR), e.g. 'LADING'. */
  senderPort: string;
  /** Lading's logical system (SNDPRN), e.g. 'LADING'. */
  senderPartner: string;
  /** Default 'LS' (logical system). */
  senderPartnerType?: string;
  /** SAP's port (RCVPOR), conventionally 'SAP' + system id, e.g. 'SAPS4H'. */
  receiverPort: string;
  /** SAP's logical system (RCVPRN), e.g. 'S4HCLNT100'. */
  receiverPartner: string;
  /** Default 'LS'. */
  receiverPartnerType?: string;
}

export interface ControlRecordInput {
  docnum: string;
  idocType: string;
  messageType: string;
  extensionType?: string;
  messageCode?: string;
  messageFunction?: string;
  /** ISO instant the IDoc was built; written as CREDAT/CRETIM in UTC. */
  createdAt: string;
}

/** EDI_DC40 of an IDoc going into SAP: DIRECT 2 (inbound from SAP's point of view). */
export function controlRecord(envelope: IdocEnvelope, input: ControlRecordInput): SegmentNode {
  const created = sapDateTime(input.createdAt, 'createdAt');
  return {
    definition: EDI_DC40,
    values: {
      TABNAM: 'EDI_DC40',
      MANDT: envelope.client,
      DOCNUM: input.docnum,
      DIRECT: '2',
      IDOCTYP: input.idocType,
      CIMTYP: input.extensionType,
      MESTYP: input.messageType,
      MESCOD: input.messageCode,
      MESFCT: input.messageFunction,
      SNDPOR: envelope.senderPort,
      SNDPRT: envelope.senderPartnerType ?? 'LS',
      SNDPRN: envelope.senderPartner,
      RCVPOR: envelope.receiverPort,
      RCVPRT: envelope.receiverPartnerType ?? 'LS',
      RCVPRN: envelope.receiverPartner,
      CREDAT: created.date,
      CRETIM: created.time,
    },
  };
}
