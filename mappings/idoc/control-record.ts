import { IdocError } from '../errors';
import type { Segment } from './segment';
import { field, requiredField } from './segment';
import { stripLeadingZeros } from './values';

/** EDI_DC40, the control record: who sent which IDoc of which type. */
export interface ControlRecord {
  /** IDoc number as sent; undefined when middleware stripped it. */
  docnum?: string;
  idocType: string;
  messageType: string;
  extensionType?: string;
  client?: string;
  senderPort?: string;
  senderPartnerType?: string;
  senderPartner: string;
  receiverPort?: string;
  receiverPartner?: string;
  /** CREDAT + CRETIM as sent (YYYYMMDD, HHMMSS), in the sender's time. */
  createdDate?: string;
  createdTime?: string;
  serial?: string;
}

export function readControlRecord(control: Segment | undefined): ControlRecord {
  if (!control) {
    throw new IdocError({ code: 'MISSING_SEGMENT', message: 'The IDoc has no control record EDI_DC40', segment: 'EDI_DC40' });
  }
  const docnum = field(control, 'DOCNUM');
  const senderPartner = field(control, 'SNDPRN');
  if (docnum !== undefined && !/^\d{1,16}$/.test(docnum)) {
    throw new IdocError({ code: 'INVALID_FIELD', message: `DOCNUM "${docnum}" is not an IDoc number (up to 16 digits)`, segment: 'EDI_DC40', field: 'DOCNUM' });
  }
  return {
    // SAP pads DOCNUM to 16 digits; some middleware strips the zeros. One form for both.
    docnum: docnum === undefined ? undefined : stripLeadingZeros(docnum).padStart(16, '0'),
    idocType: requiredField(control, 'IDOCTYP').toUpperCase(),
    messageType: requiredField(control, 'MESTYP').toUpperCase(),
    extensionType: field(control, 'CIMTYP'),
    client: field(control, 'MANDT'),
    senderPort: field(control, 'SNDPOR'),
    senderPartnerType: field(control, 'SNDPRT'),
    senderPartner: senderPartner ?? requiredField(control, 'SNDPRN'),
    receiverPort: field(control, 'RCVPOR'),
    receiverPartner: field(control, 'RCVPRN'),
    createdDate: field(control, 'CREDAT'),
    createdTime: field(control, 'CRETIM'),
    serial: field(control, 'SERIAL'),
  };
}
