import type { ParsedIdoc } from './idoc-xml';

/** One IDoc as the simulated SAP received it. */
export interface ReceivedIdoc {
  /** The number SAP gives the IDoc on arrival (SAP replaces the sender's DOCNUM, keeping it as reference). */
  sapDocnum: string;
  /** DOCNUM as the sender sent it. */
  docnum?: string;
  idocType?: string;
  extensionType?: string;
  messageType?: string;
  senderPartner?: string;
  client: string;
  user: string;
  /** True when an IDoc with the same sender DOCNUM had arrived before. */
  duplicate: boolean;
  receivedAt: string;
  /** The whole document the IDoc came in. */
  xml: string;
}

export interface IdocFilter {
  messageType?: string;
  idocType?: string;
  docnum?: string;
}

export interface SimulatorStats {
  /** IDocs received (an IDoc packet of three counts three). */
  received: number;
  /** IDocs whose sender DOCNUM had been received before. */
  duplicates: number;
  byMessageType: Record<string, number>;
  requests: { total: number; faulted: number; unauthorized: number; csrfRejected: number; malformed: number };
}

const NUMBER_BASE = 9_000_000_000_000_000n;

export class IdocStore {
  private readonly idocs: ReceivedIdoc[] = [];
  private readonly seen = new Map<string, number>();
  private duplicates = 0;
  readonly requests = { total: 0, faulted: 0, unauthorized: 0, csrfRejected: 0, malformed: 0 };

  add(parsed: ParsedIdoc, context: { xml: string; user: string; client: string; at: Date }): ReceivedIdoc {
    const docnum = parsed.docnum === undefined ? undefined : parsed.docnum.replace(/^0+(?=\d)/, '').padStart(16, '0');
    const times = docnum === undefined ? 0 : (this.seen.get(docnum) ?? 0);
    if (docnum !== undefined) this.seen.set(docnum, times + 1);
    if (times > 0) this.duplicates++;
    const received: ReceivedIdoc = {
      sapDocnum: (NUMBER_BASE + BigInt(this.idocs.length + 1)).toString().padStart(16, '0'),
      docnum,
      idocType: parsed.idocType,
      extensionType: parsed.extensionType,
      messageType: parsed.messageType,
      senderPartner: parsed.senderPartner,
      client: context.client,
      user: context.user,
      duplicate: times > 0,
      receivedAt: context.at.toISOString(),
      xml: context.xml,
    };
    this.idocs.push(received);
    return received;
  }

  list(filter: IdocFilter = {}): ReceivedIdoc[] {
    const docnum = filter.docnum?.replace(/^0+(?=\d)/, '').padStart(16, '0');
    return this.idocs.filter((idoc) =>
      (filter.messageType === undefined || idoc.messageType === filter.messageType.toUpperCase())
      && (filter.idocType === undefined || idoc.idocType === filter.idocType.toUpperCase())
      && (docnum === undefined || idoc.docnum === docnum));
  }

  stats(): SimulatorStats {
    const byMessageType: Record<string, number> = {};
    for (const idoc of this.idocs) {
      const key = idoc.messageType ?? '(none)';
      byMessageType[key] = (byMessageType[key] ?? 0) + 1;
    }
    return { received: this.idocs.length, duplicates: this.duplicates, byMessageType, requests: { ...this.requests } };
  }

  clear(): void {
    this.idocs.length = 0;
    this.seen.clear();
    this.duplicates = 0;
    for (const key of Object.keys(this.requests) as (keyof IdocStore['requests'])[]) this.requests[key] = 0;
  }
}
