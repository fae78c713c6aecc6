import { join } from 'node:path';
import { connectAs, Devnet, newEvent, type OrgClient } from '../ledger/support';
import { applyEnv, ledgerEnv } from '../support/ledger-env';
import { fixture, startLading } from '../support/lading';
import { waitFor } from '../support/wait';
import { DELIVERED_LINES, invoiceXml } from './support';

/**
 * Three-way match against a real ledger (devnet): SAP's DESADVs go through the pipeline onto the
 * ledger; the consignee signs PODs with its own identity (POST /odata/v4/pod/sign, ConsigneeMSP)
 * and the customs broker records a hold with BrokerMSP; Lading's ledger listener keeps those
 * foreign events in its database, which settlement reads; the POD's accepted quantities are read
 * from the ledger once. Outcomes: ready, quantity mismatch, price mismatch, POD missing, customs
 * hold — and the settlement job settles again when the missing POD and the release arrive.
 */

let devnet: Devnet;
let broker: OrgClient;
let restoreEnv: () => void = () => undefined;

beforeAll(async () => {
  devnet = await Devnet.start();
  const consignee = join(devnet.dir, 'orgs', 'ConsigneeMSP');
  restoreEnv = applyEnv({
    ...ledgerEnv(devnet),
    POD_SIGNER_MSP_ID: 'ConsigneeMSP',
    POD_SIGNER_CERT_PATH: join(consignee, 'cert.pem'),
    POD_SIGNER_KEY_PATH: join(consignee, 'key.pem'),
    SETTLEMENT_INTERVAL_MS: '500',
  });
  broker = await connectAs(devnet, 'BrokerMSP');
}, 120_000);

const lading = startLading();

afterAll(async () => {
  broker?.close();
  await devnet?.dispose();
  restoreEnv();
});

const as = (user: string) => ({ auth: { username: user, password: user } });

/** One delivery per outcome: the DESADV fixture under its own number (items 10, 11, 12 PC). */
const DELIVERIES = { ready: '0080007001', quantity: '0080007002', price: '0080007003', noPod: '0080007004', customs: '0080007005' } as const;
type Outcome = keyof typeof DELIVERIES;
const shipmentOf = (outcome: Outcome): string => `S4HCLNT100/${DELIVERIES[outcome]}`;
const invoiceOf = (outcome: Outcome): string => `S4HCLNT100/009${DELIVERIES[outcome].slice(3)}`;

interface SettlementRow {
  ID: string;
  lineNumber: string;
  status: string;
  reasonCode: string | null;
  reasonCodes: string | null;
  reason: string;
  deliveredQuantity: number | null;
  podQuantity: number | null;
  invoicedAmount: number;
  computedAmount: number | null;
  acceptedAmount: number | null;
  differenceAmount: number | null;
  podEventId: string | null;
  podLedgerTxId: string | null;
  customsEventId: string | null;
}

async function settlementsOf(outcome: Outcome): Promise<SettlementRow[]> {
  const answer = await lading.request<{ value: SettlementRow[] }>({
    method: 'GET', url: `/odata/v4/finance/Settlements?$filter=invoice_ID eq '${encodeURIComponent(invoiceOf(outcome))}'&$orderby=lineNumber`, ...as('finance'),
  });
  expect(answer.status).toBe(200);
  return answer.data.value;
}

async function settle(outcome: Outcome): Promise<{ ready: number; blocked: number; changed: number }> {
  const answer = await lading.request<{ value: { ready: number; blocked: number; changed: number }[] }>({
    method: 'POST', url: '/odata/v4/finance/settle', data: { invoice: invoiceOf(outcome) }, ...as('finance'),
  });
  expect(answer.status).toBe(200);
  return answer.data.value[0] as { ready: number; blocked: number; changed: number };
}

async function signPod(outcome: Outcome, quantities: [number, number, number]): Promise<string> {
  const answer = await lading.request<{ eventId: string }>({
    method: 'POST', url: '/odata/v4/pod/sign', ...as('consignee'),
    data: {
      shipmentId: shipmentOf(outcome), receivedAt: '2026-11-30T11:05:00Z',
      items: quantities.map((quantity, index) => ({ itemNumber: String((index + 1) * 10).padStart(6, '0'), quantity, unit: 'PC' })),
    },
  });
  expect(answer.status).toBe(200);
  return answer.data.eventId;
}

