import cds from '@sap/cds';

/**
 * Loggers that carry the ids one IDoc is followed by — DOCNUM, Lading's IDoc id, shipment,
 * ledger transaction and block — through CAP's logger (cds.log), so its plain and JSON formats,
 * levels and CAP's own correlation id (of the HTTP request) all apply. The ids are appended as
 * `key=value` pairs in a fixed order: `grep docnum=0000000001004242` (or a search on the message
 * field of the JSON log) finds the IDoc's acceptance and its ALEAUD; its Lading id finds the
 * ledger batch, and the batch's transaction id finds the block.
 */

export interface CorrelationIds {
  /** SAP's IDoc number (DOCNUM), of one IDoc or of several (a batch, an ALEAUD). */
  docnum?: string | readonly string[] | null;
  /** Lading's id of the inbound IDoc (InboundIdocs.ID), of one or several. */
  idoc?: string | readonly string[] | null;
  /** `<sender partner>/<delivery number>`, of one or several. */
  shipment?: string | readonly string[] | null;
  /** Ledger transaction id. */
  tx?: string | null;
  block?: bigint | number | string | null;
  /** IDoc message type (DELVRY, ALEAUD, ...). */
  mestyp?: string | null;
}

/** Order of the pairs: the id that reaches furthest (SAP's DOCNUM) first. */
const ORDER: readonly (keyof CorrelationIds)[] = ['docnum', 'idoc', 'shipment', 'tx', 'block', 'mestyp'];

/** At most this many values of a list are written; the rest is counted. */
const MAX_LISTED = 20;

function valueOf(value: CorrelationIds[keyof CorrelationIds]): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'object') {
    const list = [...new Set(value as readonly string[])];
    if (list.length === 0) return undefined;
    const shown = list.slice(0, MAX_LISTED).join(',');
    return list.length > MAX_LISTED ? `${shown},+${list.length - MAX_LISTED}` : shown;
  }
  const text = String(value);
  return text === '' ? undefined : text;
}

/** `docnum=… idoc=… shipment=… tx=… block=…`, leaving out what is unknown. */
export function formatIds(ids: CorrelationIds): string {
  return ORDER.map((key) => {
    const value = valueOf(ids[key]);
    // A value with a space would split the pair for a reader of logfmt: quote it.
    return value === undefined ? undefined : `${key}=${/\s/.test(value) ? JSON.stringify(value) : value}`;
  }).filter(Boolean).join(' ');
}

export interface TracedLogger {
  readonly ids: CorrelationIds;
  error(message: string, ...details: unknown[]): void;
  warn(message: string, ...details: unknown[]): void;
  info(message: string, ...details: unknown[]): void;
  debug(message: string, ...details: unknown[]): void;
  /** A logger with more ids (later ones win). */
  child(more: CorrelationIds): TracedLogger;
}

type Level = 'error' | 'warn' | 'info' | 'debug';

/** A logger of CAP's logger `component` that appends `ids` to every message. */
export function traced(component: string, ids: CorrelationIds = {}): TracedLogger {
  const logger = cds.log(component);
  const write = (level: Level) => (message: string, ...details: unknown[]): void => {
    // Checked first so that a disabled level costs no formatting.
    if (!logger[`_${level}`]) return;
    const pairs = formatIds(ids);
    logger[level](pairs ? `${message} ${pairs}` : message, ...details);
  };
  return {
    ids,
    error: write('error'),
    warn: write('warn'),
    info: write('info'),
    debug: write('debug'),
    child: (more) => traced(component, { ...ids, ...more }),
  };
}
