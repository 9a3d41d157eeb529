/**
 * P4: projections for 1,000 locations × 100 reported points each, as pure analyse() calls (no database), the way
 * AnalysisService calls it: every location of the country is passed, with the figures of one location × category.
 * Half the locations carry a running total (new_displacement, a flow), half a stock (idps); values follow a noisy
 * saturating curve from two organisations. Deterministic. Reports per-location milliseconds after a warm-up.
 */
import { analyse } from '../server/statistics';
import type { FigureLike, LocationLike } from '../server/statistics';
import { rng } from './generate';

const ONSET = '2024-01-01';
const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);


export function projectionInputs(locationCount = 1000, points = 100) {
  const r = rng(7);
  const locations: LocationLike[] = [{ code: 'XX', name: 'Country', parentCode: null, adminLevel: 0, isArea: false }];
  for (let i = 0; i < locationCount; i++) locations.push({ code: `XX${String(i).padStart(4, '0')}`, name: `Place ${i}`, parentCode: 'XX', adminLevel: 1, isArea: false });
  const onset = Date.parse(`${ONSET}T00:00:00Z`);
  let id = 0;
  const perLocation = locations.slice(1).map((l, li) => {
    const category = li % 2 ? ('idps' as const) : ('new_displacement' as const);
    const cap = 5_000 + Math.floor(r() * 200_000);
    const rate = 0.03 + r() * 0.08;
    const figures: FigureLike[] = [];
    for (let p = 0; p < points; p++) {
      const day = p * 2 + Math.floor(r() * 2);
      const value = Math.max(1, Math.round((cap / (1 + Math.exp(-rate * (day - 40)))) * (0.95 + r() * 0.1)));
      const end = iso(onset + day * DAY);
      figures.push({
        id: ++id, location: l.code, locationRole: 'destination', category, periodStart: category === 'idps' ? null : ONSET, periodEnd: end, value,
        valueLow: null, valueHigh: null, quantifier: r() < 0.8 ? 'exact' : 'approximately', organisation: p % 3 ? 'IOM DTM' : 'OCHA',
        organisationReliability: 'high', publishedOn: end, role: 'recommended', status: 'approved', deletedAt: null,
      });
    }
    return { location: l.code, category, figures };
  });
  return { locations, perLocation };
}

export interface P4Result { locations: number; points: number; warmup: number; medianMs: number; p95Ms: number; meanMs: number; maxMs: number; totalMs: number }

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];

export function runProjections(locationCount = 1000, points = 100, warmup = 50): P4Result {
  const { locations, perLocation } = projectionInputs(locationCount, points);
  const call = (x: (typeof perLocation)[number]) =>
    analyse({ figures: x.figures, scenarios: [], locations, onset: ONSET, location: x.location, category: x.category, horizonDays: 30, stalenessDays: 14 });
  for (let i = 0; i < warmup; i++) call(perLocation[i % perLocation.length]);
  const times: number[] = [];
  const t0 = performance.now();
  for (const x of perLocation) {
    const t = performance.now();
    const a = call(x);
    times.push(performance.now() - t);
    if (a.series.points.length === 0) throw new Error(`no series for ${x.location}`);
  }
  const totalMs = performance.now() - t0;
  const sorted = [...times].sort((a, b) => a - b);
  return { locations: locationCount, points, warmup, medianMs: quantile(sorted, 0.5), p95Ms: quantile(sorted, 0.95), meanMs: totalMs / times.length, maxMs: sorted.at(-1)!, totalMs };
}

if (require.main === module) process.stdout.write(JSON.stringify(runProjections()) + '\n');
