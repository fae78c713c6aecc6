/**
 * What event services need from a committed block: per transaction its id, validation code and
 * chaincode event. Parsing failures become "no event" rather than breaking a stream.
 */
import { common, peer } from '@hyperledger/fabric-protos';
import { parseEnvelopeBytes } from '../protocol/envelope';
import { transactionsFilter } from '../ledger/blockstore';

export interface BlockTransaction {
  txId: string;
  type: number;
  code: number;
  valid: boolean;
  event: peer.ChaincodeEvent | undefined;
}

export function chaincodeEventsOf(block: common.Block): BlockTransaction[] {
  const codes = transactionsFilter(block);
  return (block.getData()?.getDataList_asU8() ?? []).map((bytes, i): BlockTransaction => {
    const code = codes[i] ?? peer.TxValidationCode.INVALID_OTHER_REASON;
    try {
      const tx = parseEnvelopeBytes(bytes);
      return { txId: tx.txId, type: tx.type, code, valid: code === peer.TxValidationCode.VALID, event: tx.action?.event };
    } catch {
      return { txId: '', type: common.HeaderType.MESSAGE, code, valid: false, event: undefined };
    }
  });
}
