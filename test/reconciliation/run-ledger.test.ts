import { createRun, executeRun, type ReconcileDeps } from '../../srv/reconciliation';
import { connectAs, Devnet, newEvent, type OrgClient } from '../ledger/support';
import { startLading } from '../support/lading';

/**
 * executeRun against a real devnet with pages and batches smaller than the data, so that the
 * read-ahead spans many pages (full: ledger pages two ahead; incremental: ledger heads of the next
 * batches read while one is recorded). When the ledger fails mid-run, the run is marked failed
 * with the ledger's error, and the failure of a page read ahead surfaces as the run's error,
 * never as an unhandled rejection.
 */

jest.setTimeout(120_000);

startLading();

const P = `RUNLEDGER${process.pid}`;
const ids = Array.from({ length: 7 }, (_, n) => `${P}/${String(n).padStart(4, '0')}`);
let devnet: Devnet;
let shipper: OrgClient;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => void unhandled.push(reason);

function deps(): ReconcileDeps {
  return { ledger: { ledger: shipper.ledger, pageSize: 2, verifyPayloadHashes: true, concurrency: 2 }, batchSize: 3 };
}

async function runRow(id: string): Promise<Record<string, unknown>> {
  return (await SELECT.one.from('lading.ReconciliationRuns').where({ ID: id })) as Record<string, unknown>;
}

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  devnet = await Devnet.start();
  shipper = await connectAs(devnet, 'ShipperMSP', { evaluateMs: 3000 });
  // Every shipment on the ledger with one booking confirmation; Lading has all but the last (with
  // the event, settled), and one of them with another status.
  const events = ids.map((id) => newEvent(id));
  await shipper.ledger.recordEvents(events);
  await INSERT.into('lading.Shipments').entries(ids.slice(0, -1).map((ID, n) => ({ ID, status: n === 2 ? 'ARRIVED' : 'TRANSPORT_PLANNED' })));
  await INSERT.into('lading.ShipmentEvents').entries(events.slice(0, -1).map((event) => ({
    eventId: event.eventId, shipment_ID: event.shipmentId, payloadHash: event.payloadHash, ledgerTxId: 'settled', ledgerBlock: 1,
  })));
});

afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  shipper?.close();
  await devnet?.dispose();
});

describe('a run across many ledger pages and batches', () => {
  it('full: compares every shipment of either side in order and finishes', async () => {
    const runId = await createRun('full', 'test');
    // After each batch the run row shows the progress the caller is told (SQLite: written as plain SQL).
    const progress: unknown[][] = [];
    const summary = await executeRun(runId, deps(), async ({ done, total, eta }) => {
      const row = await runRow(runId);
      progress.push([row.done, row.total, row.eta ?? undefined, row.matched], [done, total, eta, row.matched]);
    });
    expect(summary.done).toBeGreaterThanOrEqual(ids.length);
    expect(progress.length).toBeGreaterThanOrEqual(2 * 3);
    for (let at = 0; at < progress.length; at += 2) expect(progress[at]).toEqual(progress[at + 1]);
    expect(progress.some(([, , eta]) => typeof eta === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(eta))).toBe(true);
    const found = (await SELECT.from('lading.Discrepancies').columns('shipmentId', 'kind', 'field').where({ shipmentId: { like: `${P}/%` } }).orderBy('shipmentId')) as Record<string, unknown>[];
    expect(found.map((row) => [row.shipmentId, row.kind, row.field])).toEqual([
      [ids[2], 'statusMismatch', 'status'],
      [ids[6], 'missingInErp', 'shipment'],
    ]);
    expect(await runRow(runId)).toEqual(expect.objectContaining({ status: 'finished', done: summary.done, total: summary.done }));
  });

  it('incremental: reads the changed shipments\' heads by id, batches ahead, and finds the change', async () => {
    const changed = ids.slice(0, 5);
    await UPDATE.entity('lading.Shipments').set({ status: 'DEPARTED', modifiedAt: new Date(Date.now() + 1000).toISOString() }).where({ ID: { in: changed } });
    const runId = await createRun('incremental', 'test');
    const summary = await executeRun(runId, deps());
    expect(summary.mode).toBe('incremental');
    // The five changed, plus the two with open discrepancies (one of them among the changed).
    expect(summary.done).toBe(6);
    const open = (await SELECT.from('lading.Discrepancies').columns('shipmentId').where({ shipmentId: { like: `${P}/%` }, kind: 'statusMismatch', status: 'open' }).orderBy('shipmentId')) as Record<string, unknown>[];
    expect(open.map((row) => row.shipmentId)).toEqual(changed);
  });

  it('fails the run with the ledger\'s error when the ledger goes away, full or incremental, with nothing unhandled', async () => {
    await devnet.stop();
    for (const mode of ['full', 'incremental'] as const) {
      const runId = await createRun(mode, 'test');
      await expect(executeRun(runId, deps())).rejects.toThrow();
      const row = await runRow(runId);
      expect(row.status).toBe('failed');
      expect(String(row.message)).toContain('LedgerUnavailableError');
    }
    // Read-ahead pages that failed after the run gave up must not surface later.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(unhandled).toEqual([]);
  });
});
