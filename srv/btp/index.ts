/**
 * On SAP BTP Cloud Foundry, Lading's Redis and Fabric settings come from service bindings. They
 * are copied into the environment's variables once, before configuration is read, so that every
 * reader (srv/config.ts, connectors/fabric's loadFabricConfig, the pipeline, the CLI) sees one
 * set of variables. A variable that is already set wins over a binding.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fabricEnvironmentFromBinding } from '../../connectors/fabric';
import { boundServices, parseVcapServices } from './vcap';

export { VcapError } from './vcap';

type Environment = Record<string, string | undefined>;

/**
 * Sets REDIS_URL (unless REDIS_URL, REDIS_SENTINELS or REDIS_CLUSTER_NODES is set) from a bound
 * redis-cache instance, and FABRIC_* (unless FABRIC_PEER_ENDPOINT is set) from `lading-fabric`,
 * writing its inline PEMs under `pemDir`. Returns the names of the variables it set.
 * Throws VcapError when VCAP_SERVICES or a binding Lading uses is malformed.
 */
export function applyBtpBindings(env: Environment, pemDir: string = join(tmpdir(), `lading-fabric-${process.pid}`)): string[] {
  if (!env.VCAP_SERVICES?.trim()) return [];
  const bound = boundServices(parseVcapServices(env.VCAP_SERVICES));
  const set: Record<string, string> = {};
  const redisChosen = [env.REDIS_URL, env.REDIS_SENTINELS, env.REDIS_CLUSTER_NODES].some((value) => value?.trim());
  if (bound.redisUrl && !redisChosen) set.REDIS_URL = bound.redisUrl;
  if (bound.fabric && !env.FABRIC_PEER_ENDPOINT?.trim()) Object.assign(set, fabricEnvironmentFromBinding(bound.fabric, pemDir));
  Object.assign(env, set);
  return Object.keys(set);
}
