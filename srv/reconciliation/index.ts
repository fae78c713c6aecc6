import cds from '@sap/cds';
import type { ConnectionOptions } from 'bullmq';
import type { ShipmentLedger } from '../../connectors/fabric';
import type { SapConfig } from '../../connectors/sap';
import type { SapSide } from '../sap-outbound/sap-side';
import { readReconciliationConfig, type ReconciliationConfig } from './config';
import type { ReconcileDeps } from './run';
import { Reconciler } from './scheduler';

/**
 * Reconciliation of ERP state with the ledger (see README's Reconciliation section): started with the
 * ledger side of a Lading process, driven by the job scheduler, the OData action and the CLI.
 */
export { compareShipment, findingKey } from './compare';
export { readReconciliationConfig, type ReconciliationConfig } from './config';
export { acknowledgeDiscrepancy } from './discrepancies';
export { activeRun, createRun, executeRun, messageOf, type ReconcileDeps, type ReconciliationMode, type RunProgress, type RunSummary } from './run';
export { RECONCILE_QUEUE, RECONCILE_SCHEDULER_ID, Reconciler, type ReconcileJob } from './scheduler';
export type * from './state';

export interface ReconcilerSetup {
  connection: ConnectionOptions;
  prefix: string;
  ledger: ShipmentLedger;
  /** Absent (LADING_SAP=off): SAP's deliveries are not compared. */
  sap?: SapConfig;
  /** The sap-send queue whose failed jobs a re-send forgets. */
  sapSide?: SapSide;
  config?: ReconciliationConfig;
}

export function reconcileDeps(setup: ReconcilerSetup, config: ReconciliationConfig): ReconcileDeps {
  const sapQueue = setup.sapSide?.queue.queues[0];
  return {
    ledger: { ledger: setup.ledger, verifyPayloadHashes: config.verifyPayloadHashes },
    ...(setup.sap ? { erp: { config: setup.sap, partner: config.erpPartner } } : {}),
    batchSize: config.batchSize,
    ...(sapQueue ? { forgetSapJob: async (id: string) => void (await sapQueue.remove(`sap-${id}`)) } : {}),
  };
}

export async function startReconciler(setup: ReconcilerSetup): Promise<Reconciler> {
  const config = setup.config ?? readReconciliationConfig();
  const reconciler = await new Reconciler({
    connection: setup.connection, prefix: setup.prefix, deps: reconcileDeps(setup, config), ...(config.cron ? { cron: config.cron } : {}),
  }).start();
  cds.log('lading').info(`reconciliation: ${config.cron ? `incremental on "${config.cron}"` : 'on demand'}, SAP deliveries of ${setup.sap ? config.erpPartner : '(SAP off)'}`);
  return reconciler;
}
