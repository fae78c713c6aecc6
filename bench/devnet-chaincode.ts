import { connectAs, Devnet, newEvent, type OrgClient } from '../test/ledger/support';
import type { LedgerEvent } from '../connectors/fabric';
import type { BenchContext } from './lib/context';
import type { Measurement } from './lib/result';
import { elapsedMs, nowNs } from './lib/timing';

/**
 * 3. devnet and chaincode: transactions/s and events/s of `ShipmentLedger.recordEvents` (endorse,
 * sign, submit, wait for commit) for batches of 1, 10, 100 and 500 events, 8 submits in flight,
 * every transaction on shipments of its own (4 events per shipment, as an IDoc maps to), so no
 * MVCC conflicts; devnet in its own process with its defaults (blocks of 100 tx or 100 ms).
 * Baseline: evaluate calls/s (`getShipment`, 8 in flight) on the same connection.
 */

const IN_FLIGHT = 8;
const EVENTS_PER_SHIPMENT = 4;

interface Rate {
  calls: number;
  ms: number;
  perSecond: number;
}

/** Runs `call` from IN_FLIGHT lanes until `durationMs` has passed (or `maxCalls`), returns calls/s. */
async function lanes(durationMs: number, maxCalls: number, call: (lane: number, n: number) => Promise<void>): Promise<Rate> {
  let calls = 0;
  let issued = 0;
  const start = nowNs();
  await Promise.all(Array.from({ length: IN_FLIGHT }, async (_, lane) => {
    while (elapsedMs(start) < durationMs && issued < maxCalls) {
      await call(lane, issued++);
      calls++;
    }
  }));
  const ms = elapsedMs(start);
  return { calls, ms, perSecond: (calls * 1000) / ms };
}

function batch(run: string, lane: number, n: number, size: number): LedgerEvent[] {
  const events: LedgerEvent[] = [];
  for (let i = 0; i < size; i++) {
    const shipmentId = `BENCH${run}/${lane}-${n}-${Math.floor(i / EVENTS_PER_SHIPMENT)}`;
    events.push(newEvent(shipmentId, { eventDateTime: `2026-11-25T10:${String(i % 60).padStart(2, '0')}:00Z` }));
  }
  return events;
}

export async function run(context: BenchContext): Promise<Measurement[]> {
  const durationMs = context.quick ? 2_000 : 15_000;
  const runId = Date.now().toString(36).toUpperCase();
  const devnet = await Devnet.start();
  let shipper: OrgClient | undefined;
  const measurements: Measurement[] = [];
  try {
    shipper = await connectAs(devnet, 'ShipperMSP');
    const ledger = shipper.ledger;
    // Warm-up, and a shipment for the evaluate baseline.
    const known = batch(runId, 99, 0, EVENTS_PER_SHIPMENT);
    await ledger.recordEvents(known);
    const knownShipment = known[0]?.shipmentId as string;
    await lanes(1_000, 200, async () => {
      await ledger.getShipment(knownShipment);
    });
    await lanes(1_000, 16, async (lane, n) => {
      await ledger.recordEvents(batch(`${runId}W`, lane, n, 10));
    });

    const evaluate = await lanes(durationMs, Number.MAX_SAFE_INTEGER, async () => {
      await ledger.getShipment(knownShipment);
    });
    context.log(`evaluate getShipment: ${evaluate.perSecond.toFixed(0)} calls/s`);
    const baseline = { name: `evaluate getShipment calls/s, ${IN_FLIGHT} in flight`, value: evaluate.perSecond, unit: 'calls/s' };

    for (const size of [1, 10, 100, 500]) {
      const submit = await lanes(durationMs, Number.MAX_SAFE_INTEGER, async (lane, n) => {
        await ledger.recordEvents(batch(`${runId}B${size}`, lane, n, size));
      });
      context.log(`recordEvents batch ${size}: ${submit.perSecond.toFixed(1)} tx/s, ${(submit.perSecond * size).toFixed(0)} events/s (${submit.calls} tx)`);
      const notes = `${submit.calls} transactions in ${(submit.ms / 1000).toFixed(1)} s, ${IN_FLIGHT} in flight, devnet defaults (block 100 tx / 100 ms)`;
      measurements.push(
        { name: `devnet recordEvents tx/s (batch ${size})`, value: submit.perSecond, unit: 'tx/s', baseline, notes },
        { name: `devnet recordEvents events/s (batch ${size})`, value: submit.perSecond * size, unit: 'events/s', baseline, notes },
      );
    }
  } finally {
    shipper?.close();
    await devnet.dispose();
  }
  return measurements;
}
