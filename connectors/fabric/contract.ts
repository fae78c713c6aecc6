/**
 * ShipmentLedger: the `lading` chaincode as typed methods. Nothing outside this connector builds
 * chaincode arguments or reads result bytes.
 */
import { StatusCode, type Status } from '@hyperledger/fabric-gateway';
import {
  decodeJson,
  encodeJson,
  isCustomsValues,
  isLedgerEventRecord,
  isProofOfDeliveryVerification,
  isRecordResult,
  isShipmentHead,
  isShipmentHistory,
  isShipmentPage,
} from './codec';
import { commitStatusOf } from './commit-status';
import type { LedgerConnection } from './connection';
import { commitFailure, isDuplicateSubmission, toLedgerError, type LedgerErrorContext } from './errors';
import { buildProofOfDeliveryEvent } from './proof-of-delivery';
import type {
  CommittedRecord,
  CustomsByEvent,
  CustomsValues,
  LedgerEvent,
  LedgerEventRecord,
  PreparedRecord,
  ProofOfDeliveryInput,
  ProofOfDeliverySigner,
  ProofOfDeliveryVerification,
  RecordResult,
  ShipmentHead,
  ShipmentHistoryEntry,
  ShipmentPage,
  SignedProofOfDelivery,
} from './types';

/** Names of the chaincode's transaction functions (default contract). */
const FN = {
  recordEvents: 'recordEvents',
  getShipment: 'getShipment',
  getShipmentHistory: 'getShipmentHistory',
  listShipments: 'listShipments',
  getShipments: 'getShipments',
  getEvents: 'getEvents',
  getEvent: 'getEvent',
  getCustomsValues: 'getCustomsValues',
  verifyProofOfDelivery: 'verifyProofOfDelivery',
} as const;

/** Transient map key under which customs values travel (never written to the public ledger). */
const CUSTOMS_TRANSIENT_KEY = 'customs';

export interface RecordOptions {
  /**
   * Orgs whose peers must endorse. On a real network, set it when passing customs values so the
   * transient data only reaches members of the customs collection. Default: the gateway chooses.
   */
  endorsingOrganizations?: string[];
}

export class ShipmentLedger {
  readonly #connection: LedgerConnection;

  constructor(connection: LedgerConnection) {
    this.#connection = connection;
  }

  /**
   * Records events and waits for the commit. Recording is idempotent: events already on the
   * ledger with the same content come back as `unchanged`, so a new-transaction retry is safe.
   */
  async recordEvents(events: readonly LedgerEvent[], customs?: CustomsByEvent, options: RecordOptions = {}): Promise<CommittedRecord> {
    const prepared = await this.prepareRecordEvents(events, customs, options);
    return this.submitPrepared(prepared.bytes, contextOf(events));
  }

  /** Endorses and signs recordEvents without submitting it; keep the bytes to submit (again) later. */
  async prepareRecordEvents(events: readonly LedgerEvent[], customs?: CustomsByEvent, options: RecordOptions = {}): Promise<PreparedRecord> {
    const { contract, gateway, sign } = this.#connection;
    const proposal = contract.newProposal(FN.recordEvents, {
      arguments: [encodeJson(events)],
      transientData: customs === undefined ? undefined : { [CUSTOMS_TRANSIENT_KEY]: encodeJson(customs) },
      endorsingOrganizations: options.endorsingOrganizations,
    });
    const context = { ...contextOf(events), transactionId: proposal.getTransactionId() };
    try {
      const endorsed = await proposal.endorse();
      // Signed now, so that every re-submission sends byte-identical envelopes.
      const signed = gateway.newSignedTransaction(endorsed.getBytes(), await sign(endorsed.getDigest()));
      return { transactionId: signed.getTransactionId(), bytes: signed.getBytes() };
    } catch (err) {
      throw toLedgerError(err, context);
    }
  }

  /**
   * Submits prepared recordEvents bytes and waits for the commit status. Safe to call again with
   * the same bytes after an unknown outcome: the ledger refuses to commit a transaction id twice.
   * Fabric (and devnet) then answer the commit status with the original transaction's; a gateway
   * that reports the duplicate itself (DUPLICATE_TXID) gets asked for the original's status.
   */
  async submitPrepared(bytes: Uint8Array, context: LedgerErrorContext = {}): Promise<CommittedRecord> {
    const transaction = this.#connection.gateway.newTransaction(bytes);
    const transactionId = transaction.getTransactionId();
    const result = decodeJson(transaction.getResult(), isRecordResult, 'recordEvents result', transactionId);
    const ids = { ...context, ...idsOf(result), transactionId };

    let status: Status;
    try {
      const submitted = await transaction.submit();
      status = await submitted.getStatus();
    } catch (err) {
      if (!isDuplicateSubmission(err)) throw toLedgerError(err, ids);
      status = await this.getCommitStatus(transactionId);
    }
    if (status.code === StatusCode.DUPLICATE_TXID) status = await this.getCommitStatus(transactionId);
    if (!status.successful) throw commitFailure(status.code, ids);
    return { transactionId, blockNumber: status.blockNumber, result };
  }

