import type { ShipmentEvent } from '../events/shipment-event';
import type { IdocMapper } from '../mapped-idoc';
import { mapTransport } from './shpmnt';
import type { TransportRecord } from './transport-record';

/** A shipment IDoc as Lading understands it: the transport, the ledger shipments it carries, their events. */
export interface MappedTransportIdoc {
  kind: 'transport';
  /** The contained deliveries' shipment ids; empty for a shipment SAP sent before any delivery was assigned. */
  shipmentIds: string[];
  events: ShipmentEvent[];
  summary: string;
  transport: TransportRecord;
}

/**
 * SHPMNT05/06 as SAP sends shipments (LE-TRA). TPSSHT is accepted on the same basic types as
 * the brief of issue #7 asks; SAP's own TPSSHT01 basic type (transportation planning systems)
 * has another structure and is not read.
 */
export const transportMapper: IdocMapper = {
  kind: 'transport',
  idocTypes: new Set(['SHPMNT05', 'SHPMNT06']),
  messageTypes: new Set(['SHPMNT', 'TPSSHT']),
  map(control, segments, options) {
    const { transport, events } = mapTransport(segments, { control, ...options });
    const count = transport.deliveries.length;
    return {
      kind: 'transport',
      transport,
      events,
      shipmentIds: transport.deliveries.map((delivery) => delivery.shipmentId),
      summary: `transport ${transport.shipmentNumber} with ${count} ${count === 1 ? 'delivery' : 'deliveries'}`,
    };
  },
};
