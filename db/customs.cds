namespace lading;

using { lading } from './schema';

/**
 * Customs declarations as SAP (GTS) reports them through extension ZLADING_DECL01 of DELVRY07
 * (mappings/customs/README.md): one row per declaration, its items and every status it reached.
 * The key joins the shipment, the declaration type and the declarant's number (or the MRN when
 * SAP sends no number): `S4HCLNT100/0080006001/EX/GTS-EX-2026-0042`.
 */
entity CustomsDeclarations {
  key ID                : String(160);
      shipment          : Association to lading.Shipments;
      /** EX export, IM import (DECTYP). */
      declarationType   : String(2) enum { EX; IM; };
      declarationNumber : String(35) @title: 'Declaration number (DECNO)';
      mrn               : String(18) @title: 'Movement Reference Number (MRN)';
      customsOffice     : String(8)  @title: 'Customs office (OFFICE)';
      procedureCode     : String(4)  @title: 'Procedure code (PROCD)';
      /** The status with the latest time, whatever order the IDocs arrived in. */
      status            : String(4);
      statusAt          : Timestamp;
      currency          : String(3);
      lastIdoc          : Association to lading.InboundIdocs;
      items             : Composition of many CustomsDeclarationItems on items.declaration = $self;
      statusHistory     : Composition of many CustomsStatusRecords on statusHistory.declaration = $self;
}

entity CustomsDeclarationItems {
  key declaration   : Association to CustomsDeclarations;
  key itemNumber    : String(6) @title: 'Delivery item (POSNR)';
      commodityCode : String(10) @title: 'HS code (STAWN)';
      originCountry : lading.CountryCode @title: 'Country of origin (HERKL)';
      customsValue  : Decimal(21, 6);
      currency      : String(3);
      duty          : Decimal(21, 6);
}

/** One status a declaration reached; the key is the ledger event that reports it. */
entity CustomsStatusRecords {
  key eventId       : lading.LedgerId;
      declaration   : Association to CustomsDeclarations;
      status        : String(4);
      statusAt      : Timestamp;
      mrn           : String(18);
      customsOffice : String(8);
      reason        : String(70);
      sourceIdoc    : Association to lading.InboundIdocs;
}

/**
 * The customs values of a ledger event, exactly as they go to the ledger's private collection
 * (never the public event). Written with the event, read by the pipeline when it records it, so
 * a retry sends the same values. Amounts as exact decimal strings; HS codes as a JSON array.
 */
entity CustomsLedgerValues {
  key eventId       : lading.LedgerId;
      declaredValue : String(24);
      currency      : String(3);
      duty          : String(24);
      hsCodes       : LargeString;
}
