/**
 * The admin HTTP API (JSON in and out) for fault injection and status, on 127.0.0.1 only:
 *   GET    /status               height, transaction counts, pending faults, open streams, chaincode pid
 *   GET    /faults               pending faults
 *   POST   /faults               {failEndorsements?, mvccConflicts?, commitDelayMs?, refuseSeconds?, dropStreams?}
 *   POST   /faults/drop-streams  end every open event stream now (UNAVAILABLE)
 *   DELETE /faults               clear all faults
 *   GET    /peers                the peers of a multi-peer devnet: address, stopped, pending tamperings
 *   POST   /peers/<MSPID>        {stopped?, tamperEndorsements?} stop/start that org's peer, make it sign altered responses
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FaultSettings, FaultStatus, Faults } from './faults';
import { UnknownPeerError, type PeerSet, type PeerStatus } from '../server/peers';

export interface AdminStatus {
  channel: string;
  chaincode: string;
  height: number;
  transactions: { total: number; valid: number };
  openStreams: number;
  /** Process id of the chaincode process devnet started (null when dialled or in-process). */
  chaincodePid: number | null;
  faults: FaultStatus;
  /** Multi-peer devnet only. */
  peers?: PeerStatus[];
}

export interface AdminHooks {
  faults: Faults;
  status(): AdminStatus;
  /** Ends open event streams; returns how many. */
  dropStreams(): number;
  /** The peers of a multi-peer devnet; undefined when one peer serves every organisation. */
  peers?: PeerSet;
}

const MAX_BODY = 64 * 1024;

class HttpError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  let body = '';
  for await (const chunk of req) {
    body += String(chunk);
    if (body.length > MAX_BODY) throw new HttpError(413, 'request body too large');
  }
  if (body.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new HttpError(400, 'request body is not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new HttpError(400, 'a JSON object is expected');
  return parsed as Record<string, unknown>;
}

function optionalNumber(body: Record<string, unknown>, name: keyof FaultSettings): number | undefined {
  const value = body[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'number') throw new HttpError(400, `${name} must be a number`);
  return value;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function route(hooks: AdminHooks, req: IncomingMessage): Promise<{ status: number; body: unknown }> {
  const path = new URL(req.url ?? '/', 'http://devnet').pathname.replace(/\/+$/, '') || '/';
  const method = req.method ?? 'GET';
  if (method === 'GET' && path === '/status') return { status: 200, body: hooks.status() };
  if (method === 'GET' && path === '/faults') return { status: 200, body: hooks.faults.status() };
  if (method === 'DELETE' && path === '/faults') {
    hooks.faults.clear();
    return { status: 200, body: hooks.faults.status() };
  }
  if (method === 'POST' && path === '/faults/drop-streams') return { status: 200, body: { dropped: hooks.dropStreams() } };
  if (method === 'POST' && path === '/faults') {
    const body = await readJson(req);
    const settings: FaultSettings = {
      failEndorsements: optionalNumber(body, 'failEndorsements'),
      mvccConflicts: optionalNumber(body, 'mvccConflicts'),
      commitDelayMs: optionalNumber(body, 'commitDelayMs'),
      refuseSeconds: optionalNumber(body, 'refuseSeconds'),
    };
    try {
      hooks.faults.apply(settings);
    } catch (err) {
      throw new HttpError(400, err instanceof Error ? err.message : String(err));
    }
    // A refusing peer also loses its open streams.
    const dropped = body.dropStreams === true || (settings.refuseSeconds ?? 0) > 0 ? hooks.dropStreams() : 0;
    return { status: 200, body: { ...hooks.faults.status(), dropped } };
  }
  if (path === '/peers' || path.startsWith('/peers/')) return peerRoute(hooks, method, path, req);
  throw new HttpError(404, `no route ${method} ${path}`);
}

async function peerRoute(hooks: AdminHooks, method: string, path: string, req: IncomingMessage): Promise<{ status: number; body: unknown }> {
  const peers = hooks.peers;
  if (!peers) throw new HttpError(404, 'this devnet runs one peer for every organisation (start it with peers / DEVNET_PEERS)');
  if (method === 'GET' && path === '/peers') return { status: 200, body: peers.status() };
  const mspId = decodeURIComponent(path.slice('/peers/'.length));
  if (method === 'GET' && mspId) {
    const found = peers.status().find((peer) => peer.mspId === mspId);
    if (!found) throw new HttpError(404, `no peer for ${mspId}`);
    return { status: 200, body: found };
  }
  if (method !== 'POST' || !mspId) throw new HttpError(404, `no route ${method} ${path}`);
  const body = await readJson(req);
  if (body.stopped !== undefined && typeof body.stopped !== 'boolean') throw new HttpError(400, 'stopped must be a boolean');
  if (body.tamperEndorsements !== undefined && typeof body.tamperEndorsements !== 'number') throw new HttpError(400, 'tamperEndorsements must be a number');
  try {
    return { status: 200, body: peers.apply(mspId, { stopped: body.stopped as boolean | undefined, tamperEndorsements: body.tamperEndorsements as number | undefined }) };
  } catch (err) {
    if (err instanceof UnknownPeerError) throw new HttpError(404, err.message);
    throw new HttpError(400, err instanceof Error ? err.message : String(err));
  }
}

export interface AdminServer {
  url: string;
  close(): Promise<void>;
}

export async function startAdminServer(hooks: AdminHooks, port: number, host = '127.0.0.1'): Promise<AdminServer> {
  const server: Server = createServer((req, res) => {
    route(hooks, req).then(
      (result) => send(res, result.status, result.body),
      (err: unknown) => send(res, err instanceof HttpError ? err.status : 500, { error: err instanceof Error ? err.message : String(err) }),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port: actual } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${actual}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
