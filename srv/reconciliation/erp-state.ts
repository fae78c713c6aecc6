import { readOutboundDeliveries, type OutboundDeliveryHeader, type SapConfig } from '../../connectors/sap';
import type { ErpDelivery } from './state';

/**
 * ERP state: outbound deliveries from SAP's delivery API (through connectors/sap and the SAP Cloud
 * SDK), page by page, ordered by delivery number, keyed like Lading's shipments
 * (`<SAP's logical system>/<delivery>`).
 */

export interface ErpSource {
  config: SapConfig;
  /** SNDPRN of the SAP system the destination points at: only its shipments are compared with SAP. */
  partner: string;
  /** Deliveries per request. Default: the SAP configuration's page size. */
  pageSize?: number;
}

export function toErpDelivery(partner: string, header: OutboundDeliveryHeader): ErpDelivery {
  return {
    shipmentId: `${partner}/${header.deliveryDocument}`,
    deliveryNumber: header.deliveryDocument,
    ...(header.shippingPoint !== undefined ? { shippingPoint: header.shippingPoint } : {}),
    ...(header.salesOrganization !== undefined ? { salesOrganization: header.salesOrganization } : {}),
    ...(header.deliveryDocumentType !== undefined ? { deliveryType: header.deliveryDocumentType } : {}),
    ...(header.headerGrossWeight !== undefined ? { grossWeight: header.headerGrossWeight } : {}),
    ...(header.headerNetWeight !== undefined ? { netWeight: header.headerNetWeight } : {}),
    ...(header.headerWeightUnit !== undefined ? { weightUnit: header.headerWeightUnit } : {}),
    ...(header.overallProofOfDeliveryStatus !== undefined ? { proofOfDeliveryStatus: header.overallProofOfDeliveryStatus } : {}),
  };
}

/** Every delivery (or those changed since an instant), one array per page. */
export async function* erpPages(source: ErpSource, changedSince?: string): AsyncGenerator<ErpDelivery[]> {
  for await (const page of readOutboundDeliveries(source.config, { pageSize: source.pageSize, ...(changedSince ? { changedSince } : {}) })) {
    yield page.map((header) => toErpDelivery(source.partner, header));
  }
}

/** The deliveries of these shipments (of the ERP's partner), by number; short lists per request, as they go into the URL. */
export async function erpDeliveriesOf(source: ErpSource, shipmentIds: readonly string[]): Promise<Map<string, ErpDelivery>> {
  const prefix = `${source.partner}/`;
  const numbers = shipmentIds.filter((id) => id.startsWith(prefix)).map((id) => id.slice(prefix.length));
  const found = new Map<string, ErpDelivery>();
  for (let at = 0; at < numbers.length; at += 40) {
    for await (const page of readOutboundDeliveries(source.config, { deliveryDocuments: numbers.slice(at, at + 40) })) {
      for (const header of page) {
        const delivery = toErpDelivery(source.partner, header);
        found.set(delivery.shipmentId, delivery);
      }
    }
  }
  return found;
}
