import { SapConfigError, loadSapConfig } from '../../connectors/sap';

const DESTINATIONS = JSON.stringify([{ name: 'SAP_ERP', url: 'http://127.0.0.1:4005', authentication: 'BasicAuthentication', username: 'LADING', password: 'lading' }]);

describe('loadSapConfig', () => {
  it('gives the documented defaults', () => {
    expect(loadSapConfig({ destinations: DESTINATIONS })).toEqual({
      destinationName: 'SAP_ERP',
      client: '100',
      idocPath: '/sap/bc/idoc_xml',
      fetchCsrfToken: true,
      timeoutMs: 30000,
      exactlyOnce: true,
      idocParameters: {},
      deliveryServicePath: '/sap/opu/odata/sap/API_OUTBOUND_DELIVERY_SRV',
      deliveryPageSize: 500,
      idocEnvelope: { client: '100', senderPort: 'LADING', senderPartner: 'LADING', receiverPort: 'SAPS4H', receiverPartner: 'S4HCLNT100' },
    });
  });

  it('reads every variable', () => {
    const config = loadSapConfig({
      destinations: JSON.stringify([{ name: 'ERP_PROD', url: 'https://erp.example.com' }]),
      SAP_DESTINATION: 'ERP_PROD',
      SAP_CLIENT: '200',
      SAP_CSRF: 'off',
      SAP_TIMEOUT_MS: '1000',
      SAP_EXACTLY_ONCE: 'off',
      SAP_IDOC_PARAMETERS: '?channel=:LADING:SOAP_IDOC_EO&nosoap=true',
      SAP_DELIVERY_PAGE_SIZE: '50',
      SAP_IDOC_SENDER_PARTNER: 'LADINGPRD',
      SAP_IDOC_RECEIVER_PARTNER: 'PRDCLNT200',
    });
    expect(config).toMatchObject({ destinationName: 'ERP_PROD', client: '200', fetchCsrfToken: false, timeoutMs: 1000, exactlyOnce: false, deliveryPageSize: 50 });
    expect(config.idocParameters).toEqual({ channel: ':LADING:SOAP_IDOC_EO', nosoap: 'true' });
    expect(config.idocEnvelope).toMatchObject({ client: '200', senderPartner: 'LADINGPRD', receiverPartner: 'PRDCLNT200' });
  });

  it('accepts a bound destination service instead of the destinations variable', () => {
    expect(loadSapConfig({ VCAP_SERVICES: JSON.stringify({ destination: [{ credentials: {} }] }) }).destinationName).toBe('SAP_ERP');
  });

  it.each([
    ['no destination anywhere', {}, 'SAP_DESTINATION'],
    ['destinations not JSON', { destinations: '[{' }, 'destinations'],
    ['destinations not an array', { destinations: '{}' }, 'destinations'],
    ['the named destination missing', { destinations: DESTINATIONS, SAP_DESTINATION: 'OTHER' }, 'SAP_DESTINATION'],
    ['a destination without url', { destinations: JSON.stringify([{ name: 'SAP_ERP' }]) }, 'destinations'],
    ['a two-digit client', { destinations: DESTINATIONS, SAP_CLIENT: '10' }, 'SAP_CLIENT'],
    ['CSRF maybe', { destinations: DESTINATIONS, SAP_CSRF: 'maybe' }, 'SAP_CSRF'],
    ['exactly-once perhaps', { destinations: DESTINATIONS, SAP_EXACTLY_ONCE: 'perhaps' }, 'SAP_EXACTLY_ONCE'],
    ['a parameter without a name', { destinations: DESTINATIONS, SAP_IDOC_PARAMETERS: 'nosoap=true&=x' }, 'SAP_IDOC_PARAMETERS'],
    ['the message id among the parameters', { destinations: DESTINATIONS, SAP_IDOC_PARAMETERS: 'messageid=1' }, 'SAP_IDOC_PARAMETERS'],
    ['the client among the parameters', { destinations: DESTINATIONS, SAP_IDOC_PARAMETERS: 'sap-client=200' }, 'SAP_IDOC_PARAMETERS'],
    ['a timeout of 0', { destinations: DESTINATIONS, SAP_TIMEOUT_MS: '0' }, 'SAP_TIMEOUT_MS'],
    ['a page of 10000', { destinations: DESTINATIONS, SAP_DELIVERY_PAGE_SIZE: '10000' }, 'SAP_DELIVERY_PAGE_SIZE'],
    ['a lower-case logical system', { destinations: DESTINATIONS, SAP_IDOC_SENDER_PARTNER: 'lading' }, 'SAP_IDOC_SENDER_PARTNER'],
    ['an 11-character port', { destinations: DESTINATIONS, SAP_IDOC_RECEIVER_PORT: 'SAPS4HPRD01' }, 'SAP_IDOC_RECEIVER_PORT'],
    ['a path without slash', { destinations: DESTINATIONS, SAP_IDOC_PATH: 'sap/bc/idoc_xml' }, 'SAP_IDOC_PATH'],
  ])('stops on %s, naming %s in one line', (_, env: Record<string, string>, variable) => {
    let error: unknown;
    try {
      loadSapConfig(env);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(SapConfigError);
    expect((error as SapConfigError).variable).toBe(variable);
    expect((error as Error).message.startsWith(`${variable}: `)).toBe(true);
    expect((error as Error).message).not.toContain('\n');
  });
});
