import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DeliverySeed, DeliveryStore } from './deliveries';
import type { FaultPlan, FaultSpec } from './faults';
import { HttpProblem, isObject, readJson, sendJson } from './http-util';
import type { IdocStore } from './idoc-store';

/** What the admin API may act on. */
export interface AdminContext {
  idocs: IdocStore;
  deliveries: DeliveryStore;
  faults: FaultPlan;
  /** Closes the listener once the answer is out; reopens after `forSeconds` when given. */
  goDown(forSeconds: number | undefined): void;
  reset(): void;
}

function optionalNumber(body: Record<string, unknown>, name: string): number | undefined {
  const value = body[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'number') throw new HttpProblem(400, `${name} must be a number`);
  return value;
}

function faultSpec(body: unknown): FaultSpec {
  if (!isObject(body)) throw new HttpProblem(400, 'Body must be a JSON object');
  const scope = body.scope;
  if (scope !== undefined && scope !== 'idoc' && scope !== 'odata' && scope !== 'all') throw new HttpProblem(400, 'scope must be idoc, odata or all');
  const lostAnswer = body.lostAnswer;
  if (lostAnswer !== undefined && typeof lostAnswer !== 'boolean') throw new HttpProblem(400, 'lostAnswer must be true or false');
  return {
    status: optionalNumber(body, 'status'),
    count: optionalNumber(body, 'count'),
    forSeconds: optionalNumber(body, 'forSeconds'),
    delayMs: optionalNumber(body, 'delayMs'),
    scope,
    lostAnswer,
  };
}

function deliverySeeds(body: unknown): DeliverySeed[] {
  const list = Array.isArray(body) ? body : isObject(body) && Array.isArray(body.deliveries) ? body.deliveries : [body];
  return list.map((item: unknown) => {
    if (!isObject(item) || typeof item.DeliveryDocument !== 'string') throw new HttpProblem(400, 'Each delivery needs DeliveryDocument');
    return item as DeliverySeed;
  });
}

function withRangeErrors<T>(action: () => T): T {
  try {
    return action();
  } catch (error) {
    if (error instanceof RangeError) throw new HttpProblem(400, error.message);
    throw error;
  }
}

/** JSON admin API under /admin. Unauthenticated: the simulator is a test tool on loopback. */
export async function handleAdmin(request: IncomingMessage, response: ServerResponse, url: URL, context: AdminContext): Promise<void> {
  const route = `${request.method ?? 'GET'} ${url.pathname.replace(/\/+$/, '')}`;
  const query = url.searchParams;
  switch (route) {
    case 'GET /admin/idocs': {
      const withXml = query.get('xml') !== 'false';
      const idocs = context.idocs.list({
        messageType: query.get('mestyp') ?? undefined,
        idocType: query.get('idoctyp') ?? undefined,
        docnum: query.get('docnum') ?? undefined,
      });
      return sendJson(response, 200, { idocs: withXml ? idocs : idocs.map(({ xml: _xml, ...rest }) => rest) });
    }
    case 'DELETE /admin/idocs':
      context.idocs.clear();
      return sendJson(response, 200, context.idocs.stats());
    case 'GET /admin/stats':
      return sendJson(response, 200, context.idocs.stats());
    case 'GET /admin/faults':
      return sendJson(response, 200, { fault: context.faults.describe() ?? null });
    case 'POST /admin/faults': {
      const spec = faultSpec(await readJson(request));
      return sendJson(response, 201, { fault: withRangeErrors(() => context.faults.set(spec)) });
    }
    case 'DELETE /admin/faults':
      context.faults.clear();
      return sendJson(response, 200, { fault: null });
    case 'POST /admin/down': {
      const body = await readJson(request);
      const forSeconds = isObject(body) ? optionalNumber(body, 'forSeconds') : undefined;
      sendJson(response, 202, { down: true, forSeconds: forSeconds ?? null });
      response.once('finish', () => context.goDown(forSeconds));
      return;
    }
    case 'GET /admin/deliveries':
      return sendJson(response, 200, { deliveries: context.deliveries.all() });
    case 'POST /admin/deliveries': {
      const seeds = deliverySeeds(await readJson(request));
      return sendJson(response, 201, { deliveries: withRangeErrors(() => context.deliveries.upsert(seeds)) });
    }
    case 'DELETE /admin/deliveries':
      context.deliveries.clear();
      return sendJson(response, 200, { deliveries: [] });
    case 'POST /admin/reset':
      context.reset();
      return sendJson(response, 200, { reset: true });
    default:
      throw new HttpProblem(404, `No admin route ${route}`);
  }
}
