import type { SegmentLayout } from './records';

/**
 * SDATA layouts of Lading's own customs segments (extension ZLADING_DECL01 of DELVRY07, see
 * mappings/customs/README.md). Lading defines these segments, so their layout is what the SAP
 * team creates in WE31 from that README; 'unconfirmed' until it is compared with the system's WE31.
 */
export const CUSTOMS_LAYOUTS: Readonly<Record<string, SegmentLayout>> = {
  Z1LADING_DECL: {
    source: 'unconfirmed',
    fields: [
      ['DECTYP', 2], ['DECNO', 35], ['MRN', 18], ['OFFICE', 8], ['PROCD', 4], ['STATUS', 4], ['DECDAT', 8],
      ['DECTIM', 6], ['TZONE', 6], ['WAERK', 5], ['REASON', 70], ['LOGSYS', 10],
    ],
  },
  Z1LADING_DECL_ITEM: {
    source: 'unconfirmed',
    fields: [['POSNR', 6], ['STAWN', 17], ['HERKL', 3], ['CUSTVAL', 18], ['WAERK', 5], ['DUTY', 18]],
  },
};
