/**
 * Benchmark child: serves the app on 127.0.0.1 (a random port) over a SQLite file, behind an outer Express app
 * that also serves GET /static-<i>.html for each page given: that page's own bytes and headers, precomputed once
 * (after the request that warms the analysis cache), through the same compression middleware. That twin is the
 * baseline of P1: same size, same headers, same compression, same process, no work.
 * argv: <sqlite file> <page path>…  Prints one JSON line {port, pid, pages: [{path, bytes, firstMs}]} when ready.
 * Logging is off (LOG_LEVEL=silent) for both. SIGTERM closes the server and exits. With BENCH_CPU_PROFILE=<file>, a CPU
 * profile is taken from after the warm-up to SIGTERM (so it shows steady-state serving, not start-up) and written there.
 * With BENCH_SERVER_STATS=<file>, server-side figures are written there on SIGTERM: requests, the slowest time from the
 * first middleware to 'finish', the longest event-loop delay, connections opened and client errors — to tell a slow
 * handler from time spent outside it (queued before parsing, or in the load generator) when a client sees a timeout —
 * and, per connection, when it was accepted and when its first request was parsed (process.hrtime, the monotonic
 * clock bench/soak.ts also stamps with), so a client's wait can be split into waiting for accept() and the rest.
 */
import fs from 'node:fs';
import { Session } from 'node:inspector/promises';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import express from 'express';
import compression from 'compression';
import pino from 'pino';
import { createApp } from '../server/app';
import { loadConfig } from '../server/config';
import { openStorage } from '../server/storage/database';

const SKIP = new Set(['date', 'content-length', 'content-encoding', 'x-request-id', 'set-cookie', 'connection', 'keep-alive', 'transfer-encoding', 'vary']);

async function main() {
  const [file, ...pagePaths] = process.argv.slice(2);
  const config = loadConfig({ SQLITE_PATH: file, LOG_LEVEL: 'silent', SESSION_SECRET: 'bench-secret-bench-secret', SEED_ON_START: 'false', PUBLIC_READ: 'true' });
  const storage = await openStorage({ sqlitePath: file });
  const app = createApp({ storage, config, logger: pino({ level: 'silent' }) });
  const twins: { body: string; headers: Record<string, string> }[] = [];
  const outer = express();
  outer.disable('x-powered-by');
  outer.get('/static-:i.html', compression(), (req, res, next) => {
    const twin = twins[Number(req.params.i)];
    if (!twin) return next();
    res.set(twin.headers);
    res.send(twin.body);
  });
  const stats = { requests: 0, maxHandlerMs: 0, handlerOver1s: 0, maxLoopDelayMs: 0, connections: 0, clientErrors: 0 };
  const loop = monitorEventLoopDelay({ resolution: 10 });
  if (process.env.BENCH_SERVER_STATS) {
    loop.enable();
    outer.use((_req, res, next) => {
      const t = performance.now();
      stats.requests++;
      res.on('finish', () => {
        const ms = performance.now() - t;
        stats.maxHandlerMs = Math.max(stats.maxHandlerMs, ms);
        if (ms > 1000) stats.handlerOver1s++;
      });
      next();
    });
  }
  outer.use(app);
  // One small record per connection (not per request, so the record does not grow the memory the soak measures).
  const clock = () => Number(process.hrtime.bigint()) / 1e6;
  const sockets: { port: number; acceptedAt: number; firstRequestAt: number; requests: number }[] = [];
  const bySocket = new WeakMap<object, (typeof sockets)[number]>();
  const server = outer.listen(0, '127.0.0.1', async () => {
    server.on('connection', (socket) => {
      stats.connections++;
      if (!process.env.BENCH_SERVER_STATS) return;
      const rec = { port: socket.remotePort ?? 0, acceptedAt: clock(), firstRequestAt: 0, requests: 0 };
      sockets.push(rec);
      bySocket.set(socket, rec);
    });
    server.on('request', (req) => {
      const rec = bySocket.get(req.socket);
      if (rec && rec.requests++ === 0) rec.firstRequestAt = clock();
    });
    server.on('clientError', () => stats.clientErrors++);
    const addr = server.address();
    const port = typeof addr === 'object' && addr ? addr.port : 0;
    const pages = [];
    for (const p of pagePaths) {
      const t0 = performance.now();
      const res = await fetch(`http://127.0.0.1:${port}${p}`);
      const body = await res.text();
      const firstMs = performance.now() - t0;
      if (res.status !== 200) throw new Error(`${p} answered ${res.status}`);
      twins.push({ body, headers: (() => { const h: Record<string, string> = {}; res.headers.forEach((v, k) => { if (!SKIP.has(k)) h[k] = v; }); return h; })() });
      pages.push({ path: p, bytes: Buffer.byteLength(body), firstMs });
    }
    if (process.env.BENCH_CPU_PROFILE) {
      profiler = new Session();
      profiler.connect();
      await profiler.post('Profiler.enable');
      await profiler.post('Profiler.start');
    }
    process.stdout.write(JSON.stringify({ port, pid: process.pid, pages }) + '\n');
  });
  let profiler: Session | null = null;
  const stop = async () => {
    if (process.env.BENCH_SERVER_STATS) {
      stats.maxLoopDelayMs = loop.max / 1e6;
      fs.writeFileSync(process.env.BENCH_SERVER_STATS, JSON.stringify({ ...stats, keepAliveTimeout: server.keepAliveTimeout, headersTimeout: server.headersTimeout, sockets }));
    }
    if (profiler) {
      const { profile } = await profiler.post('Profiler.stop');
      fs.writeFileSync(process.env.BENCH_CPU_PROFILE!, JSON.stringify(profile));
      profiler = null;
    }
    server.close(() => storage.close().then(() => process.exit(0)));
    server.closeAllConnections();
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
}
main().catch((e) => { console.error(e); process.exit(1); });
