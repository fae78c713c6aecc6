import type { DeadlineRecord, PartnerRecord, UnmappedSegment } from '../delivery/delivery-record';

/**
 * A transport as mapped from a SHPMNT05/06 IDoc (SAP shipment, LE-TRA): the vehicle or vessel
 * that moves deliveries, its legs, dates, carrier and containers, before any storage.
 */

/** Mode of transport from E1EDT20-VSART (SAP shipping type, table T173): DCSA names where DCSA has one. */
export type TransportMode = 'TRUCK' | 'MAIL' | 'RAIL' | 'VESSEL' | 'AIR';

/** E1EDK33-LAUFK, the leg indicator. */
export type LegIndicator = 'PRELIMINARY' | 'MAIN' | 'SUBSEQUENT' | 'DIRECT' | 'RETURN';

/** E1EDK33-TSTYP, what a stage is. */
export type StageCategory = 'TRANSPORT_LEG' | 'LOAD_TRANSFER_POINT' | 'BORDER_CROSSING_POINT';

/** A stage's departure (E1EDT44 QUALI 001) or destination (QUALI 002) point. */
export interface StagePointRecord {
  /** Transportation connection point (KNOTE), shipping point (VSTEL), plant (WERKS), customer, vendor, ... */
  pointId?: string;
  /** Which field named the point: KNOTE, VSTEL, WERKS, KUNNR, LIFNR or LGNUM. */
  pointKind?: string;
  name?: string;
  city?: string;
  country?: string;
}

export interface StageRecord {
  /** E1EDK33-TSNUM, the stage number, e.g. 0001. */
  stageNumber: string;
  /** E1EDK33-TSRFO, the order of the stages. */
  sequence?: number;
  category?: StageCategory;
  legIndicator?: LegIndicator;
  shippingType?: string;
  mode?: TransportMode;
  distance?: number;
  distanceUnit?: string;
  departure?: StagePointRecord;
  destination?: StagePointRecord;
  /** Carrier of this leg (E1ADRM7 SP), when it differs from the shipment's. */
  carrier?: string;
  carrierPartnerId?: string;
  /** E1EDT45 stage deadlines: start = departure from the departure point, end = arrival at the destination. */
  deadlines: DeadlineRecord[];
  /** E1EDT01: delivery numbers (ALPHA) that travel on this leg; empty = all of the shipment's. */
  deliveryNumbers: string[];
}

export interface TransportHandlingUnitContentRecord {
  position: string;
  deliveryNumber?: string;
  itemNumber?: string;
  material?: string;
  quantity?: number;
  unit?: string;
}

export interface TransportHandlingUnitRecord {
  externalId: string;
  /** True when EXIDV is an ISO 6346 container number (4 letters, 7 digits). */
  isContainer: boolean;
  packagingMaterial?: string;
  grossWeight?: number;
  weightUnit?: string;
  contents: TransportHandlingUnitContentRecord[];
}

/** A delivery on the transport: the ledger shipment it is linked to. */
export interface ContainedDeliveryRecord {
  /** `<sender partner>/<VBELN>`, the ledger shipment id (as the delivery's own IDoc gives it). */
  shipmentId: string;
  deliveryNumber: string;
  consignee?: string;
  consigneePartnerId?: string;
  shipToCountry?: string;
  shippingPoint?: string;
  grossWeight?: number;
  weightUnit?: string;
}

export interface TransportRecord {
  /** `<sender partner>/<TKNUM>`. */
  transportId: string;
  /** TKNUM, ALPHA form (10 digits when numeric). */
  shipmentNumber: string;
  senderPartner: string;
  /** SHTYP. */
  shipmentType?: string;
  /** VSART as sent (customising may add codes beyond 01-05). */
  shippingType?: string;
  mode?: TransportMode;
  legIndicator?: LegIndicator;
  route?: string;
  /** TPBEZ as sent; on sea shipments Lading reads it as the vessel name. */
  description?: string;
  vesselName?: string;
  voyageNumber?: string;
  /** SIGNI when it is not a container number: the truck's or wagon's registration. */
  vehicleId?: string;
  /** SIGNI when it is an ISO 6346 container number. */
  containerId?: string;
  externalId1?: string;
  externalId2?: string;
  carrier?: string;
  carrierPartnerId?: string;
  distance?: number;
  distanceUnit?: string;
  /** E1EDT18 QUALF DEL: the shipment was deleted in SAP. */
  deleted: boolean;
  partners: PartnerRecord[];
  deadlines: DeadlineRecord[];
  stages: StageRecord[];
  handlingUnits: TransportHandlingUnitRecord[];
  deliveries: ContainedDeliveryRecord[];
  extensionSegments: UnmappedSegment[];
}
