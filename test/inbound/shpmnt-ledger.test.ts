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

/** The sea fixture under its own DOCNUM, TKNUM and delivery numbers (`n` two digits). */
function shipmentIdoc(n: string): { xml: string; docnum: string; shipments: string[] } {
  const xml = fixture('shpmnt/shpmnt05-sea-2-deliveries.xml')
    .replace(/0000000003004711/g, `00000000030097${n}`).replace(/0000004711/g, `00000097${n}`)
    .replace(/0080004242/g, `00800${n}242`).replace(/0080004243/g, `00800${n}243`);
  return { xml, docnum: `00000000030097${n}`, shipments: [`S4HCLNT100/00800${n}242`, `S4HCLNT100/00800${n}243`] };
}

async function waitForPosted(docnum: string): Promise<{ status: string; statusText: string }> {
  return waitFor(`IDoc ${docnum} to be posted (53)`, async () => {
    const rows = await lading.odata<{ value: { status: string; statusText: string }[] }>(`InboundIdocs?$filter=docnum eq '${docnum}'`);
    return rows.data.value[0]?.status === '53' ? rows.data.value[0] : undefined;
  }, 60_000);
}

interface EventRow { eventId: string; eventTypeCode: string; eventClassifierCode: string; ledgerTxId: string | null }

async function eventsOf(shipmentId: string): Promise<EventRow[]> {
  const answer = await lading.odata<{ value: EventRow[] }>(`ShipmentEvents?$filter=shipment_ID eq '${shipmentId}'&$select=eventId,eventTypeCode,eventClassifierCode,ledgerTxId`);
  return answer.data.value;
}

describe('SHPMNT05 → ledger', () => {
  it('records the transport events of every contained delivery once and posts the IDoc', async () => {
    const { xml, docnum, shipments } = shipmentIdoc('71');
    const answer = await lading.postIdoc(xml);
    expect(answer.status).toBe(200);
    expect(answer.data.idocs?.[0]).toMatchObject({ status: '64', outcome: 'accepted' });
    const posted = await waitForPosted(docnum);
    expect(posted.statusText).toMatch(/^Posted on the ledger: block \d+, transaction [0-9a-f]{64}$/);

    for (const shipmentId of shipments) {
      const local = await eventsOf(shipmentId);
      expect(local.map((event) => `${event.eventClassifierCode} ${event.eventTypeCode}`).sort()).toEqual(['ACT LOAD', 'PLN ARRI', 'PLN ARRI', 'PLN DEPA', 'PLN DEPA', 'PLN LOAD']);
      expect(local.every((event) => event.ledgerTxId !== null)).toBe(true);
      const head = await shipper.ledger.getShipment(shipmentId);
      expect([...head.events].sort()).toEqual(local.map((event) => event.eventId).sort());
      // Every delivery of the transport knows how far the ledger has it, not only the first one.
      const shipment = await lading.odata<{ value: { ledgerVersion: number }[] }>(`Shipments?$filter=ID eq '${encodeURIComponent(shipmentId)}'&$select=ledgerVersion`);
      expect(shipment.data.value[0]?.ledgerVersion).toBe(local.length);
    }
    const load = (await eventsOf(shipments[1] as string)).find((event) => event.eventClassifierCode === 'ACT');
    const recorded = await shipper.ledger.getEvent(load?.eventId as string);
    expect(recorded.recordedBy).toBe('ShipperMSP');
    expect(recorded.event).toMatchObject({
      eventType: 'EQUIPMENT', eventTypeCode: 'LOAD', equipmentReference: 'TCNU7654321', emptyIndicatorCode: 'LADEN',
      source: { idocType: 'SHPMNT05', docnum },
    });
  }, 90_000);

  it('records nothing twice when SAP resends the shipment', async () => {
    const { xml, docnum, shipments } = shipmentIdoc('72');
    expect((await lading.postIdoc(xml)).status).toBe(200);
    await waitForPosted(docnum);
    const before = await devnet.transactionCounts();
    const again = await lading.postIdoc(xml);
    expect(again.data.idocs?.[0]?.outcome).toBe('duplicate');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await devnet.transactionCounts()).toEqual(before);
    expect((await shipper.ledger.getShipment(shipments[0] as string)).events).toHaveLength(6);
  }, 90_000);
});
