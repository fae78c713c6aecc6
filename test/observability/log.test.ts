import cds from '@sap/cds';
import { formatIds, traced } from '../../srv/observability/log';

/** Correlation ids on CAP's logger: how they are written, and that they reach cds.log's output. */

describe('formatIds', () => {
  it.each([
    [{}, ''],
    [{ docnum: '0000000001004242' }, 'docnum=0000000001004242'],
    [{ tx: 'ab12', docnum: '0000000001004242', block: 7n }, 'docnum=0000000001004242 tx=ab12 block=7'],
    [{ docnum: null, idoc: undefined, shipment: '', tx: 'ab12' }, 'tx=ab12'],
    [{ idoc: ['a', 'b', 'a'], shipment: ['S4HCLNT100/1'] }, 'idoc=a,b shipment=S4HCLNT100/1'],
    [{ docnum: [] }, ''],
    [{ mestyp: 'ALEAUD', block: 0 }, 'block=0 mestyp=ALEAUD'],
    [{ shipment: 'S4H CLNT/1' }, 'shipment="S4H CLNT/1"'],
  ])('%j → %j', (ids, expected) => {
    expect(formatIds(ids)).toBe(expected);
  });

  it('writes at most 20 values of a list and counts the rest', () => {
    const idocs = Array.from({ length: 25 }, (_, index) => `i${index}`);
    expect(formatIds({ idoc: idocs })).toBe(`idoc=${idocs.slice(0, 20).join(',')},+5`);
  });
});

describe('traced', () => {
  let lines: string[];
  let spies: jest.SpyInstance[];

  beforeEach(() => {
    lines = [];
    const keep = (...args: unknown[]): void => { lines.push(args.map(String).join(' ')); };
    spies = (['info', 'warn', 'error', 'debug'] as const).map((level) => jest.spyOn(console, level).mockImplementation(keep));
  });

  afterEach(() => {
    for (const spy of spies) spy.mockRestore();
  });

  it('appends the ids to each message of the CAP logger, under its component', () => {
    const log = traced('obs-test-a', { docnum: '0000000001004242', idoc: 'id-1' });
    log.info('IDoc accepted');
    log.warn('IDoc rejected', 'detail');
    expect(lines).toEqual(['[obs-test-a] - IDoc accepted docnum=0000000001004242 idoc=id-1', '[obs-test-a] - IDoc rejected docnum=0000000001004242 idoc=id-1 detail']);
  });

  it('adds ids in a child, later ones winning', () => {
    const parent = traced('obs-test-b', { docnum: '1', shipment: 'S/1' });
    parent.child({ tx: 'ab', shipment: 'S/2' }).info('committed');
    expect(lines).toEqual(['[obs-test-b] - committed docnum=1 shipment=S/2 tx=ab']);
    expect(parent.ids).toEqual({ docnum: '1', shipment: 'S/1' });
  });

  it('follows the level set for its component and writes nothing below it', () => {
    cds.log('obs-test-c', 'warn');
    const log = traced('obs-test-c', { docnum: '1' });
    log.info('not written');
    log.debug('not written');
    log.error('written');
    expect(lines).toEqual(['[obs-test-c] - written docnum=1']);
  });
});
