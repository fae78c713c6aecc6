/**
 * Why an outbound IDoc could not be built. Builders are pure: a bad input is a bug or bad data
 * upstream, never a transient failure, so the error names the segment and field to look at.
 */
export type OutboundIdocErrorCode = 'INVALID_VALUE' | 'VALUE_TOO_LONG' | 'UNKNOWN_FIELD' | 'EMPTY_IDOC';

export interface OutboundIdocErrorDetails {
  code: OutboundIdocErrorCode;
  message: string;
  segment?: string;
  field?: string;
}

export class OutboundIdocError extends Error {
  readonly code: OutboundIdocErrorCode;
  readonly segment?: string;
  readonly field?: string;

  constructor(details: OutboundIdocErrorDetails) {
    super(details.message);
    this.name = 'OutboundIdocError';
    this.code = details.code;
    this.segment = details.segment;
    this.field = details.field;
  }
}
