using { lading } from '../db/schema';
using from '../db/customs';

/**
 * Customs brokers: cross-border status of their own shipments, read-only. A shipment is a
 * broker's when SAP sent the broker as partner (E1ADRM1 PARTNER_Q CB, customs broker) with the
 * partner id in the user's attribute brokerPartnerId. Anything else does not exist for them (404).
 */
@path: '/odata/v4/broker'
@requires: 'broker'
@readonly
service BrokerService {
  @restrict: [{ grant: 'READ', to: 'broker', where: 'exists partners[role = ''CB'' and partnerId = $user.brokerPartnerId]' }]
  entity Shipments as projection on lading.Shipments {
    ID, deliveryNumber, shipper, consignee, carrier, shipFromCountry, shipToCountry, incoterms, incotermsPlace,
    grossWeight, netWeight, weightUnit, status, ledgerVersion, billOfLading,
    items, partners, events
  };
  @restrict: [{ grant: 'READ', to: 'broker', where: 'exists shipment.partners[role = ''CB'' and partnerId = $user.brokerPartnerId]' }]
  entity ShipmentItems as projection on lading.ShipmentItems {
    shipment, itemNumber, description, quantity, unit, originCountry, commodityCode, netWeight, grossWeight, weightUnit
  };
  @restrict: [{ grant: 'READ', to: 'broker', where: 'exists shipment.partners[role = ''CB'' and partnerId = $user.brokerPartnerId]' }]
  entity ShipmentPartners as projection on lading.ShipmentPartners { shipment, role, partnerId, name, city, country };
  /** Each event with its ledger proof: transaction, block and the hash of the IDoc it came from. */
  @restrict: [{ grant: 'READ', to: 'broker', where: 'exists shipment.partners[role = ''CB'' and partnerId = $user.brokerPartnerId]' }]
  entity ShipmentEvents as projection on lading.ShipmentEvents {
    eventId, shipment, eventType, eventClassifierCode, eventTypeCode, eventDateTime, location, documentTypeCode, documentId,
    description, payloadHash, recordedBy, ledgerTxId, ledgerBlock
  };

  /** Customs declarations of the broker's shipments, with items and the status history (the same restriction). */
  @restrict: [{ grant: 'READ', to: 'broker', where: 'exists shipment.partners[role = ''CB'' and partnerId = $user.brokerPartnerId]' }]
  entity CustomsDeclarations as projection on lading.CustomsDeclarations excluding { lastIdoc };
  @restrict: [{ grant: 'READ', to: 'broker', where: 'exists declaration.shipment.partners[role = ''CB'' and partnerId = $user.brokerPartnerId]' }]
  entity CustomsDeclarationItems as projection on lading.CustomsDeclarationItems;
  @restrict: [{ grant: 'READ', to: 'broker', where: 'exists declaration.shipment.partners[role = ''CB'' and partnerId = $user.brokerPartnerId]' }]
  entity CustomsStatusRecords as projection on lading.CustomsStatusRecords excluding { sourceIdoc };
}
