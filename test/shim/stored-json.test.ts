/**
 * The contract answers listShipments, getShipments and getEvents by splicing stored values
 * (chaincode/src/canonical-json.ts storedJsonArray). The answer must be exactly what parsing each
 * stored value and stringifying the array gives, as the contract did before.
 */
import { canonicalJson, type JsonObject, storedJsonArray } from '../../chaincode/src/canonical-json';

const bytes = (text: string): Buffer => Buffer.from(text, 'utf8');
const parsedAndStringified = (values: Array<Uint8Array | undefined>): string =>
  JSON.stringify(values.map((value) => (value && value.length > 0 ? (JSON.parse(Buffer.from(value).toString('utf8')) as unknown) : null)));

const head = (id: string, eventIds: string[]): Buffer =>
  bytes(canonicalJson({ shipmentId: id, events: eventIds, recordedBy: Object.fromEntries(eventIds.map((eventId) => [eventId, 'ShipperMSP'])), version: eventIds.length } as JsonObject));

describe('storedJsonArray', () => {
  it.each([
    ['no values', []],
    ['canonical heads', [head('S/1', ['EV-1']), head('S/2', ['EV-2', 'EV-3'])]],
    ['missing values (undefined, empty) as null', [undefined, head('S/1', ['EV-1']), Buffer.alloc(0)]],
    ['strings with escapes, quotes, non-ASCII and a colon after a quoted number', [bytes(canonicalJson({ note: 'a "b" \\ \n ü 😀 "12": x', n: -0.5, big: 1e21 } as JsonObject))]],
    ['index-like keys as canonicalJson writes them', [head('S/1', ['10', '7', 'EV-Z'])]],
    ['index-like keys in string order (a bulk loader sorting keys as strings)', [bytes('{"recordedBy":{"10":"A","7":"B"},"shipmentId":"S/9"}'), head('S/2', ['EV-2'])]],
    ['a digit-only key with a leading zero (not an array index to V8)', [bytes('{"007":"A","1":"B"}')]],
    ['a value in a view on a larger buffer', [((all: Buffer) => new Uint8Array(all.buffer, all.byteOffset + 2, 7))(bytes('xx{"a":1}yy'))]],
  ] as Array<[string, Array<Uint8Array | undefined>]>)('%s: same text as parse + stringify', (_, values) => {
    expect(storedJsonArray(values)).toBe(parsedAndStringified(values));
  });

  it('a head with index-like keys in string order comes out in V8 order, not as stored', () => {
    const stored = '{"recordedBy":{"10":"A","7":"B"}}';
    expect(storedJsonArray([bytes(stored)])).toBe('[{"recordedBy":{"7":"B","10":"A"}}]');
  });

  it('a stored value that is not JSON fails as parsing it did when it has index-like keys', () => {
    expect(() => storedJsonArray([bytes('{"1":')])).toThrow(SyntaxError);
  });
});
