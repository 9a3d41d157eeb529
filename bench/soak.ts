/**
 * npm run soak: 200 connections on the situation page for 60 seconds against a server child
 * process on 127.0.0.1, then the crash test with 20 trials. Fails (exit 1) on any error, timeout or non-2xx
 * response, on resident memory growing more than 50% over the soak (start = after a 10-second warm-up at the
 * same load, end = the last sample; read from /proc/<pid>/status VmRSS every second), or on a failed crash test.
 *
 * Data: a fresh temporary SQLite database, migrated and seeded (what `npm start` gives a new install); the page
 * is the seed situation's. Knobs: SOAK_SECONDS (60), SOAK_CONNECTIONS (200), SOAK_FIGURES (add that many
 * synthetic figures of bench/generate.ts and soak its situation page instead), SOAK_SKIP_CRASH=1, SOAK_STORM=1.
 *
 * Connections are opened before any request is written, and the first requests go out once the server has accepted
 * them all (its listen queue is empty). Why: Node 20's libuv (1.45 and later, libuv PR #3696 "unix: don't accept()
 * connections in a loop") accepts one new connection per event-loop turn. When 200 connections open at once and the
 * first ones already keep the server busy, a turn serves every ready connection (about 100 ms here), so the rest wait
 * in the kernel's accept queue one turn each — seconds, and past autocannon's 10 s timeout for the last ones — while
 * the kernel has completed their handshake (no listen-queue overflow, no retransmit) and the client has written its
 * request. That is a connection storm on a saturated server, not the sustained load the soak is about. SOAK_STORM=1
 * opens and writes at once as autocannon does by default, to see it; either way the report gives, per phase, the
 * longest wait from a connection's handshake to the server's accept() (bench/serve-child.ts stamps the accept).
 */
