import cds from '@sap/cds';
import { readIdocXml } from '../../mappings';
import { hashPayload } from '../../srv/observability/payload-hash';
import { fixture, startLading } from '../support/lading';

// Set before Lading starts: the configuration is read once, at start-up.
process.env.LADING_HASH_ALGORITHM = 'sm3';
const lading = startLading();

describe('LADING_HASH_ALGORITHM=sm3', () => {
  test('stores the SM3 hash of each IDoc payload and gives it to every event of the IDoc', async () => {
    const document = fixture('delvry/delvry07-desadv-3-items.xml');
    const answer = await lading.postIdoc(document);
    expect(answer.status).toBe(200);
    const id = answer.data.idocs?.[0]?.id;
    const raw = readIdocXml(document).idocs[0]?.raw ?? '';
    const sm3 = hashPayload(raw, 'sm3');
    expect(sm3).not.toBe(hashPayload(raw, 'sha256'));
    const [idoc] = (await cds.run(`SELECT payloadHash FROM lading_InboundIdocs WHERE ID = '${id}'`)) as { payloadHash: string }[];
    expect(idoc?.payloadHash).toBe(sm3);
    const events = (await cds.run(`SELECT payloadHash FROM lading_ShipmentEvents WHERE sourceIdoc_ID = '${id}'`)) as { payloadHash: string }[];
    expect(events.length).toBeGreaterThan(0);
    for (const event of events) expect(event.payloadHash).toBe(sm3);
  });

  test('keeps a document it cannot read with the SM3 hash of what arrived', async () => {
    const answer = await lading.postIdoc('<DELVRY07><IDOC>');
    expect(answer.status).toBe(400);
    const [kept] = (await cds.run("SELECT payloadHash FROM lading_InboundIdocs WHERE payload = '<DELVRY07><IDOC>'")) as { payloadHash: string }[];
    expect(kept?.payloadHash).toBe(hashPayload('<DELVRY07><IDOC>', 'sm3'));
  });
});
