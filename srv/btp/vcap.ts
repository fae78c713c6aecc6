/**
 * Reading SAP BTP Cloud Foundry service bindings (VCAP_SERVICES) into what Lading's own
 * configuration takes: a Redis URL from the redis-cache service and the Fabric connection from
 * the user-provided service `lading-fabric`. Pure: no I/O, no process.env.
 */
import type { FabricBinding, PemSource } from '../../connectors/fabric';

/** VCAP_SERVICES is malformed or a bound service lacks something Lading needs. */
export class VcapError extends Error {
  constructor(problem: string) {
    super(`VCAP_SERVICES: ${problem}`);
    this.name = 'VcapError';
  }
}

export interface ServiceBinding {
  /** Instance name (`cf create-service … <name>`), e.g. lading-redis. */
  name: string;
  /** Service offering, e.g. redis-cache; `user-provided` for user-provided services. */
  label: string;
  tags: string[];
  credentials: Record<string, unknown>;
}

/** The name of the user-provided service that carries the Fabric connection. */
export const FABRIC_SERVICE_NAME = 'lading-fabric';
/** The offering of SAP BTP's Redis (Redis on SAP BTP, hyperscaler option). */
export const REDIS_LABEL = 'redis-cache';

/** All bindings in VCAP_SERVICES; none when it is unset or empty. */
export function parseVcapServices(raw: string | undefined): ServiceBinding[] {
  if (raw === undefined || raw.trim() === '') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new VcapError('is not valid JSON');
  }
  if (!isRecord(parsed)) throw new VcapError('must be a JSON object of service offerings');
  const bindings: ServiceBinding[] = [];
  for (const [offering, instances] of Object.entries(parsed)) {
    if (!Array.isArray(instances)) throw new VcapError(`"${offering}" must be an array of bound instances`);
    for (const instance of instances) {
      if (!isRecord(instance) || typeof instance.name !== 'string') throw new VcapError(`an instance of "${offering}" has no name`);
      bindings.push({
        name: instance.name,
        label: typeof instance.label === 'string' ? instance.label : offering,
        tags: Array.isArray(instance.tags) ? instance.tags.filter((tag): tag is string => typeof tag === 'string') : [],
        credentials: isRecord(instance.credentials) ? instance.credentials : {},
      });
    }
  }
  return bindings;
}

/**
 * redis-cache credentials (hostname, port, password, tls) as a redis:// or rediss:// URL.
 * A cluster-mode instance is refused: its nodes go in REDIS_CLUSTER_NODES.
 */
export function redisUrlFromBinding(binding: ServiceBinding): string {
  const { credentials } = binding;
  if (credentials.cluster_mode === true) {
    throw new VcapError(`${binding.name} is a Redis cluster: set REDIS_CLUSTER_NODES and REDIS_PASSWORD instead of binding it`);
  }
  const host = text(credentials, 'hostname', binding) ?? text(credentials, 'host', binding);
  if (host === undefined) throw new VcapError(`${binding.name} has no credentials.hostname`);
  const port = Number(credentials.port ?? 6379);
  if (!Number.isSafeInteger(port) || port < 1 || port > 65_535) throw new VcapError(`${binding.name} has no valid credentials.port, got "${String(credentials.port)}"`);
  const password = text(credentials, 'password', binding);
  const tls = credentials.tls === true || credentials.tls === 'true';
  const auth = password === undefined ? '' : `:${encodeURIComponent(password)}@`;
  const hostPart = host.includes(':') ? `[${host}]` : host;
  return `${tls ? 'rediss' : 'redis'}://${auth}${hostPart}:${port}`;
}

/**
 * The Fabric connection from the credentials of a user-provided service: peerEndpoint, mspId,
 * certificate, privateKey, tlsRootCert (each a PEM, or a file path in the app), hostAlias,
 * channel, chaincode, identityAlgorithm (ecdsa or sm2, validated with the other FABRIC_* settings).
 */
export function fabricBindingFrom(binding: ServiceBinding): FabricBinding {
  const { credentials } = binding;
  const required = (key: string): string => {
    const value = text(credentials, key, binding);
    if (value === undefined) throw new VcapError(`${binding.name} has no credentials.${key}`);
    return value;
  };
  const pem = (key: string): PemSource | undefined => {
    const value = text(credentials, key, binding);
    if (value === undefined) return undefined;
    // A PEM pasted into `cf cups -p` JSON often arrives with literal \n instead of line breaks.
    return value.startsWith('-----BEGIN ') ? { pem: value.replace(/\\n/g, '\n') } : { path: value };
  };
  const certificate = pem('certificate');
  const privateKey = pem('privateKey');
  if (!certificate) throw new VcapError(`${binding.name} has no credentials.certificate`);
  if (!privateKey) throw new VcapError(`${binding.name} has no credentials.privateKey`);
  const tlsRootCert = pem('tlsRootCert');
  const optional = (key: string): Record<string, string> => {
    const value = text(credentials, key, binding);
    return value === undefined ? {} : { [key]: value };
  };
  return {
    peerEndpoint: required('peerEndpoint'),
    mspId: required('mspId'),
    certificate,
    privateKey,
    ...(tlsRootCert ? { tlsRootCert } : {}),
    ...optional('hostAlias'),
    ...optional('channel'),
    ...optional('chaincode'),
    ...optional('identityAlgorithm'),
  };
}

/** What Lading takes from the bindings: each part only when its service is bound. */
export interface BoundServices {
  redisUrl?: string;
  fabric?: FabricBinding;
}

export function boundServices(bindings: readonly ServiceBinding[]): BoundServices {
  const redis = bindings.filter((binding) => binding.label === REDIS_LABEL);
  if (redis.length > 1) throw new VcapError(`${redis.length} ${REDIS_LABEL} instances are bound (${redis.map((binding) => binding.name).join(', ')}): bind one`);
  const fabric = bindings.find((binding) => binding.name === FABRIC_SERVICE_NAME);
  return {
    ...(redis[0] ? { redisUrl: redisUrlFromBinding(redis[0]) } : {}),
    ...(fabric ? { fabric: fabricBindingFrom(fabric) } : {}),
  };
}

function text(credentials: Record<string, unknown>, key: string, binding: ServiceBinding): string | undefined {
  const value = credentials[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number') return String(value);
  if (typeof value !== 'string') throw new VcapError(`${binding.name} credentials.${key} must be a string`);
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
