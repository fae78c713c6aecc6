import type { IdocMapper } from '../mapped-idoc';
import { mapDelivery } from './delvry';

/** DELVRY01/03/05/06/07 as SAP sends them for outbound deliveries (DESADV, SHPCON, WHSCON, ...). */
export const deliveryMapper: IdocMapper = {
  kind: 'delivery',
  idocTypes: new Set(['DELVRY01', 'DELVRY03', 'DELVRY05', 'DELVRY06', 'DELVRY07']),
  messageTypes: new Set(['DESADV', 'SHPCON', 'WHSCON', 'DELVRY', 'SHPORD', 'WHSORD']),
  map(control, segments, options) {
    const { shipment, events } = mapDelivery(segments, { control, ...options });
    return { kind: 'delivery', shipment, events, shipmentIds: [shipment.shipmentId], summary: `delivery ${shipment.deliveryNumber}` };
  },
};
