import { randomUUID } from 'node:crypto';
import cds from '@sap/cds';
import { onSqlite } from '../database-kind';
import { Discrepancies, DiscrepancyEvents } from '#cds-models/lading';
import { insertRows } from '../idoc-inbound/bulk-write';
import { findingKey } from './compare';
import { applyRepair, type RepairDeps } from './repair';
import type { Finding } from './state';

/**
 * Findings → stored discrepancies with their lifecycle and audit trail, one batch of shipments at a
 * time in the caller's transaction. A finding already stored with the same values changes nothing
 * (a second run is a no-op); a repair runs only when a discrepancy is new, open, or back after
 * being resolved or acknowledged with other values — never for one already repaired.
 */

type Status = 'open' | 'repaired' | 'acknowledged' | 'resolved';
type Action = 'found' | 'changed' | 'repaired' | 'acknowledged' | 'resolved' | 'reopened';

interface Stored {
  ID: string;
  shipmentId: string;
  kind: Finding['kind'];
  field: string;
  status: Status;
  erpValue: string | null;
  receivedValue: string | null;
  ledgerValue: string | null;
}

export interface BatchOutcome {
  opened: number;
  repaired: number;
  resolved: number;
}

interface Trail {
  discrepancy_ID: string;
  run_ID: string;
  action: Action;
  fromStatus: Status | null;
  toStatus: Status;
  actor: string;
  comment?: string;
}

function sameValues(stored: Stored, finding: Finding): boolean {
  return (stored.erpValue ?? '') === (finding.erpValue ?? '') && (stored.receivedValue ?? '') === (finding.receivedValue ?? '')
    && (stored.ledgerValue ?? '') === (finding.ledgerValue ?? '');
}

function values(finding: Finding): Pick<Stored, 'erpValue' | 'receivedValue' | 'ledgerValue'> {
  return { erpValue: finding.erpValue ?? null, receivedValue: finding.receivedValue ?? null, ledgerValue: finding.ledgerValue ?? null };
}

const STORED_COLUMNS = ['ID', 'shipmentId', 'kind', 'field', 'status', 'erpValue', 'receivedValue', 'ledgerValue'] as const;

/**
 * The stored discrepancies of these shipments. On SQLite plain SQL through `cds.run` (the id list
 * bound as one JSON array, so the statement never changes; strings only, which CAP returns as
 * stored), elsewhere CAP's query: once per batch, CAP's query pipeline cost more than the read.
 */
async function storedOf(shipmentIds: readonly string[]): Promise<Stored[]> {
  if (shipmentIds.length === 0) return [];
  if (onSqlite()) {
    const sql = `SELECT ${STORED_COLUMNS.join(', ')} FROM lading_Discrepancies WHERE shipmentId IN (SELECT value FROM json_each(?))`;
    return (await cds.run(sql, [JSON.stringify(shipmentIds)])) as Stored[];
  }
  return (await SELECT.from(Discrepancies).columns(...STORED_COLUMNS).where({ shipmentId: { in: [...shipmentIds] } })) as unknown as Stored[];
}

export class DiscrepancyRecorder {
  readonly #actor: string;

  constructor(private readonly runId: string, private readonly deps: RepairDeps) {
    this.#actor = `reconciliation run ${runId}`;
  }

