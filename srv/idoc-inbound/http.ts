import cds from '@sap/cds';
import express from 'express';
import type { NextFunction, Request, Response } from 'express';
import type { IdocErrorBody, SoapIdocResult } from '../../mappings';
import type { InboundConfig } from '../config';
import { readIdocFlat, readIdocSoap, soapFaultEnvelope, soapResultsEnvelope } from '../../mappings';
import type { DocumentReader, IdocResult, Transport } from './ingest';
import { receiveDocument, receiveXmlPacket, UnreadableDocumentError } from './ingest';
import { idocsAnswered } from '../observability/trail';

/**
 * `POST /idoc/xml`: IDocs as SAP's XML-HTTP port sends them. Answers 200 only once every IDoc of
 * the packet is durably stored, with one result per IDoc in order. When an IDoc of the packet
 * is not accepted, the status is that of the first failure (409 conflict, 422 rejected) and the
 * body still lists every IDoc's result: the good ones are kept.
 *
 * `POST /idoc/soap` (SAP PI / Integration Suite SOAP envelopes) and `POST /idoc/flat` (file-port
 * flat files) do the same with the same statuses; only the reader differs. /idoc/soap answers in
 * SOAP (a Fault for errors) when the request's Accept names an XML type, in JSON otherwise. The
 * Fault keeps the HTTP status of the JSON answer (400/409/413/415/422/500) rather than SOAP 1.1's
 * blanket 500, so that a sender retries exactly what a JSON client would retry (5xx only).
 */

const XML_TYPES = new Set(['application/xml', 'text/xml', 'application/x-sap.idoc']);
const SOAP_TYPES = new Set(['text/xml', 'application/soap+xml', 'application/xml']);
const FLAT_TYPES = new Set(['text/plain', 'application/octet-stream']);

type ErrorBody = IdocErrorBody;

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

function requireMediaType(accepted: Set<string>, names: string) {
  return (request: Request, _response: Response, next: NextFunction): void => {
    const { mediaType } = contentTypeOf(request);
    if (!accepted.has(mediaType)) {
      next(new HttpProblem(415, { code: 'UNSUPPORTED_MEDIA_TYPE', message: `Content-Type must be ${names}, got "${mediaType || 'none'}"` }));
      return;
    }
    next();
  };
}

const requireXml = requireMediaType(XML_TYPES, 'application/xml or text/xml');

const HTTP_STATUS_OF_CODE: Record<string, number> = {
  MALFORMED_XML: 400, FORBIDDEN_DECLARATION: 400, LIMIT_EXCEEDED: 400, DOCNUM_CONFLICT: 409,
};

function statusOf(results: IdocResult[]): { status: number; failure?: IdocResult } {
  const failure = results.find((result) => result.outcome === 'conflict' || result.outcome === 'rejected');
  if (!failure) return { status: 200 };
  return { status: HTTP_STATUS_OF_CODE[failure.error?.code ?? ''] ?? 422, failure };
}

/** SOAP clients (PI's SOAP adapter) send Accept: text/xml or application/soap+xml; JSON clients get JSON. */
function wantsSoap(request: Request): boolean {
  return /\b(text\/xml|application\/soap\+xml|application\/xml)\b/i.test(request.headers.accept ?? '');
}

function soapAnswer(request: Request, response: Response, status: number, error: ErrorBody | undefined, idocs: SoapIdocResult[]): void {
  // The answer's envelope version follows the request's: SOAP 1.2 is application/soap+xml.
  const version = contentTypeOf(request).mediaType === 'application/soap+xml' ? '1.2' : '1.1';
  response.status(status).type(version === '1.2' ? 'application/soap+xml; charset=utf-8' : 'text/xml; charset=utf-8');
  response.send(error ? soapFaultEnvelope(version, status, error, idocs) : soapResultsEnvelope(version, idocs));
}

function publicResult(result: IdocResult): SoapIdocResult {
  const { docnum, id, status, message, outcome, error } = result;
  return { docnum, id, status, message, outcome, ...(error ? { error } : {}) };
}

interface RouteDefinition {
  path: string;
  checkMediaType: (request: Request, response: Response, next: NextFunction) => void;
  receive: (document: string, config: InboundConfig) => Promise<{ results: IdocResult[] }>;
  /** SOAP routes answer in SOAP when the client asks for XML. */
  soap?: boolean;
}

