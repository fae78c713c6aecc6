/**
 * Fabric's TxSimulator refuses some combinations inside one transaction. devnet's TxSimulator
 * interface knows nothing of pagination, so the runtime keeps these rules (messages as Fabric's
 * core/ledger/kvledger/txmgmt/txmgr/tx_simulator.go and core/chaincode/handler.go word them).
 */
export class TransactionRules {
  private writePerformed = false;
  private paginatedQueryPerformed = false;
  private privateRangeQueryPerformed = false;

  constructor(
    private readonly txId: string,
    private readonly isInit: boolean,
  ) {}

  /** Returns the reason the request is refused, or undefined when it is allowed. */
  beforeWrite(collection: string): string | undefined {
    const refusal =
      this.privateDataInInit(collection) ??
      (this.privateRangeQueryPerformed ? this.unsupported('Transaction has already performed queries on pvt data. Writes are not allowed') : undefined) ??
      (this.paginatedQueryPerformed ? this.unsupported('Transaction has already performed a paginated query. Writes are not allowed') : undefined);
    if (refusal === undefined) this.writePerformed = true;
    return refusal;
  }

  beforeRead(collection: string): string | undefined {
    return this.privateDataInInit(collection);
  }

  beforePaginatedQuery(): string | undefined {
    if (this.writePerformed) return this.unsupported('Paginated queries are supported only in a read-only transaction');
    this.paginatedQueryPerformed = true;
    return undefined;
  }

  beforePrivateRangeQuery(collection: string): string | undefined {
    const refusal = this.privateDataInInit(collection) ?? (this.writePerformed ? this.unsupported('Queries on pvt data is supported only in a read-only transaction') : undefined);
    if (refusal === undefined) this.privateRangeQueryPerformed = true;
    return refusal;
  }

  private privateDataInInit(collection: string): string | undefined {
    return collection !== '' && this.isInit ? 'private data APIs are not allowed in chaincode Init()' : undefined;
  }

  /** "unsuppored" (sic) is Fabric's spelling; kept so messages match a real peer's. */
  private unsupported(reason: string): string {
    return `txid [${this.txId}]: unsuppored transaction. ${reason}`;
  }
}
