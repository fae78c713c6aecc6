import cds from '@sap/cds';
import express from 'express';
import { LedgerError } from '../connectors/fabric';
import { redisAnswers } from '../connectors/queue';
import { runningLedgerSide } from './running';

/**
 * `/health`: the process is alive. `/ready`: it can do its work — database, Redis and ledger
 * answer (each checked with a short deadline). 200 when ready, 503 naming what is not.
 */

type Check = 'up' | 'down' | 'off';

async function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms); });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function database(): Promise<Check> {
  try {
    await within(2_000, cds.run('SELECT 1 AS one'));
    return 'up';
  } catch {
    return 'down';
  }
}

async function redis(): Promise<Check> {
  const side = runningLedgerSide();
  if (!side) return 'off';
  return (await redisAnswers(side.redis.host, side.redis.port, 1_000)) ? 'up' : 'down';
}

async function ledger(): Promise<Check> {
  const side = runningLedgerSide();
  if (!side) return 'off';
  try {
    await within(3_000, side.ledger.getShipment('lading-readiness-probe/0'));
    return 'up';
  } catch (error) {
    // The chaincode answered (not found): the ledger is there.
    return error instanceof LedgerError && error.retry === 'never' ? 'up' : 'down';
  }
}

export function healthRoutes(): express.Router {
  const router = express.Router();
  router.get('/health', (_request, response) => {
    response.json({ status: 'UP' });
  });
  router.get('/ready', async (_request, response) => {
    const [db, queue, fabric] = await Promise.all([database(), redis(), ledger()]);
    const checks = { database: db, redis: queue, ledger: fabric };
    const ready = Object.values(checks).every((check) => check !== 'down');
    response.status(ready ? 200 : 503).json({ ready, checks });
  });
  return router;
}
