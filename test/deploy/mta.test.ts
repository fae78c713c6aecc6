import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyExtension, beforeAllCommands, mockedUserRoles, modelAccess, moduleContent, readMta, readMtaExtension, readXsSecurity, roleOfScope, rolesCheckedInCode, ROOT, type Mta, type MtaExtension } from './mta-descriptor';

/**
 * The rules `mbt build` and `cf deploy` would enforce on mta.yaml, checked without them (see
 * mta-descriptor.ts), and xs-security.json against the roles the CDS model and the routes use.
 * The build's output itself is checked in production-build.test.ts.
 */

const mta: Mta = readMta();
const BUILD_OUTPUT = /^gen\//;

describe('mta.yaml', () => {
  it('has an ID, a version and unique module, resource and provided names', () => {
    expect(mta.ID).toBe('lading');
    expect(mta.version).toBe(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
    const names = [...mta.modules.map((module) => module.name), ...mta.resources.map((resource) => resource.name), ...mta.modules.flatMap((module) => (module.provides ?? []).map((provided) => provided.name))];
    expect(new Set(names).size).toBe(names.length);
  });

  it('every requires names a resource, a module or something a module provides', () => {
    const known = new Set([...mta.resources.map((resource) => resource.name), ...mta.modules.map((module) => module.name), ...mta.modules.flatMap((module) => (module.provides ?? []).map((provided) => provided.name))]);
    const unresolved = mta.modules.flatMap((module) => (module.requires ?? []).filter((required) => !known.has(required.name)).map((required) => `${module.name} → ${required.name}`));
    expect(unresolved).toEqual([]);
  });

  it('every resource is used by a module', () => {
    const used = new Set(mta.modules.flatMap((module) => (module.requires ?? []).map((required) => required.name)));
    expect(mta.resources.map((resource) => resource.name).filter((name) => !used.has(name))).toEqual([]);
  });

  it('builds with the devDependencies installed, then cds build --production, then the UI next to the server', () => {
    const commands = beforeAllCommands(mta);
    expect(commands[0]).toBe('npm ci');
    expect(commands).toContain('npx cds build --production');
    // A command that copies from the project names a folder that exists.
    for (const command of commands.filter((line) => line.startsWith('cp '))) {
      const [source, target] = command.split(/\s+/).slice(-2);
      expect(existsSync(join(ROOT, source))).toBe(true);
      expect(target).toMatch(BUILD_OUTPUT);
    }
    expect(commands.indexOf('npx cds build --production')).toBeLessThan(commands.findIndex((line) => line.startsWith('cp ')));
  });

  it('module paths are the build output or exist in the project', () => {
    for (const module of mta.modules) {
      expect(BUILD_OUTPUT.test(`${moduleContent(module)}/`) || existsSync(join(ROOT, module.path))).toBe(true);
    }
    // the folder each module's archive holds
    expect(mta.modules.map((module) => [module.name, moduleContent(module)])).toEqual([
      ['lading-srv', 'gen/srv'],
      ['lading-db-deployer', 'gen/pg'],
    ]);
  });

  it('the server starts plain JS with cds serve, not the development npm start', () => {
    const srv = mta.modules.find((module) => module.name === 'lading-srv');
    expect(srv?.type).toBe('nodejs');
    expect(srv?.parameters?.command).toBe('node node_modules/@sap/cds/bin/serve.js');
    expect(existsSync(join(ROOT, 'node_modules/@sap/cds/bin/serve.js'))).toBe(true);
    expect(srv?.properties?.NODE_ENV).toBe('production');
    const healthPath = String(srv?.parameters?.['health-check-http-endpoint']);
    expect(readFileSync(join(ROOT, 'srv/health.ts'), 'utf8')).toContain(`router.get('${healthPath}'`);
  });

  it('the database deployer runs once as a task and serves nothing; its content is what the before-all build wrote', () => {
    const deployer = mta.modules.find((module) => module.name === 'lading-db-deployer');
    expect(deployer?.parameters).toMatchObject({ 'no-route': true, 'no-start': true, tasks: [{ command: 'npm start' }] });
    expect(deployer?.requires).toEqual([{ name: 'lading-db' }]);
    expect(deployer?.['build-parameters']).toEqual({ builder: 'custom', commands: [], 'build-result': 'pg' });
  });

  it('binds PostgreSQL, xsuaa, Redis, the destination service and the Fabric user-provided service to the server', () => {
    const byName = new Map(mta.resources.map((resource) => [resource.name, resource]));
    const srv = mta.modules.find((module) => module.name === 'lading-srv');
    const services = (srv?.requires ?? []).map((required) => byName.get(required.name)?.parameters?.service ?? byName.get(required.name)?.parameters?.['service-name']);
    expect(services).toEqual(['postgresql-db', 'xsuaa', 'redis-cache', 'destination', 'lading-fabric']);
    // The Fabric service name is the one srv/btp/vcap.ts looks for.
    expect(readFileSync(join(ROOT, 'srv/btp/vcap.ts'), 'utf8')).toContain("FABRIC_SERVICE_NAME = 'lading-fabric'");
    // package.json's production profile matches the bound database and auth.
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.cds.requires['[production]']).toMatchObject({ db: { kind: 'postgres' }, auth: { kind: 'xsuaa' } });
    expect(Object.keys(pkg.dependencies)).toEqual(expect.arrayContaining(['@cap-js/postgres', '@sap/xssec', '@sap-cloud-sdk/http-client']));
  });

  it('every path parameter of a resource points at a file that exists', () => {
    const paths = mta.resources.flatMap((resource) => (resource.parameters?.path ? [resource.parameters.path] : []));
    expect(paths).toEqual(['./xs-security.json']);
    for (const path of paths) expect(existsSync(join(ROOT, path))).toBe(true);
  });
});

