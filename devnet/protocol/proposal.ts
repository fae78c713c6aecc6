/**
 * Unpacks and validates a SignedProposal the way Fabric does: the gateway unpacks (malformed →
 * INVALID_ARGUMENT) and the endorsing peer validates header, tx id, creator and signature
 * (core/endorser/msgvalidation.go).
 */
import { createHash } from 'node:crypto';
import { common, peer } from '@hyperledger/fabric-protos';
import { checkSignature } from '../identity/ecdsa';
import { IdentityError, signatureMessage, type Identity, type MspRegistry } from '../identity/msp';
import { timestampToDate } from './wellknown';

export interface UnpackedProposal {
  /** The SignedProposal bytes exactly as they go to the chaincode. */
  signedProposalBytes: Uint8Array;
  proposalBytes: Uint8Array;
  signature: Uint8Array;
  header: common.Header;
  channelHeaderBytes: Uint8Array;
  signatureHeaderBytes: Uint8Array;
  channelHeader: common.ChannelHeader;
  signatureHeader: common.SignatureHeader;
  txId: string;
  channelId: string;
  chaincodeName: string;
  args: Buffer[];
  isInit: boolean;
  /** ChaincodeProposalPayload without the transient map: what the transaction records. */
  payloadWithoutTransient: Uint8Array;
  hasTransientData: boolean;
  timestamp: Date;
}

/** A proposal the gateway cannot even unpack (gRPC INVALID_ARGUMENT). */
export class ProposalFormatError extends Error {
  override readonly name = 'ProposalFormatError';
}

/** A proposal the endorsing peer refuses (bad header, tx id, creator or signature). */
export class ProposalValidationError extends Error {
  override readonly name = 'ProposalValidationError';
}

function decode<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw new ProposalFormatError(`error unmarshalling ${what}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

export function unpackProposal(signed: peer.SignedProposal | undefined): UnpackedProposal {
  const proposalBytes = signed?.getProposalBytes_asU8() ?? new Uint8Array();
  if (!signed || proposalBytes.length === 0) {
    throw new ProposalFormatError('the proposed transaction must contain a signed proposal');
  }
  const proposal = decode('Proposal', () => peer.Proposal.deserializeBinary(proposalBytes));
  const header = decode('Header', () => common.Header.deserializeBinary(proposal.getHeader_asU8()));
  const channelHeaderBytes = header.getChannelHeader_asU8();
  const signatureHeaderBytes = header.getSignatureHeader_asU8();
  const channelHeader = decode('ChannelHeader', () => common.ChannelHeader.deserializeBinary(channelHeaderBytes));
  const signatureHeader = decode('SignatureHeader', () => common.SignatureHeader.deserializeBinary(signatureHeaderBytes));
  const payload = decode('ChaincodeProposalPayload', () => peer.ChaincodeProposalPayload.deserializeBinary(proposal.getPayload_asU8()));
  const spec = decode('ChaincodeInvocationSpec', () => peer.ChaincodeInvocationSpec.deserializeBinary(payload.getInput_asU8()));
  const chaincodeSpec = spec.getChaincodeSpec();
  const channelId = channelHeader.getChannelId();
  if (!channelId) throw new ProposalFormatError('no channel id provided');
  if (!chaincodeSpec) throw new ProposalFormatError(`no chaincode spec is provided, channel id [${channelId}]`);
  const chaincodeName = chaincodeSpec.getChaincodeId()?.getName() ?? '';
  if (!chaincodeName) throw new ProposalFormatError(`no chaincode name is provided, channel id [${channelId}]`);
  const input = chaincodeSpec.getInput();
  // jspb.Map is untyped (google-protobuf has no declarations): read its length as a number.
  const hasTransientData = Number(payload.getTransientmapMap().getLength()) > 0;

  const withoutTransient = peer.ChaincodeProposalPayload.deserializeBinary(proposal.getPayload_asU8());
  withoutTransient.clearTransientmapMap();

  return {
    signedProposalBytes: signed.serializeBinary(),
    proposalBytes,
    signature: signed.getSignature_asU8(),
    header,
    channelHeaderBytes,
    signatureHeaderBytes,
    channelHeader,
    signatureHeader,
    txId: channelHeader.getTxId(),
    channelId,
    chaincodeName,
    args: (input?.getArgsList_asU8() ?? []).map((arg) => Buffer.from(arg)),
    isInit: input?.getIsInit() ?? false,
    payloadWithoutTransient: withoutTransient.serializeBinary(),
    hasTransientData,
    timestamp: timestampToDate(channelHeader.getTimestamp()) ?? new Date(0),
  };
}

/** Fabric's transaction id: hex SHA-256 over nonce ‖ creator. */
export function computeTxId(nonce: Uint8Array, creator: Uint8Array): string {
  return createHash('sha256').update(nonce).update(creator).digest('hex');
}

/** Checks a header as Fabric's msgvalidation does for endorser transactions. */
export function validateHeader(channelHeader: common.ChannelHeader, signatureHeader: common.SignatureHeader): void {
  if (channelHeader.getType() !== common.HeaderType.ENDORSER_TRANSACTION) {
    throw new ProposalValidationError(`invalid header type ${channelHeader.getType()}: only ENDORSER_TRANSACTION is accepted`);
  }
  if (channelHeader.getEpoch() !== 0) {
    throw new ProposalValidationError(`invalid Epoch in ChannelHeader. Expected 0, got [${channelHeader.getEpoch()}]`);
  }
  const nonce = signatureHeader.getNonce_asU8();
  const creator = signatureHeader.getCreator_asU8();
  if (nonce.length === 0) throw new ProposalValidationError('invalid nonce specified in the header');
  if (creator.length === 0) throw new ProposalValidationError('invalid creator specified in the header');
  const expected = computeTxId(nonce, creator);
  if (channelHeader.getTxId() !== expected) {
    throw new ProposalValidationError(`incorrectly formed transaction ID [${channelHeader.getTxId()}], expected [${expected}]`);
  }
}

/** Peer-side checks: header, tx id, creator membership and the low-S signature over proposal_bytes. */
export function validateProposal(proposal: UnpackedProposal, msps: MspRegistry): Identity {
  validateHeader(proposal.channelHeader, proposal.signatureHeader);
  let identity: Identity;
  try {
    identity = msps.validateCreator(proposal.signatureHeader.getCreator_asU8());
  } catch (err) {
    if (err instanceof IdentityError) {
      throw new ProposalValidationError(`access denied: channel [${proposal.channelId}] creator org unknown, creator is malformed: ${err.message}`);
    }
    throw err;
  }
  const check = checkSignature(identity.publicKey, proposal.proposalBytes, proposal.signature);
  if (check !== 'ok') {
    throw new ProposalValidationError(`access denied: channel [${proposal.channelId}] creator org [${identity.mspId}]: ${signatureMessage(check, identity.mspId)}`);
  }
  return identity;
}
