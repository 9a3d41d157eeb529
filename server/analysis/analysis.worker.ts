/**
 * A worker thread that computes one analysis (analysis.compute.ts) on its own database connection and posts it
 * back as JSON. The analysis of a large situation is synchronous for seconds (reading rows, reconciling, rolling
 * up); here it runs beside the server's event loop instead of stopping it. Started by AnalysisService (analysis.threads.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openStorage, type OpenOptions } from '../storage/database';
import { computeAnalysis, type ComputeRequest } from './analysis.compute';

async function main() {
  const { open, request } = workerData as { open: OpenOptions; request: ComputeRequest };
  const storage = await openStorage({ ...open, pgPoolSize: 1 });
  try {
    const analysis = await computeAnalysis(storage.db, request);
    parentPort!.postMessage({ json: JSON.stringify(analysis) });
  } finally {
    await storage.close();
  }
}

main().catch((err: Error & { status?: number }) => parentPort!.postMessage({ error: { message: err.message ?? String(err), stack: err.stack } }));
