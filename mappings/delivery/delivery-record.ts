/** A delivery as mapped from a DELVRY IDoc: the shipment's master data, before any storage. */

export interface PartnerRecord {
  role: string;
  partnerId?: string;
  name?: string;
  street?: string;
  city?: string;
  postalCode?: string;
  country?: string;
  extensions?: Record<string, string>;
}

export interface ItemRecord {
  itemNumber: string;
  material?: string;
  customerMaterial?: string;
  description?: string;
  quantity?: number;
  unit?: string;
  netWeight?: number;
  grossWeight?: number;
  weightUnit?: string;
  plant?: string;
  storageLocation?: string;
  batch?: string;
  originCountry?: string;
  commodityCode?: string;
  referenceDocument?: string;
  referenceItem?: string;
}

export interface HandlingUnitContentRecord {
  position: string;
  deliveryNumber?: string;
  itemNumber?: string;
  material?: string;
  batch?: string;
  quantity?: number;
  unit?: string;
}

export interface HandlingUnitRecord {
  externalId: string;
  packagingMaterial?: string;
  packagingType?: string;
  grossWeight?: number;
  weightUnit?: string;
  sealNumber?: string;
  contents: HandlingUnitContentRecord[];
}

export interface DeadlineRecord {
  qualifier: string;
  plannedStart?: string;
  plannedEnd?: string;
  actualStart?: string;
  actualEnd?: string;
  timeZone?: string;
}

/** A segment Lading does not map (customer Z-segment, extension), kept so nothing sent is lost. */
export interface UnmappedSegment {
  /** Segment names from the IDoc's top, e.g. E1EDL20/ZLADING1. */
  path: string;
  fields: Record<string, string>;
  children: number;
}

export interface DeliveryRecord {
  shipmentId: string;
  deliveryNumber: string;
  senderPartner: string;
  shipper?: string;
  shipperPartnerId?: string;
  consignee?: string;
  consigneePartnerId?: string;
  soldTo?: string;
  carrier?: string;
  carrierPartnerId?: string;
  shipFromCountry?: string;
  shipToCountry?: string;
  shippingPoint?: string;
  salesOrganization?: string;
  route?: string;
  incoterms?: string;
  incotermsPlace?: string;
  billOfLading?: string;
  externalId?: string;
  deliveryType?: string;
  grossWeight?: number;
  netWeight?: number;
  weightUnit?: string;
  volume?: number;
  volumeUnit?: string;
  packageCount?: number;
  items: ItemRecord[];
  partners: PartnerRecord[];
  handlingUnits: HandlingUnitRecord[];
  deadlines: DeadlineRecord[];
  extensionSegments: UnmappedSegment[];
}
