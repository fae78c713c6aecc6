export type * from './customs-record';
export type { MappedCustomsIdoc } from '../mapped-idoc';
export type { MappedCustoms } from './customs-mapper';
export { customsMapper, mapCustoms, DECLARATION_EXTENSION, DECLARATION_MESSAGE_TYPE } from './customs-mapper';
export { CUSTOMS_STATUS_EVENTS } from './status-events';
