import cds from '@sap/cds';
import { onSqlite } from '../database-kind';

/**
 * INSERT of many rows on the ingest hot path, with CAP's semantics for missing values: UUID keys
 * generated, `@cds.on.insert` ($now, $user) and defaults filled, as `INSERT.entries` does.
 *
 * On SQLite the rows go as plain SQL with bound parameters through `cds.run` — CAP's own API for
 * native SQL, in the caller's transaction — with each value in the form @cap-js/sqlite's input
 * converters would store (timestamps as ISO strings with milliseconds, booleans as 1/0). CAP's
 * INSERT renders every row into one JSON document that SQLite parses again: for a 9 KB IDoc row
 * that cost 290–500 µs of CPU against ~90 µs this way (bench/README, ingest). Everywhere else
 * (PostgreSQL, HANA) and for values this module does not convert, CAP's INSERT with columns and rows runs.
 * test/inbound/bulk-write.test.ts pins both paths to store the same values.
 */

type Cell = string | number | bigint | null;
export type Row = Record<string, unknown>;

interface Element {
  type?: string;
  key?: boolean;
  virtual?: boolean;
  isAssociation?: boolean;
  default?: { val?: unknown };
  '@cds.on.insert'?: { '=': string };
  '@cds.on.update'?: { '=': string };
  '@cds.persistence.skip'?: boolean;
}

interface EntityDefinition {
  name: string;
  elements: Record<string, Element>;
}

/** Either a generated entity class (#cds-models) or its definition: anything with a qualified name. */
export type EntityRef = { name: string };

const TEXT_TYPES = new Set(['cds.String', 'cds.UUID', 'cds.LargeString']);
const NUMBER_TYPES = new Set(['cds.Integer', 'cds.Int16', 'cds.Int32', 'cds.Int64', 'cds.Integer64', 'cds.UInt8', 'cds.Decimal', 'cds.Double']);
const TIMESTAMP_TYPES = new Set(['cds.Timestamp', 'cds.DateTime']);
const CONVERTED_TYPES = new Set([...TEXT_TYPES, ...NUMBER_TYPES, ...TIMESTAMP_TYPES, 'cds.Boolean', 'cds.Date']);

class NotConvertible extends Error {}

function definitionOf(entity: EntityRef): EntityDefinition {
  const definition = cds.model?.definitions[entity.name] as unknown as EntityDefinition | undefined;
  if (!definition?.elements) throw new Error(`bulk insert: ${entity.name} is not an entity of the model`);
  return definition;
}

const columnsOf = new WeakMap<EntityDefinition, Array<[string, Element]>>();

/** The columns a row of this entity is stored with: persisted scalar elements (foreign keys included). Kept per definition: asked on every batch. */
function storedColumns(definition: EntityDefinition): Array<[string, Element]> {
  let columns = columnsOf.get(definition);
  if (!columns) {
    columns = Object.entries(definition.elements).filter(([, element]) => !element.virtual && !element.isAssociation && element.type !== 'cds.Association' && element.type !== 'cds.Composition' && !element['@cds.persistence.skip']);
    columnsOf.set(definition, columns);
  }
  return columns;
}

function contextValue(expression: string | undefined, now: string, user: string): string | undefined {
  if (expression === '$now') return now;
  if (expression === '$user' || expression === '$user.id') return user;
  return undefined;
}

/** The value CAP would insert where the row has none (undefined), or undefined for "leave it NULL". */
function filledValue(element: Element, now: string, user: string): unknown {
  const onInsert = contextValue(element['@cds.on.insert']?.['='], now, user);
  if (onInsert !== undefined) return onInsert;
  if (element.key && element.type === 'cds.UUID') return cds.utils.uuid();
  return element.default?.val;
}

/** A value as @cap-js/sqlite's INSERT stores it (value->>'$[i]' through the type's input converter). */
function sqliteCell(element: Element, value: unknown, column: string): Cell {
  if (value === undefined || value === null) return null;
  const type = element.type ?? '';
  if (TIMESTAMP_TYPES.has(type)) return new Date(value as string | number | Date).toISOString();
  if (type === 'cds.Date') {
    if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
    return new Date(value as string | number | Date).toISOString().slice(0, 10);
  }
  if (type === 'cds.Boolean') return value ? 1 : 0;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint') return value;
  throw new NotConvertible(`${column}: ${typeof value}`);
}

