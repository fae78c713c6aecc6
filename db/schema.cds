namespace lading;

using { cuid, managed } from '@sap/cds/common';

/** SAP inbound IDoc status codes Lading uses: 50 added, 51 error, 53 posted, 64 ready, 68 no further processing. */
type IdocStatus : String(2) enum {
  added      = '50';
  error      = '51';
  posted     = '53';
  ready      = '64';
  noFurther  = '68';
}

/** DCSA Track & Trace 2.2 event classes. */
type EventType : String(10) enum { SHIPMENT; TRANSPORT; EQUIPMENT; }
/** DCSA: actual, planned, estimated. */
type EventClassifier : String(3) enum { ACT; PLN; EST; }

type Quantity : Decimal(15, 3);
/**
 * Ids other organisations choose on the shared ledger (shipment and event ids): as long as the
 * chaincode allows (128 characters), so that their events can always be stored here.
 */
type LedgerId : String(128);
type CountryCode : String(3);

/**
 * A delivery as Lading knows it. The key is the ledger's shipment id, stable across parties:
 * the sending SAP system's partner and the delivery number, e.g. `S4HCLNT100/0080990777`.
 */
entity Shipments : managed {
  key ID               : LedgerId;
      deliveryNumber   : String(35) @title: 'Delivery (VBELN)';
      senderPartner    : String(35) @title: 'Sending system (SNDPRN)';
      shipper          : String(80);
      shipperPartnerId : String(35);
      consignee        : String(80);
      consigneePartnerId : String(35);
      soldTo           : String(80);
      carrier          : String(80);
      carrierPartnerId : String(35);
      shipFromCountry  : CountryCode;
      shipToCountry    : CountryCode;
      shippingPoint    : String(10);
      salesOrganization : String(10);
      route            : String(10);
      incoterms        : String(3);
      incotermsPlace   : String(70);
      billOfLading     : String(35);
      externalId       : String(35);
      deliveryType     : String(4);
      grossWeight      : Quantity;
      netWeight        : Quantity;
      weightUnit       : String(3);
      volume           : Quantity;
      volumeUnit       : String(3);
      packageCount     : Integer;
      status           : String(30);
      /** Number of this shipment's events committed on the ledger (the chaincode's head version). */
      ledgerVersion    : Integer default 0;
      /** Segments Lading does not map (customer Z-segments, CIMTYP extensions), kept as JSON. */
      extensionSegments : LargeString;
      lastIdoc         : Association to InboundIdocs;
      items            : Composition of many ShipmentItems on items.shipment = $self;
      partners         : Composition of many ShipmentPartners on partners.shipment = $self;
      handlingUnits    : Composition of many HandlingUnits on handlingUnits.shipment = $self;
      deadlines        : Composition of many ShipmentDeadlines on deadlines.shipment = $self;
      events           : Composition of many ShipmentEvents on events.shipment = $self;
}

entity ShipmentItems {
  key shipment          : Association to Shipments;
  key itemNumber        : String(6) @title: 'Item (POSNR)';
      material          : String(40);
      customerMaterial  : String(35);
      description       : String(80);
      quantity          : Quantity;
      unit              : String(3);
      netWeight         : Quantity;
      grossWeight       : Quantity;
      weightUnit        : String(3);
      plant             : String(4);
      storageLocation   : String(4);
      batch             : String(10);
      originCountry     : CountryCode @title: 'Country of origin (HERKL)';
      commodityCode     : String(17) @title: 'Commodity code (STAWN)';
      referenceDocument : String(10);
      referenceItem     : String(6);
}

entity ShipmentPartners {
  key shipment   : Association to Shipments;
  key role       : String(3) @title: 'Partner function (PARTNER_Q)';
      partnerId  : String(17);
      name       : String(80);
      street     : String(80);
      city       : String(40);
      postalCode : String(10);
      country    : CountryCode;
      /** E1ADRE1 extended address data (qualifier → value) as JSON. */
      extensions : LargeString;
}

entity HandlingUnits {
  key shipment          : Association to Shipments;
  key externalId        : String(20) @title: 'Handling unit / container (EXIDV)';
      packagingMaterial : String(40);
      packagingType     : String(4);
      grossWeight       : Quantity;
      weightUnit        : String(3);
      sealNumber        : String(40);
      contents          : Composition of many HandlingUnitContents on contents.handlingUnit = $self;
}

entity HandlingUnitContents {
  key handlingUnit   : Association to HandlingUnits;
  key position       : String(6);
      deliveryNumber : String(35);
      itemNumber     : String(6);
      material       : String(40);
      batch          : String(10);
      quantity       : Quantity;
      unit           : String(3);
}

/** E1EDT13 deadlines as sent, including qualifiers Lading does not turn into events. */
entity ShipmentDeadlines {
  key shipment     : Association to Shipments;
  key qualifier    : String(3);
      plannedStart : Timestamp;
      plannedEnd   : Timestamp;
      actualStart  : Timestamp;
      actualEnd    : Timestamp;
      timeZone     : String(6);
}

