namespace lading;

using { managed } from '@sap/cds/common';
using { lading } from './schema';

/**
 * A transport as SAP's shipment (SHPMNT05/06, LE-TRA) describes it: the truck or vessel that
 * carries deliveries, its legs, dates, carrier and containers. The key is the sending SAP
 * system's partner and the shipment number, e.g. `S4HCLNT100/0000004711`. The deliveries it
 * carries are ledger shipments (TransportDeliveries links them); the transport itself is not on
 * the ledger, its departures, arrivals and container moves are, as events of those shipments.
 */
entity Transports : managed {
  key ID                : String(80);
      shipmentNumber    : String(10) @title: 'Shipment (TKNUM)';
      senderPartner     : String(35) @title: 'Sending system (SNDPRN)';
      shipmentType      : String(4)  @title: 'Shipment type (SHTYP)';
      shippingType      : String(2)  @title: 'Shipping type (VSART)';
      /** TRUCK, MAIL, RAIL, VESSEL, AIR; empty for a customer shipping type. */
      mode              : String(10);
      legIndicator      : String(12) @title: 'Leg indicator (LAUFK)';
      route             : String(6);
      description       : String(20) @title: 'Description (TPBEZ)';
      vesselName        : String(20);
      voyageNumber      : String(20);
      vehicleId         : String(20) @title: 'Vehicle (SIGNI)';
      containerId       : String(20) @title: 'Container (SIGNI)';
      externalId1       : String(20) @title: 'External id 1 (EXTI1)';
      externalId2       : String(20) @title: 'External id 2 (EXTI2)';
      carrier           : String(80);
      carrierPartnerId  : String(35);
      distance          : Decimal(15, 3);
      distanceUnit      : String(3);
      /** E1EDT18 QUALF DEL: SAP deleted the shipment. */
      deleted           : Boolean default false;
      /** Segments Lading does not map (Z-segments), kept as JSON. */
      extensionSegments : LargeString;
      lastIdoc          : Association to lading.InboundIdocs;
      partners          : Composition of many TransportPartners on partners.transport = $self;
      deadlines         : Composition of many TransportDeadlines on deadlines.transport = $self;
      stages            : Composition of many TransportStages on stages.transport = $self;
      handlingUnits     : Composition of many TransportHandlingUnits on handlingUnits.transport = $self;
      deliveries        : Composition of many TransportDeliveries on deliveries.transport = $self;
}

entity TransportPartners {
  key transport  : Association to Transports;
  key role       : String(3) @title: 'Partner function (PARTNER_Q)';
      partnerId  : String(17);
      name       : String(80);
      street     : String(80);
      city       : String(40);
      postalCode : String(10);
      country    : String(3);
      /** E1ADRE4 extended data (qualifier → value) as JSON. */
      extensions : LargeString;
}

/** E1EDT10 header deadlines as sent, actual dates included (see mappings/transport/README.md). */
entity TransportDeadlines {
  key transport    : Association to Transports;
  key qualifier    : String(3);
      plannedStart : Timestamp;
      plannedEnd   : Timestamp;
      actualStart  : Timestamp;
      actualEnd    : Timestamp;
      timeZone     : String(6);
}

entity TransportStages {
  key transport          : Association to Transports;
  key stageNumber        : String(4) @title: 'Stage (TSNUM)';
      sequence           : Integer   @title: 'Order (TSRFO)';
      category           : String(24);
      legIndicator       : String(12);
      shippingType       : String(2);
      mode               : String(10);
      distance           : Decimal(15, 3);
      distanceUnit       : String(3);
      departurePointId   : String(20);
      departurePointKind : String(5);
      departureName      : String(40);
      departureCity      : String(40);
      departureCountry   : String(3);
      destinationPointId   : String(20);
      destinationPointKind : String(5);
      destinationName      : String(40);
      destinationCity      : String(40);
      destinationCountry   : String(3);
      carrier            : String(80);
      carrierPartnerId   : String(35);
      /** E1EDT01: the deliveries on this leg, as a JSON array of numbers; empty = all of the transport's. */
      deliveryNumbers    : LargeString;
      deadlines          : Composition of many TransportStageDeadlines on deadlines.stage = $self;
}

entity TransportStageDeadlines {
  key stage        : Association to TransportStages;
  key qualifier    : String(3);
      plannedStart : Timestamp;
      plannedEnd   : Timestamp;
      actualStart  : Timestamp;
      actualEnd    : Timestamp;
      timeZone     : String(6);
}

entity TransportHandlingUnits {
  key transport         : Association to Transports;
  key externalId        : String(20) @title: 'Handling unit / container (EXIDV)';
      isContainer       : Boolean;
      packagingMaterial : String(40);
      grossWeight       : Decimal(15, 3);
      weightUnit        : String(3);
      contents          : Composition of many TransportHandlingUnitContents on contents.handlingUnit = $self;
}

entity TransportHandlingUnitContents {
  key handlingUnit   : Association to TransportHandlingUnits;
  key position       : String(6);
      deliveryNumber : String(35);
      itemNumber     : String(6);
      material       : String(40);
      quantity       : Decimal(15, 3);
      unit           : String(3);
}

/** A delivery on the transport, linked to its ledger shipment. */
entity TransportDeliveries {
  key transport          : Association to Transports;
  key shipment           : Association to lading.Shipments;
      deliveryNumber     : String(35);
      consignee          : String(80);
      consigneePartnerId : String(35);
      shipToCountry      : String(3);
      shippingPoint      : String(10);
      grossWeight        : Decimal(15, 3);
      weightUnit         : String(3);
}
