/**
 * The published projection (combined rule). Reference values: the example series and the Sudan DTM file, computed
 * independently in Python/numpy; the four real series' track records as measured when the rule was chosen.
 */
import fc from 'fast-check';
import { analyse, components, driftWidth, publishedProjection, type FigureLike, type LocationLike, type TimePoint } from '../../server/statistics';
import { EXAMPLE_DAYS, EXAMPLE_VALUES, example, series } from './helpers';
import { REAL_SERIES, dtmSeries } from '../helpers/real-series';

/** Relative closeness: `digits` significant figures. */
const close = (got: number, want: number, rel = 1e-4) => expect(Math.abs(got - want) / Math.abs(want)).toBeLessThan(rel);

describe('given the example series (days 0, 2, 4, 7, 9, 12; a running total)', () => {
  test('when projected 7 days, then the three forecasts, the central and the fallback range match numpy', () => {
    const c = components(EXAMPLE_DAYS, EXAMPLE_VALUES, 5, 7);
    close(c.naive, 870_000, 1e-9);
    close(c.drift8, 795_041.67, 1e-8);
    close(c.damped4, 732_476.42, 1e-8);
    const p = publishedProjection(example(), { horizonDays: 7, cumulative: true });
    const end = p.points!.at(-1)!;
    expect(p.empirical).toBe(false);
    close(end.central, 795_041.67, 1e-8);
    // The test values of docs/statistics.md were first computed with t(0.9, 4) = 1.533 from a table; the exact quantile (1.5332) moves the ends by 1.4e-5 relative.
    close(end.low, 661_969.1);
    close(end.high, 940_507.3);
  });

  test('when projected 21 days, then central 1,345,125 and range [772,770.1, 1,730,944.0]', () => {
    const p = publishedProjection(example(), { horizonDays: 21, cumulative: true });
    const end = p.points!.at(-1)!;
    expect(p.components).toEqual({ naive: 1_570_000, drift8: 1_345_125, damped4: expect.closeTo(933_714.09, 1) });
    close(end.central, 1_345_125, 1e-12);
    close(end.low, 772_770.1);
    close(end.high, 1_730_944.0);
  });

  test('when the drift width is asked, then it is t(0.9, 4)·σ·√(h(1 + h/span)) with σ = 13,815.19', () => {
    close(driftWidth(EXAMPLE_DAYS, EXAMPLE_VALUES, 5, 7), 1.5332062740589 * 13_815.19 * Math.sqrt(7 * (1 + 7 / 12)), 1e-6);
  });

  test('when there are only 2 reports, then no projection and the reason is a code with parameters', () => {
    const p = publishedProjection(example().slice(0, 2), { horizonDays: 7 });
    expect(p.points).toBeNull();
    expect(p.reason).toEqual({ code: 'too_few_points', needed: 3, got: 2 });
  });
});

describe('given the real Sudan DTM weekly admin0 file (45 rounds, an IDP stock)', () => {
  const sudan = dtmSeries('subset_SDN_armed_clashes_weekly_admin0.csv');
  test('when projected 14 days from the last round, then the components, central and empirical range match numpy', () => {
    const p = publishedProjection(sudan, { horizonDays: 14 });
    const end = p.points!.at(-1)!;
    close(p.components!.naive, 6_830_136.8, 1e-8);
    close(p.components!.drift8, 6_821_627.0, 1e-8);
    close(p.components!.damped4, 6_769_311.8, 1e-8);
    close(end.central, 6_821_627.0, 1e-8);
    expect(p.empirical).toBe(true);
    expect(p.errorsUsed).toBe(20);
    close(end.low, 6_719_826.1, 1e-8);
    close(end.high, 6_961_442.5, 1e-8);
    expect(end.date).toBe('2024-05-01');
  });
  test('when projected from the 30th round (2023-12-06), then central 5,599,952.7 and range [5,435,920.3, 5,810,992.9]', () => {
    const p = publishedProjection(sudan.slice(0, 30), { horizonDays: 14 });
    const end = p.points!.at(-1)!;
    close(end.central, 5_599_952.7, 1e-8);
    close(end.low, 5_435_920.3, 1e-8);
    close(end.high, 5_810_992.9, 1e-8);
  });
});

const LOCATIONS: LocationLike[] = [{ code: 'XX', name: 'Country', parentCode: null, adminLevel: 0, isArea: false }];
const asFigures = (points: readonly TimePoint[]): FigureLike[] =>
  points.map((p, i) => ({
    id: i + 1,
    location: 'XX',
    locationRole: 'unknown',
    category: 'idps',
    periodStart: null,
    periodEnd: p.date,
    value: p.value,
    valueLow: null,
    valueHigh: null,
    quantifier: 'exact',
    organisation: 'IOM DTM',
    organisationReliability: 'high',
    publishedOn: p.date,
    role: 'recommended',
    status: 'approved',
    deletedAt: null,
  }));

