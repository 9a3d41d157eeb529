/**
 * Worker thread of a large import (checked-rows.threads.ts): reads the file's bytes, sent by the main thread,
 * through the layouts and the zod schema, and posts the checked rows back a batch at a time. It stops while 32
 * batches wait unacknowledged, so a slow database slows the reading, not the memory.
 */
import { Readable } from 'node:stream';
import { parentPort, workerData } from 'node:worker_threads';
import { checkedBatches, type CheckOptions } from './checked-rows';

const port = parentPort!;
// Up to 32 batches (a few thousand rows) may wait for the main thread, which blocks for each 500-row INSERT.
let credit = 32;
let wake: (() => void) | undefined;
// The main thread sends the file's bytes as fast as it reads them, up to a bound on what this side has not parsed
// yet; each time the parser wants more, this side says how much it has consumed.
let pushed = 0;
const input = new Readable({ highWaterMark: 1024 * 1024, read: () => port.postMessage({ type: 'consumed', bytes: pushed - input.readableLength }) });

port.on('message', (m: { type: 'chunk'; data: Uint8Array } | { type: 'end' } | { type: 'error'; message: string } | { type: 'ack' }) => {
  if (m.type === 'chunk') {
    pushed += m.data.byteLength;
    input.push(Buffer.from(m.data.buffer, m.data.byteOffset, m.data.byteLength));
  } else if (m.type === 'end') input.push(null);
  else if (m.type === 'error') input.destroy(new Error(m.message));
  else {
    credit++;
    wake?.();
  }
});

async function main() {
  for await (const batch of checkedBatches(input, workerData as CheckOptions)) {
    while (credit <= 0) await new Promise<void>((r) => (wake = r));
    credit--;
    port.postMessage({ type: 'batch', events: batch });
  }
  port.postMessage({ type: 'done' });
}

main().catch((err: Error) => port.postMessage({ type: 'fail', message: err.message, stack: err.stack }));
