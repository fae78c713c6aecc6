import cds from '@sap/cds';
import { readConfig } from './config';
import { healthRoutes } from './health';
import { idocXmlRoute } from './idoc-inbound/http';
import { observabilityRoutes } from './observability/routes';
import { financeExportRoutes } from './settlement/export-routes';
import { startLedgerSide } from './pipeline/runtime';
import { runningLedgerSide, setRunningLedgerSide } from './running';
import { ensureIndexes } from './indexes';
import { ensureSchema } from './schema';
import { stopOnSetupError } from './startup-errors';
import { ui5Resources } from './ui-resources';

/**
 * Lading's wiring: IDoc received (idoc-inbound) → mapped (mappings/) → stored with an outbox row
 * → relayed to BullMQ → batched onto the ledger (pipeline/) → confirmed in the database.
 * CAP serves the OData services; this adds the IDoc routes and the ledger side.
 */
const config = (() => {
  try {
    return readConfig();
  } catch (error) {
    return stopOnSetupError(error);
  }
})();

// PostgreSQL's connection pool from Lading's settings (LADING_DB_POOL_*), before CAP opens it.
const db = cds.env.requires.db as { kind?: string; pool?: Record<string, unknown> } | undefined;
if (db?.kind === 'postgres') db.pool = { ...db.pool, max: config.database.poolMax, acquireTimeoutMillis: config.database.poolAcquireTimeoutMs };

cds.on('bootstrap', (app) => {
  app.use(healthRoutes());
  app.use(observabilityRoutes());
  app.use(idocXmlRoute(config.inbound));
  // The web UI (app/lading, served by CAP from app/) loads OpenUI5 from here, offline.
  app.use(ui5Resources());
  app.use(financeExportRoutes());
});

cds.on('served', async () => {
  // A file database keeps its data across restarts; it gets its tables on first start only.
  await ensureSchema();
  await ensureIndexes();
  if (config.pipeline.enabled) setRunningLedgerSide(await startLedgerSide(config).catch(stopOnSetupError));
});

cds.on('shutdown', async () => {
  const side = runningLedgerSide();
  setRunningLedgerSide(undefined);
  await side?.stop();
});

export default cds.server;
