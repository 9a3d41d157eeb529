/**
 * npm run soak (issue 6, part 5): 200 connections on the situation page for 60 seconds against a server child
 * process on 127.0.0.1, then the crash test with 20 trials. Fails (exit 1) on any error, timeout or non-2xx
 * response, on resident memory growing more than 50% over the soak (start = after a 10-second warm-up at the
 * same load, end = the last sample; read from /proc/<pid>/status VmRSS every second), or on a failed crash test.
 *
 * Data: a fresh temporary SQLite database, migrated and seeded (what `npm start` gives a new install); the page
 * is the seed situation's. Knobs: SOAK_SECONDS (60), SOAK_CONNECTIONS (200), SOAK_FIGURES (add that many
 * synthetic figures of bench/generate.ts and soak its situation page instead), SOAK_SKIP_CRASH=1.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { migrate, openStorage } from '../server/storage/database';
import { seed } from '../server/storage/seed';
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

const log = (msg: string) => process.stderr.write(`[soak] ${msg}\n`);

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dt-soak-'));
  const problems: string[] = [];
  const lines: string[] = [];
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
      log(`server pid ${s.pid} on 127.0.0.1:${s.port}, ${page} (${fmt(s.pages[0].bytes / 1024, 1)} KB), RSS ${fmt(rss0)} MB; warm-up ${WARMUP_SECONDS} s at ${CONNECTIONS} connections…`);
      const opts = { url, connections: CONNECTIONS, headers: { 'accept-encoding': 'gzip' }, timeout: 10 };
      const warm = await autocannon({ ...opts, duration: WARMUP_SECONDS });
      const rssStart = rssMb(s.pid)!;
      log(`soak ${SECONDS} s at ${CONNECTIONS} connections (RSS after warm-up ${fmt(rssStart)} MB)…`);
      const samples: number[] = [];
      const sampler = setInterval(() => { const r = rssMb(s.pid); if (r != null) samples.push(r); }, 1000);
      const soak = await autocannon({ ...opts, duration: SECONDS });
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
      lines.push(`  server side (warm-up and soak): ${st.requests.toLocaleString('en')} requests, slowest ${fmt(st.maxHandlerMs)} ms from the first middleware to 'finish' (${st.handlerOver1s} over 1 s), longest event-loop delay ${fmt(st.maxLoopDelayMs)} ms, ${st.connections} connections, ${st.clientErrors} client errors (connections reset by the load generator when a run ends), keepAliveTimeout ${st.keepAliveTimeout} ms`);
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
        lines.push(`Crash test: CRASH_TRIALS=${CRASH_TRIALS} jest tests/robustness/crash.test.ts passed in ${fmt((performance.now() - t0) / 1000)} s (import wholly present ${present}×, wholly absent ${absent}×; integrity_check ok each time).`);
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
