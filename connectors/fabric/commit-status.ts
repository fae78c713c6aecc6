/**
 * Asks the gateway for the commit status of any transaction id, not just one this process has
 * submitted: after an unknown outcome, the id kept with the job is all Lading has.
 */
import type { Status } from '@hyperledger/fabric-gateway';
import { gateway as gatewayProtos, msp } from '@hyperledger/fabric-protos';
import type { LedgerConnection } from './connection';
import { toLedgerError } from './errors';

/**
 * Status of `transactionId`; like the gateway, waits until it is committed or the commit-status
 * deadline passes (then LedgerOutcomeUnknownError).
 */
export async function commitStatusOf(connection: LedgerConnection, transactionId: string): Promise<Status> {
  const commit = connection.gateway.newCommit(commitStatusRequestBytes(connection, transactionId));
  try {
    return await commit.getStatus();
  } catch (err) {
    throw toLedgerError(err, { transactionId, operation: 'commit-status' });
  }
}

/** An unsigned SignedCommitStatusRequest; the gateway signs it as our identity on getStatus(). */
function commitStatusRequestBytes(connection: LedgerConnection, transactionId: string): Uint8Array {
  const creator = new msp.SerializedIdentity();
  creator.setMspid(connection.identity.mspId);
  creator.setIdBytes(connection.identity.credentials);

  const request = new gatewayProtos.CommitStatusRequest();
  request.setChannelId(connection.config.channel);
  request.setTransactionId(transactionId);
  request.setIdentity(creator.serializeBinary());

  const signed = new gatewayProtos.SignedCommitStatusRequest();
  signed.setRequest(request.serializeBinary());
  return signed.serializeBinary();
}
