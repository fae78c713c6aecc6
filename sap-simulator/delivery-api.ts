import type { ServerResponse } from 'node:http';
import { DELIVERY_PROPERTIES, isDeliveryProperty, type DeliveryProperty, type DeliveryStore, type SimDelivery } from './deliveries';
import { FilterError, parseFilter } from './odata-filter';
import { sendJson, sendText } from './http-util';

export const DELIVERY_SERVICE_PATH = '/sap/opu/odata/sap/API_OUTBOUND_DELIVERY_SRV';
const ENTITY_SET = 'A_OutbDeliveryHeader';

/** OData V2 JSON of one delivery: DateTime as /Date(ms)/, decimals as strings, with __metadata. */
function toJson(delivery: SimDelivery, serviceUrl: string, select: readonly DeliveryProperty[] | undefined): Record<string, unknown> {
  const uri = `${serviceUrl}/${ENTITY_SET}('${encodeURIComponent(delivery.DeliveryDocument.replace(/'/g, "''"))}')`;
  const body: Record<string, unknown> = { __metadata: { id: uri, uri, type: 'API_OUTBOUND_DELIVERY_SRV.A_OutbDeliveryHeaderType' } };
  for (const property of select ?? (Object.keys(DELIVERY_PROPERTIES) as DeliveryProperty[])) {
    const value = delivery[property];
    body[property] = value !== null && DELIVERY_PROPERTIES[property] === 'Edm.DateTime' ? `/Date(${Date.parse(value)})/` : value;
  }
  return body;
}

function odataError(response: ServerResponse, status: number, code: string, message: string): void {
  sendJson(response, status, { error: { code, message: { lang: 'en', value: message } } });
}

function nonNegative(params: URLSearchParams, name: string): number | undefined {
  const raw = params.get(name);
  if (raw === null) return undefined;
  if (!/^\d+$/.test(raw)) throw new FilterError(`${name} must be a non-negative integer`);
  return Number(raw);
}

function selection(params: URLSearchParams): DeliveryProperty[] | undefined {
  const raw = params.get('$select');
  if (raw === null || raw.trim() === '' || raw.trim() === '*') return undefined;
  const names = raw.split(',').map((name) => name.trim());
  for (const name of names) if (!isDeliveryProperty(name)) throw new FilterError(`Property ${name} does not exist`);
  return names as DeliveryProperty[];
}

function ordering(params: URLSearchParams): (a: SimDelivery, b: SimDelivery) => number {
  const raw = params.get('$orderby');
  if (raw === null || raw.trim() === '') return () => 0;
  const keys = raw.split(',').map((part) => {
    const [name = '', direction = 'asc'] = part.trim().split(/\s+/);
    if (!isDeliveryProperty(name) || !['asc', 'desc'].includes(direction)) throw new FilterError(`Cannot order by "${part.trim()}"`);
    return { name, sign: direction === 'desc' ? -1 : 1 };
  });
  return (a, b) => {
    for (const { name, sign } of keys) {
      const left = a[name] ?? '';
      const right = b[name] ?? '';
      const order = DELIVERY_PROPERTIES[name] === 'Edm.Decimal' ? Number(left) - Number(right) : left.localeCompare(right);
      if (order !== 0) return order * sign;
    }
    return 0;
  };
}

/**
 * GET on the delivery service: the entity set with $filter, $orderby, $select, $top, $skip,
 * $inlinecount and server-driven paging ($skiptoken, __next) beyond `pageSize`; one entity by
 * key; `$count`. Always JSON (a real SAP answers Atom XML unless asked for JSON).
 */
export function handleDeliveryApi(path: string, url: URL, response: ServerResponse, store: DeliveryStore, pageSize: number, baseUrl: string): void {
  const serviceUrl = `${baseUrl}${DELIVERY_SERVICE_PATH}`;
  const rest = decodeURIComponent(path.slice(DELIVERY_SERVICE_PATH.length));
  const params = url.searchParams;
  try {
    const single = /^\/A_OutbDeliveryHeader\('((?:[^']|'')*)'\)$/.exec(rest);
    if (single) {
      const delivery = store.get((single[1] as string).replace(/''/g, "'"));
      if (!delivery) return odataError(response, 404, 'SY/530', `Resource not found for segment 'A_OutbDeliveryHeaderType'`);
      return sendJson(response, 200, { d: toJson(delivery, serviceUrl, selection(params)) });
    }
    if (rest === `/${ENTITY_SET}/$count`) {
      return sendText(response, 200, 'text/plain', String(store.all().filter(parseFilter(params.get('$filter'))).length));
    }
    if (rest !== `/${ENTITY_SET}` && rest !== `/${ENTITY_SET}/`) {
      return odataError(response, 404, '/IWBEP/CM_MGW_RT/020', `Resource not found for segment '${rest.slice(1)}'`);
    }
    const matching = store.all().filter(parseFilter(params.get('$filter'))).sort(ordering(params));
    const skip = (nonNegative(params, '$skip') ?? 0) + (nonNegative(params, '$skiptoken') ?? 0);
    const top = nonNegative(params, '$top');
    const wanted = top === undefined ? matching.length - skip : Math.min(top, matching.length - skip);
    const take = Math.max(0, Math.min(wanted, pageSize));
    const page = matching.slice(skip, skip + take);
    const d: Record<string, unknown> = { results: page.map((delivery) => toJson(delivery, serviceUrl, selection(params))) };
    if (params.get('$inlinecount') === 'allpages') d.__count = String(matching.length);
    if (take < wanted) {
      // Server-driven paging: the client follows __next for the rest of what it asked for.
      const next = new URLSearchParams(params);
      next.delete('$skip');
      next.set('$skiptoken', String(skip + take));
      if (top !== undefined) next.set('$top', String(top - take));
      d.__next = `${serviceUrl}/${ENTITY_SET}?${next.toString()}`;
    }
    return sendJson(response, 200, { d });
  } catch (error) {
    if (error instanceof FilterError) return odataError(response, 400, '/IWBEP/CM_MGW_RT/022', error.message);
    throw error;
  }
}
