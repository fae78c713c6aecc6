import { peer } from '@hyperledger/fabric-protos';

/** Decodes the client's SignedProposal; the shim needs it as a message inside TRANSACTION. */
export function decodeSignedProposal(bytes: Buffer): peer.SignedProposal {
  return peer.SignedProposal.deserializeBinary(bytes);
}

/**
 * The chaincode name the proposal invokes: Fabric's namespace, reported in range results.
 * Empty when the proposal does not say (the shim does not read it).
 */
export function chaincodeNameOf(signedProposal: peer.SignedProposal): string {
  try {
    const proposal = peer.Proposal.deserializeBinary(signedProposal.getProposalBytes_asU8());
    const payload = peer.ChaincodeProposalPayload.deserializeBinary(proposal.getPayload_asU8());
    const invocation = peer.ChaincodeInvocationSpec.deserializeBinary(payload.getInput_asU8());
    return invocation.getChaincodeSpec()?.getChaincodeId()?.getName() ?? '';
  } catch {
    return '';
  }
}
