import { AccessDeniedError } from './errors';
import type { DocumentTypeCode, EventClassifierCode, EventType, ShipmentEvent } from './model';

/**
 * Who may record which events: one row per (organisation, kind of event). Reading is open to
 * every channel member; FinanceMSP only reads. chaincode/README.md shows the same table: change
 * both together.
 */
export interface RecordingGrant {
  eventType: EventType;
  eventTypeCodes: readonly string[];
  /** Limits the grant to events about (or not about) one document type; absent = any. */
  document?: { only: DocumentTypeCode } | { except: DocumentTypeCode };
  /** Limits the grant to these classifiers; absent = ACT, PLN and EST. */
  classifiers?: readonly EventClassifierCode[];
}

export const SHIPPER_MSP = 'ShipperMSP';
export const CARRIER_MSP = 'CarrierMSP';
export const BROKER_MSP = 'BrokerMSP';
export const CONSIGNEE_MSP = 'ConsigneeMSP';
export const FINANCE_MSP = 'FinanceMSP';

export const RECORDING_GRANTS: Readonly<Record<string, readonly RecordingGrant[]>> = {
  [SHIPPER_MSP]: [
    // VOID: the delivery was deleted in the shipper's ERP.
    { eventType: 'SHIPMENT', eventTypeCodes: ['RECE', 'DRFT', 'ISSU', 'CONF', 'SUBM', 'REQS', 'VOID'], document: { except: 'CUS' } },
    // Filing a customs declaration; the decision on it is the broker's.
    { eventType: 'SHIPMENT', eventTypeCodes: ['RECE', 'DRFT', 'SUBM'], document: { only: 'CUS' } },
    // Loading at the shipper's own dock (SAP deadline 003) is the shipper's fact.
    { eventType: 'EQUIPMENT', eventTypeCodes: ['STUF', 'GTOT', 'PICK', 'LOAD'] },
    // The ERP plans when goods are to be discharged, gated in and delivered.
    { eventType: 'EQUIPMENT', eventTypeCodes: ['DISC', 'GTIN', 'DROP'], classifiers: ['PLN', 'EST'] },
    // The shipper plans and estimates legs; only the carrier reports what actually happened.
    { eventType: 'TRANSPORT', eventTypeCodes: ['ARRI', 'DEPA'], classifiers: ['PLN', 'EST'] },
  ],
  [CARRIER_MSP]: [
    { eventType: 'TRANSPORT', eventTypeCodes: ['ARRI', 'DEPA'] },
    { eventType: 'EQUIPMENT', eventTypeCodes: ['LOAD', 'DISC', 'GTIN', 'GTOT', 'DROP', 'PICK', 'STUF', 'STRP', 'RSEA', 'RMVD'] },
  ],
  [BROKER_MSP]: [
    { eventType: 'SHIPMENT', eventTypeCodes: ['SUBM', 'APPR', 'REJE', 'HOLD', 'RELS'], document: { only: 'CUS' } },
    { eventType: 'EQUIPMENT', eventTypeCodes: ['INSP'] },
  ],
  [CONSIGNEE_MSP]: [
    // Proof of delivery: completion of the transport document.
    { eventType: 'SHIPMENT', eventTypeCodes: ['CMPL'], document: { only: 'TRD' } },
    { eventType: 'EQUIPMENT', eventTypeCodes: ['DROP', 'GTIN'] },
  ],
  [FINANCE_MSP]: [],
};

/** Members of the private data collection that holds customs values (see collections_config.json). */
export const CUSTOMS_COLLECTION = 'customsPrivate';
export const CUSTOMS_MEMBERS: readonly string[] = [SHIPPER_MSP, BROKER_MSP];

export function mayRecord(mspId: string, event: ShipmentEvent): boolean {
  const grants = RECORDING_GRANTS[mspId] ?? [];
  return grants.some((grant) => grantCovers(grant, event));
}

function grantCovers(grant: RecordingGrant, event: ShipmentEvent): boolean {
  if (grant.eventType !== event.eventType || !grant.eventTypeCodes.includes(event.eventTypeCode)) return false;
  if (grant.classifiers && !grant.classifiers.includes(event.eventClassifierCode)) return false;
  const documentTypeCode = event.documentTypeCode;
  if (grant.document && 'only' in grant.document) return documentTypeCode === grant.document.only;
  if (grant.document && 'except' in grant.document) return documentTypeCode !== grant.document.except;
  return true;
}

export function assertMayRecord(mspId: string, event: ShipmentEvent): void {
  if (mayRecord(mspId, event)) return;
  const kind = [event.eventClassifierCode, event.eventType, event.eventTypeCode].join(' ');
  const document = typeof event.documentTypeCode === 'string' ? ` about document ${event.documentTypeCode}` : '';
  throw new AccessDeniedError(`organisation ${mspId} is not authorised to record event ${event.eventId} (${kind}${document})`);
}

export function assertCustomsMember(mspId: string, action: string): void {
  if (CUSTOMS_MEMBERS.includes(mspId)) return;
  throw new AccessDeniedError(
    `organisation ${mspId} may not ${action}: only ${CUSTOMS_MEMBERS.join(' and ')} are members of collection ${CUSTOMS_COLLECTION}`,
  );
}
