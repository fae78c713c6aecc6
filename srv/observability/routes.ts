import cds from '@sap/cds';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import express from 'express';
import type { NextFunction, Request, Response } from 'express';
import type { LedgerSide } from '../pipeline/runtime';
import { runningLedgerSide } from '../running';
import { registry } from './metrics';
import { queuesOf } from './queues';

/**
 * GET /metrics for Prometheus, and the BullMQ board at /admin/queues for operators.
 *
 * /metrics answers without credentials, as Prometheus scrapes it; it shows counts and latencies,
 * no business data. LADING_METRICS_ROLE=<role> puts it behind CAP's authentication with that role
 * (for a route that leaves the cluster). The board shows job data and can retry or delete jobs: CAP's authentication
 * (mocked users in development, XSUAA in production) guards it, and only the operator role passes.
 */

export const QUEUE_BOARD_PATH = '/admin/queues';

const log = cds.log('metrics');

/** LADING_METRICS_ROLE, read on each request: unset or empty leaves /metrics open. */
function metricsRole(): string | undefined {
  return process.env.LADING_METRICS_ROLE?.trim() || undefined;
}

/** CAP's authentication and the role check, only while LADING_METRICS_ROLE is set. */
function metricsGuard(): express.RequestHandler {
  const guarded = express.Router();
  guarded.use(...cds.middlewares.before, (request: Request, response: Response, next: NextFunction) => requireRole(metricsRole() ?? '')(request, response, next), authErrors);
  return (request, response, next) => {
    if (metricsRole()) guarded(request, response, next);
    else next();
  };
}

function metricsRoute(router: express.Router): void {
  router.get('/metrics', metricsGuard(), async (_request: Request, response: Response) => {
    try {
      const text = await registry.metrics();
      response.type(registry.contentType).send(text);
    } catch (error) {
      log.error('collecting metrics failed:', (error as Error).message);
      response.status(500).type('text/plain').send(`# collecting metrics failed: ${(error as Error).message}\n`);
    }
  });
}

function unauthenticated(response: Response): void {
  response.setHeader('WWW-Authenticate', 'Basic realm="Lading"');
  response.status(401).json({ error: { code: 'UNAUTHENTICATED', message: 'Authentication required' } });
}

/** CAP's auth middleware has set cds.context.user; this enforces the role. */
function requireRole(role: string) {
  return (_request: Request, response: Response, next: NextFunction): void => {
    const user = cds.context?.user;
    if (!user || user.is('authenticated-user') === false) {
      unauthenticated(response);
      return;
    }
    if (!user.is(role)) {
      response.status(403).json({ error: { code: 'FORBIDDEN', message: `User ${user.id} lacks the ${role} role` } });
      return;
    }
    next();
  };
}

/** CAP's auth middleware reports bad credentials as an error; CAP's error middleware is not on custom routes. */
function authErrors(error: unknown, _request: Request, response: Response, next: NextFunction): void {
  if (response.headersSent) {
    next(error);
    return;
  }
  const status = (error as { statusCode?: number; status?: number }).statusCode ?? (error as { status?: number }).status;
  if (status === 401) {
    unauthenticated(response);
    return;
  }
  if (status === 403) {
    response.status(403).json({ error: { code: 'FORBIDDEN', message: 'Forbidden' } });
    return;
  }
  log.error('observability route failed:', (error as Error).message);
  response.status(500).json({ error: { code: 'INTERNAL', message: 'The request failed' } });
}

function queueBoard(router: express.Router): void {
  const serverAdapter = new ExpressAdapter().setBasePath(QUEUE_BOARD_PATH);
  // @bull-board/express 9.10.1 nests its own @bull-board/api (9.10.1, ours is 9.10.2): same shapes, separate declarations.
  const board = createBullBoard({ queues: [], serverAdapter: serverAdapter as unknown as Parameters<typeof createBullBoard>[0]['serverAdapter'], options: { uiConfig: { boardTitle: 'Lading queues' } } });
  // The queues exist once the ledger side has started (after the routes are mounted): picked up on each request.
  let shown: LedgerSide | undefined;
  const currentQueues = (_request: Request, _response: Response, next: NextFunction): void => {
    const side = runningLedgerSide();
    if (side !== shown) {
      board.replaceQueues(queuesOf(side).map((queue) => new BullMQAdapter(queue)));
      shown = side;
    }
    next();
  };
  router.use(QUEUE_BOARD_PATH, ...cds.middlewares.before, requireRole('operator'), currentQueues, serverAdapter.getRouter() as express.Router, authErrors);
}

export function observabilityRoutes(): express.Router {
  const router = express.Router();
  metricsRoute(router);
  queueBoard(router);
  return router;
}
