/**
 * A worker thread that reads and simplifies one boundary file (boundary-file.ts): parsing and simplifying a COD-AB
 * file of a few MB takes about a second of CPU, which on the main thread would stop every other request. Started by
 * boundary-file.threads.ts; answers with the ReadBoundary or the 400 naming the problem.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { HttpError } from '../errors';
import { readBoundaryFile } from './boundary-file';

try {
  const bytes = workerData as Uint8Array;
  parentPort!.postMessage({ read: readBoundaryFile(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)) });
} catch (err) {
  const e = err as Error;
  parentPort!.postMessage({
    error: err instanceof HttpError ? { status: err.status, code: err.code, message: err.message, details: err.details } : { message: e.message ?? String(err), stack: e.stack },
  });
}
