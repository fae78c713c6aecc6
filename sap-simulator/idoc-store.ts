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
  /** The exactly-once message id it came under (lower case, 8-4-4-4-12), when the sender gave one. */
  messageId?: string;
  /** Each time a resend under its message id was answered from memory instead of being stored again. */
  redeliveredAt: string[];
}

export interface IdocFilter {
  messageType?: string;
  idocType?: string;
  docnum?: string;
}

export interface SimulatorStats {
  /** IDocs received and stored (an IDoc packet of three counts three). */
  received: number;
  /** IDocs arriving on the wire with a sender DOCNUM that had arrived before: stored again or answered from memory. */
  duplicates: number;
  /** IDocs answered from memory: sent again under an exactly-once message id already accepted, not stored again. */
  redeliveries: number;
  byMessageType: Record<string, number>;
  requests: { total: number; faulted: number; unauthorized: number; csrfRejected: number; malformed: number };
}

/** SAP's answer to an accepted exactly-once message, given again to every resend of it. */
export interface RememberedAnswer {
  status: number;
  title: string;
  text: string;
  idocs: readonly ReceivedIdoc[];
}

const NUMBER_BASE = 9_000_000_000_000_000n;

const normalDocnum = (docnum: string): string => docnum.replace(/^0+(?=\d)/, '').padStart(16, '0');

export class IdocStore {
  private readonly idocs: ReceivedIdoc[] = [];
  private readonly seen = new Map<string, number>();
  /** Message ids accepted, with the answer they got: SAP's exactly-once memory. */
  private readonly accepted = new Map<string, RememberedAnswer>();
  private duplicates = 0;
  private redeliveries = 0;
  readonly requests = { total: 0, faulted: 0, unauthorized: 0, csrfRejected: 0, malformed: 0 };

  add(parsed: ParsedIdoc, context: { xml: string; user: string; client: string; at: Date; messageId?: string }): ReceivedIdoc {
    const docnum = parsed.docnum === undefined ? undefined : normalDocnum(parsed.docnum);
    const duplicate = this.arrived(docnum);
    const received: ReceivedIdoc = {
      sapDocnum: (NUMBER_BASE + BigInt(this.idocs.length + 1)).toString().padStart(16, '0'),
      docnum,
      idocType: parsed.idocType,
      extensionType: parsed.extensionType,
      messageType: parsed.messageType,
      senderPartner: parsed.senderPartner,
      client: context.client,
      user: context.user,
      duplicate,
      receivedAt: context.at.toISOString(),
      xml: context.xml,
      messageId: context.messageId,
      redeliveredAt: [],
    };
    this.idocs.push(received);
    return received;
  }

  /** The answer an earlier message under this id got, when SAP accepted one. */
  recall(messageId: string): RememberedAnswer | undefined {
    return this.accepted.get(messageId);
  }

  remember(messageId: string, answer: RememberedAnswer): void {
    this.accepted.set(messageId, answer);
  }

  /** A resend under an accepted message id: on the wire its IDocs are repeats, in SAP nothing changes. */
  redeliver(parsed: readonly ParsedIdoc[], answer: RememberedAnswer, at: Date): void {
    for (const idoc of parsed) {
      this.arrived(idoc.docnum === undefined ? undefined : normalDocnum(idoc.docnum));
      this.redeliveries++;
    }
    for (const idoc of answer.idocs) idoc.redeliveredAt.push(at.toISOString());
  }

  list(filter: IdocFilter = {}): ReceivedIdoc[] {
    const docnum = filter.docnum === undefined ? undefined : normalDocnum(filter.docnum);
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
    return { received: this.idocs.length, duplicates: this.duplicates, redeliveries: this.redeliveries, byMessageType, requests: { ...this.requests } };
  }

  clear(): void {
    this.idocs.length = 0;
    this.seen.clear();
    this.accepted.clear();
    this.duplicates = 0;
    this.redeliveries = 0;
    for (const key of Object.keys(this.requests) as (keyof IdocStore['requests'])[]) this.requests[key] = 0;
  }

  /** Counts an arrival of a DOCNUM; true when it had arrived before (a wire-level duplicate). */
  private arrived(docnum: string | undefined): boolean {
    if (docnum === undefined) return false;
    const times = this.seen.get(docnum) ?? 0;
    this.seen.set(docnum, times + 1);
    if (times > 0) this.duplicates++;
    return times > 0;
  }
}
