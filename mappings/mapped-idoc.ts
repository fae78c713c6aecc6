import type { ControlRecord } from './idoc/control-record';
import type { Segment } from './idoc/segment';
import type { ShipmentEvent } from './events/shipment-event';
import type { MappedDelivery } from './delivery/delvry';
import type { MappedTransportIdoc } from './transport/transport-mapper';
import type { MappedCustoms } from './customs/customs-mapper';
import type { MappedInvoice } from './invoice';

/**
 * What an inbound IDoc means to Lading, whatever its type. Every kind names the shipments it is
 * about and the events it brings for the ledger (none for documents that stay off the ledger,
 * such as invoices); the rest is the kind's own record, stored by srv/idoc-inbound/records/.
 */

export interface MappingOptions {
  /** SHA-256 of the IDoc payload as stored. */
  payloadHash: string;
  /** ISO instant the IDoc arrived; used when the control record carries no creation time. */
  receivedAt: string;
  /** SAP time zone code of the sending system, for EDI_DC40 CREDAT/CRETIM. Default UTC. */
  senderTimeZone?: string;
}

interface MappedCommon {
  /** Ledger shipment ids this IDoc is about; the first orders its ledger work and links the IDoc. */
  shipmentIds: string[];
  /** Events for the ledger; empty for documents that stay off the ledger. */
  events: ShipmentEvent[];
  /** What was understood, in one line for the IDoc's status record (e.g. "delivery 80990777"). */
  summary: string;
}

export interface MappedDeliveryIdoc extends MappedCommon, MappedDelivery {
  kind: 'delivery';
}

export interface MappedInvoiceIdoc extends MappedCommon, MappedInvoice {
  kind: 'invoice';
}

export interface MappedCustomsIdoc extends MappedCommon, MappedCustoms {
  kind: 'customs';
}

/** One member per kind; a new IDoc kind adds itself here and in registry.ts. */
export type MappedIdoc = MappedDeliveryIdoc
  | MappedCustomsIdoc
  | MappedInvoiceIdoc
  | MappedTransportIdoc;

export type IdocKind = MappedIdoc['kind'];

/** Maps one kind of IDoc: the basic types and message types it accepts, and how. */
export interface IdocMapper {
  kind: IdocKind;
  /** Basic types (EDI_DC40-IDOCTYP) this mapper reads. */
  idocTypes: ReadonlySet<string>;
  /** Message types (EDI_DC40-MESTYP) accepted on those basic types. */
  messageTypes: ReadonlySet<string>;
  /**
   * Extensions (EDI_DC40-CIMTYP) this mapper claims. A mapper with extension types wins over the
   * plain mapper of the same basic type when the IDoc names one of them; a plain mapper (no
   * extension types) reads IDocs with any other extension and keeps its segments as data.
   */
  extensionTypes?: ReadonlySet<string>;
  map(control: ControlRecord, segments: Segment[], options: MappingOptions): MappedIdoc;
}
