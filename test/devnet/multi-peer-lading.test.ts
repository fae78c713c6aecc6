/**
 * Lading's own chaincode on a devnet with one peer per organisation and
 * AND('ShipperMSP.peer','CarrierMSP.peer'), driven through Lading's typed contract
 * (connectors/fabric, used here as a client only), each organisation connected to its own
 * peer: the carrier records with the shipper's and the carrier's endorsements, the shipper's
 * peer down is the connector's LedgerUnavailableError, a transaction endorsed by the carrier
 * alone is invalidated at commit (ENDORSEMENT_POLICY_FAILURE → CommitConflictError), and the
 * chain verifies afterwards.
 */
import { common, gateway as gatewayProtos, msp, peer } from '@hyperledger/fabric-protos';
import { CommitConflictError, LedgerUnavailableError, ShipmentLedger, connectLedger, devnetConfig } from '../../connectors/fabric';
import { Devnet, failureOf, newEvent, newShipmentId, verifyLedgerDir, type OrgMsp } from '../ledger/support';

jest.setTimeout(60_000);

const PEERS = ['ShipperMSP', 'CarrierMSP', 'BrokerMSP', 'ConsigneeMSP'];

let devnet: Devnet;
let peerAddresses: Map<string, string>;
const closers: Array<() => void> = [];

/** Lading's connector for `mspId`, connected to that organisation's own peer. */
async function connectToOwnPeer(mspId: OrgMsp): Promise<ShipmentLedger> {
  const address = peerAddresses.get(mspId);
  if (!address) throw new Error(`no peer for ${mspId}`);
  const connection = await connectLedger(devnetConfig(address, devnet.dir, mspId));
  closers.push(() => connection.close());
  return new ShipmentLedger(connection);
}

function endorsersOf(signedBytes: Uint8Array): string[] {
  const envelope = gatewayProtos.PreparedTransaction.deserializeBinary(signedBytes).getEnvelope();
  const payload = common.Payload.deserializeBinary(envelope?.getPayload_asU8() ?? new Uint8Array());
  const action = peer.Transaction.deserializeBinary(payload.getData_asU8()).getActionsList()[0];
  const endorsed = peer.ChaincodeActionPayload.deserializeBinary(action?.getPayload_asU8() ?? new Uint8Array()).getAction();
  return (endorsed?.getEndorsementsList() ?? []).map((e) => msp.SerializedIdentity.deserializeBinary(e.getEndorser_asU8()).getMspid());
}

const departure = (shipmentId: string, at: string): ReturnType<typeof newEvent> =>
  newEvent(shipmentId, { eventType: 'TRANSPORT', eventTypeCode: 'DEPA', documentTypeCode: undefined, eventDateTime: at });

beforeAll(async () => {
  devnet = await Devnet.start({ peers: PEERS, endorsementPolicy: "AND('ShipperMSP.peer','CarrierMSP.peer')" });
  const peers = (await devnet.admin('GET', '/peers')) as Array<{ mspId: string; address: string }>;
  peerAddresses = new Map(peers.map((p) => [p.mspId, p.address]));
});

afterAll(async () => {
  for (const close of closers) close();
  await devnet?.dispose();
});

test("the carrier, on its own peer, records with the shipper's and the carrier's endorsements", async () => {
  const carrier = await connectToOwnPeer('CarrierMSP');
  const shipmentId = newShipmentId();
  const event = departure(shipmentId, '2026-11-25T06:00:00Z');
  const prepared = await carrier.prepareRecordEvents([event]);
  expect(endorsersOf(prepared.bytes)).toEqual(['CarrierMSP', 'ShipperMSP']);
  const committed = await carrier.submitPrepared(prepared.bytes);
  expect(committed.transactionId).toBe(prepared.transactionId);

  // The shipper, on its own peer, reads what the carrier recorded.
  const shipper = await connectToOwnPeer('ShipperMSP');
  const record = await shipper.getEvent(event.eventId);
  expect(record).toMatchObject({ event: { eventId: event.eventId, shipmentId }, recordedBy: 'CarrierMSP', txId: committed.transactionId });
});

test("the shipper's peer down: the carrier's recording fails as LedgerUnavailableError naming that peer", async () => {
  const carrier = await connectToOwnPeer('CarrierMSP');
  await devnet.admin('POST', '/peers/ShipperMSP', { stopped: true });
  try {
    const err = await failureOf(() => carrier.recordEvents([departure(newShipmentId(), '2026-11-25T07:00:00Z')]));
    expect(err).toBeInstanceOf(LedgerUnavailableError);
    const unavailable = err as LedgerUnavailableError;
    expect(unavailable.grpcCode).toBe(10);
    expect(unavailable.retry).toBe('new-transaction');
    expect(unavailable.details.join('\n')).toContain(peerAddresses.get('ShipperMSP') ?? 'missing');
  } finally {
    await devnet.admin('POST', '/peers/ShipperMSP', { stopped: false });
  }
  await carrier.recordEvents([departure(newShipmentId(), '2026-11-25T08:00:00Z')]);
});

test('endorsed by the carrier alone, the recording is invalidated at commit: CommitConflictError (ENDORSEMENT_POLICY_FAILURE)', async () => {
  const carrier = await connectToOwnPeer('CarrierMSP');
  const event = departure(newShipmentId(), '2026-11-25T09:00:00Z');
  const err = await failureOf(() => carrier.recordEvents([event], undefined, { endorsingOrganizations: ['CarrierMSP'] }));
  expect(err).toBeInstanceOf(CommitConflictError);
  expect((err as CommitConflictError).validationCode).toBe(peer.TxValidationCode.ENDORSEMENT_POLICY_FAILURE);
  await expect(carrier.getEvent(event.eventId)).rejects.toThrow();
});

test('the chain with its invalidated transaction verifies (devnet verify)', async () => {
  await devnet.stop();
  const outcome = await verifyLedgerDir(devnet.dir);
  expect(outcome.exitCode).toBe(0);
  expect(outcome.output).toMatch(/^ok: \d+ blocks, hash chain and data hashes intact, world state matches a replay$/);
});
