/**
 * The committer's structural check of a transaction envelope, in Fabric's order
 * (core/common/validation/msgvalidation.go ValidateTransaction): header, creator signature,
 * tx id, then one action whose proposal hash matches the transaction's own header and payload.
 */
import { common, peer } from '@hyperledger/fabric-protos';
import { checkSignature } from '../identity/ecdsa';
import type { MspRegistry } from '../identity/msp';
import type { ParsedEnvelope } from '../protocol/envelope';
import { computeTxId } from '../protocol/proposal';
import { sha256 } from '../protocol/rwset';

const Code = peer.TxValidationCode;

function validCreatorSignature(msps: MspRegistry, tx: ParsedEnvelope): boolean {
  try {
    const identity = msps.validateCreator(tx.creator);
    return checkSignature(identity.publicKey, tx.payloadBytes, tx.signature) === 'ok';
  } catch {
    return false;
  }
}

/** VALID, or the code Fabric's ValidateTransaction gives; `undefined` tx = unparsable envelope. */
export function checkTransaction(msps: MspRegistry, tx: ParsedEnvelope | undefined): number {
  if (!tx) return Code.BAD_PAYLOAD;
  if (tx.channelHeader.getEpoch() !== 0 || tx.nonce.length === 0 || tx.creator.length === 0) return Code.BAD_COMMON_HEADER;
  if (!validCreatorSignature(msps, tx)) return Code.BAD_CREATOR_SIGNATURE;
  if (tx.type !== common.HeaderType.ENDORSER_TRANSACTION) return Code.UNSUPPORTED_TX_PAYLOAD;
  if (tx.txId !== computeTxId(tx.nonce, tx.creator)) return Code.BAD_PROPOSAL_TXID;
  const action = tx.action;
  if (!action || action.actionCount !== 1) return Code.INVALID_ENDORSER_TRANSACTION;
  const expectedHash = sha256(Buffer.concat([tx.channelHeaderBytes, action.actionHeader, action.chaincodeProposalPayload]));
  if (!expectedHash.equals(Buffer.from(action.proposalHash))) return Code.INVALID_ENDORSER_TRANSACTION;
  return Code.VALID;
}
