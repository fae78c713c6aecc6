import cds from '@sap/cds';
import { createHash } from 'node:crypto';
import { InvoiceLines, Invoices, Settlements, ShipmentEvents } from '#cds-models/lading';
import { invoiceFacts } from './facts';
import { keepPod, readPod, type PodLedger } from './pod-reader';
import { matchLine, type PodFacts, type SettlementOutcome } from './three-way-match';

/**
 * Settles invoices: the three-way match of every line, written to Settlements. Idempotent: a line
 * whose outcome is unchanged is not written again (same row, same computedAt, acknowledgement
 * kept); a changed outcome replaces the values and opens the line again for finance.
 */

const log = cds.log('settlement');

export interface SettleResult {
  invoiceId: string;
  ready: number;
  blocked: number;
  /** Lines whose outcome changed (written); the rest were already settled this way. */
  changed: number;
}

/** In the caller's transaction (an OData action), else in a new one (the job): one connection, no nesting. */
async function inTransaction(work: () => Promise<void>): Promise<void> {
  const current = cds.context as { tx?: unknown } | undefined;
  if (current?.tx) {
    await work();
    return;
  }
  await cds.tx(async () => {
    await work();
  });
}

/**
 * A line's settlement id, derived from invoice and line (a name-based UUID): two runs settling the
 * same new line at once write the same row (UPSERT) instead of colliding on the unique key.
 */
export function settlementIdOf(invoiceId: string, lineNumber: string): string {
  const hex = createHash('sha256').update(`settlement\u001f${invoiceId}\u001f${lineNumber}`).digest('hex').slice(0, 32).split('');
  hex[12] = '8';
  hex[16] = ((parseInt(hex[16] as string, 16) & 0x3) | 0x8).toString(16);
  const id = hex.join('');
  return `${id.slice(0, 8)}-${id.slice(8, 12)}-${id.slice(12, 16)}-${id.slice(16, 20)}-${id.slice(20, 32)}`;
}

function outcomeHash(outcome: SettlementOutcome, shipmentId: string, deliveryItem: string, currency: string, unit: string): string {
  return createHash('sha256').update(JSON.stringify({ outcome, shipmentId, deliveryItem, currency, unit })).digest('hex');
}

/** Settles one invoice from the database, reading PODs from the ledger once where needed. */
export async function settleInvoice(invoiceId: string, ledger: PodLedger | undefined): Promise<SettleResult | undefined> {
  const facts = await invoiceFacts(invoiceId);
  if (!facts) return undefined;
  // Ledger reads first, outside the transaction that writes.
  const pods = new Map<string, PodFacts>();
  const toKeep: Record<string, unknown>[] = [];
  for (const [shipmentId, shipment] of facts.shipments) {
    if (!shipment.pod) continue;
    const read = await readPod(shipment.pod, ledger);
    pods.set(shipmentId, read.facts);
    if (read.toKeep) toKeep.push(read.toKeep);
  }
  const now = new Date().toISOString();
  const result: SettleResult = { invoiceId, ready: 0, blocked: 0, changed: 0 };
  await inTransaction(async () => {
    for (const row of toKeep) await keepPod(row);
    const existing = new Map((await SELECT.from(Settlements).where({ invoice_ID: invoiceId })).map((row) => [row.lineNumber as string, row]));
    for (const line of facts.lines) {
      const shipment = facts.shipments.get(line.shipmentId);
      const delivery = shipment?.delivery;
      const outcome = matchLine({
        line,
        delivery: delivery && { onLedger: delivery.onLedger, docnum: delivery.docnum, item: delivery.items.get(line.deliveryItem) },
        pod: pods.get(line.shipmentId),
        customsHold: shipment?.customsHold,
      });
      result[outcome.status] += 1;
      const hash = outcomeHash(outcome, line.shipmentId, line.deliveryItem, facts.currency, line.unit);
      const previous = existing.get(line.lineNumber);
      existing.delete(line.lineNumber);
      if (previous?.outcomeHash === hash) continue;
      result.changed += 1;
      const columns = {
        invoice_ID: invoiceId, lineNumber: line.lineNumber, shipment_ID: line.shipmentId, deliveryItem: line.deliveryItem,
        status: outcome.status, reasonCode: outcome.reasonCodes[0] ?? null, reasonCodes: outcome.reasonCodes.join(',') || null,
        reason: outcome.reason.slice(0, 1000), currency: facts.currency, unit: line.unit,
        invoicedQuantity: outcome.invoicedQuantity, deliveredQuantity: outcome.deliveredQuantity ?? null, podQuantity: outcome.podQuantity ?? null,
        invoicedAmount: outcome.invoicedAmount, computedAmount: outcome.computedAmount ?? null, acceptedAmount: outcome.acceptedAmount ?? null,
        differenceAmount: outcome.differenceAmount ?? null, podEventId: outcome.podEventId ?? null, podLedgerTxId: outcome.podLedgerTxId ?? null,
        customsEventId: outcome.customsEventId ?? null, outcomeHash: hash, computedAt: now,
        // A changed outcome is news for finance: an earlier acknowledgement was of other facts.
        lifecycle: 'open' as const, comment: null, acknowledgedBy: null, acknowledgedAt: null,
      };
      if (previous) await UPDATE.entity(Settlements).set(columns).where({ ID: previous.ID as string });
      else await UPSERT.into(Settlements).entries({ ID: settlementIdOf(invoiceId, line.lineNumber), ...columns });
    }
    // Lines a corrected invoice no longer has.
    const gone = [...existing.values()].map((row) => row.ID as string);
    if (gone.length > 0) await DELETE.from(Settlements).where({ ID: { in: gone } });
    await UPDATE.entity(Invoices).set({ settledAt: now }).where({ ID: invoiceId });
  });
  if (result.changed > 0) log.info(`invoice ${invoiceId}: ${result.ready} ready, ${result.blocked} blocked (${result.changed} changed)`);
  return result;
}