function documentRoute(router: express.Router, config: InboundConfig, route: RouteDefinition): void {
  // Authentication before body parsing: an anonymous caller never gets 20 MB read.
  router.post(
    route.path,
    ...cds.middlewares.before,
    requireIngestRole,
    route.checkMediaType,
    express.raw({ type: () => true, limit: config.maxPayloadBytes }),
    async (request: Request, response: Response, next: NextFunction) => {
      try {
        const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        const document = decodeBody(body, contentTypeOf(request).charset);
        const { results } = await route.receive(document, config);
        idocsAnswered(route.path.slice('/idoc/'.length), results);
        const { status, failure } = statusOf(results);
        const idocs = results.map(publicResult);
        if (route.soap && wantsSoap(request)) {
          soapAnswer(request, response, status, failure?.error, idocs);
          return;
        }
        response.status(status).json(failure ? { error: failure.error, idocs } : { idocs });
      } catch (error) {
        next(error);
      }
    },
  );
}

function receiveWith(transport: Transport, read: DocumentReader) {
  return (document: string, config: InboundConfig) => receiveDocument(document, transport, read, config);
}

export function idocXmlRoute(config: InboundConfig): express.Router {
  const router = express.Router();
  documentRoute(router, config, { path: '/idoc/xml', checkMediaType: requireXml, receive: receiveXmlPacket });
  documentRoute(router, config, {
    path: '/idoc/soap',
    checkMediaType: requireMediaType(SOAP_TYPES, 'text/xml or application/soap+xml'),
    receive: receiveWith('soap', (document) => readIdocSoap(document)),
    soap: true,
  });
  documentRoute(router, config, {
    path: '/idoc/flat',
    checkMediaType: requireMediaType(FLAT_TYPES, 'text/plain or application/octet-stream'),
    receive: receiveWith('flat', (document) => readIdocFlat(document)),
  });
  router.use('/idoc/soap', soapErrorHandler);
  router.use('/idoc', idocErrorHandler);
  return router;
}

/** On /idoc/soap, errors become SOAP Faults (same HTTP status) when the client asked for XML. */
function soapErrorHandler(error: unknown, request: Request, response: Response, next: NextFunction): void {
  if (!wantsSoap(request)) {
    next(error);
    return;
  }
  const { status, body, headers } = problemOf(error);
  for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
  soapAnswer(request, response, status, body, []);
}

interface Problem {
  status: number;
  body: ErrorBody;
  headers: Record<string, string>;
}

/** Every failure of an inbound route as status and error body, whatever format answers it. */
function problemOf(error: unknown): Problem {
  if (error instanceof HttpProblem) {
    const headers: Record<string, string> = error.status === 401 ? { 'WWW-Authenticate': 'Basic realm="Lading"' } : {};
    return { status: error.status, body: error.body, headers };
  }
  if (error instanceof UnreadableDocumentError) {
    return { status: HTTP_STATUS_OF_CODE[error.reason.code] ?? 422, body: { ...error.reason.toJSON(), id: error.storedId }, headers: {} };
  }
  const httpError = error as { type?: string; status?: number; statusCode?: number; code?: string; message?: string };
  if (httpError.type === 'entity.too.large') {
    return { status: 413, body: { code: 'PAYLOAD_TOO_LARGE', message: 'The IDoc document is larger than the configured limit (IDOC_MAX_BYTES)' }, headers: {} };
  }
  const status = httpError.statusCode ?? httpError.status;
  if (status === 401) {
    return { status: 401, body: { code: 'UNAUTHENTICATED', message: httpError.message ?? 'Unauthorized' }, headers: { 'WWW-Authenticate': 'Basic realm="Lading"' } };
  }
  cds.log('idoc').error('IDoc inbound failed', error);
  return { status: 500, body: { code: 'INTERNAL', message: 'The IDoc could not be stored; nothing was accepted. Resend it.' }, headers: {} };
}

/** CAP's error middleware does not cover custom routes: errors are answered here, as JSON. */
export function idocErrorHandler(error: unknown, _request: Request, response: Response, _next: NextFunction): void {
  const { status, body, headers } = problemOf(error);
  for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
  response.status(status).json({ error: body });
}
