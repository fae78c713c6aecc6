import { DELVRY_LAYOUTS } from './delvry';
import { SHPMNT_LAYOUTS } from './shpmnt';
import { CUSTOMS_LAYOUTS } from './customs';
import { INVOIC_LAYOUTS } from './invoic';
import type { SegmentLayout } from './records';

/**
 * Every segment layout the flat reader knows, by segment type. Segment types are global in SAP
 * (E1EDL20 is the same inside DELVRY07 and SHPMNT05), so one table serves every basic type;
 * a new basic type adds its file here.
 */
export const SEGMENT_LAYOUTS: Readonly<Record<string, SegmentLayout>> = {
  ...DELVRY_LAYOUTS,
  ...INVOIC_LAYOUTS,
  ...SHPMNT_LAYOUTS,
  ...CUSTOMS_LAYOUTS,
};
