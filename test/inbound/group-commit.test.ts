import cds from '@sap/cds';
import { GroupCommit } from '../../srv/idoc-inbound/group-commit';
import { fixture, startLading, type IdocAnswer } from '../support/lading';

/**
 * Concurrent IDocs share one transaction (srv/idoc-inbound/group-commit.ts). What SAP sees must
 * not change: every new IDoc accepted once, a resend a duplicate, a changed resend a conflict,
 * and one IDoc the database refuses never costs the others of its batch.
 */

const lading = startLading();
const template = fixture('delvry/delvry07-desadv-3-items.xml');

/** The 3-item delivery with its own DOCNUM and delivery number; `variant` changes its content. */
function delivery(serial: number, variant = ''): string {
  const docnum = `00000000077${String(serial).padStart(5, '0')}`;
  const vbeln = `0087${String(serial).padStart(6, '0')}`;
  return template
    .replace('<DOCNUM>0000000001004242</DOCNUM>', `<DOCNUM>${docnum}</DOCNUM>`)
    .replaceAll('0080004242', vbeln)
    .replace('<LIFEX>ASN4242</LIFEX>', `<LIFEX>ASN${serial}${variant}</LIFEX>`);
}

async function count(sql: string): Promise<number> {
  const [row] = (await cds.run(sql)) as { n: number }[];
  return Number(row?.n ?? 0);
}

describe('group commit of concurrent IDocs', () => {
  test('answers each of 40 concurrent posts as if it came alone: new ones accepted once, resends duplicate, a changed resend conflicts', async () => {
    const fresh = Array.from({ length: 30 }, (_, index) => delivery(100 + index));
    const resends = fresh.slice(0, 8);
    const changed = [delivery(100, '-changed'), delivery(101, '-changed')];
    const posts = [...fresh, ...resends, ...changed];
    const answers = await Promise.all(posts.map((body) => lading.postIdoc(body)));
    const outcomes = answers.map((answer) => answer.data.idocs?.[0]?.outcome);

    // Every DOCNUM is accepted exactly once; its other posts are a duplicate or a conflict, in whatever order they landed.
    for (let serial = 100; serial < 130; serial++) {
      const mine = posts.map((body, index) => (body.includes(`00000000077${String(serial).padStart(5, '0')}`) ? index : -1)).filter((index) => index >= 0);
      const accepted = mine.filter((index) => outcomes[index] === 'accepted');
      expect(accepted).toHaveLength(1);
    }
    expect(outcomes.filter((outcome) => outcome === 'accepted')).toHaveLength(30);
    expect(outcomes.filter((outcome) => outcome === 'duplicate').length + outcomes.filter((outcome) => outcome === 'conflict').length).toBe(10);
    for (const answer of answers) expect([200, 409]).toContain(answer.status);

    expect(await count("SELECT count(*) AS n FROM lading_InboundIdocs WHERE docnum LIKE '00000000077001%' AND acceptedKey IS NOT NULL")).toBe(30);
    expect(await count("SELECT count(*) AS n FROM lading_Outbox o JOIN lading_InboundIdocs i ON i.ID = o.idoc_ID WHERE i.docnum LIKE '00000000077001%'")).toBe(30);
    expect(await count("SELECT count(*) AS n FROM lading_Shipments WHERE deliveryNumber LIKE '0087%'")).toBe(30);
    // Each delivery's events are stored once, linked to the accepted IDoc.
    const events = await count("SELECT count(*) AS n FROM lading_ShipmentEvents WHERE shipment_ID LIKE 'S4HCLNT100/0087%'");
    const distinct = await count("SELECT count(DISTINCT eventId) AS n FROM lading_ShipmentEvents WHERE shipment_ID LIKE 'S4HCLNT100/0087%'");
    expect(events).toBe(distinct);
    expect(events).toBeGreaterThanOrEqual(30);
    // Items went with their delivery, not with another one of the batch.
    expect(await count("SELECT count(*) AS n FROM lading_ShipmentItems WHERE shipment_ID LIKE 'S4HCLNT100/0087%'")).toBe(90);
  });

  test('keeps the other IDocs of a batch when the database refuses one of them', async () => {
    // A trigger stands for any constraint the database may enforce that the mapping did not check.
    await cds.run(`CREATE TRIGGER refuse_one BEFORE INSERT ON lading_InboundIdocs
      WHEN NEW.docnum = '0000000007700207' BEGIN SELECT RAISE(ABORT, 'refused by the test'); END`);
    try {
      const bodies = Array.from({ length: 12 }, (_, index) => delivery(200 + index));
      const answers = await Promise.all(bodies.map((body) => lading.postIdoc<IdocAnswer>(body)));
      const refused = answers[7];
      expect(refused?.status).toBe(500);
      answers.forEach((answer, index) => {
        if (index !== 7) expect(answer.data.idocs?.[0]?.outcome).toBe('accepted');
      });
      expect(await count("SELECT count(*) AS n FROM lading_InboundIdocs WHERE docnum LIKE '000000000770020%' OR docnum LIKE '000000000770021%'")).toBe(11);
      expect(await count("SELECT count(*) AS n FROM lading_Shipments WHERE deliveryNumber = '0087000207'")).toBe(0);
    } finally {
      await cds.run('DROP TRIGGER refuse_one');
    }
    // SAP's resend after the fault is accepted.
    const resend = await lading.postIdoc(delivery(207));
    expect(resend.data.idocs?.[0]?.outcome).toBe('accepted');
  });
});

describe('GroupCommit', () => {
  test('writes what arrives while a batch is in flight as the next batch, and answers each item', async () => {
    const batches: number[][] = [];
    const commit = new GroupCommit<number, string>(async (items) => {
      batches.push(items);
      await new Promise((resolve) => setTimeout(resolve, 20));
      return items.map((item) => (item === 13 ? new Error('thirteen') : `stored ${item}`));
    }, { maxBatch: 10 });
    const first = commit.submit(1);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const rest = Array.from({ length: 14 }, (_, index) => commit.submit(index + 2));
    await expect(first).resolves.toBe('stored 1');
    const settled = await Promise.allSettled(rest);
    expect(batches).toEqual([[1], [2, 3, 4, 5, 6, 7, 8, 9, 10, 11], [12, 13, 14, 15]]);
    expect(settled[11]).toEqual({ status: 'rejected', reason: new Error('thirteen') });
    expect(settled.filter((result) => result.status === 'fulfilled')).toHaveLength(13);
  });

  test('rejects every item of a batch whose write throws, and goes on with the next batch', async () => {
    let calls = 0;
    const commit = new GroupCommit<number, number>(async (items) => {
      calls++;
      if (calls === 1) throw new Error('database gone');
      return items.map((item) => item * 2);
    }, { maxBatch: 100 });
    const failed = await Promise.allSettled([commit.submit(1), commit.submit(2)]);
    expect(failed.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    await expect(commit.submit(3)).resolves.toBe(6);
  });
});
