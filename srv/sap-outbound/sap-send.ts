import cds from '@sap/cds';
import { UnrecoverableError, type Job } from 'bullmq';
import type { PartitionedJob } from '../../connectors/queue';
import type { SapConfig } from '../../connectors/sap';
import { messageIdFor, sendIdoc, SapError } from '../../connectors/sap';
import { DeadLetters, OutboundIdocs } from '#cds-models/lading';
import type { RelaySource } from '../pipeline/relay';
import { outboundFailed, outboundSent } from '../observability/trail';

/**
 * The sap-send step: one job per outbound IDoc row. The job id is the row's id, not the DOCNUM: a
 * DOCNUM is unique in one database, but another Lading database on the same Redis (a reset dev
 * database, a second landscape) may hold the same one. SAP answered 2xx → status 03
 * (passed to port); a retryable failure (SAP down, 5xx, timeout) → BullMQ retries with backoff;
 * a refusal (401, 403, 400) → status 02 and a dead letter with SAP's answer, for an operator.
 * Every attempt, on whichever instance, sends the IDoc under one exactly-once message id derived
 * from the row's id: when SAP took an attempt whose answer was lost (a timeout, an instance
 * killed mid-POST), SAP answers the next attempt from memory instead of creating a second IDoc.
 */

export interface SapSendJob {
  outboundIdocId: string;
  docnum: string;
}

const log = cds.log('sap');

export function sapSendProcessor(config: SapConfig) {
  return async (job: Job<SapSendJob>): Promise<{ status: number }> => {
    const idoc = await SELECT.one.from(OutboundIdocs).columns('ID', 'docnum', 'payload', 'status', 'messageType', 'shipment_ID').where({ ID: job.data.outboundIdocId });
    if (!idoc || idoc.status === '03') return { status: 200 }; // already passed: a re-queued job is a no-op
    try {
      const receipt = await sendIdoc(config, { docnum: idoc.docnum ?? '', xml: idoc.payload ?? '', messageId: outboundMessageId(job.data.outboundIdocId) });
      await UPDATE.entity(OutboundIdocs).set({ status: '03', statusText: `Passed to SAP (HTTP ${receipt.status})`, sentAt: new Date().toISOString() }).where({ ID: idoc.ID });
      outboundSent(idoc, receipt.status);
      return { status: receipt.status };
    } catch (error) {
      if (!(error instanceof SapError)) throw error;
      const retrying = error.retry === 'yes' && job.attemptsMade + 1 < (job.opts.attempts ?? 1);
      outboundFailed(idoc, error, retrying);
      if (retrying) throw error;
      const reason = `SAP refused IDoc ${idoc.docnum}: ${error.message}`.slice(0, 1000);
      await cds.tx(async () => {
        await UPDATE.entity(OutboundIdocs).set({ status: '02', statusText: reason.slice(0, 500) }).where({ ID: idoc.ID });
        await INSERT.into(DeadLetters).entries({ outboundIdoc_ID: idoc.ID, queue: job.queueName, jobId: String(job.id), reason });
      });
      log.error(reason);
      throw new UnrecoverableError(reason);
    }
  };
}

/** The exactly-once message id of an outbound IDoc row: the same for every attempt and instance. */
export function outboundMessageId(outboundIdocId: string): string {
  return messageIdFor(`outbound-idoc/${outboundIdocId}`);
}

type Row = { ID?: string | null; docnum?: string | null; shipment_ID?: string | null };

function toJob(row: Row): PartitionedJob<SapSendJob> {
  return { key: row.shipment_ID ?? row.docnum ?? '', name: 'send', jobId: `sap-${row.ID}`, data: { outboundIdocId: row.ID as string, docnum: row.docnum as string } };
}

export const outboundIdocSource: RelaySource<SapSendJob> = {
  async waiting(limit) {
    const rows = await SELECT.from(OutboundIdocs).columns('ID', 'docnum', 'shipment_ID').where({ status: '30', queuedAt: null }).orderBy('createdAt', 'ID').limit(limit);
    return rows.map(toJob);
  },
  async unsettled(before, limit) {
    const rows = await SELECT.from(OutboundIdocs).columns('ID', 'docnum', 'shipment_ID').where({ status: '30', queuedAt: { '<': before } }).orderBy('createdAt', 'ID').limit(limit);
    return rows.map(toJob);
  },
  async markQueued(jobs) {
    await UPDATE.entity(OutboundIdocs).set({ queuedAt: new Date().toISOString() }).where({ ID: { in: jobs.map((job) => job.data.outboundIdocId) }, status: '30' });
  },
};
