/** Customs declarations as mapped from a ZLADING_DECL01 IDoc, before any storage. */

/** Z1LADING_DECL-DECTYP: export or import declaration. */
export type DeclarationType = 'EX' | 'IM';

/**
 * Z1LADING_DECL-STATUS: where the declaration stands with customs. SUBM, APPR, REJE, HOLD and
 * RELS are DCSA's shipment event codes; INSP (inspection) and EXIT (exit confirmed) are Lading's,
 * the same codes its outbound extension ZLADING_CUSTOMS01 writes (mappings/outbound/customs-status.ts).
 */
export type CustomsStatusCode = 'SUBM' | 'APPR' | 'REJE' | 'HOLD' | 'INSP' | 'RELS' | 'EXIT';

/**
 * What goes to the ledger's private collection for one event (the shape of connectors/fabric
 * CustomsValues): amounts as exact decimal strings, never on the public event.
 */
export interface CustomsLedgerValues {
  /** Sum of the items' customs values. */
  declaredValue: string;
  /** ISO 4217. */
  currency: string;
  /** Sum of the items' duties, when any item states one. */
  duty?: string;
  /** Distinct HS codes of the items, in item order. */
  hsCodes: string[];
}

export interface CustomsDeclarationItemRecord {
  /** Delivery item (POSNR), 6 digits. */
  itemNumber: string;
  /** HS / commodity code, 6, 8 or 10 digits. */
  commodityCode: string;
  /** ISO 3166 alpha-2 country of origin. */
  originCountry: string;
  /** Exact decimal string. */
  customsValue: string;
  currency: string;
  duty?: string;
}

/** A declaration as its Z1LADING_DECL segment states it, before it is tied to a shipment and an event. */
export interface DeclarationReading {
  declarationType: DeclarationType;
  /** DECNO: the declarant's reference (e.g. GTS customs document number / LRN). */
  declarationNumber?: string;
  /** Movement Reference Number, given by customs once the declaration is accepted. */
  mrn?: string;
  customsOffice?: string;
  procedureCode?: string;
  status: CustomsStatusCode;
  /** ISO instant (UTC) the status was reached. */
  statusAt: string;
  reason?: string;
  currency?: string;
  items: CustomsDeclarationItemRecord[];
}

/** One Z1LADING_DECL: a declaration and the status it reports. */
export interface CustomsDeclarationRecord extends DeclarationReading {
  /** `<shipment id>/<EX|IM>/<declaration number, or the MRN when there is none>`. */
  declarationId: string;
  shipmentId: string;
  /** The ledger event that reports this status. */
  eventId: string;
  /** Private values of that event; present when the declaration lists items. */
  values?: CustomsLedgerValues;
}
