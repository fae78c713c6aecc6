import type { SapConfig } from './config';
import { SapRequestRefusedError, SapResponseError, type SapError } from './errors';
import { sapHttp } from './sap-http';

/** An outbound delivery header as API_OUTBOUND_DELIVERY_SRV (A_OutbDeliveryHeader) gives it. */
export interface OutboundDeliveryHeader {
  deliveryDocument: string;
  deliveryDocumentType?: string;
  shippingPoint?: string;
  salesOrganization?: string;
  soldToParty?: string;
  shipToParty?: string;
  /** A not yet, B partly, C completely posted; empty = not relevant. */
  overallGoodsMovementStatus?: string;
  /** A not yet, B partly, C POD completed; empty = not POD-relevant. */
  overallProofOfDeliveryStatus?: string;
  /** ISO instant (SAP keeps a date: midnight UTC). */
  proofOfDeliveryDate?: string;
  /** Decimal as text, to keep SAP's precision. */
  headerGrossWeight?: string;
  headerNetWeight?: string;
  headerWeightUnit?: string;
  actualGoodsMovementDate?: string;
  creationDate?: string;
  lastChangeDate?: string;
}

const PROPERTIES = {
  deliveryDocument: 'DeliveryDocument',
  deliveryDocumentType: 'DeliveryDocumentType',
  shippingPoint: 'ShippingPoint',
  salesOrganization: 'SalesOrganization',
  soldToParty: 'SoldToParty',
  shipToParty: 'ShipToParty',
  overallGoodsMovementStatus: 'OverallGoodsMovementStatus',
  overallProofOfDeliveryStatus: 'OverallProofOfDeliveryStatus',
  proofOfDeliveryDate: 'ProofOfDeliveryDate',
  headerGrossWeight: 'HeaderGrossWeight',
  headerNetWeight: 'HeaderNetWeight',
  headerWeightUnit: 'HeaderWeightUnit',
  actualGoodsMovementDate: 'ActualGoodsMovementDate',
  creationDate: 'CreationDate',
  lastChangeDate: 'LastChangeDate',
} as const satisfies Record<keyof OutboundDeliveryHeader, string>;

const DATE_PROPERTIES = new Set<string>(['ProofOfDeliveryDate', 'ActualGoodsMovementDate', 'CreationDate', 'LastChangeDate']);

export interface DeliveryQuery {
  /** Deliveries changed on or after this instant's date (LastChangeDate is a date in SAP). */
  changedSince?: string;
  /** Only these delivery numbers (keep the list short: it goes into the URL). */
  deliveryDocuments?: readonly string[];
  shippingPoint?: string;
  /** Deliveries per request; default from the configuration. */
  pageSize?: number;
  signal?: AbortSignal;
}

