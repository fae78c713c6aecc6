/**
 * connectors/fabric/ecdsa.ts: OpenSSL's ECDSA in fabric-gateway's hash/sign split. Every signature
 * verifies over SHA-256 of the message, S is always in the lower half (Fabric refuses the other),
 * a low-S signature passes through untouched, and a curve it does not know goes to fabric-gateway's
 * signer, which refuses it as before. That devnet, which refuses high-S signatures, accepts Lading's transactions is shown by
 * every ledger suite.
 */
import { generateKeyPairSync, verify, type KeyObject } from 'node:crypto';
import { hash } from '@hyperledger/fabric-gateway';
import { decodeSignature, encodeSignature } from '../../connectors/fabric/der';
import { ecdsaSigning, lowS } from '../../connectors/fabric/ecdsa';

const ORDERS = {
  'P-256': 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n,
  'P-384': 0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n,
} as const;

function keyPair(namedCurve: string): { privateKey: KeyObject; publicKey: KeyObject } {
  return generateKeyPairSync('ec', { namedCurve });
}

describe.each(Object.entries(ORDERS))('%s', (curve, order) => {
  const { privateKey, publicKey } = keyPair(curve);
  const signing = ecdsaSigning(privateKey);

  it('signs the message itself (hash.none) with low-S signatures that verify over its SHA-256', async () => {
    expect(signing.digest).toBe(hash.none);
    // Half of OpenSSL's signatures come out high-S: 64 of them all but never miss the case.
    for (let n = 0; n < 64; n++) {
      const message = Buffer.from(`proposal ${curve} ${n}`);
      const signature = await signing.sign(signing.digest(message));
      expect(verify('sha256', message, { key: publicKey, dsaEncoding: 'der' }, signature)).toBe(true);
      expect(decodeSignature(signature).s <= order >> 1n).toBe(true);
    }
  });

  it('turns a high-S signature into the low-S one of the same r, which still verifies', async () => {
    const message = Buffer.from('a transaction envelope');
    const low = await signing.sign(message);
    const { r, s } = decodeSignature(low);
    // The high-S twin of a valid signature: (r, n − s), as valid to OpenSSL and refused by Fabric.
    const high = encodeSignature(r, order - s);
    expect(verify('sha256', message, { key: publicKey, dsaEncoding: 'der' }, high)).toBe(true);
    const normalised = lowS(high, order);
    expect(decodeSignature(normalised)).toEqual({ r, s });
    expect(Buffer.from(normalised).equals(Buffer.from(low))).toBe(true);
    expect(lowS(low, order)).toBe(low);
  });
});

test('a key on a curve Fabric does not use is refused as fabric-gateway refused it before', () => {
  const { privateKey } = keyPair('secp256k1');
  expect(() => ecdsaSigning(privateKey)).toThrow('Unsupported curve: secp256k1');
});

test('what is not a DER signature is refused with the reason', () => {
  expect(() => lowS(Buffer.from([0x31, 0x02, 0x02, 0x00]), ORDERS['P-256'])).toThrow('ECDSA signature: DER SEQUENCE expected');
  expect(() => lowS(Buffer.from([0x30, 0x03, 0x04, 0x01, 0x00]), ORDERS['P-256'])).toThrow('ECDSA signature: DER INTEGER expected');
});