  /** Commit status of any transaction id (waits for the commit, up to the commit-status deadline). */
  async getCommitStatus(transactionId: string): Promise<Status> {
    return commitStatusOf(this.#connection, transactionId);
  }

  /** Head state of a shipment; ContractRejectedError with reason `not-found` if there is none. */
  async getShipment(shipmentId: string): Promise<ShipmentHead> {
    const bytes = await this.#evaluate(FN.getShipment, [shipmentId], { shipmentIds: [shipmentId] });
    return decodeJson(bytes, isShipmentHead, `shipment ${shipmentId}`);
  }

  /** Every committed version of the shipment head, newest first (as Fabric 2.x returns history). */
  async getShipmentHistory(shipmentId: string): Promise<ShipmentHistoryEntry[]> {
    const bytes = await this.#evaluate(FN.getShipmentHistory, [shipmentId], { shipmentIds: [shipmentId] });
    return decodeJson(bytes, isShipmentHistory, `history of shipment ${shipmentId}`);
  }

  /** One page of shipments; pass the returned bookmark back for the next (empty = done). */
  async listShipments(pageSize: number, bookmark = ''): Promise<ShipmentPage> {
    const bytes = await this.#evaluate(FN.listShipments, [String(pageSize), bookmark], {});
    return decodeJson(bytes, isShipmentPage, 'shipment page');
  }

  /** Heads of up to 1000 shipments in one evaluate, in the order asked; undefined where the ledger has none. */
  async getShipments(shipmentIds: readonly string[]): Promise<(ShipmentHead | undefined)[]> {
    if (shipmentIds.length === 0) return [];
    const bytes = await this.#evaluate(FN.getShipments, [encodeJsonText(shipmentIds)], { shipmentIds: [...shipmentIds] });
    const heads = decodeJson(bytes, (value): value is (ShipmentHead | null)[] => Array.isArray(value) && value.every((head) => head === null || isShipmentHead(head)), 'shipment heads');
    return heads.map((head) => head ?? undefined);
  }

  /** Events as recorded, up to 1000 in one evaluate, in the order asked; undefined where the ledger has none. */
  async getEvents(eventIds: readonly string[]): Promise<(LedgerEventRecord | undefined)[]> {
    if (eventIds.length === 0) return [];
    const bytes = await this.#evaluate(FN.getEvents, [encodeJsonText(eventIds)], { eventIds: [...eventIds] });
    const records = decodeJson(bytes, (value): value is (LedgerEventRecord | null)[] => Array.isArray(value) && value.every((record) => record === null || isLedgerEventRecord(record)), 'event records');
    return records.map((record) => record ?? undefined);
  }

  /** All shipments, fetched page by page as the caller iterates. */
  async *allShipments(pageSize = 100): AsyncGenerator<ShipmentHead, void, undefined> {
    let bookmark = '';
    do {
      const page = await this.listShipments(pageSize, bookmark);
      yield* page.shipments;
      // An empty page ends the walk too, so a bookmark that never empties cannot loop forever.
      bookmark = page.shipments.length === 0 ? '' : page.bookmark;
    } while (bookmark !== '');
  }

  /** An event as recorded, with who recorded it, when, and the hash of its customs values if any. */
  async getEvent(eventId: string): Promise<LedgerEventRecord> {
    const bytes = await this.#evaluate(FN.getEvent, [eventId], { eventIds: [eventId] });
    return decodeJson(bytes, isLedgerEventRecord, `event ${eventId}`);
  }

  /**
   * Signs a proof of delivery with `signer` (the private key of this connection's identity: the
   * chaincode checks the signature against the submitter's certificate) and records it as an
   * ACT SHIPMENT CMPL event about TRD. The event id depends only on shipment and receipt time,
   * so calling again after an unknown outcome finds the POD already recorded (`unchanged`).
   * Throws ProofOfDeliveryInputError before any ledger call for a bad time or key, and
   * ContractRejectedError (`invalid`) when the signature does not match the submitter.
   */
  async signProofOfDelivery(pod: ProofOfDeliveryInput, signer: ProofOfDeliverySigner, options: RecordOptions = {}): Promise<SignedProofOfDelivery> {
    const event = buildProofOfDeliveryEvent(pod, signer);
    const { transactionId, blockNumber } = await this.recordEvents([event], undefined, options);
    return { eventId: event.eventId, transactionId, blockNumber };
  }

  /**
   * The chaincode's re-verification of a stored proof of delivery, from the stored certificate
   * and fields; `valid: false` with `reason` when they do not add up. ContractRejectedError
   * `not-found` when there is no such event or it is not a POD.
   */
  async verifyProofOfDelivery(eventId: string): Promise<ProofOfDeliveryVerification> {
    const bytes = await this.#evaluate(FN.verifyProofOfDelivery, [eventId], { eventIds: [eventId] });
    return decodeJson(bytes, isProofOfDeliveryVerification, `proof of delivery verification of event ${eventId}`);
  }

  /** Customs values of an event; only members of the customs collection may read them. */
  async getCustomsValues(eventId: string): Promise<CustomsValues> {
    const bytes = await this.#evaluate(FN.getCustomsValues, [eventId], { eventIds: [eventId] });
    return decodeJson(bytes, isCustomsValues, `customs values of event ${eventId}`);
  }

  async #evaluate(fn: string, args: string[], context: LedgerErrorContext): Promise<Uint8Array> {
    try {
      return await this.#connection.contract.evaluate(fn, { arguments: args });
    } catch (err) {
      throw toLedgerError(err, { ...context, operation: 'evaluate' });
    }
  }
}

function encodeJsonText(value: unknown): string {
  return JSON.stringify(value);
}

function contextOf(events: readonly LedgerEvent[]): LedgerErrorContext {
  return {
    eventIds: events.map((event) => event.eventId),
    shipmentIds: [...new Set(events.map((event) => event.shipmentId))],
  };
}

function idsOf(result: RecordResult): LedgerErrorContext {
  return { eventIds: [...result.recorded, ...result.unchanged] };
}

/** Convenience for one-off use: ShipmentLedger over an open connection. */
export function shipmentLedger(connection: LedgerConnection): ShipmentLedger {
  return new ShipmentLedger(connection);
}
