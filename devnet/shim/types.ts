/**
 * The seam between devnet's peer core (ledger, blocks, validation) and its chaincode runtime
 * (the shim protocol spoken to a chaincode-as-a-service process).
 *
 * The core hands the runtime a TxSimulator for one proposal; the runtime answers the
 * chaincode's GET_STATE / PUT_STATE / ... callbacks through it. The simulator records the
 * read set (with versions, for MVCC) and the write set; the runtime never sees versions.
 * Collection '' is the public world state; any other name is a private data collection.
 */

export interface StateKV {
  key: string;
  value: Buffer;
}

export interface RangePage {
  /** Keys in ascending order, startKey inclusive, endKey exclusive. */
  results: StateKV[];
  /** True when more keys exist in the range after the last returned one. */
  hasMore: boolean;
}

export interface KeyModification {
  txId: string;
  value: Buffer;
  /** Commit time of the block's transaction. */
  timestamp: Date;
  isDelete: boolean;
}

export interface TxSimulator {
  /** Committed value, or undefined when the key does not exist. No read-your-own-writes. */
  getState(collection: string, key: string): Promise<Buffer | undefined>;
  putState(collection: string, key: string, value: Buffer): Promise<void>;
  delState(collection: string, key: string): Promise<void>;
  /**
   * Up to `limit` committed keys in [startKey, endKey) in ascending order. An empty endKey means
   * "to the end". The runtime pages through large ranges by calling again from after the last key.
   */
  getStateByRange(collection: string, startKey: string, endKey: string, limit: number): Promise<RangePage>;
  /** Oldest first. */
  getHistoryForKey(key: string): Promise<KeyModification[]>;
  /** SHA-256 of a private value, readable by non-members too; undefined when missing. */
  getPrivateDataHash(collection: string, key: string): Promise<Buffer | undefined>;
}

export interface ChaincodeInvocation {
  channelId: string;
  txId: string;
  /** Serialized protos.SignedProposal exactly as the client sent it (the stub reads creator, transient map, timestamp from it). */
  signedProposal: Buffer;
  /** ChaincodeInput.args: args[0] is "Contract:fn" or "fn". */
  args: Buffer[];
  isInit?: boolean;
}

export interface ChaincodeResult {
  /** peer.Response status: 200 OK; >= 400 is a chaincode failure. */
  status: number;
  message: string;
  payload: Buffer;
  /** The last event the transaction set (Fabric keeps only the last). */
  event?: { eventName: string; payload: Buffer };
}

export interface ChaincodeRuntime {
  /** Runs one transaction against the simulator; rejects only on transport failures, never on chaincode errors. */
  execute(invocation: ChaincodeInvocation, simulator: TxSimulator): Promise<ChaincodeResult>;
  close(): Promise<void>;
}
