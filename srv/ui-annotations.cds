using { ShipmentService } from './shipment-service';
using { AdminService } from './admin-service';

/**
 * Fiori elements annotations for BTP deployments, where SAPUI5 (sap.fe) is available: list reports
 * and object pages of shipments with their ledger timeline, the IDoc monitor and the dead letters.
 * The freestyle OpenUI5 app in app/lading serves the same screens offline and does not read these.
 */

annotate ShipmentService.Shipments with @(
  UI.HeaderInfo      : { TypeName: 'Shipment', TypeNamePlural: 'Shipments', Title: { Value: ID }, Description: { Value: deliveryNumber } },
  UI.SelectionFields : [ deliveryNumber, status, shipToCountry, consignee ],
  UI.LineItem        : [
    { Value: ID, Label: 'Shipment' },
    { Value: deliveryNumber, Label: 'Delivery' },
    { Value: shipper, Label: 'Shipper' },
    { Value: consignee, Label: 'Consignee' },
    { Value: shipFromCountry, Label: 'From' },
    { Value: shipToCountry, Label: 'To' },
    { Value: status, Label: 'Status' },
    { Value: ledgerVersion, Label: 'Events on the ledger' },
  ],
  UI.Facets          : [
    { $Type: 'UI.ReferenceFacet', Label: 'Timeline', Target: 'events/@UI.LineItem' },
    { $Type: 'UI.ReferenceFacet', Label: 'Items', Target: 'items/@UI.LineItem' },
  ],
);

annotate ShipmentService.ShipmentItems with @(UI.LineItem: [
  { Value: itemNumber }, { Value: material, Label: 'Material' }, { Value: description, Label: 'Description' },
  { Value: quantity, Label: 'Quantity' }, { Value: unit, Label: 'Unit' }, { Value: originCountry }, { Value: commodityCode },
]);

/** The timeline: each event with its ledger proof and the IDoc it came from. */
annotate ShipmentService.ShipmentEvents with @(
  UI.PresentationVariant : { SortOrder: [{ Property: eventDateTime }], Visualizations: ['@UI.LineItem'] },
  UI.LineItem            : [
    { Value: eventDateTime, Label: 'When' },
    { Value: eventClassifierCode, Label: 'Classifier' },
    { Value: eventType, Label: 'Event type' },
    { Value: eventTypeCode, Label: 'Event' },
    { Value: location, Label: 'Location' },
    { Value: description, Label: 'Description' },
    { Value: ledgerTxId, Label: 'Ledger transaction' },
    { Value: ledgerBlock, Label: 'Block' },
    { Value: payloadHash, Label: 'Payload hash (SHA-256)' },
    { Value: sourceIdoc.docnum, Label: 'Source IDoc' },
    { Value: recordedBy, Label: 'Recorded by' },
  ],
);

/** The IDoc monitor, with reprocess and cancel as actions of the list and the object page. */
annotate AdminService.InboundIdocs with @(
  UI.HeaderInfo      : { TypeName: 'IDoc', TypeNamePlural: 'IDocs', Title: { Value: docnum }, Description: { Value: statusText } },
  UI.SelectionFields : [ status, idocType, messageType, senderPartner, receivedAt, docnum ],
  UI.LineItem        : [
    { Value: docnum },
    { Value: idocType },
    { Value: messageType },
    { Value: senderPartner, Label: 'Sender partner' },
    { Value: status, Label: 'Status' },
    { Value: statusText, Label: 'Status text' },
    { Value: receivedAt, Label: 'Received' },
    { $Type: 'UI.DataFieldForAction', Action: 'AdminService.reprocess', Label: 'Reprocess' },
    { $Type: 'UI.DataFieldForAction', Action: 'AdminService.cancel', Label: 'Cancel' },
  ],
  UI.Facets          : [
    { $Type: 'UI.ReferenceFacet', Label: 'Status history', Target: 'statusHistory/@UI.LineItem' },
    { $Type: 'UI.ReferenceFacet', Label: 'Payload', Target: '@UI.FieldGroup#Payload' },
  ],
  UI.FieldGroup #Payload : { Data: [ { Value: transport, Label: 'Transport' }, { Value: payloadHash, Label: 'Payload hash' }, { Value: payload, Label: 'Payload' } ] },
);

annotate AdminService.IdocStatusRecords with @(UI.LineItem: [
  { Value: status, Label: 'Status' }, { Value: message, Label: 'Message' }, { Value: segment, Label: 'Segment' },
  { Value: field, Label: 'Field' }, { Value: createdAt, Label: 'When' },
]);

annotate AdminService.DeadLetters with @(UI.LineItem: [
  { Value: idoc.docnum, Label: 'IDoc' },
  { Value: reason, Label: 'Reason' },
  { Value: queue, Label: 'Queue' },
  { Value: jobId, Label: 'Job' },
  { Value: createdAt, Label: 'Since' },
  { Value: redrivenAt, Label: 'Re-driven at' },
  { $Type: 'UI.DataFieldForAction', Action: 'AdminService.redrive', Label: 'Re-drive' },
]);
