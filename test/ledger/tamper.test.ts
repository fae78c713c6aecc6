/**
 * Tamper evidence: after devnet wrote blocks through the real client and chaincode, editing a
 * block file is caught by devnet's `verify` (hash chain, data hashes, world-state replay).
 */
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { common } from '@hyperledger/fabric-protos';
import { Devnet, connectAs, newEvent, newShipmentId, verifyLedgerDir } from './support';

jest.setTimeout(120_000);

const ORIGINAL_LOCATION = 'QUAY-ORIGINAL-0001';
const FORGED_LOCATION = 'QUAY-FORGED---0001';

let devnet: Devnet;
let recordedBlocks: bigint[] = [];

beforeAll(async () => {
  devnet = await Devnet.start();
  const carrier = await connectAs(devnet, 'CarrierMSP');
  try {
    const shipmentId = newShipmentId();
    const leg = (code: 'DEPA' | 'ARRI', location: string): ReturnType<typeof newEvent> =>
      newEvent(shipmentId, { eventType: 'TRANSPORT', eventTypeCode: code, documentTypeCode: undefined, location });
    // One transaction per block (each recordEvents waits for its commit), so later blocks chain on.
    recordedBlocks = [];
    for (const event of [leg('DEPA', ORIGINAL_LOCATION), leg('ARRI', 'QUAY-OTHER-0002'), leg('DEPA', 'QUAY-OTHER-0003')]) {
      recordedBlocks.push((await carrier.ledger.recordEvents([event])).blockNumber);
    }
  } finally {
    carrier.close();
  }
  // Stop so that every block is on disk and nothing writes while the files are edited.
  await devnet.stop();
});

afterAll(async () => {
  await devnet?.dispose();
});

function blockPath(blockNumber: bigint): string {
  return join(devnet.dir, 'ledger', 'blocks', `${blockNumber.toString().padStart(12, '0')}.block`);
}

/** Replaces every occurrence of `from` by `to` (same length, so the protobuf stays well-formed). */
function forge(bytes: Buffer, from: string, to: string): Buffer {
  const forged = Buffer.from(bytes);
  const needle = Buffer.from(from);
  let found = 0;
  for (let at = forged.indexOf(needle); at >= 0; at = forged.indexOf(needle, at + 1)) {
    forged.write(to, at);
    found++;
  }
  if (found === 0) throw new Error(`"${from}" is not in the block`);
  return forged;
}

describe('devnet verify', () => {
  it('finds an untouched ledger sound', async () => {
    const outcome = await verifyLedgerDir(devnet.dir);
    expect(outcome.exitCode).toBe(0);
    expect(outcome.output).toMatch(/^ok: \d+ blocks/);
  });

  it('names the block whose transactions were edited (data hash no longer matches)', async () => {
    const path = blockPath(recordedBlocks[0]!);
    const original = await readFile(path);
    try {
      await writeFile(path, forge(original, ORIGINAL_LOCATION, FORGED_LOCATION));

      const outcome = await verifyLedgerDir(devnet.dir);

      expect(outcome.exitCode).toBe(1);
      expect(outcome.output).toContain(`FAILED at block ${recordedBlocks[0]}`);
      expect(outcome.output).toContain('data_hash');
    } finally {
      await writeFile(path, original);
    }
  });

  it('catches a forger who also rewrote the data hash: the next block no longer chains on', async () => {
    const path = blockPath(recordedBlocks[0]!);
    const original = await readFile(path);
    try {
      const block = common.Block.deserializeBinary(original);
      const data = block.getData()!;
      const envelopes = data.getDataList_asU8().map((envelope) => forge(Buffer.from(envelope), ORIGINAL_LOCATION, FORGED_LOCATION));
      data.setDataList(envelopes);
      // Fabric's data hash: SHA-256 over the concatenated envelopes.
      block.getHeader()!.setDataHash(createHash('sha256').update(Buffer.concat(envelopes)).digest());
      await writeFile(path, block.serializeBinary());

      const outcome = await verifyLedgerDir(devnet.dir);

      expect(outcome.exitCode).toBe(1);
      expect(outcome.output).toContain(`FAILED at block ${recordedBlocks[0]! + 1n}`);
      expect(outcome.output).toContain('previous_hash');
    } finally {
      await writeFile(path, original);
    }
    await expect(verifyLedgerDir(devnet.dir)).resolves.toMatchObject({ exitCode: 0 });
  });
});
