import path from 'node:path';
import type { OpenOptions } from '../storage/database';
import { firstMessage, oneAtATime, startWorker } from '../paths';
import type { ComputeRequest } from './analysis.compute';

/** One worker at a time per process: a large analysis can peak at several hundred MB, and the machine has few cores. */
const queued = oneAtATime();

/**
 * Runs analysis.worker.ts in a new worker thread for one request and resolves with the analysis as JSON; requests
 * wait for the previous worker to finish. From the bundle (dist/main.js, dist/cli/*.js) the worker is
 * dist/analysis-worker.js; from the sources (tsx, ts-jest) it is the TypeScript file, loaded through tsx's require
 * hook inside the worker.
 */
export function computeInWorker(open: OpenOptions, request: ComputeRequest): Promise<string> {
  return queued(async () => {
    const worker = startWorker(path.join(__dirname, 'analysis.worker.ts'), 'analysis-worker', { open, request });
    const m = await firstMessage<{ json?: string; error?: { message: string; stack?: string } }>(worker, 'analysis worker');
    if (m.json !== undefined) return m.json;
    throw Object.assign(new Error(`analysis worker: ${m.error?.message}`), { stack: m.error?.stack });
  });
}
