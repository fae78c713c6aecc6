import cds from '@sap/cds';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError } from './config';
import { stopOnSetupError } from './startup-errors';

/**
 * OpenUI5 for the web UI (app/lading), from one of two places (LADING_UI5_URL):
 *
 * - local (development default): `/resources/**` from the @openui5 packages in node_modules, so
 *   the UI works offline. The UI5 tooling's own server middleware does the serving: it compiles
 *   each library's theme (LESS → CSS) on first request and keeps it in memory. The tooling
 *   (@ui5/cli, a devDependency) is loaded on the first request only, so processes that never
 *   serve the UI pay nothing; where it is not installed, /resources answers 404 with a log line.
 * - a URL (production default: SAP's OpenUI5 CDN at the version in package-lock.json): the app's
 *   index.html is answered with its bootstrap script pointing there, so the UI5 loader fetches
 *   every library, theme and message bundle from the CDN directly. A production build has no
 *   UI5 tooling, and a redirect of each /resources request would cost a round trip per module.
 */
const log = cds.log('ui');
const ROOT = join(__dirname, '..');
/** The web UI's page, below the app folder CAP serves statically; its bootstrap names OpenUI5's place. */
const INDEX_PAGE = '/lading/webapp/index.html';
const LOCAL_BOOTSTRAP = 'src="/resources/sap-ui-core.js"';
const OPENUI5_CDN = 'https://sdk.openui5.org';

export type Ui5Source = { kind: 'local' } | { kind: 'url'; resources: string };

/** The OpenUI5 version the app is developed and tested against: the installed @openui5 packages (package-lock.json). */
export function openUi5Version(): string {
  return (require('@openui5/sap.ui.core/package.json') as { version: string }).version;
}

/**
 * LADING_UI5_URL: `local`, or the URL of an OpenUI5 (or SAPUI5) `resources` folder, e.g.
 * https://sdk.openui5.org/1.152.0/resources. Unset: local in development, the CDN at
 * openUi5Version() in production (NODE_ENV=production).
 */
