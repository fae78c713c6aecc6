import { decimalField } from '../../mappings/idoc/values';
import {
  buildCustomsStatus,
  buildProofOfDelivery,
  buildShipmentDeadlines,
  type CustomsDecision,
  type TransportMilestone,
} from '../../mappings/outbound';
import { CREATED_AT, ENVELOPE, named, only, readBack } from './outbound-support';

describe('STPPOD on DELVRY07', () => {
  const built = buildProofOfDelivery(ENVELOPE, {
    sourceEventId: 'evt-pod-1',
    delivery: '80004242',
    deliveredAt: '2026-11-30T13:05:00Z',
    items: [
      { item: '10', deliveredQuantity: 10, unit: 'PC' },
      { item: '20', deliveredQuantity: 11, acceptedQuantity: 9, unit: 'PC', reason: 'Z001' },
      { item: '30', deliveredQuantity: 12, acceptedQuantity: 12.5, unit: 'PC' },
    ],
  }, { createdAt: CREATED_AT, deviationReason: 'Z999' });
  const { root, idoc, control } = readBack(built.xml);
  const header = only(idoc.segments, 'E1EDL20');
  const items = named(header.children, 'E1EDL24');

  it('is a DELVRY07 IDoc of message type STPPOD with the POD time', () => {
    expect(root).toBe('DELVRY07');
    expect(control).toMatchObject({ IDOCTYP: 'DELVRY07', MESTYP: 'STPPOD', DIRECT: '2' });
    expect(header.fields).toEqual({ VBELN: '0080004242', PODAT: '20261130', POTIM: '130500' });
  });

  it.each([
    ['000010', '10.000', undefined],
    ['000020', '11.000', { GRUND: 'Z001', PODMG: '9.000', LFIMG_DIFF: '2.000-', VRKME: 'PC' }],
    ['000030', '12.000', { GRUND: 'Z999', PODMG: '12.500', LFIMG_DIFF: '0.500', VRKME: 'PC' }],
  ])('item %s delivered %s, deviation %o', (posnr, lfimg, deviation) => {
    const item = items.find((i) => i.fields.POSNR === posnr);
    expect(item?.fields).toEqual({ POSNR: posnr, LFIMG: lfimg, VRKME: 'PC' });
    const deviations = named(item?.children ?? [], 'E1EDL53');
    expect(deviations.map((d) => d.fields)).toEqual(deviation ? [deviation] : []);
  });

  it('writes quantities the inbound reader reads as numbers (trailing minus included)', () => {
    const deviation = only(items[1]?.children ?? [], 'E1EDL53');
    expect(decimalField(deviation, 'LFIMG_DIFF')).toBe(-2);
  });

  it('refuses a deviation without a reason, and derives the DOCNUM from the source event', () => {
    expect(() => buildProofOfDelivery(ENVELOPE, {
      sourceEventId: 'e', delivery: '1', deliveredAt: CREATED_AT, items: [{ item: '10', deliveredQuantity: 2, acceptedQuantity: 1, unit: 'PC' }],
    }, { createdAt: CREATED_AT })).toThrow(expect.objectContaining({ segment: 'E1EDL53', field: 'GRUND' }));
    const again = buildProofOfDelivery(ENVELOPE, { sourceEventId: 'evt-pod-1', delivery: '80004242', deliveredAt: CREATED_AT, items: [] }, { createdAt: CREATED_AT });
    expect(again.docnum).toBe(built.docnum);
  });
});

describe('SHPMNT05 shipment deadlines', () => {
  it.each([
    ['loaded', '004'],
    ['departed', '006'],
    ['arrived', '007'],
    ['discharged', 'Z01'],
  ] as const)('%s → E1EDT10 QUALF %s with the actual time in UTC', (milestone: TransportMilestone, qualf) => {
    const built = buildShipmentDeadlines(ENVELOPE, {
      source: `evt-${milestone}`,
      shipmentNumber: '1234',
      deadlines: [{ milestone, actualAt: '2026-11-27T06:30:00+01:00', plannedAt: '2026-11-27T05:00:00Z' }],
    }, { createdAt: CREATED_AT });
    const { root, idoc, control } = readBack(built.xml);
    expect(root).toBe('SHPMNT05');
    expect(control).toMatchObject({ IDOCTYP: 'SHPMNT05', MESTYP: 'SHPMNT' });
    const header = only(idoc.segments, 'E1EDT20');
    expect(header.fields).toEqual({ TKNUM: '0000001234' });
    expect(only(header.children, 'E1EDT10').fields).toEqual({
      QUALF: qualf, NTANF: '20261127', NTANZ: '050000', TZONE_BEG: 'UTC', ISDD: '20261127', ISDZ: '053000',
    });
  });

  it('names the shipment by EXTI1 when TKNUM is unknown, and takes qualifiers from the caller', () => {
    const built = buildShipmentDeadlines(ENVELOPE, {
      source: 'evt-x', externalId: 'MAEU-BKG-77', deadlines: [{ milestone: 'arrived', actualAt: CREATED_AT }],
    }, { createdAt: CREATED_AT, qualifiers: { arrived: 'Z10' } });
    const header = only(readBack(built.xml).idoc.segments, 'E1EDT20');
    expect(header.fields).toEqual({ EXTI1: 'MAEU-BKG-77' });
    expect(only(header.children, 'E1EDT10').fields.QUALF).toBe('Z10');
  });

  it.each([
    ['no shipment id', { source: 's', deadlines: [{ milestone: 'arrived' as const, actualAt: CREATED_AT }] }],
    ['no deadlines', { source: 's', shipmentNumber: '1', deadlines: [] }],
    ['a deadline without times', { source: 's', shipmentNumber: '1', deadlines: [{ milestone: 'arrived' as const }] }],
  ])('refuses %s', (_, update) => {
    expect(() => buildShipmentDeadlines(ENVELOPE, update, { createdAt: CREATED_AT })).toThrow();
  });
});

describe('customs status: extension ZLADING_CUSTOMS01 of DELVRY07', () => {
  it.each([
    ['released', 'RELS'],
    ['held', 'HOLD'],
    ['inspection', 'INSP'],
    ['exit-confirmed', 'EXIT'],
  ] as const)('%s → STATUS %s', (decision: CustomsDecision, code) => {
    const built = buildCustomsStatus(ENVELOPE, {
      ledgerEventId: `evt-customs-${decision}`,
      delivery: '0080004242',
      declarationNumber: '26DE004851000042A1',
      decision,
      decidedAt: '2026-11-26T14:00:00Z',
      customsOffice: 'DE004851',
      reason: decision === 'held' ? 'Documents & certificate missing' : undefined,
    }, { createdAt: CREATED_AT });
    const { root, idoc, control } = readBack(built.xml);
    expect(root).toBe('ZLADING_CUSTOMS01');
    expect(control).toMatchObject({ IDOCTYP: 'DELVRY07', CIMTYP: 'ZLADING_CUSTOMS01', MESTYP: 'ZLADING_CUSTOMS' });
    const header = only(idoc.segments, 'E1EDL20');
    expect(header.fields).toEqual({ VBELN: '0080004242' });
    expect(only(header.children, 'Z1LADING_CUSTOMS').fields).toEqual({
      MRN: '26DE004851000042A1',
      STATUS: code,
      OFFICE: 'DE004851',
      DECDAT: '20261126',
      DECTIM: '140000',
      TZONE: 'UTC',
      ...(decision === 'held' ? { REASON: 'Documents & certificate missing' } : {}),
      LEDGER_EVENT: `evt-customs-${decision}`,
    });
  });
});
