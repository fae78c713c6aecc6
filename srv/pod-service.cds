/**
 * Proof of delivery, signed by the consignee with its own X.509 identity through the gateway:
 * the chaincode verifies the signature and keeps the signer's certificate, so anyone can check it later.
 */
@path: '/odata/v4/pod'
@requires: 'consignee'
service ProofOfDeliveryService {
  type PodItem {
    itemNumber : String(6);
    quantity   : Decimal(15, 3);
    unit       : String(3);
  }
  type PodReceipt {
    eventId       : String(36);
    transactionId : String(64);
    blockNumber   : Integer64;
  }
  type PodVerification {
    eventId           : String(80);
    valid             : Boolean;
    signerMspId       : String(40);
    signerSubject     : String(200);
    fingerprint256    : String(100);
    signedPayloadHash : String(64);
    reason            : String(500);
  }
  /** Signs and records the POD of a shipment: what arrived, item by item. */
  action sign(shipmentId : String(80), receivedAt : Timestamp, items : many PodItem, remarks : String(200)) returns PodReceipt;
  /** Checks a recorded POD against the signer's certificate kept on the ledger. */
  function verify(eventId : String(80)) returns PodVerification;
}