/**
 * Invoices to settle: never settled; with a blocked line (what blocked it may have changed: a POD,
 * a release, a ledger confirmation); or whose deliveries gained an event since their last
 * settlement (a customs hold can block a line that was ready). With `since`, only events stored
 * since then are looked at (the job passes the start of its previous run): one query, not one per
 * invoice.
 */
export async function invoicesDue(since?: string): Promise<string[]> {
  const due = new Set<string>();
  for (const row of await SELECT.from(Invoices).columns('ID').where({ settledAt: null })) due.add(row.ID as string);
  for (const row of await SELECT.distinct.from(Settlements).columns('invoice_ID').where({ status: 'blocked' })) due.add(row.invoice_ID as string);
  if (since !== undefined) {
    const events = await SELECT.distinct.from(ShipmentEvents).columns('shipment_ID').where({ createdAt: { '>=': since } });
    const shipments = events.map((event) => event.shipment_ID as string).filter(Boolean);
    if (shipments.length > 0) {
      for (const row of await SELECT.distinct.from(InvoiceLines).columns('invoice_ID').where({ shipment_ID: { in: shipments } })) due.add(row.invoice_ID as string);
    }
    return [...due];
  }
  const settled = await SELECT.from(Invoices).columns('ID', 'settledAt').where({ settledAt: { '!=': null } });
  for (const invoice of settled) {
    if (due.has(invoice.ID as string)) continue;
    const lines = await SELECT.distinct.from(InvoiceLines).columns('shipment_ID').where({ invoice_ID: invoice.ID as string });
    const shipments = lines.map((line) => line.shipment_ID as string);
    if (shipments.length === 0) continue;
    const newer = await SELECT.one.from(ShipmentEvents).columns('eventId').where({ shipment_ID: { in: shipments }, createdAt: { '>': invoice.settledAt } });
    if (newer) due.add(invoice.ID as string);
  }
  return [...due];
}

/** Settles every invoice that is due; one failing invoice does not stop the others. */
export async function settleDue(ledger: PodLedger | undefined, since?: string): Promise<SettleResult[]> {
  const results: SettleResult[] = [];
  for (const invoiceId of await invoicesDue(since)) {
    try {
      const result = await settleInvoice(invoiceId, ledger);
      if (result) results.push(result);
    } catch (error) {
      log.error(`settling invoice ${invoiceId} failed:`, (error as Error).message);
    }
  }
  return results;
}
