import cds from '@sap/cds';
import { DeadLetters as DeadLetterRows, InboundIdocs as IdocRows, Outbox } from '#cds-models/lading';
import { readConfig, type InboundConfig } from './config';
import { cancelIdoc, IdocActionRefused, reprocessIdoc } from './idoc-inbound/reprocess';
import { redrive } from './pipeline/settlement';
import { runningLedgerSide } from './running';

interface QueueHealth {
  pipeline: 'on' | 'off';
  outboxPending: number;
  outboxQueued: number;
  outboxConfirmed: number;
  outboxFailed: number;
  openDeadLetters: number;
  submitWaiting: number | null;
  confirmWaiting: number | null;
  confirmFailed: number | null;
}

function keyOf(req: cds.Request): string {
  const [key] = req.params as [{ ID: string } | string];
  return typeof key === 'string' ? key : key.ID;
}

async function queueHealth(): Promise<QueueHealth> {
  const rows = await SELECT.from(Outbox).columns('state', 'count(1) as count').groupBy('state') as unknown as { state: string; count: number }[];
  const outbox = (state: string): number => Number(rows.find((row) => row.state === state)?.count ?? 0);
  const letters = await SELECT.one.from(DeadLetterRows).columns('count(1) as count').where({ redrivenAt: null }) as unknown as { count: number } | undefined;
  const side = runningLedgerSide();
  let submitWaiting: number | null = null;
  let confirmWaiting: number | null = null;
  let confirmFailed: number | null = null;
  if (side) {
    submitWaiting = await side.pipeline.submitQueue.depth();
    const confirm = await side.pipeline.confirmQueue.getJobCounts('waiting', 'active', 'delayed', 'failed');
    confirmWaiting = (confirm.waiting ?? 0) + (confirm.active ?? 0) + (confirm.delayed ?? 0);
    confirmFailed = confirm.failed ?? 0;
  }
  return {
    pipeline: side ? 'on' : 'off',
    outboxPending: outbox('pending'), outboxQueued: outbox('queued'), outboxConfirmed: outbox('confirmed'), outboxFailed: outbox('failed'),
    openDeadLetters: Number(letters?.count ?? 0),
    submitWaiting, confirmWaiting, confirmFailed,
  };
}

export default class AdminService extends cds.ApplicationService {
  override init(): Promise<void> {
    const { DeadLetters, InboundIdocs } = this.entities;
    // The configuration the process started with (server.ts stopped it already if it were invalid).
    const inbound: InboundConfig = readConfig().inbound;

    const refused = (req: cds.Request, error: unknown): never => {
      if (error instanceof IdocActionRefused) return req.reject(error.status, error.message);
      throw error;
    };

    this.on('redrive', DeadLetters, async (req) => {
      const id = keyOf(req);
      const letter = await SELECT.one.from(DeadLetters).where({ ID: id });
      if (!letter) return req.reject(404, `Dead letter ${id} does not exist`);
      if (letter.redrivenAt) return req.reject(409, `Dead letter ${id} was already re-driven at ${letter.redrivenAt}`);
      const idoc = await SELECT.one.from(IdocRows).columns('status').where({ ID: letter.idoc_ID });
      if (idoc?.status === '68') return req.reject(409, `IDoc ${letter.idoc_ID} was cancelled (68); it is not re-driven`);
      if (!(await redrive(letter.idoc_ID as string))) {
        return req.reject(409, `IDoc ${letter.idoc_ID} is not waiting in the dead letters any more`);
      }
      return SELECT.one.from(DeadLetters).where({ ID: id });
    });

    this.on('reprocess', InboundIdocs, async (req) => {
      try {
        return await reprocessIdoc(keyOf(req), inbound, req.user.id);
      } catch (error) {
        return refused(req, error);
      }
    });

    this.on('cancel', InboundIdocs, async (req) => {
      const id = keyOf(req);
      try {
        await cancelIdoc(id, req.user.id);
      } catch (error) {
        return refused(req, error);
      }
      return cds.tx(() => SELECT.one.from(InboundIdocs).where({ ID: id }));
    });

    this.on('queueHealth', () => queueHealth());

    return super.init();
  }
}
