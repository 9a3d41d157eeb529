import path from 'node:path';
import type { OpenOptions } from '../storage/database';
import { startWorker } from '../paths';
import type { ComputeRequest } from './analysis.compute';

/** One worker at a time per process: a large analysis can peak at several hundred MB, and the machine has few cores. */
let queue: Promise<unknown> = Promise.resolve();

/**
 * Runs analysis.worker.ts in a new worker thread for one request and resolves with the analysis as JSON; requests
 * wait for the previous worker to finish. From the bundle (dist/main.js, dist/cli/*.js) the worker is
 * dist/analysis-worker.js; from the sources (tsx, ts-jest) it is the TypeScript file, loaded through tsx's require
 * hook inside the worker.
 */
export function computeInWorker(open: OpenOptions, request: ComputeRequest): Promise<string> {
  const run = queue.then(() => runWorker(open, request));
  queue = run.catch(() => undefined);
  return run;
}

function runWorker(open: OpenOptions, request: ComputeRequest): Promise<string> {
  const worker = startWorker(path.join(__dirname, 'analysis.worker.ts'), 'analysis-worker', { open, request });
  return new Promise((resolve, reject) => {
    let settled = false;
    worker.once('message', (m: { json?: string; error?: { message: string; stack?: string } }) => {
      settled = true;
      if (m.json !== undefined) resolve(m.json);
      else reject(Object.assign(new Error(`analysis worker: ${m.error?.message}`), { stack: m.error?.stack }));
    });
    worker.once('error', (err) => {
      settled = true;
      reject(err);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`analysis worker exited with ${code} before answering`));
    });
  });
}
