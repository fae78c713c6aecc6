/**
 * Block hashing exactly as Fabric's protoutil: data hash = SHA-256 over the concatenated
 * envelopes; header hash = SHA-256 over the ASN.1 DER of SEQUENCE { number INTEGER,
 * previous_hash OCTET STRING, data_hash OCTET STRING }. Matching Fabric means a devnet chain
 * can be checked with Fabric's own tooling.
 */
import { createHash } from 'node:crypto';
import { common } from '@hyperledger/fabric-protos';
import { sha256 } from '../protocol/rwset';

function derLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n % 256);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function derTlv(tag: number, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), derLength(body.length), body]);
}

function derUnsignedInteger(value: number): Buffer {
  let hex = BigInt(value).toString(16);
  if (hex.length % 2 === 1) hex = '0' + hex;
  let bytes = Buffer.from(hex, 'hex');
  if ((bytes[0] ?? 0) & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return derTlv(0x02, bytes);
}

export function blockHeaderBytes(header: common.BlockHeader): Buffer {
  return derTlv(
    0x30,
    Buffer.concat([
      derUnsignedInteger(header.getNumber()),
      derTlv(0x04, Buffer.from(header.getPreviousHash_asU8())),
      derTlv(0x04, Buffer.from(header.getDataHash_asU8())),
    ]),
  );
}

export function blockHeaderHash(header: common.BlockHeader): Buffer {
  return sha256(blockHeaderBytes(header));
}

/** Hashed envelope by envelope: the same digest as over their concatenation, without copying the block into one buffer. */
export function blockDataHash(data: readonly Uint8Array[]): Buffer {
  const hash = createHash('sha256');
  for (const envelope of data) hash.update(envelope);
  return hash.digest();
}
