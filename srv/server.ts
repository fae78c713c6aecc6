import cds from '@sap/cds';
import { readConfig } from './config';
import { idocXmlRoute } from './idoc-inbound/http';
import { ensureSchema } from './schema';

/**
 * Lading's wiring: IDoc received (idoc-inbound) → mapped (mappings/) → stored with an outbox
 * row → (pipeline) → on the ledger. CAP serves the OData services; this adds the IDoc routes.
 */
const config = readConfig();

cds.on('bootstrap', (app) => {
  app.use(idocXmlRoute(config.inbound));
});

// A file database keeps its data across restarts; it gets its tables on first start only.
cds.on('served', async () => {
  await ensureSchema();
});

export default cds.server;
