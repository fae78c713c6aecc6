import cds from '@sap/cds';
import type { DeliverySeed } from '../../sap-simulator/deliveries';
import { PROJECT_ROOT, fixture, type HttpAnswer } from '../support/lading';

/**
 * Reconciliation test support: Lading in-process (cds.test) with its URL (the CLI test calls it
 * over HTTP), IDocs for distinct deliveries built from the DELVRY07 fixture, and direct reads of
 * the database the way an auditor would look at it.
 */

type Axios = { request<T>(config: Record<string, unknown>): Promise<HttpAnswer<T>> };

export function startLadingWithUrl() {
  const test = cds.test(PROJECT_ROOT) as unknown as { axios: Axios; url: string };
  const request = async <T = unknown>(config: Record<string, unknown>): Promise<HttpAnswer<T>> =>
    test.axios.request<T>({ validateStatus: () => true, ...config });
  const as = (user: string) => ({ auth: { username: user, password: user } });
  return {
    get url(): string {
      return test.url;
    },
    request,
    postIdoc: (xml: string) => request<{ idocs?: { id: string; status: string }[] }>({
      method: 'POST', url: '/idoc/xml', data: xml, headers: { 'Content-Type': 'application/xml' }, ...as('erp'), transformRequest: [(body: unknown) => body],
    }),
    get: <T = { value: Record<string, unknown>[] }>(path: string, user = 'operator') =>
      request<T>({ method: 'GET', url: `/odata/v4/reconciliation/${path}`, ...as(user) }),
    post: <T = Record<string, unknown>>(path: string, data: unknown, user = 'operator') =>
      request<T>({ method: 'POST', url: `/odata/v4/reconciliation/${path}`, data, ...as(user) }),
  };
}

export const SAP_PARTNER = 'S4HCLNT100';
const TEMPLATE_DELIVERY = '0080004242';
const TEMPLATE_DOCNUM = '0000000001004242';

/** The DELVRY07 fixture as another delivery with its own DOCNUM. */
export function deliveryIdoc(deliveryNumber: string, docnum: string): string {
  return fixture('delvry/delvry07-desadv-3-items.xml').replaceAll(TEMPLATE_DELIVERY, deliveryNumber).replace(TEMPLATE_DOCNUM, docnum);
}

/** SAP's delivery as the fixture describes it (the header fields Lading receives). */
export function matchingDelivery(deliveryNumber: string, overrides: Partial<DeliverySeed> = {}): DeliverySeed {
  return {
    DeliveryDocument: deliveryNumber, DeliveryDocumentType: 'LF', ShippingPoint: '1010', SalesOrganization: '1010',
    HeaderGrossWeight: '1250.000', HeaderNetWeight: '1100.000', HeaderWeightUnit: 'KGM', OverallProofOfDeliveryStatus: '', ...overrides,
  };
}

export const shipmentIdOf = (deliveryNumber: string): string => `${SAP_PARTNER}/${deliveryNumber}`;

export type Row = Record<string, unknown>;

export async function rows(entity: string, where?: Record<string, unknown>): Promise<Row[]> {
  const query = SELECT.from(entity);
  return (await (where ? query.where(where) : query)) as Row[];
}
