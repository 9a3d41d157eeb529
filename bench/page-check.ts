/**
 * Quick P1 + P5 check of the situation page without the full bench (about a minute): generates (or reuses) the
 * 100k synthetic database, starts bench/serve-child.ts, measures the first-load and repeat-visit transfer the way
 * bench/run.ts P5 does, then runs autocannon at 20 connections on the static twin and on the page in the same run
 * (the CPU is shared, so only the ratio of the two is comparable across runs).
 * Usage: tsx bench/page-check.ts [page path]   Knobs: CHECK_DB (default /tmp/dt-page-check/100k.db), CHECK_FIGURES
 * (100000), CHECK_SECONDS (10), CHECK_ROUNDS (1: twin, page pairs).
 */
import fs from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import autocannon from 'autocannon';
import { ensureAssets } from '../server/assets/build';
import { BENCH_SLUG, generateDatabase } from './generate';
import { fmt, kb, rawGet, serve } from './lib';

const DB = process.env.CHECK_DB ?? '/tmp/dt-page-check/100k.db';
const FIGURES = Number(process.env.CHECK_FIGURES ?? 100_000);
const SECONDS = Number(process.env.CHECK_SECONDS ?? 10);
const ROUNDS = Number(process.env.CHECK_ROUNDS ?? 1);
const PAGE = process.argv[2] ?? `/situations/${BENCH_SLUG}`;
const gz = { 'accept-encoding': 'gzip' };

async function weight(port: number) {
  const page = await rawGet(port, PAGE, gz);
  if (page.status !== 200) throw new Error(`${PAGE} answered ${page.status}`);
  const html = page.headers['content-encoding'] === 'gzip' ? gunzipSync(page.body).toString('utf8') : page.body.toString('utf8');
  const parts = [{ name: `page HTML (${page.headers['content-encoding'] ?? 'identity'}, ${kb(Buffer.byteLength(html))} raw)`, bytes: page.headerBytes + page.bodyBytes }];
  for (const a of new Set([...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]))) {
    const r = await rawGet(port, a, gz);
    parts.push({ name: `${path.basename(a)} (${r.headers['content-encoding'] ?? 'identity'})`, bytes: r.headerBytes + r.bodyBytes });
  }
  const again = await rawGet(port, PAGE, { ...gz, 'if-none-match': String(page.headers.etag) });
  const first = parts.reduce((s, p) => s + p.bytes, 0);
  console.log(
    `P5 ${PAGE}: first load ${kb(first)} (${parts.map((p) => `${p.name} ${kb(p.bytes)}`).join(', ')}); repeat ${kb(again.headerBytes + again.bodyBytes)} (${again.status})`,
  );
}

async function cannon(port: number, p: string) {
  const r = await autocannon({ url: `http://127.0.0.1:${port}${p}`, connections: 20, duration: SECONDS, headers: gz, timeout: 60 });
  return { rps: r.requests.total / SECONDS, p50: r.latency.p50, p99: r.latency.p99, bad: r.errors + r.timeouts + r.non2xx };
}

async function main() {
  await ensureAssets();
  if (!fs.existsSync(DB)) {
    fs.mkdirSync(path.dirname(DB), { recursive: true });
    console.log(`generating ${FIGURES} figures into ${DB}…`);
    await generateDatabase(DB, FIGURES);
  }
  const s = await serve(DB, [PAGE]);
  try {
    console.log(`server pid ${s.pid}, warm-up ${fmt(s.pages[0].firstMs)} ms, ${kb(s.pages[0].bytes)} HTML`);
    await weight(s.port);
    for (let i = 0; i < ROUNDS; i++) {
      const twin = await cannon(s.port, '/static-0.html');
      const page = await cannon(s.port, PAGE);
      console.log(
        `P1 round ${i + 1}: twin ${fmt(twin.rps, 1)} req/s p50 ${twin.p50} p99 ${twin.p99} ms bad ${twin.bad}; page ${fmt(page.rps, 1)} req/s p50 ${page.p50} p99 ${page.p99} ms bad ${page.bad}; ratio ${fmt(page.rps / twin.rps, 2)}×`,
      );
    }
  } finally {
    await s.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