describe('mta-hana.mtaext (SAP HANA Cloud instead of PostgreSQL)', () => {
  const extension: MtaExtension = readMtaExtension('mta-hana.mtaext');
  const { mta: hana, problems } = applyExtension(mta, extension);
  const module = (name: string) => hana.modules.find((candidate) => candidate.name === name);

  it('is an extension of this MTA that mbt can apply: every module, resource and requires it names is declared in mta.yaml', () => {
    expect(extension).toMatchObject({ ID: 'lading-hana', extends: 'lading' });
    expect(problems).toEqual([]);
    const names = [...(extension.modules ?? []), ...(extension.resources ?? [])].map((entry) => entry.name);
    expect(names).toEqual(['lading-srv', 'lading-db-deployer', 'lading-db']);
  });

  it('makes lading-db an HDI container, bound to the server and the deployer', () => {
    const db = hana.resources.find((resource) => resource.name === 'lading-db');
    expect(db).toMatchObject({ type: 'org.cloudfoundry.managed-service', parameters: { service: 'hana', 'service-plan': 'hdi-shared' } });
    expect(module('lading-srv')?.requires).toContainEqual({ name: 'lading-db' });
    expect(module('lading-db-deployer')?.requires).toEqual([{ name: 'lading-db' }]);
  });

  it("starts the server with package.json's [hana] profile: db kind hana through @cap-js/hana", () => {
    expect(module('lading-srv')?.properties).toMatchObject({ NODE_ENV: 'production', CDS_ENV: 'hana' });
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.cds.requires['[hana]']).toEqual({ db: { kind: 'hana' } });
    expect(pkg.dependencies).toHaveProperty('@cap-js/hana');
    // the [hana] profile comes after [production] in package.json, so its db wins where both apply
    const profiles = Object.keys(pkg.cds.requires);
    expect(profiles.indexOf('[hana]')).toBeGreaterThan(profiles.indexOf('[production]'));
  });

  it('builds the HDI deployer into gen/db for the same deployer task (hana-build.test.ts runs the command)', () => {
    const deployer = module('lading-db-deployer');
    expect(deployer?.path).toBe('gen');
    expect(deployer?.['build-parameters']).toEqual({ builder: 'custom', commands: ['npx cds build .. --for hana --production --profile hana'], 'build-result': 'db' });
    expect(moduleContent(deployer!)).toBe('gen/db');
    expect(deployer?.parameters?.tasks).toEqual([{ name: 'deploy-database', command: 'npm start' }]);
  });

  it('the rules are checked: a new module, resource or requires, a type, a map over a scalar are each refused', () => {
    const wrong = {
      ...extension,
      modules: [
        { name: 'lading-hdi-deployer', type: 'hdb', path: 'gen/db' },
        { name: 'lading-srv', type: 'java', requires: [{ name: 'lading-hdi' }], parameters: { memory: { size: 1 } } },
      ],
      resources: [{ name: 'lading-hdi', parameters: { service: 'hana' } }],
    };
    expect(applyExtension(mta, wrong as MtaExtension).problems).toEqual([
      'module lading-hdi-deployer is not declared in mta.yaml',
      "module lading-srv: 'type' cannot be changed by an extension",
      'module lading-srv: requires lading-hdi is not in mta.yaml',
      'lading-srv.parameters.memory: a map and a scalar or list do not merge',
      'resource lading-hdi is not declared in mta.yaml',
    ]);
    expect(applyExtension(mta, { ...extension, extends: 'other', ID: 'lading' }).problems).toEqual([
      "extends 'other', not the MTA 'lading'",
      "has the MTA's own ID 'lading'",
    ]);
  });
});

