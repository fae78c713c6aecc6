import { execSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connectAs } from '../../test/ledger/support';
import { seededDevnet, shipmentIdOf } from '../reconcile';

/**
 * `npx tsx bench/experiments/point-reads.ts [shipments] [rounds]`: how fast the ledger answers heads by
 * id — getShipments, one GetState round trip between chaincode and devnet per id, what an
 * incremental reconciliation pays per changed shipment — and the CPU each process spends per read:
 * the chaincode, devnet, and this client (gateway, signing, decoding). Devnet holds `shipments`
 * heads (default 200,000, seeded as bench/reconcile.ts does); each round reads 64 calls of 125
 * ids of other shipments spread over all of them, in 8 lanes (the reconciliation's two batches ahead × four lanes). The
 * first round is cold (pages and code paths devnet has not touched); compare the later ones.
 * Linux only (CPU from /proc). One JSON line per round.
 */

const LANES = 8;
const IDS_PER_CALL = 125;
const CALLS_PER_LANE = 8;

/** User + system CPU of a process so far, ms (clock ticks of 10 ms). */
function cpuMsOf(pid: string): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** The pids of devnet and its chaincode, from their command lines. */
function processIds(): { devnet: string; chaincode: string } {
  const lines = execSync('ps -eo pid,args').toString().split('\n');
  const pidOf = (pattern: RegExp, what: string): string => {
    const line = lines.find((candidate) => pattern.test(candidate));
    if (!line) throw new Error(`no ${what} process found`);
    return line.trim().split(/\s+/)[0] ?? '';
  };
  return { devnet: pidOf(/preflight.*devnet-host/, 'devnet'), chaincode: pidOf(/^\s*\d+ node .*fabric-chaincode-node server/, 'chaincode') };
}

async function main(): Promise<void> {
  const shipments = Number(process.argv[2] ?? 200_000);
  const rounds = Number(process.argv[3] ?? 4);
  const devnet = await seededDevnet(shipments);
  const shipper = await connectAs(devnet, 'ShipperMSP');
  try {
    const pids = processIds();
    const perRound = LANES * CALLS_PER_LANE * IDS_PER_CALL;
    const stride = Math.floor(shipments / perRound);
    if (stride < rounds) throw new Error(`${shipments} shipments are too few for ${rounds} rounds of ${perRound} different ones`);
    for (let round = 0; round < rounds; round++) {
      // Each round reads other shipments, spread over all of them (every `stride`th from its own offset), as each incremental run does.
      const idsOf = (call: number): string[] => Array.from({ length: IDS_PER_CALL }, (_, at) => shipmentIdOf(round + (call * IDS_PER_CALL + at) * stride));
      const before = { chaincode: cpuMsOf(pids.chaincode), devnet: cpuMsOf(pids.devnet), client: process.cpuUsage() };
      const started = process.hrtime.bigint();
      await Promise.all(Array.from({ length: LANES }, async (_, lane) => {
        for (let call = 0; call < CALLS_PER_LANE; call++) await shipper.ledger.getShipments(idsOf(lane * CALLS_PER_LANE + call));
      }));
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const client = process.cpuUsage(before.client);
      const perRead = (cpuMs: number): number => Math.round((cpuMs * 1000) / perRound);
      process.stdout.write(`${JSON.stringify({
        round, shipments, reads: perRound, readsPerSecond: Math.round((perRound / ms) * 1000),
        cpuMicrosecondsPerRead: {
          chaincode: perRead(cpuMsOf(pids.chaincode) - before.chaincode),
          devnet: perRead(cpuMsOf(pids.devnet) - before.devnet),
          client: perRead((client.user + client.system) / 1000),
        },
      })}\n`);
    }
  } finally {
    shipper.close();
    await devnet.dispose();
  }
}

main().then(() => process.exit(0), (error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
