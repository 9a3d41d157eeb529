import BetterSqlite3 from 'better-sqlite3';
import { migrate, openStorage } from '../server/storage/database';
import { seed } from '../server/seeding/seed';

/*
 * A realistic synthetic data set for benchmarks: one situation (Sudan) with 300 locations at admin 0–2, several
 * organisations of mixed reliability, mixed categories, ranges and quantifiers, most figures approved. Deterministic
 * (a seeded generator), written with one prepared statement in one transaction so a million rows take seconds.
 */

export const BENCH_SLUG = 'bench-sudan';
const ORGS = [
  ['IOM DTM', 'high'],
  ['OCHA', 'high'],
  ['UNHCR', 'high'],
  ['WFP', 'high'],
  ['DRC', 'medium'],
  ['Local authority', 'low'],
] as const;
const CATEGORIES = ['new_displacement', 'new_displacement', 'idps', 'idps', 'return', 'returnees'] as const;

/** Mulberry32: small, fast, deterministic. */
export function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface BenchLocation {
  code: string;
  name: string;
  level: number;
  parent: string | null;
}

export function benchLocations(): BenchLocation[] {
  const out: BenchLocation[] = [{ code: 'SDN', name: 'Sudan', level: 0, parent: null }];
  for (let s = 1; s <= 18; s++) out.push({ code: `SD${String(s).padStart(2, '0')}`, name: `State ${s}`, level: 1, parent: 'SDN' });
  for (let d = 0; out.length < 300; d++) {
    const state = `SD${String((d % 18) + 1).padStart(2, '0')}`;
    out.push({ code: `${state}${String(Math.floor(d / 18) + 1).padStart(3, '0')}`, name: `Locality ${d + 1}`, level: 2, parent: state });
  }
  return out;
}

const iso = (d: Date) => d.toISOString().slice(0, 10);

/** One synthetic figure per call, as database column values (without ids and situation). */
export function* benchFigures(count: number, seedNo = 42) {
  const r = rng(seedNo);
  const locs = benchLocations();
  const onset = Date.UTC(2023, 3, 15);
  for (let i = 0; i < count; i++) {
    const loc = locs[Math.floor(r() * locs.length)];
    const category = CATEGORIES[Math.floor(r() * CATEGORIES.length)];
    const flow = category === 'new_displacement' || category === 'return';
    const end = new Date(onset + Math.floor(r() * 600) * 86400000);
    const start = flow ? (r() < 0.7 ? new Date(onset) : new Date(end.getTime() - Math.floor(r() * 14) * 86400000)) : null;
    const value = Math.floor(100 + r() * (loc.level === 0 ? 5_000_000 : loc.level === 1 ? 600_000 : 40_000));
    const ranged = r() < 0.1;
    const org = ORGS[Math.floor(r() * ORGS.length)][0];
    const published = new Date(end.getTime() + Math.floor(r() * 3) * 86400000);
    yield {
      location_code: loc.code,
      location_role: r() < 0.5 ? 'destination' : r() < 0.5 ? 'origin' : 'unknown',
      category,
      period_start: start ? iso(start) : null,
      period_end: iso(end),
      value,
      value_low: ranged ? Math.floor(value * 0.8) : null,
      value_high: ranged ? Math.floor(value * 1.2) : null,
      quantifier: r() < 0.7 ? 'exact' : r() < 0.5 ? 'approximately' : 'more_than',
      organisation: org,
      source_url: `https://example.org/reports/${org.replace(/\W+/g, '-').toLowerCase()}/${i % 5000}`,
      source_title: `Situation report ${i % 5000}`,
      published_on: iso(published > new Date() ? end : published),
      quote: `About ${value.toLocaleString('en')} people were displaced in ${loc.name}, the report said.`,
      role: r() < 0.8 ? 'recommended' : 'triangulation',
      status: r() < 0.9 ? 'approved' : 'draft',
      notes: r() < 0.2 ? 'Synthetic benchmark figure; "quoted", with a comma' : null,
    };
  }
}

/** Creates (or reuses) a migrated, seeded SQLite file and fills the bench situation with `count` figures. */
export async function generateDatabase(file: string, count: number): Promise<void> {
  const storage = await openStorage({ sqlitePath: file });
  await migrate(storage);
  await seed(storage);
  await storage.close();
  const db = new BetterSqlite3(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  const now = new Date().toISOString();
  const tx = db.transaction(() => {
    const insLoc = db.prepare(`insert or ignore into locations (code, name, admin_level, parent_code, country, is_area, pcode) values (?, ?, ?, ?, 'SDN', 0, ?)`);
    for (const l of benchLocations()) insLoc.run(l.code, l.name, l.level, l.parent, l.code);
    for (const [name, rel] of ORGS) db.prepare(`insert or ignore into organisations (name, short_name, reliability, created_at) values (?, ?, ?, ?)`).run(name, name, rel, now);
    db.prepare(`insert or ignore into situations (slug, title, country, onset_date, description, created_at, updated_at) values (?, ?, 'SDN', '2023-04-15', ?, ?, ?)`).run(
      BENCH_SLUG,
      'Sudan (synthetic benchmark data)',
      'Synthetic data for npm run bench.',
      now,
      now,
    );
    const situationId = (db.prepare('select id from situations where slug = ?').get(BENCH_SLUG) as { id: number }).id;
    const orgIds = new Map((db.prepare('select id, short_name from organisations').all() as { id: number; short_name: string }[]).map((o) => [o.short_name, o.id]));
    const ins = db.prepare(`insert into figures (situation_id, location_code, location_role, category, period_start, period_end, value, value_low, value_high, quantifier, unit,
      reported_value, household_size, organisation_id, source_url, source_title, published_on, quote, role, status, notes, external_id, import_id, created_by, created_at,
      updated_by, updated_at, version, deleted_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'people', ?, null, ?, ?, ?, ?, ?, ?, ?, ?, null, null, 'bench', ?, 'bench', ?, 1, null)`);
    for (const f of benchFigures(count)) {
      ins.run(
        situationId,
        f.location_code,
        f.location_role,
        f.category,
        f.period_start,
        f.period_end,
        f.value,
        f.value_low,
        f.value_high,
        f.quantifier,
        f.value,
        orgIds.get(f.organisation),
        f.source_url,
        f.source_title,
        f.published_on,
        f.quote,
        f.role,
        f.status,
        f.notes,
        now,
        now,
      );
    }
  });
  tx();
  db.close();
}