describe('xs-security.json', () => {
  const xsuaa = mta.resources.find((resource) => resource.parameters?.service === 'xsuaa');
  const security = readXsSecurity(String(xsuaa?.parameters?.path));
  const scopeRoles = new Set(security.scopes.map((scope) => roleOfScope(scope.name)));

  it('has a scope for every role of the CDS model, of the custom routes and of the mocked users, and no other', async () => {
    const { roles } = await modelAccess();
    expect(roles).toEqual(new Set(['operator', 'broker', 'finance', 'consignee', 'ingest']));
    const needed = new Set([...roles, ...rolesCheckedInCode(), ...mockedUserRoles()]);
    expect([...scopeRoles].sort()).toEqual([...needed].sort());
  });

  it('declares every $user attribute the model uses, in the role template of the role that uses it', async () => {
    const { attributesByRole } = await modelAccess();
    expect(attributesByRole).toEqual(new Map([['broker', new Set(['brokerPartnerId'])]]));
    const attributes = new Set((security.attributes ?? []).map((attribute) => attribute.name));
    for (const [role, used] of attributesByRole) {
      for (const attribute of used) {
        expect(attributes.has(attribute)).toBe(true);
        const templates = security['role-templates'].filter((template) => template['scope-references'].includes(`$XSAPPNAME.${role}`));
        expect(templates.length).toBeGreaterThan(0);
        for (const template of templates) expect(template['attribute-references']).toContain(attribute);
      }
    }
  });

  it('every scope is in a role template, and templates and collections reference only what exists', () => {
    const scopes = new Set(security.scopes.map((scope) => scope.name));
    const referenced = new Set(security['role-templates'].flatMap((template) => template['scope-references']));
    expect([...scopes].filter((scope) => !referenced.has(scope))).toEqual([]);
    expect([...referenced].filter((scope) => !scopes.has(scope))).toEqual([]);
    const templates = new Set(security['role-templates'].map((template) => `$XSAPPNAME.${template.name}`));
    const collections = security['role-collections'] ?? [];
    expect(collections.flatMap((collection) => collection['role-template-references']).filter((name) => !templates.has(name))).toEqual([]);
  });

  it("grants ingest to the instance's own technical client (SAP's communication user posts with client credentials)", () => {
    expect(security.authorities).toEqual(['$XSAPPNAME.ingest']);
  });

  it('names the app as mta.yaml configures it', () => {
    expect(security.xsappname).toBe('lading');
    expect(xsuaa?.parameters).toMatchObject({ service: 'xsuaa', 'service-plan': 'application' });
  });
});
