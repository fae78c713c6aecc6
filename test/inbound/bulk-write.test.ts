import cds from '@sap/cds';
import { deleteWhereIn, insertRows, rowsWhereIn, upsertRows, valuesPresent, type Row } from '../../srv/idoc-inbound/bulk-write';
import { startLading } from '../support/lading';

/**
 * srv/idoc-inbound/bulk-write.ts writes SQLite rows as plain SQL instead of CAP's INSERT. Whatever
 * the path, a row must be stored exactly as CAP's INSERT.entries stores it: the same storage class
 * and text for every column (compared with SQL's quote()), keys, $now, $user and defaults filled
 * alike. On PostgreSQL the module runs CAP's INSERT itself, so the same comparison holds trivially.
 */

startLading();

interface Case {
  entity: string;
  /** Key columns the two copies differ in (so both fit in the table); generated UUID keys are left out. */
  keys: (serial: string) => Row;
  row: Row;
}

const cases: Case[] = [
  {
    entity: 'lading.InboundIdocs',
    keys: (serial) => ({ acceptedKey: `bulk-${serial}` }),
    row: {
      docnum: '0000000000123456', idocType: 'DELVRY07', messageType: 'DESADV', senderPartner: 'SAPERP', senderPort: 'SAPQ01',
      payload: '<DELVRY07><IDOC BEGIN="1">\n  <E1EDL20 SEGMENT="1"><VBELN>0080004242</VBELN></E1EDL20>\n</IDOC></DELVRY07>',
      payloadHash: 'a'.repeat(64), status: '64', statusText: 'Ready — «Zoll» 通关', shipment_ID: 'SHIPPER~0080004242',
    },
  },
  {
    entity: 'lading.ShipmentEvents',
    keys: (serial) => ({ eventId: `bulk-event-${serial}` }),
    row: {
      shipment_ID: 'SHIPPER~0080004242', eventType: 'TRANSPORT', eventClassifierCode: 'ACT', eventTypeCode: 'DEPA',
      eventDateTime: '2026-11-25T10:15:00+01:00', location: 'DEHAM', ledgerBlock: 9007199254740991, sourceIdoc_ID: cds.utils.uuid(),
    },
  },
  {
    entity: 'lading.Outbox',
    keys: () => ({}),
    row: { idoc_ID: cds.utils.uuid(), shipmentId: 'SHIPPER~0080004242', topic: 'ledger.record', queuedAt: new Date('2026-11-25T09:00:00Z') },
  },
  {
    entity: 'lading.ShipmentItems',
    keys: (serial) => ({ shipment_ID: `SHIPPER~bulk-${serial}`, itemNumber: '000010' }),
    row: { material: 'MAT-1', quantity: '12.500', netWeight: 7.25, grossWeight: 8, weightUnit: 'KGM', description: null },
  },
  {
    entity: 'lading.ShipmentDeadlines',
    keys: (serial) => ({ shipment_ID: `SHIPPER~bulk-${serial}`, qualifier: '006' }),
    row: { plannedStart: '2026-11-25T08:00:00Z', plannedEnd: '2026-11-25T08:00:00.5Z', actualStart: null, timeZone: 'CET' },
  },
  {
    // Not on the ingest path, but it has what the others lack: a Boolean and defaults of two kinds.
    entity: 'lading.Discrepancies',
    keys: (serial) => ({ field: `bulk-${serial}` }),
    row: { shipmentId: 'SHIPPER~0080004242', kind: 'STATUS_MISMATCH', erpValue: 'C', ledgerValue: 'B', changedAt: '2026-11-25T10:00:00Z' },
  },
  {
    entity: 'lading.Discrepancies',
    keys: (serial) => ({ field: `bulk-true-${serial}` }),
    row: { shipmentId: 'SHIPPER~0080004243', kind: 'STATUS_MISMATCH', repairable: true, status: 'acknowledged' },
  },
];

function tableOf(entity: string): string {
  return entity.replace(/\./g, '_');
}

