import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import { assertCustomsMember } from './access-policy';
import { parseCustomsTransient } from './customs';
import { storedJsonArray } from './canonical-json';
import { InvalidInputError, NotFoundError } from './errors';
import { LedgerStore } from './ledger-store';
import { SHIPMENT_EVENTS_RECORDED } from './model';
import { isProofOfDeliveryEvent, verifyStoredProofOfDelivery } from './proof-of-delivery';
import { recordEvents } from './record-events';
import { parseEvents, requireIdArgument } from './validation';

const MAX_PAGE_SIZE = 1000;

/** A JSON array of 1 to MAX_PAGE_SIZE ids, each valid as a single id argument. */
function parseIdList(json: string, name: string): string[] {
  let ids: unknown;
  try {
    ids = JSON.parse(json);
  } catch {
    throw new InvalidInputError(`invalid argument: ${name} must be a JSON array of ids`);
  }
  if (!Array.isArray(ids) || ids.length < 1 || ids.length > MAX_PAGE_SIZE) {
    throw new InvalidInputError(`invalid argument: ${name} must be a JSON array of 1 to ${MAX_PAGE_SIZE} ids`);
  }
  return ids.map((id) => requireIdArgument(id as string, name));
}

/**
 * The shipment contract. Arguments and results are JSON strings so that every client (the
 * Lading connector, the peer CLI, other languages) sees the same wire format. Functions only
 * translate between strings and the modules that do the work.
 */
@Info({ title: 'ShipmentContract', description: 'SAP logistics events (DCSA Track & Trace) per shipment, with customs values in a private collection' })
export class ShipmentContract extends Contract {
  constructor() {
    super('ShipmentContract');
  }

  /** Records a batch of events; idempotent per eventId. Customs values come in transient `customs`. */
  @Transaction()
  @Returns('string')
  async recordEvents(ctx: Context, eventsJson: string): Promise<string> {
    const events = parseEvents(eventsJson);
    const customs = parseCustomsTransient(ctx.stub.getTransient());
    const outcome = await recordEvents(
      new LedgerStore(ctx.stub),
      {
        mspId: ctx.clientIdentity.getMSPID(),
        txId: ctx.stub.getTxID(),
        txTime: ctx.stub.getDateTimestamp().toISOString(),
        creatorIdBytes: ctx.clientIdentity.getIDBytes(),
      },
      events,
      customs,
    );
    // setEvent keeps only the last call, so the whole batch goes into one event.
    if (outcome.notification) ctx.stub.setEvent(SHIPMENT_EVENTS_RECORDED, Buffer.from(JSON.stringify(outcome.notification)));
    return JSON.stringify(outcome.result);
  }

  @Transaction(false)
  @Returns('string')
  async getShipment(ctx: Context, shipmentId: string): Promise<string> {
    const head = await new LedgerStore(ctx.stub).getHead(requireIdArgument(shipmentId, 'shipmentId'));
    if (!head) throw new NotFoundError('shipment', shipmentId);
    return JSON.stringify(head);
  }

  @Transaction(false)
  @Returns('string')
  async getShipmentHistory(ctx: Context, shipmentId: string): Promise<string> {
    const history = await new LedgerStore(ctx.stub).getHeadHistory(requireIdArgument(shipmentId, 'shipmentId'));
    if (history.length === 0) throw new NotFoundError('shipment', shipmentId);
    return JSON.stringify(history);
  }

  /** One page of shipment heads for reconciliation; an empty bookmark in the result means done. */
  @Transaction(false)
  @Returns('string')
  async listShipments(ctx: Context, pageSize: string, bookmark: string): Promise<string> {
    const size = Number(pageSize);
    if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
      throw new InvalidInputError(`invalid argument: pageSize must be an integer from 1 to ${MAX_PAGE_SIZE}, got ${JSON.stringify(pageSize)}`);
    }
    return new LedgerStore(ctx.stub).listHeadsJson(size, bookmark ?? '');
  }

  /**
   * Heads of many shipments in one call (reconciliation of a changed set); `null` where there is
   * none. Argument: a JSON array of up to 1000 shipment ids.
   */
  @Transaction(false)
  @Returns('string')
  async getShipments(ctx: Context, shipmentIdsJson: string): Promise<string> {
    const store = new LedgerStore(ctx.stub);
    const heads: Array<Uint8Array | undefined> = [];
    // One GetState after the other: fabric-shim sends a transaction's state requests one at a time anyway.
    for (const id of parseIdList(shipmentIdsJson, 'shipmentIds')) heads.push(await store.getHeadValue(id));
    return storedJsonArray(heads);
  }

  /** Events as recorded, many in one call; `null` where there is none. Argument: a JSON array of up to 1000 event ids. */
  @Transaction(false)
  @Returns('string')
  async getEvents(ctx: Context, eventIdsJson: string): Promise<string> {
    const store = new LedgerStore(ctx.stub);
    const records: Array<Uint8Array | undefined> = [];
    for (const id of parseIdList(eventIdsJson, 'eventIds')) records.push(await store.getEventValue(id));
    return storedJsonArray(records);
  }

  @Transaction(false)
  @Returns('string')
  async getEvent(ctx: Context, eventId: string): Promise<string> {
    const record = await new LedgerStore(ctx.stub).getEvent(requireIdArgument(eventId, 'eventId'));
    if (!record) throw new NotFoundError('event', eventId);
    return JSON.stringify(record);
  }

  /**
   * Re-verifies a stored proof of delivery from the record alone (stored certificate, stored
   * fields, stored signature), so any channel member can check it at any time. A record edited
   * after the fact answers `valid: false` with the reason.
   */
  @Transaction(false)
  @Returns('string')
  async verifyProofOfDelivery(ctx: Context, eventId: string): Promise<string> {
    const record = await new LedgerStore(ctx.stub).getEvent(requireIdArgument(eventId, 'eventId'));
    if (!record) throw new NotFoundError('event', eventId);
    // An unsigned CMPL/TRD recorded before PODs were signed is still a POD: it answers invalid, not "not found".
    const isPod = isProofOfDeliveryEvent(record.event) || record.event.proofOfDelivery !== undefined || record.podSigner !== undefined;
    if (!isPod) throw new NotFoundError('proof of delivery of event', eventId);
    return JSON.stringify(verifyStoredProofOfDelivery(record));
  }

  /** Customs values of one event, for members of customsPrivate only. */
  @Transaction(false)
  @Returns('string')
  async getCustomsValues(ctx: Context, eventId: string): Promise<string> {
    requireIdArgument(eventId, 'eventId');
    assertCustomsMember(ctx.clientIdentity.getMSPID(), `read customs values (event ${eventId})`);
    const bytes = await new LedgerStore(ctx.stub).getCustoms(eventId);
    if (!bytes) throw new NotFoundError('customs values of event', eventId);
    return Buffer.from(bytes).toString('utf8');
  }
}
