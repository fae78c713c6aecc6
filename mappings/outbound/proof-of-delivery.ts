import { controlRecord, type IdocEnvelope } from './control-record';
import { deterministicDocnum } from './docnum';
import { OutboundIdocError } from './errors';
import type { OutboundIdoc } from './outbound-idoc';
import { alphaNumber, sapDateTime, sapQuantity } from './sap-values';
import { E1EDL20, E1EDL24, E1EDL53 } from './segment-definitions';
import { writeIdocDocument, type SegmentNode } from './xml-writer';

export interface ProofOfDeliveryItem {
  /** POSNR, e.g. '10' or '000010'. */
  item: string;
  /** LFIMG: the quantity the delivery says was shipped. */
  deliveredQuantity: number;
  /** PODMG: the quantity the ship-to party accepted. Default: as delivered. */
  acceptedQuantity?: number;
  /** VRKME, the sales unit, e.g. 'PC'. */
  unit: string;
  /** GRUND: POD deviation reason as customised in SAP (SPRO, reasons for deviation). */
  reason?: string;
}

export interface ProofOfDelivery {
  /** The ledger event the POD comes from: the DOCNUM is derived from it. */
  sourceEventId: string;
  /** VBELN. */
  delivery: string;
  /** ISO instant of the POD; PODAT/POTIM in UTC (E1EDL20 has no time zone field). */
  deliveredAt: string;
  items: readonly ProofOfDeliveryItem[];
}

export interface ProofOfDeliveryOptions {
  createdAt: string;
  /** GRUND for items whose quantities differ and that carry no reason. Without it such items are refused. */
  deviationReason?: string;
}

function itemSegment(item: ProofOfDeliveryItem, options: ProofOfDeliveryOptions): SegmentNode {
  const posnr = alphaNumber(item.item, 6);
  const accepted = item.acceptedQuantity ?? item.deliveredQuantity;
  if (item.deliveredQuantity < 0 || accepted < 0) {
    throw new OutboundIdocError({ code: 'INVALID_VALUE', message: `Item ${posnr}: quantities must not be negative`, segment: 'E1EDL24', field: 'LFIMG' });
  }
  const difference = accepted - item.deliveredQuantity;
  const differs = Math.abs(difference) >= 0.0005;
  const reason = item.reason ?? (differs ? options.deviationReason : undefined);
  if (differs && reason === undefined) {
    throw new OutboundIdocError({
      code: 'INVALID_VALUE',
      message: `Item ${posnr}: accepted ${accepted} differs from delivered ${item.deliveredQuantity} but no deviation reason is given`,
      segment: 'E1EDL53',
      field: 'GRUND',
    });
  }
  const deviation: SegmentNode[] = differs || item.reason !== undefined
    ? [{
        definition: E1EDL53,
        values: {
          GRUND: reason,
          PODMG: sapQuantity(accepted, `item ${posnr} accepted quantity`),
          // Accepted minus delivered: a shortfall is negative, written with SAP's trailing minus.
          LFIMG_DIFF: sapQuantity(difference, `item ${posnr} difference`),
          VRKME: item.unit,
        },
      }]
    : [];
  return {
    definition: E1EDL24,
    values: { POSNR: posnr, LFIMG: sapQuantity(item.deliveredQuantity, `item ${posnr} delivered quantity`), VRKME: item.unit },
    children: deviation,
  };
}

/**
 * STPPOD on DELVRY07: the ship-to party's proof of delivery. Items without E1EDL53 are
 * confirmed as delivered; E1EDL53 carries the accepted quantity and the reason where it differs.
 */
export function buildProofOfDelivery(envelope: IdocEnvelope, pod: ProofOfDelivery, options: ProofOfDeliveryOptions): OutboundIdoc {
  const at = sapDateTime(pod.deliveredAt, 'deliveredAt');
  const header: SegmentNode = {
    definition: E1EDL20,
    values: { VBELN: alphaNumber(pod.delivery, 10), PODAT: at.date, POTIM: at.time },
    children: pod.items.map((item) => itemSegment(item, options)),
  };
  const docnum = deterministicDocnum(`STPPOD|${pod.sourceEventId}`);
  const control = controlRecord(envelope, { docnum, idocType: 'DELVRY07', messageType: 'STPPOD', createdAt: options.createdAt });
  return { docnum, idocType: 'DELVRY07', messageType: 'STPPOD', xml: writeIdocDocument('DELVRY07', control, [header]) };
}