/** Waits until the ledger listener has kept a foreign event of the shipment in Lading's database. */
async function keptByListener(outcome: Outcome, code: string, recordedBy: string): Promise<void> {
  await waitFor(`${code} of ${shipmentOf(outcome)} in Lading's database`, async () => {
    const rows = await SELECT.from('lading.ShipmentEvents').where({ shipment_ID: shipmentOf(outcome), eventTypeCode: code, recordedBy });
    return rows.length > 0 ? true : undefined;
  }, 60_000);
}

const HOLD_AT = '2026-11-28T09:00:00Z';
let podOfReady = '';

describe('three-way match against the ledger', () => {
  beforeAll(async () => {
    for (const [index, delivery] of Object.values(DELIVERIES).entries()) {
      const desadv = fixture('delvry/delvry07-desadv-3-items.xml').replace(/0000000001004242/g, `000000000100700${index + 1}`).replace(/0080004242/g, delivery);
      expect((await lading.postIdoc(desadv)).status).toBe(200);
    }
    await waitFor('the five DESADVs posted on the ledger (53)', async () => {
      const posted = await SELECT.from('lading.InboundIdocs').where({ idocType: 'DELVRY07', status: '53' });
      return posted.length === 5 ? true : undefined;
    }, 90_000);
    podOfReady = await signPod('ready', [10, 11, 12]);
    await signPod('quantity', [10, 10, 12]);
    await signPod('price', [10, 11, 12]);
    await signPod('customs', [10, 11, 12]);
    await broker.ledger.recordEvents([newEvent(shipmentOf('customs'), { eventTypeCode: 'HOLD', documentTypeCode: 'CUS', documentID: '26DE123456789012A1', eventDateTime: HOLD_AT })]);
    for (const outcome of ['ready', 'quantity', 'price', 'customs'] as const) await keptByListener(outcome, 'CMPL', 'ConsigneeMSP');
    await keptByListener('customs', 'HOLD', 'BrokerMSP');

    for (const outcome of Object.keys(DELIVERIES) as Outcome[]) {
      const lines = outcome === 'price' ? DELIVERED_LINES.map((line, index) => (index === 0 ? { ...line, net: 1300 } : line)) : DELIVERED_LINES;
      const number = invoiceOf(outcome).split('/')[1] as string;
      const xml = invoiceXml({ docnum: `00000000020${number.slice(5)}`, invoiceNumber: number, delivery: DELIVERIES[outcome], lines });
      expect((await lading.postIdoc(xml)).status).toBe(200);
    }
  }, 240_000);

  it('settles a line ready when invoice, delivery on the ledger and the signed POD agree', async () => {
    expect(await settle('ready')).toMatchObject({ ready: 3, blocked: 0 });
    const rows = await settlementsOf('ready');
    expect(rows.map((row) => [row.lineNumber, row.status, row.reasonCode])).toEqual([['000010', 'ready', null], ['000020', 'ready', null], ['000030', 'ready', null]]);
    expect(rows[2]).toMatchObject({ deliveredQuantity: 12, podQuantity: 12, invoicedAmount: 1182, computedAmount: 1182, acceptedAmount: 1182, differenceAmount: 0, podEventId: podOfReady });
    expect(rows[2]?.podLedgerTxId).toMatch(/^[0-9a-f]{64}$/);
  });

  it('keeps what it read of the POD from the ledger: accepted quantities and the verified signer', async () => {
    const answer = await lading.request<{ valid: boolean; signerMspId: string; items: { itemNumber: string; quantity: number; unit: string }[] }>({
      method: 'GET', url: `/odata/v4/finance/ProofsOfDelivery('${podOfReady}')?$expand=items($orderby=itemNumber)`, ...as('finance'),
    });
    expect(answer.status).toBe(200);
    expect(answer.data).toMatchObject({ valid: true, signerMspId: 'ConsigneeMSP' });
    expect(answer.data.items.map((item) => [item.itemNumber, item.quantity, item.unit])).toEqual([['000010', 10, 'PC'], ['000020', 11, 'PC'], ['000030', 12, 'PC']]);
  });

  it('blocks a line whose POD accepts less than invoiced (quantity mismatch), with the amounts', async () => {
    expect(await settle('quantity')).toMatchObject({ ready: 2, blocked: 1 });
    const line = (await settlementsOf('quantity')).find((row) => row.lineNumber === '000020');
    expect(line).toMatchObject({ status: 'blocked', reasonCode: 'QUANTITY_MISMATCH', deliveredQuantity: 11, podQuantity: 10, invoicedAmount: 1375, acceptedAmount: 1250, differenceAmount: 125 });
    expect(line?.reason).toBe('invoiced 11, delivered 11, POD accepted 10 PC');
  });

  it('blocks a line whose net amount is not quantity × price (price mismatch)', async () => {
    expect(await settle('price')).toMatchObject({ ready: 2, blocked: 1 });
    const [line] = await settlementsOf('price');
    expect(line).toMatchObject({ status: 'blocked', reasonCodes: 'PRICE_MISMATCH', invoicedAmount: 1300, computedAmount: 1250, acceptedAmount: 1250, differenceAmount: 50 });
    expect(line?.reason).toBe('net amount 1300.00 ≠ 10 × 125 / 1 = 1250.00');
  });

  it('blocks every line of a delivery without a signed POD (POD missing)', async () => {
    expect(await settle('noPod')).toMatchObject({ ready: 0, blocked: 3 });
    expect((await settlementsOf('noPod')).map((row) => row.reasonCodes)).toEqual(['POD_MISSING', 'POD_MISSING', 'POD_MISSING']);
  });

  it('blocks every line of a shipment held by customs (customs hold)', async () => {
    expect(await settle('customs')).toMatchObject({ ready: 0, blocked: 3 });
    const rows = await settlementsOf('customs');
    expect(rows.map((row) => row.reasonCodes)).toEqual(['CUSTOMS_HOLD', 'CUSTOMS_HOLD', 'CUSTOMS_HOLD']);
    expect(rows[0]?.reason).toBe('customs hold since 2026-11-28T09:00:00.000Z (declaration 26DE123456789012A1), not released');
    expect(rows[0]?.customsEventId).toBeTruthy();
  });

  it('settles again by itself when the missing POD and the customs release arrive', async () => {
    await signPod('noPod', [10, 11, 12]);
    await broker.ledger.recordEvents([newEvent(shipmentOf('customs'), { eventTypeCode: 'RELS', documentTypeCode: 'CUS', documentID: '26DE123456789012A1', eventDateTime: '2026-11-28T15:20:00Z' })]);
    for (const outcome of ['noPod', 'customs'] as const) {
      const rows = await waitFor(`the settlement job to settle ${outcome} ready`, async () => {
        const found = await settlementsOf(outcome);
        return found.every((row) => row.status === 'ready') ? found : undefined;
      }, 60_000, 250);
      expect(rows).toHaveLength(3);
    }
  });

  it('blocks a settled-ready invoice by itself when customs hold its shipment afterwards', async () => {
    expect((await settlementsOf('ready')).every((row) => row.status === 'ready')).toBe(true);
    await broker.ledger.recordEvents([newEvent(shipmentOf('ready'), { eventTypeCode: 'HOLD', documentTypeCode: 'CUS', documentID: '26DE999999999999B2', eventDateTime: '2026-12-02T08:00:00Z' })]);
    const rows = await waitFor('the settlement job to block the ready invoice', async () => {
      const found = await settlementsOf('ready');
      return found.every((row) => row.status === 'blocked') ? found : undefined;
    }, 60_000, 250);
    expect(rows.map((row) => row.reasonCode)).toEqual(['CUSTOMS_HOLD', 'CUSTOMS_HOLD', 'CUSTOMS_HOLD']);
    expect(rows[0]?.reason).toContain('26DE999999999999B2');
  });

  it('is idempotent against the ledger too: settling again changes nothing', async () => {
    const before = await settlementsOf('quantity');
    expect(await settle('quantity')).toMatchObject({ changed: 0 });
    expect(await settlementsOf('quantity')).toEqual(before);
  });
});
