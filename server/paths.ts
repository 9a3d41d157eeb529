import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';

/**
 * Where the project's files are, from one place. The sources run from server/ (tsx, ts-jest) and the
 * compiled bundles from dist/ and dist/cli/, so `__dirname` differs between them; the project root is the
 * nearest directory above this module that holds package.json (else the working directory), and every other
 * path is relative to it.
 */
function findRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    // A bundle written outside the project (e.g. a benchmark child under /tmp): the working directory is the project.
    if (path.dirname(dir) === dir) return process.cwd();
  }
}

export const ROOT = findRoot(__dirname);
export const VIEWS_DIR = path.join(ROOT, 'views');
export const I18N_DIR = path.join(ROOT, 'server', 'i18n');
export const REFERENCE_DIR = path.join(ROOT, 'data', 'reference');
export const SEEDS_DIR = path.join(ROOT, 'seeds');
export const ASSETS_SRC_DIR = path.join(ROOT, 'public', 'src');
export const ASSETS_BUILD_DIR = path.join(ROOT, 'public', 'build');
export const ASSETS_MANIFEST = path.join(ASSETS_BUILD_DIR, 'manifest.json');
export const DIST_DIR = path.join(ROOT, 'dist');

/**
 * Starts a worker thread: from the bundles (dist/main.js, dist/cli/*.js) the bundled `dist/<bundle>.js`; from the
 * sources (tsx, ts-jest) the TypeScript `source` through tsx's require hook inside the worker.
 */
export function startWorker(source: string, bundle: string, workerData: unknown): Worker {
  // This module is bundled into the entry point that runs, so its own file name says which case this is.
  return __filename.endsWith('.ts')
    ? new Worker(`require(${JSON.stringify(require.resolve('tsx/cjs'))}); require(${JSON.stringify(source)});`, { eval: true, workerData })
    : new Worker(path.join(DIST_DIR, `${bundle}.js`), { workerData });
}

/**
 * Runs `task` after the previous task of the same queue has settled: one worker at a time per queue, since a large
 * analysis or boundary file can take several hundred MB and the machine has few cores.
 */
export function oneAtATime() {
  let queue: Promise<unknown> = Promise.resolve();
  return <T>(task: () => Promise<T>): Promise<T> => {
    const run = queue.then(task);
    queue = run.catch(() => undefined);
    return run;
  };
}

/** The first message a worker posts; rejects when the worker fails or exits before posting one. */
export function firstMessage<T>(worker: Worker, name: string): Promise<T> {
  return new Promise((resolve, reject) => {
    let settled = false;
    worker.once('message', (m: T) => {
      settled = true;
      resolve(m);
    });
    worker.once('error', (err) => {
      settled = true;
      reject(err);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`${name} exited with ${code} before answering`));
    });
  });
}
