import { SapDestinationError, sendIdoc } from '../../connectors/sap';
import { buildSystat } from '../../mappings/outbound';
import type { SapSimulator } from '../../sap-simulator';
import { startFakeBtp, type FakeBtp } from './fake-btp';
import { CREATED_AT, ENVELOPE } from './outbound-support';
import { sapConfig, sapFailure, simulator } from './sap-support';

describe('OAuth client credentials through a BTP destination', () => {
  let sap: SapSimulator;
  let btp: FakeBtp;
  const before = { vcap: process.env.VCAP_SERVICES, destinations: process.env.destinations };

  beforeAll(async () => {
    // No basic-auth users: only the token SAP's OAuth server issues gets in.
    sap = await simulator({ users: {}, bearerTokens: ['sap-access-token-1'] });
    btp = await startFakeBtp([
      { name: 'SAP_OAUTH', url: sap.url, clientId: 'LADING_OAUTH', clientSecret: 'oauth-secret', sapAccessToken: 'sap-access-token-1' },
      { name: 'SAP_OAUTH_WRONG_SECRET', url: sap.url, clientId: 'LADING_OAUTH', clientSecret: 'not-the-secret', sapAccessToken: 'sap-access-token-1' },
    ], { LADING_OAUTH: 'oauth-secret' });
    process.env.VCAP_SERVICES = btp.vcapServices;
    delete process.env.destinations;
  });

  afterAll(async () => {
    for (const [name, value] of [['VCAP_SERVICES', before.vcap], ['destinations', before.destinations]] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await Promise.all([sap.stop(), btp.stop()]);
  });

  it('the SDK gets the destination and its token from the destination service; SAP sees the bearer token', async () => {
    const idoc = buildSystat(ENVELOPE, [{ docnum: '4711', status: '53', loggedAt: CREATED_AT }], { createdAt: CREATED_AT });
    const receipt = await sendIdoc(sapConfig('SAP_OAUTH', { SAP_CSRF: 'off' }), idoc);
    expect(receipt.status).toBe(200);
    expect(sap.received()[0]).toMatchObject({ docnum: idoc.docnum, user: 'OAUTH_CLIENT' });
    expect(btp.sapTokenRequests).toContain('LADING_OAUTH');
  });

  it('a client the SAP token endpoint refuses: the destination yields no token, never retried, SAP not called', async () => {
    const idoc = buildSystat(ENVELOPE, [{ docnum: '4712', status: '53', loggedAt: CREATED_AT }], { createdAt: CREATED_AT });
    const callsBefore = sap.stats().requests.total;
    const error = await sapFailure(sendIdoc(sapConfig('SAP_OAUTH_WRONG_SECRET', { SAP_CSRF: 'off' }), idoc));
    expect(error).toBeInstanceOf(SapDestinationError);
    expect(error.retry).toBe('never');
    expect(error.message).toMatch(/token/i);
    expect(sap.stats().requests.total).toBe(callsBefore);
  });
});
