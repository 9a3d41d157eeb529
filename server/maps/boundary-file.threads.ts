import path from 'node:path';
import { HttpError } from '../errors';
import { startWorker } from '../paths';
import type { ReadBoundary } from './boundary-file';

/** One file at a time per process: a 25 MB file can take several hundred MB while it is parsed. */
let queue: Promise<unknown> = Promise.resolve();

/**
 * Reads a boundary file in a worker thread (boundary-file.worker.ts; dist/boundary-worker.js from the bundle): the
 * same result as readBoundaryFile, and the same 400 for a file that is not a usable boundary file.
 */
export function readBoundaryInWorker(buffer: Buffer): Promise<ReadBoundary> {
  const run = queue.then(() => runWorker(buffer));
  queue = run.catch(() => undefined);
  return run;
}

type Answer = { read: ReadBoundary } | { error: { status?: number; code?: string; message: string; details?: HttpError['details']; stack?: string } };

function runWorker(buffer: Buffer): Promise<ReadBoundary> {
  const worker = startWorker(path.join(__dirname, 'boundary-file.worker.ts'), 'boundary-worker', new Uint8Array(buffer));
  return new Promise((resolve, reject) => {
    let settled = false;
    worker.once('message', (m: Answer) => {
      settled = true;
      if ('read' in m) return resolve(m.read);
      const e = m.error;
      reject(
        e.status ? new HttpError(e.status, e.code ?? 'validation_failed', e.message, e.details) : Object.assign(new Error(`boundary worker: ${e.message}`), { stack: e.stack }),
      );
    });
    worker.once('error', (err) => {
      settled = true;
      reject(err);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`boundary worker exited with ${code} before answering`));
    });
  });
}