import type { EventEmitter } from 'node:events';
import fs from 'node:fs';
import type { Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { migrate, openStorage } from '../server/storage/database';
import { seed } from '../server/seeding/seed';
import { ensureAssets } from '../server/assets/build';
import { BENCH_SLUG, generateDatabase } from './generate';
import { fmt, ROOT, rssMb, run, serve } from './lib';

const SECONDS = Number(process.env.SOAK_SECONDS ?? 60);
const CONNECTIONS = Number(process.env.SOAK_CONNECTIONS ?? 200);
const WARMUP_SECONDS = 10;
const FIGURES = Number(process.env.SOAK_FIGURES ?? 0);
/** Resident memory may grow by at most this share from the end of the warm-up to the end of the soak. */
const MAX_RSS_GROWTH = 0.5;
const CRASH_TRIALS = 20;

const STORM = process.env.SOAK_STORM === '1';

const log = (msg: string) => process.stderr.write(`[soak] ${msg}\n`);

/** Monotonic milliseconds; bench/serve-child.ts stamps its connections with the same clock (process.hrtime). */
const clock = () => Number(process.hrtime.bigint()) / 1e6;

/** One connection as the load generator saw it. */
interface ClientSocket {
  port: number;
  connectStart: number;
  connectedAt: number;
  firstWrittenAt: number;
}
/** One connection as the server saw it (bench/serve-child.ts). */
interface ServerSocket {
  port: number;
  acceptedAt: number;
  firstRequestAt: number;
  requests: number;
}
/** The parts of an autocannon 9 client this script uses: its socket, and the methods that open it and write a request. */
interface ClientInternals extends EventEmitter {
  conn: Socket;
  _connect(): void;
  _doRequest(): void;
}

/**
 * Connections on 127.0.0.1:port that the kernel has completed but the server has not accept()ed yet: the rx_queue
 * of the LISTEN (0A) line in /proc/net/tcp. Null when the socket is not found.
 */
function acceptQueue(port: number): number | null {
  const local = `0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  for (const line of fs.readFileSync('/proc/net/tcp', 'utf8').split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f[1] === local && f[3] === '0A') return parseInt(f[4].split(':')[1], 16);
  }
  return null;
}

interface Phase {
  name: string;
  result: autocannon.Result;
  sockets: ClientSocket[];
  timedOut: ClientSocket[];
  slow: number;
  openMs: number | null;
}

/**
 * One autocannon run of `seconds` at CONNECTIONS connections, following each connection (when it started
 * connecting, connected, wrote its first request; which ones timed out). Unless SOAK_STORM=1, the first requests
 * wait until every connection is open and the server's accept queue is empty (see the top of this file).
 */
async function loadPhase(name: string, port: number, url: string, seconds: number): Promise<Phase> {
  const sockets: ClientSocket[] = [];
  const timedOut: ClientSocket[] = [];
  let slow = 0;
  const held: ClientInternals[] = [];
  let connected = 0;
  let openMs: number | null = null;
  const t0 = clock();
  let opening = false;
  const openGate = async () => {
    if (opening) return;
    opening = true;
    const deadline = clock() + 10_000;
    while ((acceptQueue(port) ?? 0) > 0 && clock() < deadline) await new Promise((r) => setTimeout(r, 5));
    openMs = clock() - t0;
    for (const c of held) delete (c as Partial<ClientInternals>)._doRequest; // back to autocannon's own method
    for (const c of held.splice(0)) c._doRequest();
  };
  const setupClient = (client: autocannon.Client) => {
    const c = client as unknown as ClientInternals;
    if (typeof c._connect !== 'function' || typeof c._doRequest !== 'function') throw new Error('autocannon Client has no _connect/_doRequest (this script follows autocannon 9)');
    let current: ClientSocket | null = null;
    let previous: ClientSocket | null = null;
    const connect = c._connect;
    c._connect = function (this: ClientInternals) {
      const rec: ClientSocket = { port: 0, connectStart: clock(), connectedAt: 0, firstWrittenAt: 0 };
      sockets.push(rec);
      [previous, current] = [current, rec];
      connect.call(this);
      const conn = this.conn;
      conn.once('connect', () => {
        rec.connectedAt = clock();
        rec.port = conn.localPort ?? 0;
        if (!STORM && ++connected === CONNECTIONS) void openGate();
      });
    };
    if (!STORM) c._doRequest = () => void held.push(c);
    c.on('request', () => {
      if (current && !current.firstWrittenAt) current.firstWrittenAt = clock();
    });
    c.on('response', (_status: number, _bytes: number, ms: number) => {
      if (ms > 1000) slow++;
    });
    // autocannon destroys a timed-out connection and opens the next one before it emits 'timeout'.
    c.on('timeout', () => {
      if (previous) timedOut.push(previous);
    });
  };
  // Should a connection fail to open, the requests start anyway after 5 s (and the failure is counted as an error).
  const fallback = STORM ? null : setTimeout(() => void openGate(), 5000);
  const result = await autocannon({ url, connections: CONNECTIONS, headers: { 'accept-encoding': 'gzip' }, timeout: 10, duration: seconds, setupClient });
  if (fallback) clearTimeout(fallback);
  return { name, result, sockets, timedOut, slow, openMs };
}

/**
 * How long connections waited for the server's accept() (from the client's completed handshake), and how long
 * their first request then waited to be parsed; with the timeouts that fell on connections accepted late.
 */
function placePhase(p: Phase, server: ServerSocket[]): string {
  const match = (c: ClientSocket) => server.filter((s) => s.port === c.port && s.acceptedAt >= c.connectStart - 1).sort((a, b) => a.acceptedAt - b.acceptedAt)[0];
  const waits = p.sockets.filter((c) => c.connectedAt).map((c) => ({ c, s: match(c) }));
  const acceptMs = waits.map(({ c, s }) => (s ? s.acceptedAt - c.connectedAt : Infinity));
  const firstReadMs = waits.filter(({ c, s }) => s?.firstRequestAt && c.firstWrittenAt).map(({ c, s }) => s!.firstRequestAt - c.firstWrittenAt);
  const lateAccept = (c: ClientSocket) => {
    const s = match(c);
    return !s || s.acceptedAt - c.connectedAt > 1000;
  };
  const max = (xs: number[]) => (xs.length ? Math.max(...xs) : 0);
  const fmtMs = (ms: number) => (Number.isFinite(ms) ? `${fmt(ms)} ms` : 'never');
  return `  ${p.name}: ${p.sockets.length} connections, ${STORM ? 'requests written at once (SOAK_STORM=1)' : `first requests written after all were open and accepted (${fmt(p.openMs ?? NaN)} ms)`}; handshake → server accept(): longest ${fmtMs(max(acceptMs))}, ${acceptMs.filter((ms) => ms > 1000).length} over 1 s; first request written → parsed: longest ${fmt(max(firstReadMs))} ms; responses slower than 1 s: ${p.slow}; timeouts ${p.timedOut.length} (on connections accepted after more than 1 s or never: ${p.timedOut.filter(lateAccept).length})`;
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dt-soak-'));
  const problems: string[] = [];
  const lines: string[] = [];
  const phases: Phase[] = [];
  let loadGenDelayMs = 0;
  try {
    await ensureAssets();
    const db = path.join(dir, 'soak.db');
    let page = '/situations/syria-2024-offensive';
    if (FIGURES > 0) {
      await generateDatabase(db, FIGURES);
      page = `/situations/${BENCH_SLUG}`;
    } else {
      const storage = await openStorage({ sqlitePath: db });
      await migrate(storage);
      await seed(storage);
      await storage.close();
    }

    const statsFile = path.join(dir, 'server-stats.json');
    const s = await serve(db, [page], { env: { BENCH_SERVER_STATS: statsFile } });
    try {
      const url = `http://127.0.0.1:${s.port}${page}`;
      const rss0 = rssMb(s.pid);
      log(
        `server pid ${s.pid} on 127.0.0.1:${s.port}, ${page} (${fmt(s.pages[0].bytes / 1024, 1)} KB), RSS ${fmt(rss0)} MB; warm-up ${WARMUP_SECONDS} s at ${CONNECTIONS} connections…`,
      );
      const loadGenLoop = monitorEventLoopDelay({ resolution: 10 });
      loadGenLoop.enable();
      const warmPhase = await loadPhase('warm-up', s.port, url, WARMUP_SECONDS);
      const warm = warmPhase.result;
      const rssStart = rssMb(s.pid)!;
      log(`soak ${SECONDS} s at ${CONNECTIONS} connections (RSS after warm-up ${fmt(rssStart)} MB)…`);
      const samples: number[] = [];
      const sampler = setInterval(() => {
        const r = rssMb(s.pid);
        if (r != null) samples.push(r);
      }, 1000);
      const soakPhase = await loadPhase('soak', s.port, url, SECONDS);
      const soak = soakPhase.result;
      loadGenLoop.disable();
      phases.push(warmPhase, soakPhase);
      loadGenDelayMs = loadGenLoop.max / 1e6;
      clearInterval(sampler);
      const rssEnd = rssMb(s.pid) ?? samples.at(-1)!;
      const growth = rssEnd / rssStart - 1;
      // autocannon counts timeouts among errors.
      const bad = (r: autocannon.Result) => r.errors + r.non2xx;
      lines.push(
        `Soak: ${CONNECTIONS} connections on ${page} for ${SECONDS} s (after ${WARMUP_SECONDS} s of warm-up), server on 127.0.0.1 (child pid ${s.pid}), Node ${process.version}, ${os.availableParallelism?.() ?? os.cpus().length} CPUs.`,
        `  requests: ${soak.requests.total.toLocaleString('en')} (${fmt(soak.requests.average, 1)}/s), latency p50 ${fmt(soak.latency.p50)} ms, p99 ${fmt(soak.latency.p99)} ms, max ${fmt(soak.latency.max)} ms`,
        `  errors ${soak.errors} (of which timeouts at 10 s: ${soak.timeouts}), non-2xx ${soak.non2xx}; during warm-up: ${warm.requests.total} requests, errors ${warm.errors} (timeouts ${warm.timeouts}), non-2xx ${warm.non2xx}`,
        `  server RSS: ${fmt(rss0)} MB idle, ${fmt(rssStart)} MB at the start of the soak, ${fmt(rssEnd)} MB at the end (${growth >= 0 ? '+' : ''}${fmt(growth * 100, 1)}%; limit +${MAX_RSS_GROWTH * 100}%), min ${fmt(Math.min(...samples))} / max ${fmt(Math.max(...samples))} MB over ${samples.length} samples`,
      );
      if (bad(soak) + bad(warm) > 0) problems.push(`${bad(soak) + bad(warm)} failed requests (errors, timeouts or non-2xx)`);
      if (growth > MAX_RSS_GROWTH) problems.push(`server RSS grew ${fmt(growth * 100)}% during the soak (limit ${MAX_RSS_GROWTH * 100}%)`);
      if (soak.requests.total === 0) problems.push('no request completed');
    } finally {
      await s.stop();
    }
    // Where time went on the server: a client-side timeout with a fast handler was spent outside the app.
    if (fs.existsSync(statsFile)) {
      const st = JSON.parse(fs.readFileSync(statsFile, 'utf8'));
      lines.push(
        `  server side (warm-up and soak): ${st.requests.toLocaleString('en')} requests, slowest ${fmt(st.maxHandlerMs)} ms from the first middleware to 'finish' (${st.handlerOver1s} over 1 s), longest event-loop delay ${fmt(st.maxLoopDelayMs)} ms, ${st.connections} connections, ${st.clientErrors} client errors (connections reset by the load generator when a run ends), keepAliveTimeout ${st.keepAliveTimeout} ms`,
      );
      lines.push(`  connections (load generator's longest event-loop delay ${fmt(loadGenDelayMs)} ms):`, ...phases.map((p) => placePhase(p, st.sockets as ServerSocket[])));
    }

    if (process.env.SOAK_SKIP_CRASH !== '1') {
      log(`crash test, ${CRASH_TRIALS} trials…`);
      const jest = path.join(ROOT, 'node_modules', '.bin', 'jest');
      const t0 = performance.now();
      try {
        const r = await run(jest, ['tests/robustness/crash.test.ts'], { env: { ...process.env, CRASH_TRIALS: String(CRASH_TRIALS) }, timeoutMs: 15 * 60_000 });
        const outcomes = /crash trials on [\s\S]*?(?=\n\s*\n|\n\s+at )/.exec(r.stdout + r.stderr)?.[0] ?? '';
        const present = (outcomes.match(/present/g) ?? []).length;
        const absent = (outcomes.match(/absent/g) ?? []).length;
        lines.push(
          `Crash test: CRASH_TRIALS=${CRASH_TRIALS} jest tests/robustness/crash.test.ts passed in ${fmt((performance.now() - t0) / 1000)} s (import wholly present ${present}×, wholly absent ${absent}×; integrity_check ok each time).`,
        );
      } catch (err) {
        lines.push(`Crash test: FAILED — ${(err as Error).message.slice(0, 1500)}`);
        problems.push('the crash test failed');
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  process.stdout.write(`${lines.join('\n')}\n${problems.length ? `SOAK FAILED: ${problems.join('; ')}` : 'SOAK PASSED'}\n`);
  if (problems.length) process.exitCode = 1;
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
