using { lading } from '../db/schema';
using from '../db/transport';
using from '../db/customs';

/**
 * Shipments as Lading received them from SAP, with their events and the IDocs behind them.
 * Read-only: shipments change only through IDocs and the ledger.
 */
@path: '/odata/v4/shipment'
@requires: ['operator', 'finance', 'ingest']
@readonly
service ShipmentService {
  entity Shipments             as projection on lading.Shipments;
  entity ShipmentItems         as projection on lading.ShipmentItems;
  entity ShipmentPartners      as projection on lading.ShipmentPartners;
  entity HandlingUnits         as projection on lading.HandlingUnits;
  entity HandlingUnitContents  as projection on lading.HandlingUnitContents;
  entity ShipmentDeadlines     as projection on lading.ShipmentDeadlines;
  entity ShipmentEvents        as projection on lading.ShipmentEvents;
  entity InboundIdocs          as projection on lading.InboundIdocs excluding { acceptedKey };
  entity IdocStatusRecords     as projection on lading.IdocStatusRecords;
  entity Transports            as projection on lading.Transports;
  entity TransportDeliveries   as projection on lading.TransportDeliveries;
  /** Customs declarations SAP sent (DELVRY07 + ZLADING_DECL01), with their items and status history. */
  entity CustomsDeclarations     as projection on lading.CustomsDeclarations;
  entity CustomsDeclarationItems as projection on lading.CustomsDeclarationItems;
  entity CustomsStatusRecords    as projection on lading.CustomsStatusRecords;
}
