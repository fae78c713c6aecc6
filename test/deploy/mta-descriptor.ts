/**
 * mta.yaml and xs-security.json, read for the deployment tests: the MTA build tool cannot run
 * here (its npm package downloads its binary from outside the registry), so the tests check the
 * descriptor's rules themselves.
 */
import cds from '@sap/cds';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

export const ROOT = join(__dirname, '..', '..');

export interface MtaRequire { name: string }
export interface MtaProvide { name: string }
export interface MtaModule {
  name: string;
  type: string;
  path: string;
  parameters?: Record<string, unknown> & { command?: string; tasks?: { name: string; command: string }[] };
  properties?: Record<string, unknown>;
  'build-parameters'?: { builder?: string; commands?: string[]; 'build-result'?: string };
  provides?: MtaProvide[];
  requires?: MtaRequire[];
}
export interface MtaResource {
  name: string;
  type: string;
  properties?: Record<string, unknown>;
  parameters?: Record<string, unknown> & { service?: string; path?: string; 'service-name'?: string };
}
export interface Mta {
  '_schema-version'?: string;
  ID: string;
  version: string;
  'build-parameters'?: { 'before-all'?: { builder: string; commands?: string[] }[] };
  modules: MtaModule[];
  resources: MtaResource[];
}

export function readMta(): Mta {
  return parse(readFileSync(join(ROOT, 'mta.yaml'), 'utf8')) as Mta;
}

/** An MTA extension descriptor (.mtaext): changes to what mta.yaml declares. */
export interface MtaExtension {
  '_schema-version'?: string;
  ID: string;
  extends: string;
  modules?: (Record<string, unknown> & { name: string; requires?: MtaRequire[]; provides?: MtaProvide[] })[];
  resources?: (Record<string, unknown> & { name: string; requires?: MtaRequire[] })[];
  parameters?: Record<string, unknown>;
}

export function readMtaExtension(file: string): MtaExtension {
  return parse(readFileSync(join(ROOT, file), 'utf8')) as MtaExtension;
}

/** What an extension's module and resource may carry (mbt's extension schema: SAP/cloud-mta, mta/ext.go). */
const EXTENSION_MODULE_KEYS = new Set(['name', 'properties', 'parameters', 'build-parameters', 'requires', 'provides', 'includes', 'hooks']);
const EXTENSION_RESOURCE_KEYS = new Set(['name', 'properties', 'parameters', 'requires', 'active']);
const EXTENSION_KEYS = new Set(['_schema-version', 'ID', 'extends', 'version', 'description', 'provider', 'modules', 'resources', 'parameters']);

type Tree = Record<string, unknown>;
const isTree = (value: unknown): value is Tree => typeof value === 'object' && value !== null && !Array.isArray(value);

/** mbt's merge of one map: maps merge key by key, anything else (scalars, lists) is replaced; a map never meets a scalar. */
function merged(base: Tree | undefined, change: Tree | undefined, where: string, problems: string[]): Tree | undefined {
  if (change === undefined) return base;
  const result: Tree = { ...base };
  for (const [key, value] of Object.entries(change)) {
    const old = result[key];
    if (old === undefined || old === null || value === null) result[key] = value;
    else if (isTree(old) && isTree(value)) result[key] = merged(old, value, `${where}.${key}`, problems);
    else if (isTree(old) || isTree(value)) problems.push(`${where}.${key}: a map and a scalar or list do not merge`);
    else result[key] = value;
  }
  return result;
}

type Named = { name: string; requires?: MtaRequire[]; provides?: MtaProvide[] };

/** The entry of mta.yaml that an extension's entry changes, once what it changes is allowed; none where mta.yaml lacks it. */
function declared<T extends Named>(kind: string, entries: T[], change: Named, allowed: Set<string>, problems: string[]): T | undefined {
  const entry = entries.find((candidate) => candidate.name === change.name);
  if (!entry) {
    problems.push(`${kind} ${change.name} is not declared in mta.yaml`);
    return undefined;
  }
  for (const key of Object.keys(change)) if (!allowed.has(key)) problems.push(`${kind} ${change.name}: '${key}' cannot be changed by an extension`);
  for (const section of ['requires', 'provides'] as const) {
    for (const { name } of change[section] ?? []) if (!entry[section]?.some((existing) => existing.name === name)) problems.push(`${kind} ${change.name}: ${section} ${name} is not in mta.yaml`);
  }
  return entry;
}

/**
 * mta.yaml with the extension applied as mbt applies it (`mbt build -e`), and what mbt would
 * refuse: an extension changes only what mta.yaml declares (no new module, resource, requires or
 * provides; no type or path), its ID is its own, it extends this MTA, its schema's major version
 * is the MTA's.
 */
