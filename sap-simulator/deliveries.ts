/**
 * Outbound deliveries as API_OUTBOUND_DELIVERY_SRV (OData V2) shows them in entity set
 * A_OutbDeliveryHeader: a subset of its properties, with SAP's property names and EDM types.
 */
export type EdmType = 'Edm.String' | 'Edm.DateTime' | 'Edm.Decimal';

export const DELIVERY_PROPERTIES = {
  DeliveryDocument: 'Edm.String',
  DeliveryDocumentType: 'Edm.String',
  ShippingPoint: 'Edm.String',
  SalesOrganization: 'Edm.String',
  SoldToParty: 'Edm.String',
  ShipToParty: 'Edm.String',
  OverallGoodsMovementStatus: 'Edm.String',
  OverallProofOfDeliveryStatus: 'Edm.String',
  ProofOfDeliveryDate: 'Edm.DateTime',
  HeaderGrossWeight: 'Edm.Decimal',
  HeaderNetWeight: 'Edm.Decimal',
  HeaderWeightUnit: 'Edm.String',
  ActualGoodsMovementDate: 'Edm.DateTime',
  CreationDate: 'Edm.DateTime',
  LastChangeDate: 'Edm.DateTime',
} as const satisfies Record<string, EdmType>;

export type DeliveryProperty = keyof typeof DELIVERY_PROPERTIES;

/** One delivery; DateTime values are ISO instants, decimals are decimal strings, absent = null. */
export type SimDelivery = { DeliveryDocument: string } & { [K in Exclude<DeliveryProperty, 'DeliveryDocument'>]: string | null };

/** What the admin API accepts: the document number and any other properties. */
export type DeliverySeed = { DeliveryDocument: string } & Partial<Record<Exclude<DeliveryProperty, 'DeliveryDocument'>, string | number | null>>;

export function isDeliveryProperty(name: string): name is DeliveryProperty {
  return Object.prototype.hasOwnProperty.call(DELIVERY_PROPERTIES, name);
}

/** SAP's ALPHA conversion of a numeric delivery number to 10 digits. */
export function deliveryKey(value: string): string {
  return /^\d{1,9}$/.test(value) ? value.padStart(10, '0') : value;
}

function normalise(property: DeliveryProperty, value: string | number | null | undefined): string | null {
  if (value === undefined || value === null || value === '') return null;
  const type = DELIVERY_PROPERTIES[property];
  if (type === 'Edm.DateTime') {
    const millis = Date.parse(String(value));
    if (Number.isNaN(millis)) throw new RangeError(`${property}: "${value}" is not a date`);
    return new Date(millis).toISOString();
  }
  if (type === 'Edm.Decimal') {
    const number = Number(value);
    if (!Number.isFinite(number)) throw new RangeError(`${property}: "${value}" is not a decimal`);
    return number.toFixed(3);
  }
  return String(value);
}

export class DeliveryStore {
  private readonly deliveries = new Map<string, SimDelivery>();

  /** Adds or replaces deliveries; unspecified statuses get SAP's initial values. */
  upsert(seeds: readonly DeliverySeed[], now = new Date()): SimDelivery[] {
    const stored = seeds.map((seed) => {
      if (typeof seed.DeliveryDocument !== 'string' || seed.DeliveryDocument === '') throw new RangeError('DeliveryDocument is required');
      for (const name of Object.keys(seed)) if (!isDeliveryProperty(name)) throw new RangeError(`A_OutbDeliveryHeader has no property ${name}`);
      const key = deliveryKey(seed.DeliveryDocument);
      const delivery = {} as Record<DeliveryProperty, string | null>;
      for (const property of Object.keys(DELIVERY_PROPERTIES) as DeliveryProperty[]) {
        delivery[property] = normalise(property, seed[property as Exclude<DeliveryProperty, 'DeliveryDocument'>]);
      }
      delivery.DeliveryDocument = key;
      delivery.DeliveryDocumentType ??= 'LF';
      delivery.OverallGoodsMovementStatus ??= 'A';
      // 'A' = POD relevant, not yet processed; '' would mean not relevant.
      delivery.OverallProofOfDeliveryStatus ??= 'A';
      delivery.CreationDate ??= now.toISOString();
      return delivery as SimDelivery;
    });
    for (const delivery of stored) this.deliveries.set(delivery.DeliveryDocument, delivery);
    return stored;
  }

  get(document: string): SimDelivery | undefined {
    return this.deliveries.get(deliveryKey(document));
  }

  /** All deliveries, in key order as SAP returns an unsorted entity set. */
  all(): SimDelivery[] {
    return [...this.deliveries.values()].sort((a, b) => a.DeliveryDocument.localeCompare(b.DeliveryDocument));
  }

  /** A STPPOD arrived: the POD is complete ('C'), dated, and the delivery changed. */
  recordProofOfDelivery(document: string, podAt: Date | undefined, now = new Date()): SimDelivery | undefined {
    const delivery = this.get(document);
    if (!delivery) return undefined;
    delivery.OverallProofOfDeliveryStatus = 'C';
    delivery.ProofOfDeliveryDate = (podAt ?? now).toISOString();
    delivery.LastChangeDate = now.toISOString();
    return delivery;
  }

  clear(): void {
    this.deliveries.clear();
  }
}
