import { randomUUID, createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { connectLedger, devnetConfig, ShipmentLedger, type LedgerEvent } from '../connectors/fabric';

/**
 * `npm run demo`, against a running `npm start`: a cross-border shipment from Hamburg to
 * Felixstowe as every party sees it. SAP announces the delivery; the carrier, the customs broker
 * and the consignee act on the shared ledger with their own identities, as they would on a real
 * network; Lading tells SAP what they did.
 */

const LADING = process.env.LADING_URL ?? 'http://localhost:4004';
const SAP = process.env.SAPSIM_URL ?? `http://127.0.0.1:${process.env.SAPSIM_PORT ?? 4005}`;
const DEVNET_DIR = process.env.DEVNET_DIR ?? '.devnet';
const DEVNET = process.env.DEVNET_ADDRESS ?? `127.0.0.1:${process.env.DEVNET_PORT ?? 7051}`;
const ROOT = join(__dirname, '..');

const auth = (user: string): string => `Basic ${Buffer.from(`${user}:${user}`).toString('base64')}`;

function step(text: string): void {
  process.stdout.write(`\n▸ ${text}\n`);
}

function done(text: string): void {
  process.stdout.write(`  ✓ ${text}\n`);
}

function notYet(text: string): void {
  process.stdout.write(`  – ${text}\n`);
}

async function json<T>(url: string, user: string, init: RequestInit = {}): Promise<T> {
  const response = await fetch(url, { ...init, headers: { authorization: auth(user), ...(init.headers ?? {}) } });
  const text = await response.text();
  if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${url} answered ${response.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function asParty(mspId: string): Promise<{ ledger: ShipmentLedger; keyPath: string; close(): void }> {
  const config = devnetConfig(DEVNET, DEVNET_DIR, mspId);
  const connection = await connectLedger(config);
  return { ledger: new ShipmentLedger(connection), keyPath: config.keyPath, close: () => connection.close() };
}

function event(shipmentId: string, fields: Omit<LedgerEvent, 'eventId' | 'shipmentId' | 'payloadHash'>): LedgerEvent {
  const eventId = randomUUID();
  return { eventId, shipmentId, payloadHash: createHash('sha256').update(`${eventId}${JSON.stringify(fields)}`).digest('hex'), ...fields };
}

async function main(): Promise<void> {
  const run = Date.now().toString().slice(-6);
  const delivery = `0081${run}`;
  const docnum = `000000000081${run.slice(-4)}`.padStart(16, '0');
  const shipmentId = `S4HCLNT100/${delivery}`;
  const mrn = `26GB${run}DEMO0001`.slice(0, 18);
  const invoiceNumber = `0091${run}`;
  const invoiceDocnum = `000000000091${run.slice(-4)}`.padStart(16, '0');

  step(`S/4HANA posts outbound delivery ${delivery} (DESADV, Hamburg → Felixstowe) to Lading`);
  await json(`${LADING}/health`, 'operator');
  // SAP's own record of the delivery, as its delivery API serves it (reconciliation reads it at the end).
  await json(`${SAP}/admin/deliveries`, 'LADING', {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ DeliveryDocument: delivery, ShippingPoint: '1010', SalesOrganization: '1010', DeliveryDocumentType: 'LF', HeaderGrossWeight: 1250, HeaderNetWeight: 1100, HeaderWeightUnit: 'KG' }),
  });
  const template = await readFile(join(ROOT, 'test', 'fixtures', 'delvry', 'delvry07-desadv-broker-a.xml'), 'utf8');
  const idoc = template.replace(/0080006001/g, delivery).replace(/0000000001006001/g, docnum);
  const posted = await json<{ idocs: { status: string; id: string }[] }>(`${LADING}/idoc/xml`, 'erp', { method: 'POST', body: idoc, headers: { 'content-type': 'application/xml' } });
  done(`IDoc ${docnum} accepted, status ${posted.idocs[0]?.status}`);
  const onLedger = await waitFor('the delivery on the ledger', async () => {
    const answer = await json<{ value: { status: string; statusText: string }[] }>(`${LADING}/odata/v4/shipment/InboundIdocs?$filter=docnum eq '${docnum}'`, 'operator');
    return answer.value[0]?.status === '53' ? answer.value[0] : undefined;
  });
  done(`status 53 — ${onLedger.statusText}`);

  const carrier = await asParty('CarrierMSP');
  const broker = await asParty('BrokerMSP');
  const consignee = await asParty('ConsigneeMSP');
  try {
    step('The carrier (CarrierMSP) records loading, departure and arrival on the ledger');
    for (const [fields, what] of [
      [{ eventType: 'EQUIPMENT', eventClassifierCode: 'ACT', eventTypeCode: 'LOAD', eventDateTime: '2026-11-26T08:00:00Z', location: { UNLocationCode: 'DEHAM' }, equipmentReference: 'MSKU1234565' }, 'loaded in Hamburg'],
      [{ eventType: 'TRANSPORT', eventClassifierCode: 'ACT', eventTypeCode: 'DEPA', eventDateTime: '2026-11-26T18:30:00Z', location: { UNLocationCode: 'DEHAM' } }, 'departed Hamburg'],
      [{ eventType: 'TRANSPORT', eventClassifierCode: 'ACT', eventTypeCode: 'ARRI', eventDateTime: '2026-11-28T06:45:00Z', location: { UNLocationCode: 'GBFXT' } }, 'arrived in Felixstowe'],
    ] as const) {
      const committed = await carrier.ledger.recordEvents([event(shipmentId, fields)]);
      done(`${what} — block ${committed.blockNumber}`);
    }

    step(`The customs broker (BrokerMSP) files the import declaration ${mrn}, holds it, then releases it`);
    for (const [code, time, what] of [['SUBM', '2026-11-27T10:00:00Z', 'declaration submitted'], ['HOLD', '2026-11-28T09:00:00Z', 'held for documentary check'], ['RELS', '2026-11-28T15:20:00Z', 'released']] as const) {
      const committed = await broker.ledger.recordEvents([event(shipmentId, { eventType: 'SHIPMENT', eventClassifierCode: 'ACT', eventTypeCode: code, documentTypeCode: 'CUS', documentID: mrn, eventDateTime: time })]);
      done(`${what} — block ${committed.blockNumber}`);
    }

    step('The consignee (ConsigneeMSP) signs the proof of delivery with its own key');
    const pod = await consignee.ledger.signProofOfDelivery({
      shipmentId, deliveryNumber: delivery, receivedAt: '2026-11-30T11:05:00Z',
      items: [{ itemNumber: '000010', quantity: 10, unit: 'PC' }, { itemNumber: '000020', quantity: 10, unit: 'PC' }, { itemNumber: '000030', quantity: 12, unit: 'PC' }],
      remarks: 'one housing cracked',
    }, { privateKeyPem: await readFile(consignee.keyPath, 'utf8') });
    const verified = await consignee.ledger.verifyProofOfDelivery(pod.eventId);
    done(`POD ${pod.eventId} in block ${pod.blockNumber}, signature ${verified.valid ? 'valid' : 'INVALID'} (${verified.signer.subject})`);
  } finally {
    carrier.close();
    broker.close();
    consignee.close();
  }

  step('SAP hears of it, exactly once');
  const received = await waitFor('the IDocs at SAP', async () => {
    const answer = await json<{ idocs: { messageType: string; xml: string }[] }>(`${SAP}/admin/idocs`, 'LADING');
    const mine = answer.idocs.filter((idoc) => idoc.xml.includes(delivery) || idoc.xml.includes(docnum));
    const kinds = new Set(mine.map((idoc) => idoc.messageType));
    return ['ALEAUD', 'SHPMNT', 'STPPOD'].every((kind) => kinds.has(kind)) && mine.filter((idoc) => idoc.messageType === 'SHPMNT').length >= 3 ? mine : undefined;
  });
  const count = (type: string): number => received.filter((idoc) => idoc.messageType === type).length;
  done(`ALEAUD ${count('ALEAUD')} · SHPMNT ${count('SHPMNT')} · customs status ${count('ZLADING_CUSTOMS')} · STPPOD ${count('STPPOD')}`);

  step(`S/4HANA invoices the delivery (INVOIC02 ${invoiceNumber}); finance matches it against the ledger`);
  await waitFor('the signed POD in Lading', async () => {
    const answer = await json<{ value: { eventTypeCode: string }[] }>(`${LADING}/odata/v4/shipment/ShipmentEvents?$filter=shipment_ID eq '${encodeURIComponent(shipmentId)}' and eventTypeCode eq 'CMPL'`, 'operator');
    return answer.value.length > 0 ? true : undefined;
  });
  const invoiceTemplate = await readFile(join(ROOT, 'test', 'fixtures', 'invoic', 'invoic02-3-lines.xml'), 'utf8');
  const invoiceIdoc = invoiceTemplate.replace(/0080004242/g, delivery).replace(/0000000002004242/g, invoiceDocnum).replace(/0090004242/g, invoiceNumber);
  const invoicePosted = await json<{ idocs: { status: string }[] }>(`${LADING}/idoc/xml`, 'erp', { method: 'POST', body: invoiceIdoc, headers: { 'content-type': 'application/xml' } });
  done(`invoice IDoc ${invoiceDocnum} accepted, status ${invoicePosted.idocs[0]?.status} (invoices stay off the ledger)`);
  const invoiceId = `S4HCLNT100/${invoiceNumber}`;
  await json(`${LADING}/odata/v4/finance/settle`, 'finance', { method: 'POST', body: JSON.stringify({ invoice: invoiceId }), headers: { 'content-type': 'application/json' } });
  const settlement = await json<{ value: { lineNumber: string; status: string; reason: string | null; invoicedQuantity: number; podQuantity: number | null; differenceAmount: number | null; currency: string }[] }>(
    `${LADING}/odata/v4/finance/Settlements?$filter=invoice_ID eq '${encodeURIComponent(invoiceId)}'&$orderby=lineNumber`, 'finance');
  for (const line of settlement.value) {
    const detail = line.status === 'ready' ? 'ready to settle' : `blocked: ${line.reason ?? ''}`;
    done(`line ${line.lineNumber}: invoiced ${Number(line.invoicedQuantity)}, POD ${line.podQuantity ?? '–'} — ${detail}`);
  }

  step('Reconciliation compares SAP, Lading and the ledger');
  const started = await json<{ ID: string }>(`${LADING}/odata/v4/reconciliation/startRun`, 'operator', {
    method: 'POST', body: JSON.stringify({ mode: 'incremental' }), headers: { 'content-type': 'application/json' },
  });
  const finished = await waitFor('the reconciliation run', async () => {
    const run = await json<{ status: string; done: number; total: number; matched: number; discrepancies: number }>(`${LADING}/odata/v4/reconciliation/ReconciliationRuns(${started.ID})`, 'operator');
    if (run.status === 'failed') throw new Error('the reconciliation run failed');
    return run.status === 'finished' ? run : undefined;
  }, 60_000);
  const open = await json<{ value: { kind: string; field: string }[] }>(
    `${LADING}/odata/v4/reconciliation/Discrepancies?$filter=shipmentId eq '${encodeURIComponent(shipmentId)}' and status eq 'open'`, 'operator');
  done(`${finished.done} of ${finished.total} shipment(s) compared, ${finished.matched} matched, ${finished.discrepancies} discrepancy(ies) in all`);
  done(open.value.length === 0 ? `delivery ${delivery}: SAP, Lading and the ledger agree` : `delivery ${delivery}: ${open.value.map((finding) => `${finding.kind} ${finding.field}`).join(', ')}`);

  process.stdout.write(`\nSee it yourself:
  the shipment's timeline   ${LADING}/lading/webapp/index.html#/shipments/${shipmentId.replace('/', '~')}   (operator/operator)
  shipment and its events   ${LADING}/odata/v4/shipment/Shipments('${encodeURIComponent(shipmentId)}')?$expand=events   (operator/operator)
  what the broker sees      ${LADING}/odata/v4/broker/Shipments   (broker-a/broker-a)
  IDocs SAP received        ${SAP}/admin/idocs   (LADING/lading)
  reconciliation            ${LADING}/odata/v4/reconciliation/ReconciliationRuns?$orderby=requestedAt desc   (operator/operator)
  settlement                ${LADING}/odata/v4/finance/Settlements?$filter=invoice_ID eq '${encodeURIComponent(`S4HCLNT100/${invoiceNumber}`)}'   (finance/finance)
  ledger status             ${LADING}/ready
`);
}

main().catch((error: unknown) => {
  process.stderr.write(`demo: ${(error as Error).message}\n(is Lading running? start it with npm start)\n`);
  process.exitCode = 1;
});
