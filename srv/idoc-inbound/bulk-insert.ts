import cds from '@sap/cds';

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
 * test/inbound/bulk-insert.test.ts pins both paths to store the same values.
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

/** The columns a row of this entity is stored with: persisted scalar elements (foreign keys included). */
function storedColumns(definition: EntityDefinition): Array<[string, Element]> {
  return Object.entries(definition.elements).filter(([, element]) => !element.virtual && !element.isAssociation && element.type !== 'cds.Association' && element.type !== 'cds.Composition' && !element['@cds.persistence.skip']);
}

/** The value CAP would insert where the row has none (undefined), or undefined for "leave it NULL". */
function filledValue(element: Element, now: string, user: string): unknown {
  const onInsert = element['@cds.on.insert']?.['='];
  if (onInsert === '$now') return now;
  if (onInsert === '$user' || onInsert === '$user.id') return user;
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
  const bindings = (cds.db as unknown as { kind?: string } | undefined)?.kind === 'sqlite' ? insertableIntoSqlite(filled) : undefined;
  if (bindings) {
    const table = definition.name.replace(/\./g, '_');
    await cds.run(`INSERT INTO ${sqlName(table)} (${names.map(sqlName).join(',')}) VALUES (${names.map(() => '?').join(',')})`, bindings);
    return;
  }
  // Columns and value rows, filled as above: CAP's entries() would spend tens of µs per row on
  // key filling and deep-insert analysis these tables (no compositions written here) do not need.
  await INSERT.into(definition.name).columns(...names).rows(filled.values as Array<Array<string | number | boolean | null>>);
}
