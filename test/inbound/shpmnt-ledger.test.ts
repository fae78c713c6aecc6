import { Devnet, connectAs, type OrgClient } from '../ledger/support';
import { applyEnv, ledgerEnv } from '../support/ledger-env';
import { fixture, startLading } from '../support/lading';
import { waitFor } from '../support/wait';

/**
 * A shipment IDoc through the pipeline onto devnet: Lading (in-process, pipeline on, the real
 * Redis with a queue prefix of its own) records the transport's events on both deliveries'
 * ledger shipments as the shipper, which the chaincode's grants allow (plans of legs, actual
 * loading), and posts the IDoc (53).
 */

let devnet: Devnet;
let shipper: OrgClient;
let restoreEnv: () => void = () => undefined;

beforeAll(async () => {
  devnet = await Devnet.start();
  restoreEnv = applyEnv({ ...ledgerEnv(devnet), LEDGER_REDRIVE_AFTER_MS: '1500' });
  shipper = await connectAs(devnet, 'ShipperMSP');
}, 120_000);

const lading = startLading();

afterAll(async () => {
  shipper?.close();
  await devnet?.dispose();
  restoreEnv();
});

const DOCNUM = '0000000003009711';
const SHIPMENTS = ['S4HCLNT100/0080097242', 'S4HCLNT100/0080097243'];

function shipmentIdoc(): string {
  return fixture('shpmnt/shpmnt05-sea-2-deliveries.xml')
    .replace(/0000000003004711/g, DOCNUM).replace(/0000004711/g, '0000009711')
    .replace(/0080004242/g, '0080097242').replace(/0080004243/g, '0080097243');
}

interface EventRow { eventId: string; eventTypeCode: string; eventClassifierCode: string; ledgerTxId: string | null }

async function eventsOf(shipmentId: string): Promise<EventRow[]> {
  const answer = await lading.odata<{ value: EventRow[] }>(`ShipmentEvents?$filter=shipment_ID eq '${shipmentId}'&$select=eventId,eventTypeCode,eventClassifierCode,ledgerTxId`);
  return answer.data.value;
}

describe('SHPMNT05 → ledger', () => {
  it('records the transport events of every contained delivery once and posts the IDoc', async () => {
    const answer = await lading.postIdoc(shipmentIdoc());
    expect(answer.status).toBe(200);
    expect(answer.data.idocs?.[0]).toMatchObject({ status: '64', outcome: 'accepted' });
    const posted = await waitFor('the SHPMNT IDoc to be posted (53)', async () => {
      const rows = await lading.odata<{ value: { status: string; statusText: string }[] }>(`InboundIdocs?$filter=docnum eq '${DOCNUM}'`);
      return rows.data.value[0]?.status === '53' ? rows.data.value[0] : undefined;
    }, 60_000);
    expect(posted.statusText).toMatch(/^Posted on the ledger: block \d+, transaction [0-9a-f]{64}$/);

    for (const shipmentId of SHIPMENTS) {
      const local = await eventsOf(shipmentId);
      expect(local.map((event) => `${event.eventClassifierCode} ${event.eventTypeCode}`).sort()).toEqual(['ACT LOAD', 'PLN ARRI', 'PLN ARRI', 'PLN DEPA', 'PLN DEPA', 'PLN LOAD']);
      expect(local.every((event) => event.ledgerTxId !== null)).toBe(true);
      const head = await shipper.ledger.getShipment(shipmentId);
      expect([...head.events].sort()).toEqual(local.map((event) => event.eventId).sort());
    }
    const load = (await eventsOf(SHIPMENTS[1] as string)).find((event) => event.eventClassifierCode === 'ACT');
    const recorded = await shipper.ledger.getEvent(load?.eventId as string);
    expect(recorded.recordedBy).toBe('ShipperMSP');
    expect(recorded.event).toMatchObject({
      eventType: 'EQUIPMENT', eventTypeCode: 'LOAD', equipmentReference: 'TCNU7654321', emptyIndicatorCode: 'LADEN',
      source: { idocType: 'SHPMNT05', docnum: DOCNUM },
    });
  }, 90_000);

  it('records nothing twice when SAP resends the shipment', async () => {
    const before = await devnet.transactionCounts();
    const again = await lading.postIdoc(shipmentIdoc());
    expect(again.data.idocs?.[0]?.outcome).toBe('duplicate');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await devnet.transactionCounts()).toEqual(before);
    expect((await shipper.ledger.getShipment(SHIPMENTS[0] as string)).events).toHaveLength(6);
  });
});