export function ui5Source(env: Record<string, string | undefined>, version: () => string = openUi5Version): Ui5Source {
  const value = env.LADING_UI5_URL?.trim();
  if (!value) return env.NODE_ENV === 'production' ? { kind: 'url', resources: `${OPENUI5_CDN}/${version()}/resources` } : { kind: 'local' };
  if (value === 'local') return { kind: 'local' };
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError('LADING_UI5_URL', `must be 'local' or the http(s) URL of OpenUI5's resources folder (e.g. ${OPENUI5_CDN}/1.152.0/resources), not '${value}'`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ConfigError('LADING_UI5_URL', `must be an http(s) URL, not '${value}'`);
  if (url.search || url.hash) throw new ConfigError('LADING_UI5_URL', `must name a folder, without query or fragment: '${value}'`);
  return { kind: 'url', resources: url.href.replace(/\/+$/, '') };
}

/** The app's index.html with its bootstrap loading OpenUI5 from `resources`; the local page must name /resources/sap-ui-core.js. */
export function pageWithBootstrapFrom(page: string, resources: string): string {
  if (!page.includes(LOCAL_BOOTSTRAP)) throw new Error(`app${INDEX_PAGE} has no ${LOCAL_BOOTSTRAP} to point at ${resources}`);
  return page.replace(LOCAL_BOOTSTRAP, `src="${resources}/sap-ui-core.js"`);
}
/** The UI5 project description of the app (type application, webapp under app/lading/webapp). */
const UI5_CONFIG = 'app/lading/ui5.yaml';

type Middleware = (request: Request, response: Response, next: NextFunction) => void;

interface Ui5Project {
  getName(): string;
  getReader(options: { style: 'runtime' }): unknown;
}
interface Ui5Graph {
  getRoot(): Ui5Project;
  traverseBreadthFirst(visit: (node: { project: Ui5Project }) => Promise<void>): Promise<void>;
}

async function importFromTooling<T>(specifier: string): Promise<T> {
  const fromCli = createRequire(require.resolve('@ui5/cli/package.json'));
  return (await import(pathToFileURL(fromCli.resolve(specifier)).href)) as T;
}

/** Builds the UI5 tooling's middleware stack (as `ui5 serve` does) in an express app of the tooling's own. */
async function toolingMiddleware(): Promise<Middleware> {
  const { graphFromPackageDependencies } = await importFromTooling<{
    graphFromPackageDependencies(options: { cwd: string; rootConfigPath: string }): Promise<Ui5Graph>;
  }>('@ui5/project/graph');
  const { createReaderCollection } = await importFromTooling<{ createReaderCollection(options: { name: string; readers: unknown[] }): unknown }>('@ui5/fs/resourceFactory');
  const { default: ReaderCollectionPrioritized } = await importFromTooling<{ default: new (options: { name: string; readers: unknown[] }) => unknown }>('@ui5/fs/ReaderCollectionPrioritized');
  const { default: MiddlewareManager } = await importFromTooling<{
    default: new (options: { graph: Ui5Graph; rootProject: Ui5Project; resources: Record<string, unknown>; options: Record<string, boolean> }) => {
      applyMiddleware(app: unknown): Promise<unknown>;
    };
  }>('@ui5/server/internal/MiddlewareManager');
  const { default: express } = await importFromTooling<{ default: () => Middleware & { use: unknown } }>('express');

  const graph = await graphFromPackageDependencies({ cwd: ROOT, rootConfigPath: UI5_CONFIG });
  const rootProject = graph.getRoot();
  const readers: unknown[] = [];
  await graph.traverseBreadthFirst(async ({ project }) => {
    if (project.getName() !== rootProject.getName()) readers.push(project.getReader({ style: 'runtime' }));
  });
  const dependencies = createReaderCollection({ name: 'OpenUI5 libraries', readers });
  const rootReader = rootProject.getReader({ style: 'runtime' });
  const all = new ReaderCollectionPrioritized({ name: 'Lading UI and OpenUI5', readers: [rootReader, dependencies] });
  const app = express();
  await new MiddlewareManager({
    graph, rootProject, resources: { rootProject: rootReader, dependencies, all }, options: { sendSAPTargetCSP: false, serveCSPReports: false },
  }).applyMiddleware(app);
  return app;
}

/** `/resources/**` from the local UI5 tooling. */
function localResources(): RequestHandler {
  let middleware: Promise<Middleware | undefined> | undefined;
  return (request, response, next) => {
    if (!request.path.startsWith('/resources/')) {
      next();
      return;
    }
    middleware ??= toolingMiddleware().catch((error: Error) => {
      log.warn(`OpenUI5 resources are not served (${error.message}); install the devDependencies, or set LADING_UI5_URL to OpenUI5's resources on a CDN`);
      return undefined;
    });
    middleware.then((serve) => (serve ? serve(request, response, next) : next()), next);
  };
}

/** The app's index.html (read once, from the app folder CAP serves) with its bootstrap pointing at `resources`. */
function pageFrom(resources: string): RequestHandler {
  let page: Promise<string> | undefined;
  return (request, response, next) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      next();
      return;
    }
    if (request.path !== INDEX_PAGE && request.path !== INDEX_PAGE.replace(/index\.html$/, '')) {
      next();
      return;
    }
    page ??= readFile(join(cds.root, cds.env.folders.app, INDEX_PAGE), 'utf8').then((html) => pageWithBootstrapFrom(html, resources));
    page.then((html) => {
      response.type('html').set('cache-control', 'no-cache').send(html);
    }, (error: Error) => {
      page = undefined; // read again next time: a missing page is a deployment fault, not a state
      next(error);
    });
  };
}

export function ui5Resources(): RequestHandler {
  const source = (() => {
    try {
      return ui5Source(process.env);
    } catch (error) {
      return stopOnSetupError(error);
    }
  })();
  if (source.kind === 'local') return localResources();
  log.info(`web UI loads OpenUI5 from ${source.resources}`);
  return pageFrom(source.resources);
}
