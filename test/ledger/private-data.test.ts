/**
 * Customs values in the private collection, and who may record what: against devnet and the
 * real chaincode, with each organisation's own identity.
 */
import { ContractRejectedError, type CustomsValues } from '../../connectors/fabric';
import { Devnet, connectAs, newEvent, newShipmentId, sha256Hex, type OrgClient, failureOf } from './support';

jest.setTimeout(120_000);

let devnet: Devnet;
let shipper: OrgClient;
let broker: OrgClient;
let carrier: OrgClient;

beforeAll(async () => {
  devnet = await Devnet.start();
  [shipper, broker, carrier] = await Promise.all([
    connectAs(devnet, 'ShipperMSP'),
    connectAs(devnet, 'BrokerMSP'),
    connectAs(devnet, 'CarrierMSP'),
  ]);
});

afterAll(async () => {
  for (const org of [shipper, broker, carrier]) org?.close();
  await devnet?.dispose();
});

const CUSTOMS: CustomsValues = { declaredValue: '125000.50', currency: 'EUR', duty: '3125.01', hsCodes: ['847130', '85044090'] };

/** The chaincode stores canonical JSON (keys sorted), and the public hash is over those bytes. */
function canonicalHash(values: CustomsValues): string {
  const sorted = Object.fromEntries(Object.entries(values).sort(([a], [b]) => (a < b ? -1 : 1)));
  return sha256Hex(JSON.stringify(sorted));
}

/** The shipper files the customs declaration (SUBM about document CUS) with its values. */
function customsDeclaration(shipmentId: string): ReturnType<typeof newEvent> {
  return newEvent(shipmentId, { eventTypeCode: 'SUBM', documentTypeCode: 'CUS' });
}

describe('customs values (private data)', () => {
  it('are readable by BrokerMSP, refused to CarrierMSP, and the public event carries only their hash', async () => {
    const declaration = customsDeclaration(newShipmentId());
    await shipper.ledger.recordEvents([declaration], { [declaration.eventId]: CUSTOMS });

    await expect(broker.ledger.getCustomsValues(declaration.eventId)).resolves.toEqual(CUSTOMS);
    await expect(shipper.ledger.getCustomsValues(declaration.eventId)).resolves.toEqual(CUSTOMS);

    const refused = await failureOf(() => carrier.ledger.getCustomsValues(declaration.eventId));
    expect(refused).toBeInstanceOf(ContractRejectedError);
    expect(refused).toMatchObject({ reason: 'forbidden', retry: 'never', operation: 'evaluate', eventIds: [declaration.eventId] });

    const publicRecord = await carrier.ledger.getEvent(declaration.eventId);
    expect(publicRecord.event).toEqual(declaration);
    expect(publicRecord.customsHash).toBe(canonicalHash(CUSTOMS));
    const publicText = JSON.stringify(publicRecord);
    for (const secret of ['125000.50', '3125.01', '847130', 'declaredValue']) expect(publicText).not.toContain(secret);
  });

  it('re-recording with the same customs values is unchanged; with other values it is a conflict', async () => {
    const declaration = customsDeclaration(newShipmentId());
    await shipper.ledger.recordEvents([declaration], { [declaration.eventId]: CUSTOMS });

    const again = await shipper.ledger.recordEvents([declaration], { [declaration.eventId]: CUSTOMS });
    expect(again.result).toEqual({ recorded: [], unchanged: [declaration.eventId] });

    const changed = await failureOf(() =>
      shipper.ledger.recordEvents([declaration], { [declaration.eventId]: { ...CUSTOMS, declaredValue: '1.00' } }),
    );
    expect(changed).toMatchObject({ reason: 'conflict', retry: 'never' });
  });

  it('refuses customs values from an organisation outside the collection', async () => {
    const departure = newEvent(newShipmentId(), { eventType: 'TRANSPORT', eventTypeCode: 'DEPA', documentTypeCode: undefined });
    const error = await failureOf(() => carrier.ledger.recordEvents([departure], { [departure.eventId]: CUSTOMS }));
    expect(error).toMatchObject({ reason: 'forbidden', retry: 'never' });
  });
});

describe('recording rights', () => {
  it('lets BrokerMSP record a customs release and refuses the same release from CarrierMSP', async () => {
    const shipmentId = newShipmentId();
    const release = newEvent(shipmentId, { eventTypeCode: 'RELS', documentTypeCode: 'CUS' });

    const refused = await failureOf(() => carrier.ledger.recordEvents([release]));
    expect(refused).toBeInstanceOf(ContractRejectedError);
    expect(refused).toMatchObject({ reason: 'forbidden', retry: 'never', operation: 'endorse', eventIds: [release.eventId] });
    expect((refused as ContractRejectedError).chaincodeMessage).toContain('CarrierMSP');

    const accepted = await broker.ledger.recordEvents([release]);
    expect(accepted.result.recorded).toEqual([release.eventId]);
    expect((await carrier.ledger.getEvent(release.eventId)).recordedBy).toBe('BrokerMSP');
  });

  it('lets the carrier report actual transport and refuses it from the shipper', async () => {
    const shipmentId = newShipmentId();
    const departure = newEvent(shipmentId, { eventType: 'TRANSPORT', eventTypeCode: 'DEPA', documentTypeCode: undefined });

    await expect(shipper.ledger.recordEvents([departure])).rejects.toMatchObject({ reason: 'forbidden', retry: 'never' });
    await expect(carrier.ledger.recordEvents([departure])).resolves.toMatchObject({ result: { recorded: [departure.eventId] } });
  });
});