export function applyExtension(mta: Mta, extension: MtaExtension): { mta: Mta; problems: string[] } {
  const problems: string[] = [];
  const major = (version: string | undefined): string => String(version ?? '').split('.')[0];
  if (extension.extends !== mta.ID) problems.push(`extends '${extension.extends}', not the MTA '${mta.ID}'`);
  if (extension.ID === mta.ID) problems.push(`has the MTA's own ID '${mta.ID}'`);
  if (major(extension['_schema-version']) !== major(mta['_schema-version'])) problems.push(`schema ${extension['_schema-version']} does not match the MTA's ${mta['_schema-version']}`);
  for (const key of Object.keys(extension)) if (!EXTENSION_KEYS.has(key)) problems.push(`'${key}' is not part of an extension descriptor`);

  const result: Mta = structuredClone(mta);
  for (const change of extension.modules ?? []) {
    const module = declared('module', result.modules, change, EXTENSION_MODULE_KEYS, problems);
    if (!module) continue;
    module.properties = merged(module.properties, change.properties as Tree | undefined, `${change.name}.properties`, problems);
    module.parameters = merged(module.parameters, change.parameters as Tree | undefined, `${change.name}.parameters`, problems) as MtaModule['parameters'];
    module['build-parameters'] = merged(module['build-parameters'], change['build-parameters'] as Tree | undefined, `${change.name}.build-parameters`, problems) as MtaModule['build-parameters'];
  }
  for (const change of extension.resources ?? []) {
    const resource = declared('resource', result.resources, change, EXTENSION_RESOURCE_KEYS, problems);
    if (!resource) continue;
    resource.properties = merged(resource.properties, change.properties as Tree | undefined, `${change.name}.properties`, problems);
    resource.parameters = merged(resource.parameters, change.parameters as Tree | undefined, `${change.name}.parameters`, problems) as MtaResource['parameters'];
  }
  return { mta: result, problems };
}

/** The folder mbt packs for a module: its path, or the build-result inside it. */
export function moduleContent(module: MtaModule): string {
  const result = module['build-parameters']?.['build-result'];
  return result ? join(module.path, result) : module.path;
}

/** The commands mbt runs before building the modules, in order. */
export function beforeAllCommands(mta: Mta): string[] {
  return (mta['build-parameters']?.['before-all'] ?? []).flatMap((step) => step.commands ?? []);
}

export interface XsSecurity {
  xsappname: string;
  scopes: { name: string }[];
  attributes?: { name: string }[];
  authorities?: string[];
  'role-templates': { name: string; 'scope-references': string[]; 'attribute-references'?: string[] }[];
  'role-collections'?: { name: string; 'role-template-references': string[] }[];
}

export function readXsSecurity(path: string): XsSecurity {
  return JSON.parse(readFileSync(join(ROOT, path), 'utf8')) as XsSecurity;
}

/** Roles CAP grants to everyone of a kind; no scope stands behind them. */
const PSEUDO_ROLES = new Set(['any', 'authenticated-user', 'identified-user', 'system-user', 'internal-user']);

interface Restriction { to?: string | string[]; where?: string }
type Annotated = Record<string, unknown> & { actions?: Record<string, Record<string, unknown>> };

export interface ModelAccess {
  /** Every role named in @requires or @restrict.to, pseudo roles left out. */
  roles: Set<string>;
  /** role → the $user attributes its @restrict.where conditions use. */
  attributesByRole: Map<string, Set<string>>;
}

/** Roles and user attributes of the CDS model (db, srv, app), as CAP's authorization reads them. */
export async function modelAccess(): Promise<ModelAccess> {
  const csn = (await cds.load('*', { root: ROOT } as Parameters<typeof cds.load>[1])) as unknown as { definitions: Record<string, Annotated> };
  const roles = new Set<string>();
  const attributesByRole = new Map<string, Set<string>>();
  const list = (value: unknown): string[] => (value === undefined ? [] : Array.isArray(value) ? value.map(String) : [String(value)]);
  const visit = (definition: Record<string, unknown>): void => {
    for (const role of list(definition['@requires'])) roles.add(role);
    for (const restriction of (definition['@restrict'] as Restriction[] | undefined) ?? []) {
      const to = list(restriction.to);
      to.forEach((role) => roles.add(role));
      for (const [, attribute] of (restriction.where ?? '').matchAll(/\$user\.(\w+)/g)) {
        for (const role of to) {
          if (!attributesByRole.has(role)) attributesByRole.set(role, new Set());
          attributesByRole.get(role)?.add(attribute);
        }
      }
    }
  };
  for (const definition of Object.values(csn.definitions)) {
    visit(definition);
    Object.values(definition.actions ?? {}).forEach(visit);
  }
  for (const pseudo of PSEUDO_ROLES) roles.delete(pseudo);
  return { roles, attributesByRole };
}

/** Roles checked in code on custom routes (`user.is('ingest')`, `requireRole('operator')`). */
export function rolesCheckedInCode(dir = join(ROOT, 'srv')): Set<string> {
  const roles = new Set<string>();
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
    const source = readFileSync(join(entry.parentPath, entry.name), 'utf8');
    for (const [, role] of source.matchAll(/(?:\.is|requireRole)\('([\w-]+)'\)/g)) if (!PSEUDO_ROLES.has(role)) roles.add(role);
  }
  return roles;
}

/** Roles of the mocked users in package.json (development and tests). */
export function mockedUserRoles(): Set<string> {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { cds: { requires: { auth: { users: Record<string, { roles?: string[] } | boolean> } } } };
  const roles = new Set<string>();
  for (const user of Object.values(pkg.cds.requires.auth.users)) if (typeof user === 'object') user.roles?.forEach((role) => roles.add(role));
  return roles;
}

/** `$XSAPPNAME.operator` → `operator`: the role name CAP sees in a token's scope. */
export function roleOfScope(scope: string): string {
  return scope.replace(/^\$XSAPPNAME\./, '');
}