describe.each(REAL_SERIES)('given the real series $name, through analyse() at its horizon', (s) => {
  const a = analyse({ figures: asFigures(s.points()), scenarios: [], locations: LOCATIONS, onset: s.points()[0].date, location: 'XX', category: 'idps', horizonDays: s.horizon });
  const tr = a.projections.range.trackRecord;
  test('then the central beats both baselines in MAPE and the 80% range held 70–90% of the time', () => {
    expect(tr.mape!).toBeLessThan(tr.baselines.naive.mape!);
    expect(tr.mape!).toBeLessThan(tr.baselines.drift8.mape!);
    expect(tr.coverage!).toBeGreaterThanOrEqual(0.7);
    expect(tr.coverage!).toBeLessThanOrEqual(0.9);
  });
  test('then the track record is the one measured when the rule was chosen', () => {
    expect(tr.horizonDays).toBe(s.horizon);
    expect({ n: tr.n, held: tr.held }).toEqual({ n: s.n, held: s.held });
    expect(tr.mape!).toBeCloseTo(s.mape, 2);
    expect(tr.baselines.naive.mape!).toBeCloseTo(s.naive, 2);
    expect(tr.baselines.drift8.mape!).toBeCloseTo(s.drift8, 2);
    expect(tr.mase!).toBeLessThan(1);
  });
  test('then "what we said then" is the track record point by point', () => {
    const past = a.projections.backtest.past;
    expect(past).toHaveLength(tr.n);
    expect(past.filter((p) => p.held)).toHaveLength(tr.held);
    for (const p of past) expect(p.low <= p.central && p.central <= p.high).toBe(true);
    expect(past.every((p) => p.held === (p.actual >= p.low && p.actual <= p.high))).toBe(true);
  });
  test('then the range is never many times wider than the value (median and MAD, not percentiles)', () => {
    for (const p of a.projections.backtest.past) expect((p.high - p.low) / p.central).toBeLessThan(1);
  });
});

// ------------------------------------------------------------------------------------------- properties

const seriesArb = fc
  .uniqueArray(fc.integer({ min: 0, max: 150 }), { minLength: 3, maxLength: 40 })
  .chain((days) => fc.tuple(fc.constant([...days].sort((a, b) => a - b)), fc.array(fc.integer({ min: 0, max: 2_000_000 }), { minLength: days.length, maxLength: days.length })));

describe('properties of the published projection', () => {
  test('then low ≤ central ≤ high on every day, low ≥ 0, and the first day is the last report', () => {
    fc.assert(
      fc.property(seriesArb, fc.integer({ min: 0, max: 60 }), fc.boolean(), ([days, values], h, cumulative) => {
        const pts = series(days, values);
        const p = publishedProjection(pts, { horizonDays: h, cumulative });
        expect(p.points).toHaveLength(h + 1);
        for (const q of p.points!) expect(0 <= q.low && q.low <= q.central && q.central <= q.high && Number.isFinite(q.high)).toBe(true);
        expect(p.points![0].central).toBeCloseTo(values.at(-1)!, 6);
        expect(p.points![0].date).toBe(pts.at(-1)!.date);
      }),
    );
  });
  test('then a running total never projects below its last value', () => {
    fc.assert(
      fc.property(seriesArb, fc.integer({ min: 1, max: 60 }), ([days, values], h) => {
        const sorted = [...values].sort((a, b) => a - b);
        const p = publishedProjection(series(days, sorted), { horizonDays: h, cumulative: true });
        for (const q of p.points!) expect(q.low).toBeGreaterThanOrEqual(sorted.at(-1)!);
      }),
    );
  });
  test('then no scenario curve starts above the last report', () => {
    fc.assert(
      fc.property(seriesArb, fc.option(fc.integer({ min: 1, max: 5_000_000 }), { nil: null }), ([days, values], ceiling) => {
        const pts = series(days, values);
        const figures = asFigures(pts);
        const scenarios = ceiling
          ? [{ id: 1, location: 'XX', category: 'idps' as const, organisation: 'WFP', kind: 'ceiling' as const, value: ceiling, horizonDate: null, quote: 'q' }]
          : [];
        const a = analyse({ figures, scenarios, locations: LOCATIONS, onset: pts[0].date, location: 'XX', category: 'idps', horizonDays: 14 });
        for (const s of a.projections.scenarios) if (s.points) expect(s.points[0].value).toBeCloseTo(values.at(-1)!, 6);
        // Scenarios never widen the range: it is the same with and without them.
        const bare = analyse({ figures, scenarios: [], locations: LOCATIONS, onset: pts[0].date, location: 'XX', category: 'idps', horizonDays: 14 });
        expect(a.projections.range.points).toEqual(bare.projections.range.points);
      }),
      { numRuns: 60 },
    );
  });
  test('then the range at the horizon is empirical exactly when at least 8 past errors exist', () => {
    fc.assert(
      fc.property(fc.integer({ min: 3, max: 30 }), fc.integer({ min: 1, max: 10 }), (n, h) => {
        const pts = series(
          Array.from({ length: n }, (_, i) => i * 2),
          Array.from({ length: n }, (_, i) => 1000 + 50 * i + (i % 3) * 20),
        );
        const p = publishedProjection(pts, { horizonDays: h });
        expect(p.empirical).toBe(p.errorsUsed >= 8);
        // Origins with ≥ 3 reports whose target (h days on) is on or before the last report, at most 20.
        const expected = Math.min(20, Array.from({ length: n }, (_, i) => i).filter((i) => i >= 2 && 2 * i + h <= 2 * (n - 1)).length);
        expect(p.errorsUsed).toBe(expected);
      }),
    );
  });
});
