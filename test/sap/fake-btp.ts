import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The two BTP services the SAP Cloud SDK calls to resolve an OAuth destination, over real HTTP:
 * XSUAA's token endpoint (the SDK's service token for the destination service) and the
 * destination service (list and find-by-name APIs). On find-by-name it runs the client-credentials
 * flow against the target system's token endpoint, as the real destination service does, and
 * hands the token back in `authTokens`. Test support only: no signatures, no tenants.
 */
export interface FakeBtp {
  url: string;
  /** The access token SAP's token endpoint issues for the right client. */
  sapAccessToken: string;
  /** VCAP_SERVICES with a destination-service binding pointing here. */
  vcapServices: string;
  /** Token requests seen at SAP's token endpoint (client ids). */
  sapTokenRequests: string[];
  stop(): Promise<void>;
}

export interface FakeBtpDestination {
  name: string;
  /** The SAP system's URL. */
  url: string;
  clientId: string;
  clientSecret: string;
  /** What SAP's token endpoint issues to a known client. */
  sapAccessToken: string;
}

function unsignedJwt(payload: Record<string, unknown>): string {
  const part = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(payload)}.`;
}

async function body(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function json(response: ServerResponse, status: number, value: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(value));
}

function basicClient(request: IncomingMessage, form: URLSearchParams): { id: string; secret: string } {
  const header = request.headers.authorization ?? '';
  if (header.startsWith('Basic ')) {
    const [id = '', secret = ''] = Buffer.from(header.slice(6), 'base64').toString('utf8').split(':');
    return { id, secret };
  }
  return { id: form.get('client_id') ?? '', secret: form.get('client_secret') ?? '' };
}

/** `clients` are the OAuth clients SAP's token endpoint knows (id → secret); it issues `sapAccessToken` to them. */
export async function startFakeBtp(destinations: readonly FakeBtpDestination[], clients: Readonly<Record<string, string>>): Promise<FakeBtp> {
  const serviceClient = { id: 'sb-lading-destination', secret: 'destination-secret' };
  const sapAccessToken = destinations[0]?.sapAccessToken ?? '';
  const sapTokenRequests: string[] = [];
  let base = '';

  const configuration = (destination: FakeBtpDestination): Record<string, unknown> => ({
    Name: destination.name,
    Type: 'HTTP',
    URL: destination.url,
    Authentication: 'OAuth2ClientCredentials',
    ProxyType: 'Internet',
    tokenServiceURL: `${base}/sap/bc/sec/oauth2/token`,
    clientId: destination.clientId,
    clientSecret: destination.clientSecret,
  });

  const server: Server = createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? '/', 'http://btp');
      if (request.method === 'POST' && url.pathname === '/oauth/token') {
        const client = basicClient(request, new URLSearchParams(await body(request)));
        if (client.id !== serviceClient.id || client.secret !== serviceClient.secret) return json(response, 401, { error: 'unauthorized' });
        const now = Math.floor(Date.now() / 1000);
        return json(response, 200, {
          access_token: unsignedJwt({ zid: 'provider-zone', iss: `${base}/oauth/token`, client_id: client.id, iat: now, exp: now + 3600, ext_attr: { enhancer: 'XSUAA', subaccountid: 'provider-zone' } }),
          token_type: 'bearer',
          expires_in: 3600,
        });
      }
      if (request.method === 'POST' && url.pathname === '/sap/bc/sec/oauth2/token') {
        // The SAP system's OAuth server: client credentials for Lading's OAuth client.
        const client = basicClient(request, new URLSearchParams(await body(request)));
        sapTokenRequests.push(client.id);
        if (clients[client.id] === undefined || clients[client.id] !== client.secret) return json(response, 401, { error: 'invalid_client' });
        return json(response, 200, { access_token: sapAccessToken, token_type: 'bearer', expires_in: 3600 });
      }
      if (!(request.headers.authorization ?? '').startsWith('Bearer ')) return json(response, 401, { ErrorMessage: 'no token' });
      if (url.pathname === '/destination-configuration/v1/subaccountDestinations') return json(response, 200, destinations.map(configuration));
      if (url.pathname === '/destination-configuration/v1/instanceDestinations') return json(response, 200, []);
      const destination = destinations.find((candidate) => url.pathname === `/destination-configuration/v1/destinations/${candidate.name}`);
      if (destination) {
        const token = await fetch(`${base}/sap/bc/sec/oauth2/token`, {
          method: 'POST',
          headers: {
            authorization: `Basic ${Buffer.from(`${destination.clientId}:${destination.clientSecret}`).toString('base64')}`,
            'content-type': 'application/x-www-form-urlencoded',
          },
          body: 'grant_type=client_credentials',
        });
        const granted = (await token.json()) as { access_token?: string; error?: string };
        const authTokens = granted.access_token
          ? [{ type: 'bearer', value: granted.access_token, http_header: { key: 'Authorization', value: `Bearer ${granted.access_token}` }, expires_in: '3600' }]
          : [{ type: '', value: '', error: `token service answered ${token.status}: ${granted.error ?? ''}` }];
        return json(response, 200, { owner: { SubaccountId: 'provider-zone', InstanceId: null }, destinationConfiguration: configuration(destination), authTokens });
      }
      return json(response, 404, { ErrorMessage: `Configuration with the specified name was not found: ${url.pathname}` });
    })().catch((error: unknown) => json(response, 500, { ErrorMessage: String(error) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const credentials = {
    clientid: serviceClient.id,
    clientsecret: serviceClient.secret,
    uri: base,
    url: base,
    uaadomain: '127.0.0.1',
    identityzone: 'provider-zone',
    tenantid: 'provider-zone',
    xsappname: 'lading-destination',
  };
  return {
    url: base,
    sapAccessToken,
    sapTokenRequests,
    vcapServices: JSON.stringify({ destination: [{ label: 'destination', name: 'lading-destination', tags: ['destination', 'conn', 'connsvc'], credentials }] }),
    stop: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
