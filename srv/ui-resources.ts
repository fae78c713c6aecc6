import cds from '@sap/cds';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * `/resources/**`: OpenUI5 for the web UI (app/lading), from the @openui5 packages in node_modules,
 * so the UI works offline (no CDN). The UI5 tooling's own server middleware does the serving: it
 * compiles each library's theme (LESS → CSS) on first request and keeps it in memory. The tooling
 * (@ui5/cli, a devDependency) is loaded on the first request only, so processes that never serve
 * the UI pay nothing; where it is not installed (a production build: SAPUI5 comes from the
 * platform there), /resources answers 404 with a log line.
 */

const log = cds.log('ui');
const ROOT = join(__dirname, '..');
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

export function ui5Resources(): RequestHandler {
  let middleware: Promise<Middleware | undefined> | undefined;
  return (request, response, next) => {
    if (!request.path.startsWith('/resources/')) {
      next();
      return;
    }
    middleware ??= toolingMiddleware().catch((error: Error) => {
      log.warn(`OpenUI5 resources are not served (${error.message}); install the devDependencies to use the web UI`);
      return undefined;
    });
    middleware.then((serve) => (serve ? serve(request, response, next) : next()), next);
  };
}
