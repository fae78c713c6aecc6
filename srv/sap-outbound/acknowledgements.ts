import cds from '@sap/cds';
import type { IdocEnvelope } from '../../mappings/outbound';
import { buildAleaud } from '../../mappings/outbound';
import { InboundIdocs } from '#cds-models/lading';
import { aleaudQueued } from '../observability/trail';
import { queueAllForSap } from './outbound-store';

/**
 * ALEAUD01 back to SAP for every inbound IDoc that reached a final status (53 posted, 51 error),
 * so SAP's IDoc monitor shows the result. A sweep rather than a hook on each status change: it
 * batches up to 500 confirmations per ALEAUD (as SAP does), keeps the inbound hot path lean, and
 * catches up after any crash. An IDoc whose status changes again (a re-drive) is confirmed again.
 */

export interface AcknowledgementOptions {
  /** Lading's side of the envelope; the receiver is the system that sent the confirmed IDocs. */
  envelope: Pick<IdocEnvelope, 'client' | 'senderPort' | 'senderPartner'>;
  /** SAP's port when the inbound IDoc named none. */
  defaultReceiverPort: string;
  maxPerIdoc?: number;
}

interface Unconfirmed {
  ID: string;
  docnum: string;
  messageType: string;
  senderPartner: string;
  senderPort: string | null;
  status: '53' | '51';
  statusText: string;
}

function ledgerTransactionOf(statusText: string): string | undefined {
  return /transaction ([0-9a-f]{64})/.exec(statusText)?.[1];
}

/** One sweep; returns how many IDocs it confirmed. */
export async function acknowledgeFinalStatuses(options: AcknowledgementOptions): Promise<number> {
  const max = options.maxPerIdoc ?? 500;
  return cds.tx(async () => {
    const rows = (await SELECT.from(InboundIdocs)
      .columns('ID', 'docnum', 'messageType', 'senderPartner', 'senderPort', 'status', 'statusText')
      .where(`docnum is not null and senderPartner is not null and status in ('53','51') and (acknowledgedStatus is null or acknowledgedStatus != status)`)
      .orderBy('receivedAt', 'ID').limit(max * 4)) as unknown as Unconfirmed[];
    if (rows.length === 0) return 0;
    const byReceiver = new Map<string, Unconfirmed[]>();
    for (const row of rows) {
      const key = `${row.senderPartner}|${row.senderPort ?? options.defaultReceiverPort}`;
      byReceiver.set(key, [...(byReceiver.get(key) ?? []), row]);
    }
    const createdAt = new Date().toISOString();
    for (const [key, confirmed] of byReceiver) {
      const [receiverPartner, receiverPort] = key.split('|') as [string, string];
      const idocs = buildAleaud({ ...options.envelope, receiverPartner, receiverPort }, confirmed.map((row) => {
        const transaction = row.status === '53' ? ledgerTransactionOf(row.statusText) : undefined;
        return {
          docnum: row.docnum, messageType: row.messageType ?? '', status: row.status, text: row.statusText,
          ...(transaction ? { createdObject: { key: transaction } } : {}),
        };
      }), { createdAt, maxPerIdoc: max });
      for (const queued of await queueAllForSap(idocs.map((idoc) => ({ idoc, purpose: 'acknowledgement' as const })))) aleaudQueued(queued.idoc.docnum, confirmed);
      // One UPDATE per status (53, 51): only rows still in the status that was acknowledged.
      for (const status of new Set(confirmed.map((row) => row.status))) {
        const ids = confirmed.filter((row) => row.status === status).map((row) => row.ID);
        await UPDATE.entity(InboundIdocs).set({ acknowledgedStatus: status }).where({ ID: { in: ids }, status });
      }
    }
    return rows.length;
  });
}