function sqlName(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

interface FilledRows {
  columns: Array<[string, Element]>;
  values: unknown[][];
}

/** The rows as columns and values, with what CAP's INSERT.entries would fill where a row has nothing. */
function filledRows(definition: EntityDefinition, rows: readonly Row[]): FilledRows {
  const now = (cds.context?.timestamp ?? new Date()).toISOString();
  const user = cds.context?.user?.id ?? 'anonymous';
  // Only columns some row gives or CAP would fill: the rest stay NULL as with INSERT.entries.
  const columns = storedColumns(definition).filter(([name, element]) => rows.some((row) => row[name] !== undefined) || filledValue(element, now, user) !== undefined);
  const values = rows.map((row) => columns.map(([name, element]) => (row[name] === undefined ? filledValue(element, now, user) : row[name]) ?? null));
  return { columns, values };
}

function insertableIntoSqlite(filled: FilledRows): Cell[][] | undefined {
  if (filled.columns.some(([, element]) => !CONVERTED_TYPES.has(element.type ?? ''))) return undefined;
  try {
    return filled.values.map((row) => row.map((value, index) => {
      const [name, element] = filled.columns[index] as [string, Element];
      return sqliteCell(element, value, name);
    }));
  } catch (error) {
    if (error instanceof NotConvertible) return undefined;
    throw error;
  }
}

/** Inserts the rows into the entity in the current transaction (see above). */
export async function insertRows(entity: EntityRef, rows: readonly Row[]): Promise<void> {
  if (rows.length === 0) return;
  const definition = definitionOf(entity);
  const filled = filledRows(definition, rows);
  const names = filled.columns.map(([name]) => name);
  const bindings = onSqlite() ? insertableIntoSqlite(filled) : undefined;
  if (bindings) {
    const table = definition.name.replace(/\./g, '_');
    await cds.run(`INSERT INTO ${sqlName(table)} (${names.map(sqlName).join(',')}) VALUES (${names.map(() => '?').join(',')})`, bindings);
    return;
  }
  // Columns and value rows, filled as above: CAP's entries() would spend tens of µs per row on
  // key filling and deep-insert analysis these tables (no compositions written here) do not need.
  await INSERT.into(definition.name).columns(...names).rows(filled.values as Array<Array<string | number | boolean | null>>);
}

/**
 * UPSERT as CAP's UPSERT.entries does it: a new row is inserted (keys, $now, $user, defaults
 * filled); an existing row gets the columns the entry gives (an explicit null included) and its
 * `@cds.on.update` columns, and keeps every other value. On SQLite, rows that give the same columns
 * share one `INSERT … ON CONFLICT DO UPDATE`; elsewhere CAP's UPSERT runs.
 */
export async function upsertRows(entity: EntityRef, rows: readonly Row[]): Promise<void> {
  if (rows.length === 0) return;
  const definition = definitionOf(entity);
  if (!onSqlite()) {
    await UPSERT.into(definition.name).entries(rows as Row[]);
    return;
  }
  const keys = storedColumns(definition).filter(([, element]) => element.key).map(([name]) => name);
  const bySignature = new Map<string, Row[]>();
  for (const row of rows) {
    const signature = Object.keys(row).filter((name) => row[name] !== undefined).sort().join(',');
    const group = bySignature.get(signature);
    if (group) group.push(row);
    else bySignature.set(signature, [row]);
  }
  const now = (cds.context?.timestamp ?? new Date()).toISOString();
  const user = cds.context?.user?.id ?? 'anonymous';
  for (const group of bySignature.values()) {
    const filled = filledRows(definition, group);
    const bindings = insertableIntoSqlite(filled);
    // CAP stamps an @cds.on.update column on insert with its @cds.on.insert value: the statement
    // below takes that one for both, so a column where the two differ goes to CAP.
    const stampsAlike = filled.columns.length > 0 && storedColumns(definition).every(([, element]) => {
      const onUpdate = element['@cds.on.update']?.['='];
      return onUpdate === undefined || onUpdate === element['@cds.on.insert']?.['='];
    });
    if (!bindings || keys.length === 0 || !stampsAlike) {
      await UPSERT.into(definition.name).entries(group);
      continue;
    }
    const given = new Set(Object.keys(group[0] as Row).filter((name) => (group[0] as Row)[name] !== undefined));
    const updated = filled.columns
      .filter(([name, element]) => !keys.includes(name) && (given.has(name) || contextValue(element['@cds.on.update']?.['='], now, user) !== undefined))
      .map(([name]) => name);
    const names = filled.columns.map(([name]) => name);
    const table = definition.name.replace(/\./g, '_');
    const onConflict = updated.length > 0
      ? `ON CONFLICT(${keys.map(sqlName).join(',')}) DO UPDATE SET ${updated.map((name) => `${sqlName(name)}=excluded.${sqlName(name)}`).join(',')}`
      : `ON CONFLICT(${keys.map(sqlName).join(',')}) DO NOTHING`;
    await cds.run(`INSERT INTO ${sqlName(table)} (${names.map(sqlName).join(',')}) VALUES (${names.map(() => '?').join(',')}) ${onConflict}`, bindings);
  }
}


/** Bounds the IN lists of one statement (SQLite and PostgreSQL limit bound parameters). */
const IN_LIST_CHUNK = 500;

function chunksOf<T>(values: readonly T[]): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < values.length; start += IN_LIST_CHUNK) chunks.push(values.slice(start, start + IN_LIST_CHUNK));
  return chunks;
}

