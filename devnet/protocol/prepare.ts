/**
 * Assembles the prepared transaction Envelope returned by Endorse, as Fabric's
 * protoutil.CreateTransactionFromProposalResponses does. The read-write set travels inside it,
 * which is what lets the committer validate MVCC later.
 */
import { common, peer } from '@hyperledger/fabric-protos';
import { sha256 } from './rwset';
import type { UnpackedProposal } from './proposal';
import { bytesField, chunks, messageField, serialized, toBytes } from './wire';

export interface ChaincodeOutcome {
  chaincodeName: string;
  chaincodeVersion: string;
  status: number;
  message: string;
  payload: Uint8Array;
  /** TxReadWriteSet bytes. */
  results: Uint8Array;
  event?: { eventName: string; payload: Uint8Array };
}

export interface Endorser {
  /** Serialized msp.SerializedIdentity of the endorsing peer. */
  identity: Uint8Array;
  sign(data: Uint8Array): Uint8Array;
}

/** SHA-256(channel header ‖ signature header ‖ payload without transient map). */
export function proposalHash(proposal: UnpackedProposal): Buffer {
  return sha256(Buffer.concat([proposal.channelHeaderBytes, proposal.signatureHeaderBytes, proposal.payloadWithoutTransient]));
}

export function chaincodeEventBytes(proposal: UnpackedProposal, outcome: ChaincodeOutcome): Uint8Array {
  if (!outcome.event) return new Uint8Array();
  const event = new peer.ChaincodeEvent();
  event.setChaincodeId(outcome.chaincodeName);
  event.setTxId(proposal.txId);
  event.setEventName(outcome.event.eventName);
  event.setPayload(outcome.event.payload);
  return event.serializeBinary();
}

function chaincodeAction(proposal: UnpackedProposal, outcome: ChaincodeOutcome): peer.ChaincodeAction {
  const response = new peer.Response();
  response.setStatus(outcome.status);
  response.setMessage(outcome.message);
  response.setPayload(outcome.payload);
  const chaincodeId = new peer.ChaincodeID();
  chaincodeId.setName(outcome.chaincodeName);
  chaincodeId.setVersion(outcome.chaincodeVersion);
  const action = new peer.ChaincodeAction();
  action.setResults(outcome.results);
  action.setEvents(chaincodeEventBytes(proposal, outcome));
  action.setResponse(response);
  action.setChaincodeId(chaincodeId);
  return action;
}

/** The ProposalResponsePayload bytes every endorser of the proposal signs. */
export function proposalResponsePayload(proposal: UnpackedProposal, outcome: ChaincodeOutcome): Uint8Array {
  const responsePayload = new peer.ProposalResponsePayload();
  responsePayload.setProposalHash(proposalHash(proposal));
  responsePayload.setExtension$(chaincodeAction(proposal, outcome).serializeBinary());
  return responsePayload.serializeBinary();
}

/** An endorsement signs the response payload followed by the endorser's identity. */
export function endorse(responsePayloadBytes: Uint8Array, endorser: Endorser): peer.Endorsement {
  const endorsement = new peer.Endorsement();
  endorsement.setEndorser(endorser.identity);
  endorsement.setSignature(endorser.sign(Buffer.concat([responsePayloadBytes, endorser.identity])));
  return endorsement;
}

/**
 * The unsigned Envelope the client signs and submits, carrying one response payload and its
 * endorsements: Payload{header, data = Transaction{actions = [TransactionAction{header,
 * payload = ChaincodeActionPayload{chaincode_proposal_payload, action = ChaincodeEndorsedAction}}]}}.
 * Built in one pass (see ./wire): the same bytes google-protobuf would write level by level.
 */
export function assembleTransaction(
  proposal: Pick<UnpackedProposal, 'header' | 'signatureHeaderBytes' | 'payloadWithoutTransient'>,
  responsePayloadBytes: Uint8Array,
  endorsements: peer.Endorsement[],
): common.Envelope {
  const endorsedAction = bytesField(chunks(), 1, responsePayloadBytes);
  for (const endorsement of endorsements) {
    messageField(endorsedAction, 2, bytesField(bytesField(chunks(), 1, endorsement.getEndorser_asU8()), 2, endorsement.getSignature_asU8()));
  }
  const actionPayload = messageField(bytesField(chunks(), 1, proposal.payloadWithoutTransient), 2, endorsedAction);
  // TransactionAction.payload and Payload.data are bytes fields holding a serialized message; never empty here.
  const txAction = messageField(bytesField(chunks(), 1, proposal.signatureHeaderBytes), 2, actionPayload);
  const transaction = messageField(chunks(), 1, txAction);
  const payload = messageField(messageField(chunks(), 1, serialized(proposal.header.serializeBinary())), 2, transaction);

  const envelope = new common.Envelope();
  envelope.setPayload(toBytes(payload));
  return envelope;
}

/** Builds the unsigned Envelope the client signs and submits, endorsed by one peer. */
export function prepareTransaction(proposal: UnpackedProposal, outcome: ChaincodeOutcome, endorser: Endorser): common.Envelope {
  const responsePayloadBytes = proposalResponsePayload(proposal, outcome);
  return assembleTransaction(proposal, responsePayloadBytes, [endorse(responsePayloadBytes, endorser)]);
}
