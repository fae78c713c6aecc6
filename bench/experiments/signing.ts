import { createHash, generateKeyPairSync } from 'node:crypto';
import { signers } from '@hyperledger/fabric-gateway';
import { ecdsaSigning } from '../../connectors/fabric/ecdsa';

/**
 * `npx tsx bench/experiments/signing.ts [count]`: µs per P-256 signature of a 2 KB message (a
 * proposal's size) with fabric-gateway's own signer (pure JavaScript, over the SHA-256 digest)
 * and with Lading's (connectors/fabric/ecdsa.ts: OpenSSL, low-S), in rounds; the first round
 * includes warming up. One JSON line per round.
 */
async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 500);
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const gatewaySigner = signers.newPrivateKeySigner(privateKey);
  const lading = ecdsaSigning(privateKey);
  const message = Buffer.alloc(2000, 7);
  const time = async (sign: () => Promise<Uint8Array>): Promise<number> => {
    const started = process.hrtime.bigint();
    for (let n = 0; n < count; n++) await sign();
    return Math.round(Number(process.hrtime.bigint() - started) / count / 1000);
  };
  for (let round = 0; round < 3; round++) {
    const gateway = await time(() => gatewaySigner(createHash('sha256').update(message).digest()));
    const openssl = await time(() => lading.sign(lading.digest(message)));
    process.stdout.write(`${JSON.stringify({ round, signatures: count, microsecondsPerSignature: { fabricGateway: gateway, openssl } })}\n`);
  }
}

main().then(() => process.exit(0), (error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
