/**
 * The SAP connector's configuration: one typed object, read from the environment once, validated
 * at start-up. A bad value stops the process with one error that names the variable.
 *
 * | Variable                    | Meaning                                                         | Default                                      |
 * |-----------------------------|-----------------------------------------------------------------|----------------------------------------------|
 * | SAP_DESTINATION             | Destination name (from `destinations` or the destination service) | `SAP_ERP`                                  |
 * | SAP_CLIENT                  | SAP client: `sap-client` parameter and the IDocs' MANDT         | `100`                                        |
 * | SAP_IDOC_PATH               | Path of the IDoc XML inbound service                            | `/sap/bc/idoc_xml`                           |
 * | SAP_CSRF                    | `on`/`off`: fetch a CSRF token before each POST                 | `on`                                         |
 * | SAP_TIMEOUT_MS              | Deadline of one call, CSRF fetch included                       | 30000                                        |
 * | SAP_EXACTLY_ONCE            | `on`/`off`: send each IDoc with a message id and ExactlyOnce     | `on`                                         |
 * | SAP_IDOC_PARAMETERS         | More query parameters of the IDoc POST, `name=value&…`          | (none)                                       |
 * | SAP_DELIVERY_SERVICE_PATH   | Path of API_OUTBOUND_DELIVERY_SRV                               | `/sap/opu/odata/sap/API_OUTBOUND_DELIVERY_SRV` |
 * | SAP_DELIVERY_PAGE_SIZE      | Deliveries per page when reading                                | 500                                          |
 * | SAP_IDOC_SENDER_PORT        | Lading's port in the control record (SNDPOR)                    | `LADING`                                     |
 * | SAP_IDOC_SENDER_PARTNER     | Lading's logical system (SNDPRN), as in SAP's WE20              | `LADING`                                     |
 * | SAP_IDOC_RECEIVER_PORT      | SAP's port (RCVPOR)                                             | `SAPS4H`                                     |
 * | SAP_IDOC_RECEIVER_PARTNER   | SAP's logical system (RCVPRN)                                   | `S4HCLNT100`                                 |
 * | destinations                | JSON array of destinations, as the SAP Cloud SDK reads it (local use) | (none: BTP destination service)        |
 */

import { MESSAGE_ID_PARAMETER, QUALITY_OF_SERVICE_PARAMETER } from './exactly-once';

/** Sender and receiver of the IDocs Lading builds (same shape as mappings/outbound's IdocEnvelope). */
export interface SapIdocEnvelope {
  client: string;
  senderPort: string;
  senderPartner: string;
  receiverPort: string;
  receiverPartner: string;
}

export interface SapConfig {
  /** Default `SAP_ERP`. */
  destinationName: string;
  /** Three digits; default `100`. */
  client: string;
  /** Default `/sap/bc/idoc_xml`. */
  idocPath: string;
  /** Fetch a CSRF token (HEAD with `x-csrf-token: fetch`) before each POST. Default true. */
  fetchCsrfToken: boolean;
  /** Deadline of one call in milliseconds. Default 30000. */
  timeoutMs: number;
  /**
   * Ask SAP for exactly-once: every IDoc POST carries `MessageId` (the same GUID on every resend)
   * and `QualityOfService=ExactlyOnce`, so SAP takes a resend as the message it already has.
   * Off: at-least-once, a resend after a lost answer is a second IDoc in SAP. Default true.
   */
  exactlyOnce: boolean;
  /** More query parameters of every IDoc POST (e.g. a PI channel's `channel`, `nosoap`). Default none. */
  idocParameters: Readonly<Record<string, string>>;
  /** Default `/sap/opu/odata/sap/API_OUTBOUND_DELIVERY_SRV`. */
  deliveryServicePath: string;
  /** 1..5000, default 500. */
  deliveryPageSize: number;
  idocEnvelope: SapIdocEnvelope;
}

export const DEFAULT_DESTINATION = 'SAP_ERP';
export const DEFAULT_IDOC_PATH = '/sap/bc/idoc_xml';
export const DEFAULT_DELIVERY_SERVICE_PATH = '/sap/opu/odata/sap/API_OUTBOUND_DELIVERY_SRV';

/** A configuration value is missing or malformed; `variable` names the culprit. */
export class SapConfigError extends Error {
  readonly variable: string;

  constructor(variable: string, problem: string) {
    super(`${variable}: ${problem}`);
    this.name = 'SapConfigError';
    this.variable = variable;
  }
}

type Environment = Readonly<Record<string, string | undefined>>;

function optional(env: Environment, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

function matching(env: Environment, name: string, fallback: string, pattern: RegExp, expected: string): string {
  const value = optional(env, name) ?? fallback;
  if (!pattern.test(value)) throw new SapConfigError(name, `expected ${expected}, got "${value}"`);
  return value;
}

function integer(env: Environment, name: string, fallback: number, min: number, max: number): number {
  const value = optional(env, name);
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!/^\d+$/.test(value) || parsed < min || parsed > max) throw new SapConfigError(name, `expected a whole number ${min}..${max}, got "${value}"`);
  return parsed;
}