/** A DCSA Track & Trace event. The id is derived from its content, so a resent IDoc yields the same id. */
entity ShipmentEvents {
  key eventId             : LedgerId;
      shipment            : Association to Shipments;
      eventType           : EventType;
      eventClassifierCode : EventClassifier;
      eventTypeCode       : String(4);
      eventDateTime       : Timestamp;
      location            : String(255);
      documentTypeCode    : String(3);
      documentId          : String(35);
      equipmentReference  : String(20);
      emptyIndicatorCode  : String(5);
      description         : String(120);
      /** SHA-256 (hex) of the source IDoc's payload: the provenance the ledger keeps. */
      payloadHash         : String(64);
      sourceIdoc          : Association to InboundIdocs;
      recordedBy          : String(40);
      ledgerTxId          : String(64);
      ledgerBlock         : Integer64;
      createdAt           : Timestamp @cds.on.insert: $now;
}

/**
 * One IDoc as received. The payload is kept whatever happens to it, accepted or rejected.
 * `acceptedKey` (sender partner + DOCNUM, or the content hash when DOCNUM is missing) is set only
 * on accepted IDocs and is unique: it makes resends idempotent even under concurrent posts.
 */
@assert.unique: { acceptedKey: [acceptedKey] }
entity InboundIdocs : cuid {
  acceptedKey       : String(120);
  senderPort        : String(10);
  senderPartnerType : String(2);
  senderPartner     : String(35);
  receiverPartner   : String(35);
  docnum            : String(16) @title: 'IDoc number (DOCNUM)';
  idocType          : String(30) @title: 'Basic type (IDOCTYP)';
  messageType       : String(30) @title: 'Message type (MESTYP)';
  extensionType     : String(30) @title: 'Extension (CIMTYP)';
  transport         : String(10) default 'xml';
  receivedAt        : Timestamp @cds.on.insert: $now;
  payload           : LargeString;
  /** SHA-256 (hex) of the payload as stored. */
  payloadHash       : String(64);
  /** SHA-256 (hex) of the IDoc's segments and fields, independent of whitespace and envelope. */
  contentHash       : String(64);
  status            : IdocStatus;
  statusText        : String(500);
  /** The status SAP was last told of in an ALEAUD; differs from status while a confirmation is due. */
  acknowledgedStatus : IdocStatus;
  shipment          : Association to Shipments;
  statusHistory     : Composition of many IdocStatusRecords on statusHistory.idoc = $self;
}

entity IdocStatusRecords : cuid {
  idoc      : Association to InboundIdocs;
  status    : IdocStatus;
  message   : String(500);
  segment   : String(30);
  field     : String(30);
  createdAt : Timestamp @cds.on.insert: $now;
}

/**
 * Written in the same transaction as the IDoc; the relay puts it on the queue. The database is
 * the truth: a row stays unconfirmed until its events are committed on the ledger, and the relay
 * re-drives unconfirmed rows whatever Redis has forgotten.
 */
entity Outbox : cuid {
  idoc          : Association to InboundIdocs;
  /** Orders the ledger work of one shipment; also picks its queue partition. */
  shipmentId    : LedgerId;
  topic         : String(30);
  state         : String(12) enum { pending; queued; confirmed; failed; } default 'pending';
  /** Increased by each re-drive after a dead letter, so the re-driven job gets a new id. */
  redriveCount  : Integer default 0;
  createdAt     : Timestamp @cds.on.insert: $now;
  queuedAt      : Timestamp;
  confirmedAt   : Timestamp;
  ledgerTxId    : String(64);
  ledgerBlock   : Integer64;
}

/**
 * An IDoc Lading sends to SAP. The DOCNUM is derived from what the IDoc reports (a ledger event, an
 * inbound IDoc's outcome), so a resend is recognisably the same IDoc; the XML is built once and kept.
 * Status follows SAP's outbound codes: 30 ready for dispatch, 03 passed to port, 02 error passing to port.
 */
@assert.unique: { docnum: [docnum] }
entity OutboundIdocs : cuid {
  docnum        : String(16);
  idocType      : String(30);
  messageType   : String(30);
  extensionType : String(30);
  purpose       : String(20) enum { acknowledgement; transport; customs; proofOfDelivery; };
  ledgerEventId : LedgerId;
  inboundIdoc   : Association to InboundIdocs;
  shipment      : Association to Shipments;
  payload       : LargeString;
  status        : String(2) default '30';
  statusText    : String(500);
  createdAt     : Timestamp @cds.on.insert: $now;
  queuedAt      : Timestamp;
  sentAt        : Timestamp;
}

/** Where a ledger listener resumes: the block, and the last transaction of it already handled. */
entity LedgerCheckpoints {
  key listener      : String(40);
      blockNumber   : Integer64;
      transactionId : String(64);
      updatedAt     : Timestamp;
}

/** Work the pipeline gave up on, with the reason; an operator re-drives it after a fix. */
entity DeadLetters : cuid {
  idoc         : Association to InboundIdocs;
  outboundIdoc : Association to OutboundIdocs;
  queue      : String(60);
  jobId      : String(120);
  reason     : String(1000);
  createdAt  : Timestamp @cds.on.insert: $now;
  redrivenAt : Timestamp;
}
