import path from 'node:path';
import { HttpError } from '../errors';
import { firstMessage, oneAtATime, startWorker } from '../paths';
import type { ReadBoundary } from './boundary-file';

/** One file at a time per process: a 25 MB file can take several hundred MB while it is parsed. */
const queued = oneAtATime();

type Answer = { read: ReadBoundary } | { error: { status?: number; code?: string; message: string; details?: HttpError['details']; stack?: string } };

/**
 * Reads a boundary file in a worker thread (boundary-file.worker.ts; dist/boundary-worker.js from the bundle): the
 * same result as readBoundaryFile, and the same 400 for a file that is not a usable boundary file.
 */
export function readBoundaryInWorker(buffer: Buffer): Promise<ReadBoundary> {
  return queued(async () => {
    const worker = startWorker(path.join(__dirname, 'boundary-file.worker.ts'), 'boundary-worker', new Uint8Array(buffer));
    const m = await firstMessage<Answer>(worker, 'boundary worker');
    if ('read' in m) return m.read;
    const e = m.error;
    throw e.status ? new HttpError(e.status, e.code ?? 'validation_failed', e.message, e.details) : Object.assign(new Error(`boundary worker: ${e.message}`), { stack: e.stack });
  });
}