function flag(env: Environment, name: string, fallback: boolean): boolean {
  const value = optional(env, name)?.toLowerCase();
  if (value === undefined) return fallback;
  if (['on', 'true', '1', 'yes'].includes(value)) return true;
  if (['off', 'false', '0', 'no'].includes(value)) return false;
  throw new SapConfigError(name, `expected on or off, got "${value}"`);
}

/** Parameters the connector sets itself, by the variable that controls them. */
const OWN_PARAMETERS: Readonly<Record<string, string>> = {
  'sap-client': 'SAP_CLIENT',
  [MESSAGE_ID_PARAMETER.toLowerCase()]: 'SAP_EXACTLY_ONCE',
  [QUALITY_OF_SERVICE_PARAMETER.toLowerCase()]: 'SAP_EXACTLY_ONCE',
};

function idocParameters(env: Environment): Record<string, string> {
  const raw = optional(env, 'SAP_IDOC_PARAMETERS');
  const parameters: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(raw ?? '')) {
    if (name.trim() === '') throw new SapConfigError('SAP_IDOC_PARAMETERS', `a parameter without a name in "${raw}"`);
    const owner = OWN_PARAMETERS[name.toLowerCase()];
    if (owner !== undefined) throw new SapConfigError('SAP_IDOC_PARAMETERS', `${name} is the connector's own, set through ${owner}`);
    parameters[name] = value;
  }
  return parameters;
}

/**
 * The destination must be findable before the first IDoc waits on it: in `destinations` (local)
 * or through a bound destination service (BTP), which the SDK reads from VCAP_SERVICES.
 */
function checkDestination(env: Environment, name: string): void {
  const raw = optional(env, 'destinations');
  const bound = /"destination"/.test(env.VCAP_SERVICES ?? '');
  if (raw === undefined) {
    if (!bound) throw new SapConfigError('SAP_DESTINATION', `destination "${name}" cannot be found: set the destinations variable or bind the destination service`);
    return;
  }
  let list: unknown;
  try {
    list = JSON.parse(raw);
  } catch {
    throw new SapConfigError('destinations', 'is not valid JSON');
  }
  if (!Array.isArray(list)) throw new SapConfigError('destinations', 'must be a JSON array of destinations');
  const entry = list.find((item: unknown) => typeof item === 'object' && item !== null && ((item as { name?: unknown }).name === name || (item as { Name?: unknown }).Name === name)) as
    | Record<string, unknown>
    | undefined;
  if (!entry) {
    if (bound) return;
    throw new SapConfigError('SAP_DESTINATION', `destination "${name}" is not in the destinations variable`);
  }
  const url = entry.url ?? entry.URL;
  if (typeof url !== 'string' || !/^https?:\/\//.test(url)) throw new SapConfigError('destinations', `destination "${name}" has no http(s) url`);
}

/** Reads and validates the configuration; throws SapConfigError on the first bad value. */
export function loadSapConfig(env: Environment = process.env): SapConfig {
  const destinationName = optional(env, 'SAP_DESTINATION') ?? DEFAULT_DESTINATION;
  checkDestination(env, destinationName);
  const client = matching(env, 'SAP_CLIENT', '100', /^\d{3}$/, 'a three-digit SAP client');
  const name10 = /^[A-Z0-9_]{1,10}$/;
  return {
    destinationName,
    client,
    idocPath: matching(env, 'SAP_IDOC_PATH', DEFAULT_IDOC_PATH, /^\/[\w/.-]*$/, 'a path starting with /'),
    fetchCsrfToken: flag(env, 'SAP_CSRF', true),
    timeoutMs: integer(env, 'SAP_TIMEOUT_MS', 30_000, 1, 600_000),
    exactlyOnce: flag(env, 'SAP_EXACTLY_ONCE', true),
    idocParameters: idocParameters(env),
    deliveryServicePath: matching(env, 'SAP_DELIVERY_SERVICE_PATH', DEFAULT_DELIVERY_SERVICE_PATH, /^\/[\w/.;=-]*$/, 'a path starting with /'),
    deliveryPageSize: integer(env, 'SAP_DELIVERY_PAGE_SIZE', 500, 1, 5000),
    idocEnvelope: {
      client,
      senderPort: matching(env, 'SAP_IDOC_SENDER_PORT', 'LADING', name10, 'up to 10 characters A-Z 0-9 _'),
      senderPartner: matching(env, 'SAP_IDOC_SENDER_PARTNER', 'LADING', name10, 'a logical system, up to 10 characters A-Z 0-9 _'),
      receiverPort: matching(env, 'SAP_IDOC_RECEIVER_PORT', 'SAPS4H', name10, 'up to 10 characters A-Z 0-9 _'),
      receiverPartner: matching(env, 'SAP_IDOC_RECEIVER_PARTNER', 'S4HCLNT100', name10, 'a logical system, up to 10 characters A-Z 0-9 _'),
    },
  };
}