/** Every stored column of the row whose key columns match, as SQL literals (storage class visible). */
async function storedRow(entity: string, where: Row): Promise<Record<string, string>> {
  const columns = (await cds.run(`PRAGMA table_info(${tableOf(entity)})`) as Array<{ name: string }>).map((column) => column.name);
  const conditions = Object.keys(where).map((name) => `${name} = ?`).join(' AND ');
  const [row] = await cds.run(`SELECT ${columns.map((name) => `quote(${name}) AS ${name}`).join(',')} FROM ${tableOf(entity)} WHERE ${conditions}`, Object.values(where)) as Array<Record<string, string>>;
  if (!row) throw new Error(`no ${entity} row where ${JSON.stringify(where)}`);
  return row;
}

function withoutColumns(row: Record<string, string>, names: readonly string[]): Record<string, string> {
  return Object.fromEntries(Object.entries(row).filter(([name]) => !names.includes(name)));
}

describe('bulk insert on the ingest path', () => {
  it.each(cases.map((testCase) => [testCase.entity, testCase] as const))('stores a %s row exactly as CAP\'s INSERT.entries does', async (entity, testCase) => {
    const serial = cds.utils.uuid().slice(0, 8);
    const viaCap = { ...testCase.keys(`cap-${serial}`), ...testCase.row };
    const viaBulk = { ...testCase.keys(`bulk-${serial}`), ...testCase.row };
    const capId = cds.utils.uuid();
    const bulkId = cds.utils.uuid();
    const generatesId = Object.keys(testCase.keys('x')).length === 0;
    await cds.tx({ user: new cds.User('bulk-tester') }, async () => {
      await INSERT.into(entity).entries(generatesId ? { ...viaCap, ID: capId } : viaCap);
      await insertRows({ name: entity }, [generatesId ? { ...viaBulk, ID: bulkId } : viaBulk]);
    });
    const keyNames = generatesId ? ['ID'] : Object.keys(testCase.keys('x'));
    const cap = await storedRow(entity, generatesId ? { ID: capId } : testCase.keys(`cap-${serial}`));
    const bulk = await storedRow(entity, generatesId ? { ID: bulkId } : testCase.keys(`bulk-${serial}`));
    // cuid keys other than the one under test are generated: present on both, different by nature.
    const generated = Object.keys(cap).filter((name) => name === 'ID' && !keyNames.includes('ID'));
    expect(withoutColumns(bulk, [...keyNames, ...generated])).toEqual(withoutColumns(cap, [...keyNames, ...generated]));
    for (const name of generated) expect(bulk[name]).toMatch(/^'[0-9a-f-]{36}'$/);
  });

  it('fills what CAP fills: a UUID key, the transaction\'s time and user, defaults', async () => {
    const field = `bulk-fill-${cds.utils.uuid()}`;
    let now = '';
    await cds.tx({ user: new cds.User('bulk-tester') }, async () => {
      now = (cds.context?.timestamp as Date).toISOString();
      await insertRows({ name: 'lading.Discrepancies' }, [{ shipmentId: 'SHIPPER~1', kind: 'MISSING_ON_LEDGER', field }]);
      await insertRows({ name: 'lading.Outbox' }, [{ shipmentId: field, topic: 'ledger.record' }]);
    });
    const discrepancy = await storedRow('lading.Discrepancies', { field });
    expect(discrepancy.ID).toMatch(/^'[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}'$/);
    expect(discrepancy.status).toBe("'open'");
    expect(discrepancy.repairable).toBe('0');
    const outbox = await storedRow('lading.Outbox', { shipmentId: field });
    expect(outbox).toMatchObject({ state: "'pending'", redriveCount: '0', createdAt: `'${now}'` });
  });

  it('writes many rows at once, and nothing when the transaction fails', async () => {
    const prefix = `bulk-many-${cds.utils.uuid().slice(0, 8)}`;
    const rows = Array.from({ length: 250 }, (_, index) => ({ shipment_ID: `${prefix}`, itemNumber: String(index * 10).padStart(6, '0'), quantity: index }));
    await cds.tx(async () => insertRows({ name: 'lading.ShipmentItems' }, rows));
    const [stored] = await cds.run(`SELECT count(*) AS n, sum(quantity) AS total FROM lading_ShipmentItems WHERE shipment_ID = ?`, [prefix]) as Array<{ n: number; total: number }>;
    expect(stored).toEqual({ n: 250, total: (249 * 250) / 2 });
    // A duplicate key in the middle: the statement fails and the transaction takes every row back.
    const failing = `${prefix}-rollback`;
    // Read by its message: in a full jest run better-sqlite3's error class may come from another
    // test file's realm, which jest's toThrow does not take for an Error.
    const failure = await cds.tx(async () => insertRows({ name: 'lading.ShipmentItems' }, [
      { shipment_ID: failing, itemNumber: '000010' }, { shipment_ID: failing, itemNumber: '000020' }, { shipment_ID: failing, itemNumber: '000010' },
    ])).then(() => 'no error', (error: unknown) => String((error as { message?: unknown } | undefined)?.message ?? error));
    expect(failure).toMatch(/UNIQUE|unique/);
    const [none] = await cds.run(`SELECT count(*) AS n FROM lading_ShipmentItems WHERE shipment_ID = ?`, [failing]) as Array<{ n: number }>;
    expect(none?.n).toBe(0);
  });

  it('leaves a value it cannot convert to CAP, which stores it as CAP does', async () => {
    const field = `bulk-object-${cds.utils.uuid()}`;
    // An object for a String column is no SQL value: the module hands the statement to CAP's INSERT.
    const comment = { note: 'from a JSON body' } as unknown as string;
    await cds.tx(async () => {
      await INSERT.into('lading.Discrepancies').entries({ shipmentId: 'S~cap', kind: 'FIELD_MISMATCH', field: `${field}-cap`, comment });
      await insertRows({ name: 'lading.Discrepancies' }, [{ shipmentId: 'S~cap', kind: 'FIELD_MISMATCH', field: `${field}-bulk`, comment }]);
    });
    const cap = await storedRow('lading.Discrepancies', { field: `${field}-cap` });
    const bulk = await storedRow('lading.Discrepancies', { field: `${field}-bulk` });
    expect(bulk.comment).toBe(cap.comment);
  });

  it('names an entity that is not in the model', async () => {
    await expect(insertRows({ name: 'lading.NoSuchThing' }, [{ a: 1 }])).rejects.toThrow('bulk insert: lading.NoSuchThing is not an entity of the model');
  });

  describe('upsert', () => {
    /** Twin shipments stored alike by CAP in an earlier transaction, one for CAP's UPSERT and one for upsertRows. */
    async function twins(serial: string, stored: Row | undefined): Promise<{ cap: string; bulk: string }> {
      const ids = { cap: `SHIPPER~cap-${serial}`, bulk: `SHIPPER~bulk-${serial}` };
      if (stored) {
        await cds.tx({ user: new cds.User('first-writer') }, async () => {
          await INSERT.into('lading.Shipments').entries([{ ...stored, ID: ids.cap }, { ...stored, ID: ids.bulk }]);
        });
      }
      return ids;
    }

    const stored: Row = { deliveryNumber: '0080004242', route: 'R1', incoterms: 'FOB', grossWeight: 1250.5, status: 'PLANNED', ledgerVersion: 3, packageCount: 2 };

    it.each([
      ['a new shipment: inserted with defaults and stamps', undefined, [{ deliveryNumber: '0080004243', route: 'R2', grossWeight: '12.500' }]],
      ['an existing shipment: given columns replaced, the rest kept, modified stamps renewed', stored, [{ route: 'R9', grossWeight: 99 }]],
      ['an explicit null clears a column, an absent one is kept', stored, [{ incoterms: null, status: 'DELIVERED' }]],
      ['rows giving different columns in one call', stored, [{ route: 'R7' }, { incoterms: 'EXW', ledgerVersion: 4 }]],
    ])('stores %s exactly as CAP\'s UPSERT', async (_title, before, changes) => {
      const serial = cds.utils.uuid().slice(0, 8);
      const changeSets = changes as Row[];
      // Each change goes to a twin pair of its own, so rows with different columns meet in one call.
      const pairs = await Promise.all(changeSets.map((_, index) => twins(`${serial}-${index}`, before as Row | undefined)));
      await cds.tx({ user: new cds.User('second-writer') }, async () => {
        await UPSERT.into('lading.Shipments').entries(changeSets.map((change, index) => ({ ...change, ID: pairs[index]?.cap })));
        await upsertRows({ name: 'lading.Shipments' }, changeSets.map((change, index) => ({ ...change, ID: pairs[index]?.bulk })));
      });
      for (const pair of pairs) {
        const cap = await storedRow('lading.Shipments', { ID: pair.cap });
        const bulk = await storedRow('lading.Shipments', { ID: pair.bulk });
        expect(withoutColumns(bulk, ['ID'])).toEqual(withoutColumns(cap, ['ID']));
        expect(bulk.modifiedBy).toBe("'second-writer'");
        expect(bulk.createdBy).toBe(before ? "'first-writer'" : "'second-writer'");
      }
    });
  });

  describe('look-ups and deletes by an IN list', () => {
    it('answers which values are stored, as CAP\'s SELECT finds them, over more values than one statement takes', async () => {
      const prefix = `bulk-in-${cds.utils.uuid().slice(0, 8)}`;
      const stored = Array.from({ length: 600 }, (_, index) => `${prefix}-${index}`);
      await cds.tx(async () => insertRows({ name: 'lading.ShipmentItems' }, stored.filter((_, index) => index % 3 === 0).map((id) => ({ shipment_ID: id, itemNumber: '000010' }))));
      // Asked: every stored one, twice, and as many never stored (1,800 values: four statements).
      const asked = [...stored, ...stored, ...stored.map((id) => `${id}-absent`)];
      const present = await cds.tx(async () => valuesPresent({ name: 'lading.ShipmentItems' }, 'shipment_ID', asked));
      const byCap = await SELECT.from('lading.ShipmentItems').columns('shipment_ID').where({ shipment_ID: { like: `${prefix}-%` } }) as Array<{ shipment_ID: string }>;
      expect([...present].sort()).toEqual(byCap.map((row) => row.shipment_ID).sort());
      expect(present.size).toBe(200);
      expect(await cds.tx(async () => valuesPresent({ name: 'lading.ShipmentItems' }, 'shipment_ID', []))).toEqual(new Set());
    });

    it('deletes exactly the rows whose column holds one of the values, and nothing when the transaction fails', async () => {
      const prefix = `bulk-del-${cds.utils.uuid().slice(0, 8)}`;
      const ids = Array.from({ length: 520 }, (_, index) => `${prefix}-${index}`);
      await cds.tx(async () => insertRows({ name: 'lading.ShipmentItems' }, ids.flatMap((id) => [{ shipment_ID: id, itemNumber: '000010' }, { shipment_ID: id, itemNumber: '000020' }])));
      const gone = ids.filter((_, index) => index % 2 === 0);
      await expect(cds.tx(async () => {
        await deleteWhereIn({ name: 'lading.ShipmentItems' }, 'shipment_ID', gone);
        throw new Error('taken back');
      })).rejects.toThrow('taken back');
      const count = async (): Promise<number> => ((await cds.run('SELECT count(*) AS n FROM lading_ShipmentItems WHERE shipment_ID LIKE ?', [`${prefix}-%`]) as Array<{ n: number }>)[0]?.n ?? -1);
      expect(await count()).toBe(1040);
      await cds.tx(async () => deleteWhereIn({ name: 'lading.ShipmentItems' }, 'shipment_ID', gone));
      expect(await count()).toBe(520);
      const left = await SELECT.from('lading.ShipmentItems').columns('shipment_ID').where({ shipment_ID: { like: `${prefix}-%` } }) as Array<{ shipment_ID: string }>;
      expect(new Set(left.map((row) => row.shipment_ID))).toEqual(new Set(ids.filter((_, index) => index % 2 === 1)));
    });

    it('reads rows by an IN list exactly as CAP\'s SELECT answers them: texts, nulls, integers, timestamps', async () => {
      const prefix = `bulk-rows-${cds.utils.uuid().slice(0, 8)}`;
      const shipments = Array.from({ length: 520 }, (_, index) => ({ ID: `${prefix}/${index}`, status: index % 2 ? 'DEPA' : null, ledgerVersion: index % 3 ? index : null }));
      await INSERT.into('lading.Shipments').entries(shipments);
      await INSERT.into('lading.ShipmentEvents').entries(shipments.slice(0, 40).flatMap((shipment, index) => [
        { eventId: `${shipment.ID}-a`, shipment_ID: shipment.ID, eventClassifierCode: 'ACT', eventTypeCode: 'DEPA', eventDateTime: '2026-11-26T18:30:00Z', ledgerTxId: index % 2 ? 'f'.repeat(64) : null },
        { eventId: `${shipment.ID}-b`, shipment_ID: shipment.ID, eventClassifierCode: null, eventTypeCode: null, eventDateTime: new Date(Date.UTC(2026, 11, 8, 1, 2, 3, index)).toISOString() },
      ]));
      const asked = [...shipments.map((shipment) => shipment.ID), `${prefix}/absent`];
      const columns = ['ID', 'status', 'ledgerVersion', 'deliveryNumber', 'createdAt', 'createdBy'];
      const byId = (rows: Row[], key: string): Row[] => [...rows].sort((a, b) => String(a[key]).localeCompare(String(b[key])));
      const plain = await cds.tx(async () => rowsWhereIn({ name: 'lading.Shipments' }, columns, 'ID', asked));
      const byCap = await SELECT.from('lading.Shipments').columns(...columns).where({ ID: { like: `${prefix}/%` } }) as Row[];
      expect(plain).toHaveLength(520);
      expect(byId(plain, 'ID')).toEqual(byId(byCap, 'ID'));
      const eventColumns = ['eventId', 'shipment_ID', 'eventClassifierCode', 'eventTypeCode', 'eventDateTime', 'ledgerTxId'];
      const events = await cds.tx(async () => rowsWhereIn({ name: 'lading.ShipmentEvents' }, eventColumns, 'shipment_ID', asked));
      const eventsByCap = await SELECT.from('lading.ShipmentEvents').columns(...eventColumns).where({ shipment_ID: { like: `${prefix}/%` } }) as Row[];
      expect(events).toHaveLength(80);
      expect(byId(events, 'eventId')).toEqual(byId(eventsByCap, 'eventId'));
    });

    it('refuses to read a column whose stored form is not what CAP answers', async () => {
      await expect(rowsWhereIn({ name: 'lading.ShipmentItems' }, ['quantity'], 'shipment_ID', ['x'])).rejects.toThrow('bulk write: lading.ShipmentItems.quantity is not a stored column plain SQL answers as CAP does');
      await expect(rowsWhereIn({ name: 'lading.ShipmentItems' }, ['itemNumber'], 'quantity', ['x'])).rejects.toThrow('bulk write: lading.ShipmentItems.quantity is not a stored text column');
    });

    it('refuses a column that is not stored text', async () => {
      await expect(valuesPresent({ name: 'lading.ShipmentItems' }, 'quantity', ['1'])).rejects.toThrow('bulk write: lading.ShipmentItems.quantity is not a stored text column');
      await expect(deleteWhereIn({ name: 'lading.ShipmentItems' }, 'shipment', ['x'])).rejects.toThrow('bulk write: lading.ShipmentItems.shipment is not a stored text column');
    });
  });
});
