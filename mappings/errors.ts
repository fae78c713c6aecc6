/**
 * Why an IDoc could not be read or mapped. Every error names what a person fixing the IDoc in
 * SAP needs: the segment and field, or the line and column of malformed XML.
 */
export type IdocErrorCode =
  | 'MALFORMED_XML'
  | 'FORBIDDEN_DECLARATION'
  | 'LIMIT_EXCEEDED'
  | 'UNKNOWN_IDOC_TYPE'
  | 'MISSING_SEGMENT'
  | 'MISSING_FIELD'
  | 'INVALID_FIELD'
  /** Same sender and DOCNUM as an accepted IDoc, different content. */
  | 'DOCNUM_CONFLICT';

export interface IdocErrorDetails {
  code: IdocErrorCode;
  message: string;
  segment?: string;
  field?: string;
  line?: number;
  column?: number;
}

/** An error as Lading answers it over HTTP: any code (also HTTP-level ones), and the stored IDoc's id. */
export interface IdocErrorBody extends Omit<IdocErrorDetails, 'code'> {
  code: string;
  /** Lading id of the IDoc kept with the failure, when one was kept. */
  id?: string;
}

export class IdocError extends Error {
  readonly code: IdocErrorCode;
  readonly segment?: string;
  readonly field?: string;
  readonly line?: number;
  readonly column?: number;

  constructor(details: IdocErrorDetails, options?: { cause?: unknown }) {
    super(details.message, options);
    this.name = 'IdocError';
    this.code = details.code;
    this.segment = details.segment;
    this.field = details.field;
    this.line = details.line;
    this.column = details.column;
  }

  toJSON(): IdocErrorDetails {
    const { code, message, segment, field, line, column } = this;
    return { code, message, segment, field, line, column };
  }
}

/** Errors that concern one IDoc's content, as opposed to the document that carried it. */
export function isContentError(error: IdocError): boolean {
  return error.code !== 'MALFORMED_XML' && error.code !== 'FORBIDDEN_DECLARATION';
}
