/**
 * npm run bench:alerts — alert evaluation on the large bench database: how long the default stale rule and a
 * conflict rule take after one figure is written, and how long the server's thread is held meanwhile (the longest
 * event-loop delay: better-sqlite3 is synchronous, so a slow query stalls every request).
 *
 * argv: [sqlite file] — a database from bench/generate.ts, left untouched (a copy is measured). Without it, one of
 * BENCH_LARGE figures (default 1,000,000) is generated under os.tmpdir() first (about a minute) and removed after.
 * Steps: migrate the copy (timed: a database from an older checkout gets migration 010's index here); store a stale
 * rule and a conflict rule (40 %, any category) at the country; evaluate every rule twice (the first run also fires up
 * to 50 of the bench data's conflicts); then WRITES times: create one approved figure that contradicts an existing
 * group at the latest date by 10× and wait until the evaluation it schedules has finished. Each write must fire its
 * new conflict (the run fails otherwise). With --markdown, BENCHMARKS.md's alert section is rewritten from the run.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { createApp } from '../server/app';
import { loadConfig } from '../server/config';
import { migrate, openStorage } from '../server/storage/database';
import type { AlertsService } from '../server/alerts/alerts.service';
import { FiguresService } from '../server/figures/figures.service';
import { BENCH_SLUG, generateDatabase } from './generate';
import { ROOT } from './lib';
import { markAlertsSection, withAlertsSection } from './alerts-section';

const WRITES = Number(process.env.BENCH_ALERT_WRITES ?? 5);
const LARGE = Number(process.env.BENCH_LARGE ?? 1_000_000);
const OUT = process.env.BENCH_OUT ?? path.join(ROOT, 'BENCHMARKS.md');

interface Timed {
  ms: number;
  maxStallMs: number;
  fired: number;
}

/**
 * Runs `fn`, timing it and the longest the event loop went without running a 1 ms timer meanwhile (what a request
 * arriving then would have waited); the tick after `fn` catches a stall in its last step.
 */
async function timed(fn: () => Promise<number>): Promise<Timed> {
  let last = performance.now();
  let maxGap = 0;
  const tick = setInterval(() => {
    const now = performance.now();
    maxGap = Math.max(maxGap, now - last);
    last = now;
  }, 1);
  const t = performance.now();
  const fired = await fn();
  const ms = performance.now() - t;
  await new Promise((resolve) => setTimeout(resolve, 1));
  clearInterval(tick);
  return { ms, maxStallMs: maxGap, fired };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x: number) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));

