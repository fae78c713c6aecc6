import { join } from 'node:path';
import { IDOC_PATH, startSapSimulator, type SapSimulator } from '../sap-simulator';
import type { LedgerEvent } from '../connectors/fabric';
import { connectAs, Devnet, newEvent, type OrgClient } from '../test/ledger/support';
import { basic, LadingProcess } from '../test/support/lading-process';
import { ledgerEnv } from '../test/support/ledger-env';
import type { BenchContext } from './lib/context';
import { runLoad } from './lib/http-load';
import { delvry, docnumOf } from './lib/idocs';
import { postedCount } from './lib/lading-db';
import { profileEnv, sqliteCdsConfig, startRedis, tempDir } from './lib/processes';
import type { Measurement } from './lib/result';
import { elapsedMs, nowNs, waitUntil } from './lib/timing';

/**
 * 5. listener → SAP: the carrier (CarrierMSP, its own gateway connection) records transport events
 * on shipments Lading knows; Lading (child process, pipeline and SAP side on, SQLite file, a
 * private Redis, devnet in its own process) hears them, turns each into a SHPMNT IDoc and
 * delivers it to the SAP simulator (in the bench process). Figure: ledger events/s from the first
 * carrier submit to the last SHPMNT at SAP. Baseline: the same IDoc XML POSTed straight to the
 * simulator's /sap/bc/idoc_xml by 8 keep-alive clients.
 */

const LANES = 8;
const EVENTS_PER_TX = 10;
const FIRST_SERIAL = 6_000_000;
const SAP_USER = 'LADING';
const SAP_PASSWORD = 'lading';

function shipmentOf(lane: number): string {
  // delvry() puts serial s under delivery 008 + 7 digits, sender partner S4HCLNT100.
  return `S4HCLNT100/008${String((FIRST_SERIAL + lane) % 1e7).padStart(7, '0')}`;
}

function carrierBatch(lane: number, n: number): LedgerEvent[] {
  return Array.from({ length: EVENTS_PER_TX }, (_, i) => {
    const k = n * EVENTS_PER_TX + i;
    const minute = String(k % 60).padStart(2, '0');
    const hour = String(Math.floor(k / 60) % 24).padStart(2, '0');
    return newEvent(shipmentOf(lane), {
      eventType: 'TRANSPORT', eventTypeCode: k % 2 === 0 ? 'DEPA' : 'ARRI', documentTypeCode: undefined,
      eventDateTime: `2026-11-26T${hour}:${minute}:00Z`,
    });
  });
}

export async function run(context: BenchContext): Promise<Measurement[]> {
  const transactionsPerLane = context.quick ? 3 : 40;
  const total = LANES * transactionsPerLane * EVENTS_PER_TX;
  const dir = await tempDir('lading-bench-sap-');
  const dbFile = join(dir.path, 'lading.sqlite');
  const redis = await startRedis();
  let devnet: Devnet | undefined;
  let sap: SapSimulator | undefined;
  let lading: LadingProcess | undefined;
  let carrier: OrgClient | undefined;
  let listenerRate: number;
  let recordRate: number;
  let sample: string;
  try {
    devnet = await Devnet.start();
    sap = await startSapSimulator({ port: 0, users: { [SAP_USER]: SAP_PASSWORD } });
    lading = await LadingProcess.start('bench-sap', {
      ...ledgerEnv(devnet, redis.url), CDS_CONFIG: sqliteCdsConfig(dir.path),
      ...(context.profile ? profileEnv(context, 'listener-sap') : {}),
      destinations: JSON.stringify([{ name: 'SAP_ERP', url: sap.url, username: SAP_USER, password: SAP_PASSWORD }]),
    });
    carrier = await connectAs(devnet, 'CarrierMSP');
    // The shipments the carrier reports on, posted by SAP through Lading and on the ledger (53).
    for (let lane = 0; lane < LANES; lane++) {
      const response = await fetch(`${lading.url}/idoc/xml`, {
        method: 'POST', body: delvry(FIRST_SERIAL + lane, 3), headers: { 'content-type': 'application/xml', authorization: basic('erp') },
      });
      if (response.status !== 200) throw new Error(`posting delivery ${lane} answered ${response.status}: ${await response.text()}`);
    }
    await waitUntil('the deliveries on the ledger', () => {
      const counts = postedCount(dbFile, docnumOf(FIRST_SERIAL), docnumOf(FIRST_SERIAL + LANES));
      return counts.posted === LANES ? true : undefined;
    }, 60_000, 200);
    const before = sap.received({ messageType: 'SHPMNT' }).length;
    context.log(`recording ${total} carrier events (${LANES} lanes × ${transactionsPerLane} tx × ${EVENTS_PER_TX})`);
    const start = nowNs();
    await Promise.all(Array.from({ length: LANES }, async (_, lane) => {
      for (let n = 0; n < transactionsPerLane; n++) await carrier?.ledger.recordEvents(carrierBatch(lane, n));
    }));
    recordRate = (total * 1000) / elapsedMs(start);
    const simulator = sap;
    await waitUntil(`${total} SHPMNT IDocs at SAP`, () => (simulator.received({ messageType: 'SHPMNT' }).length - before >= total ? true : undefined),
      context.quick ? 90_000 : 300_000, 20);
    listenerRate = (total * 1000) / elapsedMs(start);
    const received = sap.received({ messageType: 'SHPMNT' });
    sample = received[received.length - 1]?.xml ?? '';
    context.log(`carrier recorded ${recordRate.toFixed(0)} events/s; SAP got ${received.length - before} SHPMNT, duplicates ${sap.stats().duplicates}`);
  } finally {
    carrier?.close();
    await lading?.kill('SIGTERM');
    await devnet?.dispose();
    await redis.stop();
    await dir.remove();
  }
  let direct;
  try {
    const url = `${sap.url}${IDOC_PATH}?sap-client=100`;
    const headers = { authorization: `Basic ${Buffer.from(`${SAP_USER}:${SAP_PASSWORD}`).toString('base64')}` };
    await runLoad({ url, concurrency: LANES, maxRequests: 200, body: () => sample, headers });
    direct = await runLoad({ url, concurrency: LANES, durationMs: context.quick ? 3_000 : 10_000, body: () => sample, headers });
    if (direct.ok === 0) throw new Error(`the simulator accepted no direct POST: ${direct.firstFailure}`);
  } finally {
    await sap.stop();
  }
  return [{
    name: 'listener → SAP ledger events/s delivered as SHPMNT', value: listenerRate, unit: 'events/s',
    baseline: { name: `plain HTTP POSTs/s of the same SHPMNT XML to the simulator (${LANES} clients)`, value: direct.perSecond, unit: 'POSTs/s' },
    notes: `${total} carrier events (${LANES} lanes × ${transactionsPerLane} transactions × ${EVENTS_PER_TX} events); the carrier alone recorded ${recordRate.toFixed(0)} events/s`,
  }];
}
