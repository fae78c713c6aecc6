/**
 * Reads a transaction Envelope back: for Submit (signature check), at commit (rwset, endorsement)
 * and when serving events (chaincode event). Only endorser transactions carry an action.
 */
import { common, peer } from '@hyperledger/fabric-protos';
import { timestampToDate } from './wellknown';

export interface ParsedEndorsement {
  endorser: Uint8Array;
  signature: Uint8Array;
}

export interface EndorserAction {
  /** Number of actions in the transaction: Fabric accepts exactly one. */
  actionCount: number;
  /** TransactionAction.header: the creator's SignatureHeader bytes. */
  actionHeader: Uint8Array;
  /** ChaincodeActionPayload.chaincode_proposal_payload (without transient data). */
  chaincodeProposalPayload: Uint8Array;
  /** ProposalResponsePayload.proposal_hash. */
  proposalHash: Uint8Array;
  chaincodeName: string;
  /** ProposalResponsePayload bytes: what each endorsement signs (followed by the endorser). */
  responsePayloadBytes: Uint8Array;
  endorsements: ParsedEndorsement[];
  /** TxReadWriteSet bytes. */
  results: Uint8Array;
  event: peer.ChaincodeEvent | undefined;
  status: number;
}

export interface ParsedEnvelope {
  payloadBytes: Uint8Array;
  signature: Uint8Array;
  channelHeaderBytes: Uint8Array;
  channelHeader: common.ChannelHeader;
  nonce: Uint8Array;
  type: number;
  txId: string;
  channelId: string;
  creator: Uint8Array;
  timestamp: Date;
  /** Present for ENDORSER_TRANSACTION envelopes. */
  action: EndorserAction | undefined;
}

export class EnvelopeFormatError extends Error {
  override readonly name = 'EnvelopeFormatError';
}

function endorserAction(payload: common.Payload): EndorserAction {
  const transaction = peer.Transaction.deserializeBinary(payload.getData_asU8());
  const first = transaction.getActionsList()[0];
  if (!first) throw new EnvelopeFormatError('transaction has no actions');
  const actionPayload = peer.ChaincodeActionPayload.deserializeBinary(first.getPayload_asU8());
  const endorsed = actionPayload.getAction();
  if (!endorsed) throw new EnvelopeFormatError('transaction action has no endorsed action');
  const responsePayloadBytes = endorsed.getProposalResponsePayload_asU8();
  const responsePayload = peer.ProposalResponsePayload.deserializeBinary(responsePayloadBytes);
  const action = peer.ChaincodeAction.deserializeBinary(responsePayload.getExtension_asU8());
  const eventBytes = action.getEvents_asU8();
  return {
    actionCount: transaction.getActionsList().length,
    actionHeader: first.getHeader_asU8(),
    chaincodeProposalPayload: actionPayload.getChaincodeProposalPayload_asU8(),
    proposalHash: responsePayload.getProposalHash_asU8(),
    chaincodeName: action.getChaincodeId()?.getName() ?? '',
    responsePayloadBytes,
    endorsements: endorsed.getEndorsementsList().map((e) => ({ endorser: e.getEndorser_asU8(), signature: e.getSignature_asU8() })),
    results: action.getResults_asU8(),
    event: eventBytes.length > 0 ? peer.ChaincodeEvent.deserializeBinary(eventBytes) : undefined,
    status: action.getResponse()?.getStatus() ?? 0,
  };
}

/** Throws EnvelopeFormatError when the bytes are not a well-formed transaction envelope. */
export function parseEnvelope(envelope: common.Envelope): ParsedEnvelope {
  try {
    const payloadBytes = envelope.getPayload_asU8();
    const payload = common.Payload.deserializeBinary(payloadBytes);
    const header = payload.getHeader();
    if (!header) throw new EnvelopeFormatError('envelope payload has no header');
    const channelHeaderBytes = header.getChannelHeader_asU8();
    const channelHeader = common.ChannelHeader.deserializeBinary(channelHeaderBytes);
    const signatureHeader = common.SignatureHeader.deserializeBinary(header.getSignatureHeader_asU8());
    const type = channelHeader.getType();
    return {
      payloadBytes,
      signature: envelope.getSignature_asU8(),
      channelHeaderBytes,
      channelHeader,
      nonce: signatureHeader.getNonce_asU8(),
      type,
      txId: channelHeader.getTxId(),
      channelId: channelHeader.getChannelId(),
      creator: signatureHeader.getCreator_asU8(),
      timestamp: timestampToDate(channelHeader.getTimestamp()) ?? new Date(0),
      action: type === common.HeaderType.ENDORSER_TRANSACTION ? endorserAction(payload) : undefined,
    };
  } catch (err) {
    if (err instanceof EnvelopeFormatError) throw err;
    throw new EnvelopeFormatError(`malformed envelope: ${err instanceof Error ? err.message : String(err)}`);
  }
}

export function parseEnvelopeBytes(bytes: Uint8Array): ParsedEnvelope {
  let envelope: common.Envelope;
  try {
    envelope = common.Envelope.deserializeBinary(bytes);
  } catch (err) {
    throw new EnvelopeFormatError(`malformed envelope: ${err instanceof Error ? err.message : String(err)}`);
  }
  return parseEnvelope(envelope);
}
