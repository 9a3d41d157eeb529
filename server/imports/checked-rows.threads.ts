import path from 'node:path';
import type { Readable } from 'node:stream';
import { startWorker } from '../paths';
import type { CheckedEvent, CheckOptions } from './checked-rows';

/** How many import workers this process started (the tests check that a large import really used one). */
export const importWorkers = { started: 0 };

type FromWorker = { type: 'consumed'; bytes: number } | { type: 'batch'; events: CheckedEvent[] } | { type: 'done' } | { type: 'fail'; message: string; stack?: string };

/**
 * checkedBatches (checked-rows.ts) in a worker thread: on two cores, reading and validating a large file overlaps
 * with the main thread's checks against the database and its INSERTs. Bytes go to the worker as they are read and
 * checked rows come back in batches, each side bounded in what it holds for the other (bundled as dist/import-worker.js).
 */
export async function* checkedBatchesInWorker(readable: Readable, opts: CheckOptions): AsyncGenerator<CheckedEvent[]> {
  const worker = startWorker(path.join(__dirname, 'checked-rows.worker.ts'), 'import-worker', opts);
  importWorkers.started++;
  const ready: CheckedEvent[][] = [];
  let done = false;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const settle = () => wake?.();
  // Bytes go to the worker as fast as they are read, while less than 8 MB waits there unparsed: the worker then
  // never waits for this thread, which is busy with INSERTs most of the time.
  let sent = 0;
  let consumed = 0;
  const LIMIT = 8 * 1024 * 1024;
  readable.on('data', (chunk: Buffer) => {
    const bytes = new Uint8Array(chunk); // a copy the worker can own
    sent += bytes.byteLength;
    worker.postMessage({ type: 'chunk', data: bytes }, [bytes.buffer]);
    if (sent - consumed > LIMIT) readable.pause();
  });
  readable.once('end', () => worker.postMessage({ type: 'end' }));
  // A read failure reaches the CSV reader in the worker, which reports it as a file error (as in one thread).
  readable.once('error', (err) => worker.postMessage({ type: 'error', message: err.message }));
  worker.on('message', (m: FromWorker) => {
    if (m.type === 'consumed') {
      consumed = m.bytes;
      if (readable.isPaused() && sent - consumed <= LIMIT / 2) readable.resume();
      return;
    }
    if (m.type === 'batch') ready.push(m.events);
    else if (m.type === 'done') done = true;
    else failure = Object.assign(new Error(`import worker: ${m.message}`), { stack: m.stack });
    settle();
  });
  worker.on('error', (err) => {
    failure = err;
    settle();
  });
  worker.on('exit', (code) => {
    if (!done) failure ??= new Error(`import worker exited with ${code} before the end of the file`);
    settle();
  });
  try {
    for (;;) {
      const batch = ready.shift();
      if (batch) {
        worker.postMessage({ type: 'ack' });
        yield batch;
        continue;
      }
      if (failure) throw failure;
      if (done) return;
      await new Promise<void>((r) => (wake = r));
      wake = undefined;
    }
  } finally {
    readable.destroy();
    await worker.terminate();
  }
}