function quoted(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** SAP's ALPHA form of a numeric delivery number. */
function deliveryKey(value: string): string {
  return /^\d{1,9}$/.test(value) ? value.padStart(10, '0') : value;
}

function filterOf(query: DeliveryQuery): string | undefined {
  const terms: string[] = [];
  if (query.changedSince !== undefined) {
    const millis = Date.parse(query.changedSince);
    if (Number.isNaN(millis)) throw new RangeError(`changedSince "${query.changedSince}" is not an ISO instant`);
    terms.push(`LastChangeDate ge datetime'${new Date(millis).toISOString().slice(0, 10)}T00:00:00'`);
  }
  if (query.shippingPoint !== undefined) terms.push(`ShippingPoint eq ${quoted(query.shippingPoint)}`);
  if (query.deliveryDocuments !== undefined && query.deliveryDocuments.length > 0) {
    terms.push(`(${query.deliveryDocuments.map((document) => `DeliveryDocument eq ${quoted(deliveryKey(document))}`).join(' or ')})`);
  }
  return terms.length === 0 ? undefined : terms.join(' and ');
}

function odataDate(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^\/Date\((-?\d+)(?:[+-]\d{4})?\)\/$/.exec(value);
  return match ? new Date(Number(match[1])).toISOString() : undefined;
}

function responseError(config: SapConfig, message: string, data: unknown): SapError {
  return new SapResponseError({
    operation: 'read-deliveries',
    destinationName: config.destinationName,
    message,
    sapResponse: typeof data === 'string' ? data.slice(0, 2000) : JSON.stringify(data)?.slice(0, 2000),
    cause: undefined,
  });
}

function toHeader(config: SapConfig, entity: unknown): OutboundDeliveryHeader {
  const source = typeof entity === 'object' && entity !== null ? (entity as Record<string, unknown>) : {};
  const deliveryDocument = source.DeliveryDocument;
  if (typeof deliveryDocument !== 'string' || deliveryDocument === '') {
    throw responseError(config, 'A delivery without DeliveryDocument in SAP\'s answer', entity);
  }
  const header: OutboundDeliveryHeader = { deliveryDocument };
  for (const name of Object.keys(PROPERTIES) as (keyof OutboundDeliveryHeader)[]) {
    const property = PROPERTIES[name];
    const raw = source[property];
    // OData V2 sends DateTime as /Date(ms)/ and empty strings for initial values: both normalised.
    const value = DATE_PROPERTIES.has(property) ? odataDate(raw) : typeof raw === 'string' && raw !== '' ? raw : undefined;
    if (value !== undefined) header[name] = value;
  }
  return header;
}

interface ODataPage {
  results: unknown[];
  next?: URL;
}

function pageOf(config: SapConfig, data: unknown): ODataPage {
  const d = typeof data === 'object' && data !== null ? (data as { d?: unknown }).d : undefined;
  const results = typeof d === 'object' && d !== null ? (d as { results?: unknown }).results : undefined;
  if (!Array.isArray(results)) throw responseError(config, 'SAP\'s answer is not an OData V2 JSON collection', data);
  const next = (d as { __next?: unknown }).__next;
  return { results, next: typeof next === 'string' ? new URL(next, 'http://sap.invalid') : undefined };
}

/**
 * Reads outbound delivery headers page by page ($top/$skip, ordered by delivery number so pages
 * do not overlap), following SAP's __next links when it pages on its own. Yields one array per
 * page; stops after the last one.
 */
export async function* readOutboundDeliveries(config: SapConfig, query: DeliveryQuery = {}): AsyncGenerator<OutboundDeliveryHeader[]> {
  const pageSize = query.pageSize ?? config.deliveryPageSize;
  const filter = filterOf(query);
  const base: Record<string, string> = {
    $format: 'json',
    $orderby: 'DeliveryDocument',
    $select: Object.values(PROPERTIES).join(','),
    ...(filter === undefined ? {} : { $filter: filter }),
  };
  let params: Record<string, string> = { ...base, $top: String(pageSize), $skip: '0' };
  let offset = 0;
  for (;;) {
    const response = await sapHttp(config, {
      method: 'get',
      path: `${config.deliveryServicePath}/A_OutbDeliveryHeader`,
      params,
      headers: { accept: 'application/json' },
      fetchCsrfToken: false,
      signal: query.signal,
    }, { operation: 'read-deliveries' });
    const page = pageOf(config, response.data);
    if (page.results.length > 0) yield page.results.map((entity) => toHeader(config, entity));
    offset += page.results.length;
    if (page.next) {
      // SAP capped the page below $top: continue where its link says.
      params = Object.fromEntries(page.next.searchParams);
      continue;
    }
    if (page.results.length < Number(params.$top ?? pageSize)) return;
    params = { ...base, $top: String(pageSize), $skip: String(offset) };
  }
}

/** One delivery by number; undefined when SAP does not know it (404). */
export async function readOutboundDelivery(config: SapConfig, deliveryDocument: string, options: { signal?: AbortSignal } = {}): Promise<OutboundDeliveryHeader | undefined> {
  try {
    const response = await sapHttp(config, {
      method: 'get',
      path: `${config.deliveryServicePath}/A_OutbDeliveryHeader(${quoted(encodeURIComponent(deliveryKey(deliveryDocument)))})`,
      params: { $format: 'json' },
      headers: { accept: 'application/json' },
      fetchCsrfToken: false,
      signal: options.signal,
    }, { operation: 'read-deliveries' });
    const d = typeof response.data === 'object' && response.data !== null ? (response.data as { d?: unknown }).d : undefined;
    return toHeader(config, d);
  } catch (error) {
    if (error instanceof SapRequestRefusedError && error.status === 404) return undefined;
    throw error;
  }
}