async function main() {
  const given = process.argv.slice(2).find((a) => !a.startsWith('--'));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-alerts-'));
  try {
    let source = given;
    if (!source) {
      source = path.join(dir, 'source.db');
      process.stderr.write(`generating ${LARGE.toLocaleString('en')} figures…\n`);
      await generateDatabase(source, LARGE);
    }
    const file = path.join(dir, 'alerts.db');
    fs.copyFileSync(source, file);
    const storage = await openStorage({ sqlitePath: file });
    const migration = await timed(async () => (await migrate(storage)).length);
    const config = loadConfig({ SQLITE_PATH: file, LOG_LEVEL: 'silent', SESSION_SECRET: 'bench-secret-bench-secret', SEED_ON_START: 'false' });
    const app = createApp({ storage, config, logger: pino({ level: 'silent' }) });
    const alerts = app.locals.alerts as AlertsService;
    // The app's own figures service is not exposed; this one schedules the evaluation as createApp's onChange does.
    const figures = new FiguresService(storage, (slug, changed) => alerts.schedule(slug, changed));
    const db = storage.db;
    const situation = await db.selectFrom('situations').select(['id', 'country']).where('slug', '=', BENCH_SLUG).executeTakeFirstOrThrow();
    const count = Number(
      (
        await db
          .selectFrom('figures')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('situation_id', '=', situation.id)
          .executeTakeFirstOrThrow()
      ).n,
    );
    await alerts.rules(BENCH_SLUG); // the default stale rule
    await db
      .insertInto('alert_rules')
      .values({
        situation_id: situation.id,
        kind: 'conflict',
        location_code: situation.country,
        category: null,
        params: JSON.stringify({ percent: 40 }),
        origin: null,
        open_key: null,
        created_by: 'bench',
        created_at: new Date().toISOString(),
        updated_by: 'bench',
        updated_at: new Date().toISOString(),
        version: 1,
        deleted_at: null,
      })
      .execute();
    const full = [await timed(async () => (await alerts.evaluate(BENCH_SLUG)).length), await timed(async () => (await alerts.evaluate(BENCH_SLUG)).length)];

    const latest = (
      await db
        .selectFrom('figures')
        .select((eb) => eb.fn.max('period_end').as('d'))
        .where('situation_id', '=', situation.id)
        .executeTakeFirstOrThrow()
    ).d as string;
    const groups = await db
      .selectFrom('figures')
      .select(['location_code', 'category', 'location_role', 'value'])
      .where('situation_id', '=', situation.id)
      .where('period_end', '=', latest)
      .where('status', '=', 'approved')
      .where('deleted_at', 'is', null)
      .orderBy('id')
      .limit(WRITES)
      .execute();
    const admin = { id: 0, email: 'bench@example.org', name: null, role: 'admin' as const };
    const writes: Timed[] = [];
    for (const g of groups) {
      const value = Number(g.value) * 10;
      await figures.create(
        BENCH_SLUG,
        {
          location: g.location_code,
          locationRole: g.location_role,
          category: g.category,
          periodEnd: latest,
          value,
          quantifier: 'exact',
          organisation: 'OCHA',
          sourceUrl: 'https://example.org/bench-alerts',
          publishedOn: latest,
          quote: `${value} people.`,
          status: 'approved',
        },
        admin,
      );
      // The write has committed and scheduled its evaluation; the clock runs until that evaluation is done.
      const before = await db
        .selectFrom('alerts')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('kind', '=', 'conflict')
        .executeTakeFirstOrThrow();
      const w = await timed(async () => {
        await alerts.settled();
        return 0;
      });
      const after = await db
        .selectFrom('alerts')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('kind', '=', 'conflict')
        .executeTakeFirstOrThrow();
      w.fired = Number(after.n) - Number(before.n);
      if (w.fired < 1) throw new Error(`the write at ${g.location_code} ${g.category} ${latest} fired no conflict`);
      writes.push(w);
    }
    alerts.stop();
    await alerts.settled();
    await storage.close();

    const r = { count, migration, full, writes };
    const lines = [
      `Alert evaluation on ${count.toLocaleString('en')} figures (bench/alerts.ts, \`npm run bench:alerts\`; ${new Date().toISOString().slice(0, 10)}, load average ${os.loadavg()[0].toFixed(2)}): the default stale rule and a conflict rule (40 %, any category) at the country.`,
      '',
      '| step | time | longest event-loop stall | alerts fired |',
      '|------|------|--------------------------|--------------|',
      `| migrate (${r.migration.fired ? 'migration 010: builds figures_approved_groups' : 'nothing pending'}) | ${ms(r.migration.ms)} ms | ${ms(r.migration.maxStallMs)} ms | |`,
      ...r.full.map((f, i) => `| evaluate every rule, ${i ? 'again' : 'first time'} | ${ms(f.ms)} ms | ${ms(f.maxStallMs)} ms | ${f.fired} |`),
      `| one approved figure written, then its evaluation (median of ${writes.length}; slowest) | ${ms(median(writes.map((w) => w.ms)))} ms; ${ms(Math.max(...writes.map((w) => w.ms)))} ms | ${ms(median(writes.map((w) => w.maxStallMs)))} ms; ${ms(Math.max(...writes.map((w) => w.maxStallMs)))} ms | ${writes.map((w) => w.fired).join(', ')} (its new conflict each) |`,
      '',
      'By hand before these fixes (commit 682fb02, same database and script, 2026-11-28, load average 3.7): every evaluation held the thread for its whole length, 10.9 s the first time and 10.0 s again, and one write then its evaluation 16.0 s (of it, the stale query 8 s and the conflict query over every group of the country the rest), with the new conflict never fired: the query took the oldest 50 groups, all fired before.',
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    if (process.argv.includes('--markdown')) {
      fs.writeFileSync(OUT, withAlertsSection(fs.readFileSync(OUT, 'utf8'), markAlertsSection(`## Alert evaluation\n\n${lines.join('\n')}`)));
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
