import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSapSimulator, type SapSimulator } from '../../sap-simulator';
import { connectAs, Devnet, newEvent, type OrgClient } from '../ledger/support';
import { fixture } from '../support/lading';
import { basic, LadingProcess } from '../support/lading-process';
import { ledgerEnv } from '../support/ledger-env';
import { waitFor } from '../support/wait';

/**
 * The listener is killed mid-stream while SAP is failing, then restarted: every carrier event
 * reaches SAP exactly once (the simulator counts no duplicate DOCNUM), because the checkpoint and
 * the queued IDocs are saved in one database transaction.
 */

const DELIVERIES = 10;
const TRANSACTIONS = 30;

let devnet: Devnet;
let sap: SapSimulator;
let carrier: OrgClient;
let workDir: string;
let lading: LadingProcess | undefined;
let env: Record<string, string>;

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'lading-listener-'));
  devnet = await Devnet.start();
  sap = await startSapSimulator({ port: 0, users: { LADING: 'lading' } });
  env = {
    ...ledgerEnv(devnet),
    CDS_CONFIG: JSON.stringify({ requires: { db: { kind: 'sqlite', credentials: { url: join(workDir, 'lading.sqlite') } } }, log: { levels: { cds: 'warn', odata: 'warn', lading: 'warn', pipeline: 'error', sap: 'error' } } }),
    destinations: JSON.stringify([{ name: 'SAP_ERP', url: sap.url, username: 'LADING', password: 'lading' }]),
    LEDGER_REDRIVE_AFTER_MS: '2000',
  };
  lading = await LadingProcess.start('lading', env);
  carrier = await connectAs(devnet, 'CarrierMSP');
}, 180_000);

afterAll(async () => {
  carrier?.close();
  await lading?.kill();
  await devnet?.dispose();
  await sap?.stop();
  await rm(workDir, { recursive: true, force: true });
});

function delivery(index: number): string {
  return fixture('delvry/delvry07-desadv-3-items.xml')
    .replace(/0080004242/g, `00807${String(index).padStart(5, '0')}`)
    .replace(/0000000001004242/g, `00000000090${String(index).padStart(5, '0')}`);
}

it('delivers every ledger event to SAP exactly once across a crash and an SAP outage', async () => {
  for (let index = 0; index < DELIVERIES; index++) {
    const response = await fetch(`${lading?.url}/idoc/xml`, { method: 'POST', body: delivery(index), headers: { 'content-type': 'application/xml', authorization: basic('erp') } });
    expect(response.status).toBe(200);
  }
  await waitFor('the deliveries on the ledger', async () => {
    const response = await fetch(`${lading?.url}/odata/v4/shipment/InboundIdocs/$count?$filter=status eq '53'`, { headers: { authorization: basic('operator') } });
    return Number(await response.text()) === DELIVERIES ? true : undefined;
  });

  sap.fail({ forSeconds: 8, status: 503, scope: 'idoc' });
  const eventIds: string[] = [];
  for (let index = 0; index < TRANSACTIONS; index++) {
    const shipmentId = `S4HCLNT100/00807${String(index % DELIVERIES).padStart(5, '0')}`;
    const event = newEvent(shipmentId, { eventType: 'TRANSPORT', eventTypeCode: index % 2 === 0 ? 'DEPA' : 'ARRI', documentTypeCode: undefined, eventDateTime: `2026-11-2${6 + (index % 3)}T0${index % 10}:00:00Z` });
    eventIds.push(event.eventId);
    await carrier.ledger.recordEvents([event]);
    if (index === TRANSACTIONS / 2) {
      // Mid-stream: the listener dies without warning, and comes back on the same database.
      await lading?.kill('SIGKILL');
      lading = await LadingProcess.start('lading', env);
    }
  }

  const received = await waitFor(`${TRANSACTIONS} shipment updates at SAP`, () => {
    const updates = sap.received({ messageType: 'SHPMNT' });
    return updates.length >= TRANSACTIONS ? updates : undefined;
  }, 120_000);
  await new Promise((resolve) => setTimeout(resolve, 2_000)); // anything sent twice would arrive by now
  const stats = sap.stats();
  console.log(JSON.stringify({ ledgerEvents: TRANSACTIONS, shipmentUpdatesAtSap: sap.received({ messageType: 'SHPMNT' }).length, duplicates: stats.duplicates, faultedRequests: stats.requests.faulted }));
  expect(stats.duplicates).toBe(0);
  expect(sap.received({ messageType: 'SHPMNT' })).toHaveLength(TRANSACTIONS);
  expect(new Set(received.map((idoc) => idoc.docnum)).size).toBe(TRANSACTIONS);
  expect(stats.requests.faulted).toBeGreaterThan(0);
  // Every SAP delivery was also acknowledged once.
  expect(sap.received({ messageType: 'ALEAUD' }).length).toBeGreaterThan(0);
}, 300_000);
