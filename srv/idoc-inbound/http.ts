import cds from '@sap/cds';
import express from 'express';
import type { NextFunction, Request, Response } from 'express';
import type { InboundConfig } from '../config';
import type { IdocResult } from './ingest';
import { receiveXmlPacket, UnreadableDocumentError } from './ingest';

/**
 * `POST /idoc/xml`: IDocs as SAP's XML-HTTP port sends them. Answers 200 only once every IDoc of
 * the packet is durably stored, with one result per IDoc in order. When an IDoc of the packet
 * is not accepted, the status is that of the first failure (409 conflict, 422 rejected) and the
 * body still lists every IDoc's result: the good ones are kept.
 */

const XML_TYPES = new Set(['application/xml', 'text/xml', 'application/x-sap.idoc']);

interface ErrorBody {
  code: string;
  message: string;
  segment?: string;
  field?: string;
  line?: number;
  column?: number;
  id?: string;
}

export class HttpProblem extends Error {
  constructor(readonly status: number, readonly body: ErrorBody) {
    super(body.message);
    this.name = 'HttpProblem';
  }
}

function contentTypeOf(request: Request): { mediaType: string; charset?: string } {
  const header = request.headers['content-type'] ?? '';
  const [mediaType = '', ...parameters] = header.split(';').map((part) => part.trim());
  const charset = parameters.find((part) => /^charset=/i.test(part))?.split('=')[1]?.replace(/"/g, '');
  return { mediaType: mediaType.toLowerCase(), charset };
}

/** The charset from the header wins (RFC 7303); else a byte order mark, the XML declaration, UTF-8. */
export function decodeBody(body: Buffer, declaredCharset: string | undefined): string {
  let charset = declaredCharset;
  if (!charset) {
    if (body[0] === 0xff && body[1] === 0xfe) charset = 'utf-16le';
    else if (body[0] === 0xfe && body[1] === 0xff) charset = 'utf-16be';
    else charset = /^<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(body.subarray(0, 200).toString('latin1'))?.[1] ?? 'utf-8';
  }
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(charset.toLowerCase(), { fatal: true });
  } catch {
    throw new HttpProblem(415, { code: 'UNSUPPORTED_CHARSET', message: `Charset "${charset}" is not supported` });
  }
  try {
    return decoder.decode(body);
  } catch {
    throw new HttpProblem(400, { code: 'BAD_ENCODING', message: `The body is not valid ${charset}` });
  }
}

function requireIngestRole(request: Request, response: Response, next: NextFunction): void {
  const user = cds.context?.user;
  if (!user || user.is('authenticated-user') === false) {
    response.setHeader('WWW-Authenticate', 'Basic realm="Lading"');
    next(new HttpProblem(401, { code: 'UNAUTHENTICATED', message: 'Authentication required (HTTP basic, technical user with the ingest role)' }));
    return;
  }
  if (!user.is('ingest')) {
    next(new HttpProblem(403, { code: 'FORBIDDEN', message: `User ${user.id} lacks the ingest role` }));
    return;
  }
  next();
}

function requireXml(request: Request, _response: Response, next: NextFunction): void {
  const { mediaType } = contentTypeOf(request);
  if (!XML_TYPES.has(mediaType)) {
    next(new HttpProblem(415, { code: 'UNSUPPORTED_MEDIA_TYPE', message: `Content-Type must be application/xml or text/xml, got "${mediaType || 'none'}"` }));
    return;
  }
  next();
}

const HTTP_STATUS_OF_CODE: Record<string, number> = {
  MALFORMED_XML: 400, FORBIDDEN_DECLARATION: 400, LIMIT_EXCEEDED: 400, DOCNUM_CONFLICT: 409,
};

function statusOf(results: IdocResult[]): { status: number; failure?: IdocResult } {
  const failure = results.find((result) => result.outcome === 'conflict' || result.outcome === 'rejected');
  if (!failure) return { status: 200 };
  return { status: HTTP_STATUS_OF_CODE[failure.error?.code ?? ''] ?? 422, failure };
}

function publicResult(result: IdocResult): Record<string, unknown> {
  const { docnum, id, status, message, outcome, error } = result;
  return { docnum, id, status, message, outcome, ...(error ? { error } : {}) };
}

export function idocXmlRoute(config: InboundConfig): express.Router {
  const router = express.Router();
  // Authentication before body parsing: an anonymous caller never gets 20 MB read.
  router.post(
    '/idoc/xml',
    ...cds.middlewares.before,
    requireIngestRole,
    requireXml,
    express.raw({ type: () => true, limit: config.maxPayloadBytes }),
    async (request: Request, response: Response, next: NextFunction) => {
      try {
        const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        const document = decodeBody(body, contentTypeOf(request).charset);
        const { results } = await receiveXmlPacket(document, config);
        const { status, failure } = statusOf(results);
        const idocs = results.map(publicResult);
        response.status(status).json(failure ? { error: failure.error, idocs } : { idocs });
      } catch (error) {
        next(error);
      }
    },
  );
  router.use('/idoc', idocErrorHandler);
  return router;
}

/** CAP's error middleware does not cover custom routes: errors are answered here, as JSON. */
export function idocErrorHandler(error: unknown, _request: Request, response: Response, _next: NextFunction): void {
  if (error instanceof HttpProblem) {
    response.status(error.status).json({ error: error.body });
    return;
  }
  if (error instanceof UnreadableDocumentError) {
    const status = HTTP_STATUS_OF_CODE[error.reason.code] ?? 422;
    response.status(status).json({ error: { ...error.reason.toJSON(), id: error.storedId } });
    return;
  }
  const httpError = error as { type?: string; status?: number; statusCode?: number; code?: string; message?: string };
  if (httpError.type === 'entity.too.large') {
    response.status(413).json({ error: { code: 'PAYLOAD_TOO_LARGE', message: 'The IDoc document is larger than the configured limit (IDOC_MAX_BYTES)' } });
    return;
  }
  const status = httpError.statusCode ?? httpError.status;
  if (status === 401) {
    response.setHeader('WWW-Authenticate', 'Basic realm="Lading"');
    response.status(401).json({ error: { code: 'UNAUTHENTICATED', message: httpError.message ?? 'Unauthorized' } });
    return;
  }
  cds.log('idoc').error('IDoc inbound failed', error);
  response.status(500).json({ error: { code: 'INTERNAL', message: 'The IDoc could not be stored; nothing was accepted. Resend it.' } });
}
