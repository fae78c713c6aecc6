import { IdocError } from './errors';
import type { ControlRecord } from './idoc/control-record';
import type { Segment } from './idoc/segment';
import type { IdocMapper, MappedIdoc, MappingOptions } from './mapped-idoc';
import { deliveryMapper } from './delivery/delivery-mapper';
import { transportMapper } from './transport/transport-mapper';
import { customsMapper } from './customs/customs-mapper';
import { invoiceMapper } from './invoice/invoice-mapper';

/** Every inbound IDoc kind Lading maps. Order does not matter: see IdocMapper.extensionTypes. */
export const IDOC_MAPPERS: readonly IdocMapper[] = [deliveryMapper, customsMapper, invoiceMapper, transportMapper];

function list(values: Iterable<string>): string {
  return [...new Set(values)].sort().join(', ');
}

/** The mapper for a control record, or the error naming the field that rules it out. */
export function mapperFor(control: Pick<ControlRecord, 'idocType' | 'messageType' | 'extensionType'>): IdocMapper {
  const candidates = IDOC_MAPPERS.filter((mapper) => mapper.idocTypes.has(control.idocType));
  if (candidates.length === 0) {
    throw new IdocError({
      code: 'UNKNOWN_IDOC_TYPE',
      message: `Basic type ${control.idocType} is not supported (supported: ${list(IDOC_MAPPERS.flatMap((mapper) => [...mapper.idocTypes]))})`,
      segment: 'EDI_DC40',
      field: 'IDOCTYP',
    });
  }
  const extension = control.extensionType;
  const mapper = candidates.find((candidate) => extension !== undefined && candidate.extensionTypes?.has(extension))
    ?? candidates.find((candidate) => candidate.extensionTypes === undefined);
  if (!mapper) {
    throw new IdocError({
      code: 'UNKNOWN_IDOC_TYPE',
      message: `${control.idocType} is supported only with extension ${list(candidates.flatMap((candidate) => [...candidate.extensionTypes ?? []]))}, not "${extension ?? ''}"`,
      segment: 'EDI_DC40',
      field: 'CIMTYP',
    });
  }
  if (!mapper.messageTypes.has(control.messageType)) {
    throw new IdocError({
      code: 'UNKNOWN_IDOC_TYPE',
      message: `Message type ${control.messageType} is not supported on ${control.idocType} (supported: ${list(mapper.messageTypes)})`,
      segment: 'EDI_DC40',
      field: 'MESTYP',
    });
  }
  return mapper;
}

export function isSupported(control: Pick<ControlRecord, 'idocType' | 'messageType' | 'extensionType'>): boolean {
  try {
    mapperFor(control);
    return true;
  } catch {
    return false;
  }
}

/** Maps one IDoc by its control record's basic type, message type and extension. */
export function mapIdoc(control: ControlRecord, segments: Segment[], options: MappingOptions): MappedIdoc {
  return mapperFor(control).map(control, segments, options);
}
