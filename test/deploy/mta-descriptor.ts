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
  'build-parameters'?: { builder?: string };
  provides?: MtaProvide[];
  requires?: MtaRequire[];
}
export interface MtaResource {
  name: string;
  type: string;
  parameters?: Record<string, unknown> & { service?: string; path?: string; 'service-name'?: string };
}
export interface Mta {
  _schema_version?: string;
  ID: string;
  version: string;
  'build-parameters'?: { 'before-all'?: { builder: string; commands?: string[] }[] };
  modules: MtaModule[];
  resources: MtaResource[];
}

export function readMta(): Mta {
  return parse(readFileSync(join(ROOT, 'mta.yaml'), 'utf8')) as Mta;
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
