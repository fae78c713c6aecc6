import type { ChaincodeStub } from 'fabric-shim-api';

/**
 * World-state key layout (composite keys, so they never collide with simple keys):
 *
 *   lading.event    [eventId]     public EventRecord, written once per event
 *   lading.shipment [shipmentId]  public ShipmentHead, rewritten by every tx that adds events to the shipment
 *   lading.customs  [eventId]     customs values, in private collection customsPrivate only
 *
 * A batch reads and writes only the event keys of its events and the heads of their shipments,
 * so batches on different shipments never touch the same key (no MVCC conflict), and a batch
 * whose events are all already recorded writes nothing at all.
 */
export const EVENT_OBJECT_TYPE = 'lading.event';
export const SHIPMENT_OBJECT_TYPE = 'lading.shipment';
export const CUSTOMS_OBJECT_TYPE = 'lading.customs';

export function eventKey(stub: ChaincodeStub, eventId: string): string {
  return stub.createCompositeKey(EVENT_OBJECT_TYPE, [eventId]);
}

export function shipmentKey(stub: ChaincodeStub, shipmentId: string): string {
  return stub.createCompositeKey(SHIPMENT_OBJECT_TYPE, [shipmentId]);
}

export function customsKey(stub: ChaincodeStub, eventId: string): string {
  return stub.createCompositeKey(CUSTOMS_OBJECT_TYPE, [eventId]);
}