  /** Records the findings of these shipments (all compared in this batch) and resolves what they no longer show. */
  async record(shipmentIds: readonly string[], findings: readonly Finding[]): Promise<BatchOutcome> {
    const outcome: BatchOutcome = { opened: 0, repaired: 0, resolved: 0 };
    const stored = await storedOf(shipmentIds);
    const byKey = new Map<string, Stored>();
    for (const row of stored) byKey.set(findingKey(row), row);
    const trail: Trail[] = [];
    const now = new Date().toISOString();
    const seen = new Set<string>();

    // New discrepancies are inserted together, before the repairs and updates run in finding order.
    const steps: { finding: Finding; existing?: Stored; ID?: string }[] = [];
    const inserts: Record<string, unknown>[] = [];
    for (const finding of findings) {
      const key = findingKey(finding);
      if (seen.has(key)) continue;
      seen.add(key);
      const existing = byKey.get(key);
      if (existing) {
        steps.push({ finding, existing });
        continue;
      }
      const ID = randomUUID();
      inserts.push({
        ID, shipmentId: finding.shipmentId, kind: finding.kind, field: finding.field, ...values(finding), status: 'open',
        repairable: finding.repair !== undefined, firstRun_ID: this.runId, firstSeenAt: now, changedAt: now, changedBy: this.#actor,
      });
      steps.push({ finding, ID });
    }
    await insertRows(Discrepancies, inserts);

    for (const { finding, existing, ID } of steps) {
      if (!existing) {
        trail.push(this.#trail(ID as string, 'found', null, 'open'));
        outcome.opened++;
        if (await this.#repair(ID as string, finding, 'open', trail)) outcome.repaired++;
        continue;
      }
      const changed = !sameValues(existing, finding);
      if (existing.status === 'open') {
        if (changed) await this.#update(existing.ID, { ...values(finding) }, trail, 'changed', 'open', 'open');
        if (await this.#repair(existing.ID, finding, 'open', trail)) outcome.repaired++;
      } else if (existing.status === 'resolved' || (existing.status === 'acknowledged' && changed)) {
        await this.#update(existing.ID, { ...values(finding), status: 'open' }, trail, 'reopened', existing.status, 'open');
        if (await this.#repair(existing.ID, finding, 'open', trail)) outcome.repaired++;
      }
      // repaired: not twice; acknowledged with the same values: the operator has seen it.
    }

    // Open ones this batch no longer shows: resolved, in one statement.
    const resolved = stored.filter((row) => row.status === 'open' && !seen.has(findingKey(row))).map((row) => row.ID);
    if (resolved.length > 0) {
      await UPDATE.entity(Discrepancies).set({ status: 'resolved', changedAt: new Date().toISOString(), changedBy: this.#actor }).where({ ID: { in: resolved } });
      for (const id of resolved) trail.push(this.#trail(id, 'resolved', 'open', 'resolved'));
      outcome.resolved += resolved.length;
    }
    await insertRows(DiscrepancyEvents, trail as unknown as Record<string, unknown>[]);
    return outcome;
  }

  async #repair(id: string, finding: Finding, from: Status, trail: Trail[]): Promise<boolean> {
    if (!finding.repair) return false;
    const moved = await applyRepair(finding.repair, this.deps);
    const what = finding.repair.action === 'redriveOutbox'
      ? `inbound IDocs ${finding.repair.idocIds.join(', ')} re-driven to the ledger`
      : `outbound IDocs ${finding.repair.outboundIdocIds.join(', ')} re-sent to SAP`;
    await this.#update(id, { status: 'repaired' }, trail, 'repaired', from, 'repaired', `${what} (${moved} set going again)`);
    return true;
  }

  async #update(id: string, set: Partial<Stored>, trail: Trail[], action: Action, from: Status, to: Status, comment?: string): Promise<void> {
    await UPDATE.entity(Discrepancies).set({ ...set, changedAt: new Date().toISOString(), changedBy: this.#actor }).where({ ID: id });
    trail.push(this.#trail(id, action, from, to, comment));
  }

  #trail(discrepancyId: string, action: Action, from: Status | null, to: Status, comment?: string): Trail {
    return { discrepancy_ID: discrepancyId, run_ID: this.runId, action, fromStatus: from, toStatus: to, actor: this.#actor, ...(comment ? { comment } : {}) };
  }
}

/** An operator accepts a discrepancy as it is; answers false when there is nothing open to acknowledge. */
export async function acknowledgeDiscrepancy(id: string, comment: string, actor: string): Promise<boolean> {
  const row = await SELECT.one.from(Discrepancies).columns('ID', 'status').where({ ID: id });
  if (!row || row.status !== 'open') return false;
  await UPDATE.entity(Discrepancies).set({ status: 'acknowledged', comment, changedAt: new Date().toISOString(), changedBy: actor }).where({ ID: id });
  await INSERT.into(DiscrepancyEvents).entries({ discrepancy_ID: id, action: 'acknowledged', fromStatus: row.status, toStatus: 'acknowledged', comment, actor });
  return true;
}
