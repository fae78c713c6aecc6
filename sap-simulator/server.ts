import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleAdmin } from './admin';
import { authenticate, type Credentials } from './auth';
import { CsrfSessions, wantsCsrfToken } from './csrf';
import { DeliveryStore, type DeliverySeed, type SimDelivery } from './deliveries';
import { DELIVERY_SERVICE_PATH, handleDeliveryApi } from './delivery-api';
import { FaultPlan, type ActiveFault, type FaultSpec } from './faults';
import { HttpProblem, header, readBody, sendHtml, sendJson } from './http-util';
import { IDOC_PATH, exactlyOnceMessageId, handleIdocPost } from './idoc-inbound';
import { IdocStore, type IdocFilter, type ReceivedIdoc, type SimulatorStats } from './idoc-store';

export interface SapSimulatorOptions {
  /** TCP port; 0 (the default) picks a free one. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Basic-auth users, name → password. Default { LADING: 'lading' }. Names are case-insensitive, as in SAP. */
  users?: Readonly<Record<string, string>>;
  /** Bearer tokens accepted as OAuth access tokens. Default none. */
  bearerTokens?: readonly string[];
  /** Require a CSRF token on POST /sap/bc/idoc_xml. Default false (SAP's service does not ask for one). */
  csrf?: boolean;
  /** SAP clients that exist; the first is the default when a request names none. Default ['100']. */
  clients?: readonly string[];
  /** Deliveries the delivery API starts with. */
  deliveries?: readonly DeliverySeed[];
  /** Server-driven page size of the delivery API (beyond it: __next). Default 1000. */
  odataPageSize?: number;
  /** Largest IDoc document accepted. Default 50 MB. */
  maxIdocBytes?: number;
}

/** A running simulated SAP system. */
export interface SapSimulator {
  /** http://host:port, without trailing slash. */
  readonly url: string;
  readonly port: number;
  /** Received IDocs, optionally filtered. */
  received(filter?: IdocFilter): ReceivedIdoc[];
  stats(): SimulatorStats;
  /** IDoc POSTs read and not yet answered (under a delay fault: the ones a client may give up on). */
  inFlight(): number;
  seedDeliveries(seeds: readonly DeliverySeed[]): SimDelivery[];
  delivery(document: string): SimDelivery | undefined;
  /** Answer errors (or delay) for the next `count` requests or for `forSeconds`. */
  fail(spec: FaultSpec): ActiveFault;
  clearFaults(): void;
  /** Close the listener (connections refused) until up(). */
  down(): Promise<void>;
  /** Listen again on the same port. */
  up(): Promise<void>;
  /** Forget IDocs, counters, deliveries, faults and CSRF sessions. */
  reset(): void;
  stop(): Promise<void>;
}

/** A request to one of the SAP services, its body read. */
interface ServiceCall {
  url: URL;
  path: string;
  scope: 'idoc' | 'odata';
  method: string;
  body: string;
}

function sapClient(request: IncomingMessage, url: URL, clients: readonly string[]): string | undefined {
  const asked = url.searchParams.get('sap-client') ?? header(request, 'sap-client');
  if (asked === undefined || asked === null) return clients[0];
  return clients.includes(asked) ? asked : undefined;
}

function sleep(ms: number, request: IncomingMessage): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    request.socket.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

class Simulator implements SapSimulator {
  readonly idocs = new IdocStore();
  readonly deliveries = new DeliveryStore();
  readonly faults = new FaultPlan();
  private readonly csrfSessions: CsrfSessions;
  private readonly credentials: Credentials;
  private readonly clients: readonly string[];
  private server: Server | undefined;
  private reopenTimer: NodeJS.Timeout | undefined;
  private postsInFlight = 0;
  port = 0;

  constructor(private readonly options: SapSimulatorOptions) {
    this.clients = options.clients ?? ['100'];
    this.csrfSessions = new CsrfSessions(`sap-XSRF_SIM_${this.clients[0] ?? '000'}`);
    this.credentials = {
      users: new Map(Object.entries(options.users ?? { LADING: 'lading' })),
      bearerTokens: new Set(options.bearerTokens ?? []),
    };
    this.deliveries.upsert(options.deliveries ?? []);
  }

  get url(): string {
    const host = this.options.host ?? '127.0.0.1';
    return `http://${host.includes(':') ? `[${host}]` : host}:${this.port}`;
  }

  async listen(port: number): Promise<void> {
    const server = createServer((request, response) => {
      this.handle(request, response).catch((error: unknown) => this.answerError(response, error));
    });
    // A client closing a kept-alive socket must not take the simulator down.
    server.on('clientError', (_error, socket) => socket.destroy());
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, this.options.host ?? '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
  }

  received(filter?: IdocFilter): ReceivedIdoc[] {
    return this.idocs.list(filter);
  }

  inFlight(): number {
    return this.postsInFlight;
  }

  stats(): SimulatorStats {
    return this.idocs.stats();
  }

  seedDeliveries(seeds: readonly DeliverySeed[]): SimDelivery[] {
    return this.deliveries.upsert(seeds);
  }

  delivery(document: string): SimDelivery | undefined {
    return this.deliveries.get(document);
  }