/** A stored text column of the entity (a key or foreign key) that plain SQL may compare as is. */
function textColumn(definition: EntityDefinition, column: string): string {
  const element = definition.elements[column];
  if (!element || !TEXT_TYPES.has(element.type ?? '') || !storedColumns(definition).some(([name]) => name === column)) {
    throw new Error(`bulk write: ${definition.name}.${column} is not a stored text column`);
  }
  return sqlName(column);
}


/**
 * Which of the values the entity's text column holds, in the current transaction: the set of
 * those found. On SQLite one plain `SELECT col … WHERE col IN (?, …)` per 500 values (CAP's
 * SELECT with an IN list costs ~1 ms of CPU per statement in its query rewriting, more than
 * SQLite's index look-ups); elsewhere CAP's SELECT.
 */
export async function valuesPresent(entity: EntityRef, column: string, values: readonly string[]): Promise<Set<string>> {
  const present = new Set<string>();
  const definition = definitionOf(entity);
  const sqlite = onSqlite();
  const name = textColumn(definition, column);
  for (const chunk of chunksOf([...new Set(values)])) {
    const rows = sqlite
      ? await cds.run(`SELECT ${name} AS value FROM ${sqlName(definition.name.replace(/\./g, '_'))} WHERE ${name} IN (${chunk.map(() => '?').join(',')})`, chunk) as Array<{ value: string }>
      : (await SELECT.from(definition.name).columns(column).where({ [column]: { in: chunk } }) as Array<Record<string, string>>).map((row) => ({ value: row[column] as string }));
    for (const row of rows) present.add(row.value);
  }
  return present;
}

/** DELETE of the entity's rows whose text column holds one of the values, in the current transaction (plain SQL on SQLite, as above). */
export async function deleteWhereIn(entity: EntityRef, column: string, values: readonly string[]): Promise<void> {
  const definition = definitionOf(entity);
  const sqlite = onSqlite();
  const name = textColumn(definition, column);
  for (const chunk of chunksOf([...new Set(values)])) {
    if (sqlite) await cds.run(`DELETE FROM ${sqlName(definition.name.replace(/\./g, '_'))} WHERE ${name} IN (${chunk.map(() => '?').join(',')})`, chunk);
    else await DELETE.from(definition.name).where({ [column]: { in: chunk } });
  }
}

/** Column types a plain SELECT answers as CAP's SELECT does on SQLite: texts, small integers, timestamps (ISO text). */
const SELECTABLE_TYPES = new Set([...TEXT_TYPES, 'cds.Integer', 'cds.Int16', 'cds.Int32', 'cds.UInt8', ...TIMESTAMP_TYPES]);

/**
 * Rows of the entity whose text column holds one of the values, with the given columns, in the
 * current transaction: plain `SELECT … WHERE col IN (?, …)` per 500 values on SQLite (as
 * valuesPresent, for the same reason), CAP's SELECT elsewhere. Only columns whose stored form is
 * what CAP answers are allowed (test/inbound/bulk-write.test.ts compares both).
 */
export async function rowsWhereIn<Stored = Row>(entity: EntityRef, columns: readonly string[], column: string, values: readonly string[]): Promise<Stored[]> {
  const definition = definitionOf(entity);
  const sqlite = onSqlite();
  const name = textColumn(definition, column);
  const stored = new Map(storedColumns(definition));
  for (const wanted of columns) {
    if (!SELECTABLE_TYPES.has(stored.get(wanted)?.type ?? '')) throw new Error(`bulk write: ${definition.name}.${wanted} is not a stored column plain SQL answers as CAP does`);
  }
  const rows: Stored[] = [];
  for (const chunk of chunksOf([...new Set(values)])) {
    if (sqlite) {
      const select = `SELECT ${columns.map(sqlName).join(',')} FROM ${sqlName(definition.name.replace(/\./g, '_'))} WHERE ${name} IN (${chunk.map(() => '?').join(',')})`;
      rows.push(...(await cds.run(select, chunk) as Stored[]));
    } else {
      rows.push(...(await SELECT.from(definition.name).columns(...columns).where({ [column]: { in: chunk } }) as Stored[]));
    }
  }
  return rows;
}