  fail(spec: FaultSpec): ActiveFault {
    return this.faults.set(spec);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  async down(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // Kept-alive connections would otherwise still be served.
    server.closeAllConnections();
    await closed;
  }

  async up(): Promise<void> {
    if (this.reopenTimer) clearTimeout(this.reopenTimer);
    this.reopenTimer = undefined;
    if (!this.server) await this.listen(this.port);
  }

  reset(): void {
    this.idocs.clear();
    this.deliveries.clear();
    this.faults.clear();
    this.csrfSessions.clear();
  }

  async stop(): Promise<void> {
    if (this.reopenTimer) clearTimeout(this.reopenTimer);
    this.reopenTimer = undefined;
    await this.down();
  }

  private goDown(forSeconds: number | undefined): void {
    void this.down().then(() => {
      if (forSeconds !== undefined && forSeconds > 0) {
        this.reopenTimer = setTimeout(() => void this.up().catch(() => undefined), forSeconds * 1000);
      }
    });
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://simulator');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    if (path === '/admin' || path.startsWith('/admin/')) {
      return handleAdmin(request, response, url, {
        idocs: this.idocs,
        deliveries: this.deliveries,
        faults: this.faults,
        goDown: (forSeconds) => this.goDown(forSeconds),
        reset: () => this.reset(),
      });
    }
    const scope: ServiceCall['scope'] | undefined = path === IDOC_PATH ? 'idoc' : path.startsWith(DELIVERY_SERVICE_PATH) ? 'odata' : undefined;
    if (!scope) throw new HttpProblem(404, `Service ${path} not found (ICF node inactive?)`);
    this.idocs.requests.total++;
    const method = request.method ?? 'GET';
    // The body is in before any injected delay: a slow SAP still processes what it was sent,
    // even when the client gave up waiting (the "outcome unknown" case a resend must survive).
    const idocPost = scope === 'idoc' && method === 'POST';
    const body = idocPost ? await readBody(request, this.options.maxIdocBytes ?? 50 * 1024 * 1024) : '';
    const call: ServiceCall = { url, path, scope, method, body };
    if (!idocPost) return this.respond(request, response, call);
    this.postsInFlight++;
    try {
      await this.respond(request, response, call);
    } finally {
      this.postsInFlight--;
    }
  }

  /** Everything after the body is in: faults, client, authentication, CSRF, then the service. */
  private async respond(request: IncomingMessage, response: ServerResponse, call: ServiceCall): Promise<void> {
    const { url, path, scope, method, body } = call;
    const fault = this.faults.take(scope, { idocPost: scope === 'idoc' && method === 'POST' });
    if (fault && fault.delayMs > 0) await sleep(fault.delayMs, request);
    if (fault?.status !== undefined && !fault.lostAnswer) {
      this.idocs.requests.faulted++;
      // A redirect is what a misconfigured logon (SAML, form logon) looks like from outside.
      const redirect: Record<string, string> = fault.status < 400 ? { location: '/sap/public/bc/icf/logon?sap-client=000' } : {};
      return sendHtml(response, fault.status, 'Service unavailable', 'The SAP simulator was told to fail this request', redirect);
    }
    const client = sapClient(request, url, this.clients);
    const user = client === undefined ? undefined : authenticate(request, this.credentials);
    if (user === undefined || client === undefined) {
      this.idocs.requests.unauthorized++;
      return sendHtml(response, 401, 'Logon failed', client === undefined ? 'Client does not exist' : 'Logon with the given credentials failed', {
        'www-authenticate': `Basic realm="SAP NetWeaver Application Server [SIM/${client ?? this.clients[0]}]"`,
      });
    }
    const csrfHeaders: Record<string, string> = {};
    if ((method === 'GET' || method === 'HEAD') && wantsCsrfToken(request) && (this.options.csrf || scope === 'odata')) {
      const issued = this.csrfSessions.issue(request, user);
      csrfHeaders['x-csrf-token'] = issued.token;
      if (issued.setCookie) csrfHeaders['set-cookie'] = issued.setCookie;
    }
    if (scope === 'odata') {
      if (method !== 'GET') throw new HttpProblem(405, 'The delivery API is read-only here');
      for (const [name, value] of Object.entries(csrfHeaders)) response.setHeader(name, value);
      return handleDeliveryApi(path, url, response, this.deliveries, this.options.odataPageSize ?? 1000, this.url);
    }
    if (method === 'GET' || method === 'HEAD') {
      // What a token fetch gets; the IDoc service itself only takes POST.
      return sendHtml(response, 200, 'IDoc XML inbound', 'POST an IDoc XML document here', csrfHeaders);
    }
    if (method !== 'POST') throw new HttpProblem(405, 'Method not allowed');
    if (this.options.csrf && !this.csrfSessions.isValid(request, user)) {
      this.idocs.requests.csrfRejected++;
      return sendHtml(response, 403, 'CSRF token validation failed', 'CSRF token validation failed', { 'x-csrf-token': 'Required' });
    }
    const messageId = exactlyOnceMessageId(url);
    const answer = handleIdocPost(body, { idocs: this.idocs, deliveries: this.deliveries, user, client, messageId });
    if (fault?.lostAnswer) {
      // SAP has the IDoc; the sender never learns it: the case exactly-once is for.
      this.idocs.requests.faulted++;
      if (fault.status === undefined) {
        response.destroy();
        return;
      }
      return sendHtml(response, fault.status, 'Service unavailable', 'The SAP simulator was told to lose the answer to this request');
    }
    sendHtml(response, answer.status, answer.title, answer.text);
  }

  private answerError(response: ServerResponse, error: unknown): void {
    if (response.headersSent) {
      response.destroy();
      return;
    }
    const status = error instanceof HttpProblem ? error.status : 500;
    const message = error instanceof Error ? error.message : String(error);
    const isAdmin = response.req?.url?.startsWith('/admin') ?? false;
    if (isAdmin) sendJson(response, status, { error: message });
    else sendHtml(response, status, status === 500 ? 'Internal Server Error' : 'Request refused', message);
  }
}

/** Starts a simulated SAP system: IDoc XML inbound, delivery API, admin API. */
export async function startSapSimulator(options: SapSimulatorOptions = {}): Promise<SapSimulator> {
  const simulator = new Simulator(options);
  await simulator.listen(options.port ?? 0);
  return simulator;
}
