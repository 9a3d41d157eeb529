/** analyse(): the entry point the API calls, on the Dec-2024 Syria reports and on edge cases. */
import { analyse, type AnalyseInput } from '../../server/statistics';
import { nonFinite } from './helpers';
import { FIGURES, SCENARIOS, LOCATIONS, ONSET } from './syria-2024.fixture';

const SYRIA: AnalyseInput = {
  figures: FIGURES,
  scenarios: SCENARIOS,
  locations: LOCATIONS,
  onset: ONSET,
  location: 'SYR',
  category: 'new_displacement',
  asOf: '2024-12-06',
  horizonDays: 6,
};

describe('when the Syria national series is analysed as of 2024-12-06 with a 6-day horizon', () => {
  const r = analyse(SYRIA);

  test('then the series is OCHA’s recommended running totals, lower bounds, with WFP in the band only', () => {
    expect(r.series.points.map((p) => [p.date, p.value, p.bound])).toEqual([
      ['2024-11-28', 14_000, 'lower'],
      ['2024-11-30', 48_500, 'lower'],
      ['2024-12-05', 178_000, 'lower'],
      ['2024-12-06', 370_000, 'lower'],
    ]);
    expect(r.series.points[3].sources).toEqual([
      { figureId: 5, organisation: 'OCHA', value: 370_000, role: 'recommended', location: 'SYR', periodStart: '2024-11-27', periodEnd: '2024-12-06' },
    ]);
    expect(r.series.band.map((b) => [b.date, b.low, b.high])).toEqual([
      ['2024-11-28', 14_000, 14_000],
      ['2024-11-30', 48_500, 48_500],
      ['2024-12-05', 178_000, 280_000],
      ['2024-12-06', 280_000, 370_000],
    ]);
    expect(r.series.warnings).toEqual([]);
  });

  test('then figures reported or published after asOf, and drafts, are left out', () => {
    const ids = r.series.points.flatMap((p) => p.sources.map((s) => s.figureId));
    expect(ids).not.toContain(7);
    expect(ids).not.toContain(8);
    expect(ids).not.toContain(9);
  });

  test('then the range for 2024-12-12 has low ≤ central ≤ high, all finite, from the last report to the horizon', () => {
    expect(r.input.horizonEnd).toBe('2024-12-12');
    const pts = r.projections.range.points!;
    expect(pts[0].date).toBe('2024-12-06');
    const last = pts.at(-1)!;
    expect(last.date).toBe('2024-12-12');
    expect(last.low).toBeLessThanOrEqual(last.central);
    expect(last.central).toBeLessThanOrEqual(last.high);
    expect(last.low).toBeGreaterThanOrEqual(370_000); // a running total never falls
    expect(nonFinite(r)).toEqual([]);
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });

  test('then the 1.5 million ceiling caps the accelerating curves but is never an observation', () => {
    expect(r.projections.ceiling).toMatchObject({ value: 1_500_000, organisation: 'WFP', scenarioId: 1 });
    expect(r.series.points.some((p) => p.value === 1_500_000)).toBe(false);
    expect(r.series.band.some((b) => b.high >= 1_500_000)).toBe(false);
    expect(r.trend.changes.at(-1)!.to).toBe('2024-12-06');
    for (const k of ['loglinear', 'logistic'] as const) for (const p of r.projections.methods[k].points!) expect(p.hi95).toBeLessThanOrEqual(1_500_000);
    // WFP's 1.5 million is a scenario beside the range, never part of it. With 4 reports the fallback range runs
    // from the three forecasts (the last gap alone rose 192,000 a day) and passes the ceiling: a note says so.
    const bare = analyse({ ...SYRIA, scenarios: [] });
    expect(r.projections.range.points).toEqual(bare.projections.range.points);
    const end = r.projections.range.points!.at(-1)!;
    expect(end.central).toBeLessThan(1_500_000);
    expect(end.high).toBeGreaterThan(1_500_000);
    expect(r.projections.range.notes).toEqual([{ code: 'high_above_ceiling', organisation: 'WFP', ceiling: 1_500_000, date: expect.any(String) }]);
    expect(r.projections.scenarios.find((s) => s.kind === 'ceiling')).toMatchObject({ organisation: 'WFP', value: 1_500_000 });
    const logistic = r.projections.scenarios.find((s) => s.kind === 'logistic')!;
    expect(logistic.points![0].value).toBe(370_000);
    expect(logistic.points!.every((p) => p.value < 1_500_000)).toBe(true);
  });

  test('then the published projection is the combined rule with the fallback range, and 4 reports give no track record yet', () => {
    expect(r.projections.range).toMatchObject({ method: 'combined', level: 0.8, horizonDays: 6, empirical: false });
    expect(r.projections.range.trackRecord).toMatchObject({ n: 0, reason: { code: 'no_track_record', horizonDays: 6, neededReports: 8, reports: 4 } });
    expect(r.projections.backtest.past).toEqual([]);
    for (const m of Object.values(r.projections.methods)) expect(m.description.length).toBeGreaterThan(40);
  });

  test('then thresholds include the ceiling and round numbers above 370,000', () => {
    expect(r.projections.thresholds.map((t) => [t.threshold, t.source])).toEqual([
      [500_000, 'round'],
      [1_000_000, 'round'],
      [1_500_000, 'ceiling'],
      [2_000_000, 'round'],
    ]);
    const ceiling = r.projections.thresholds[2];
    expect(ceiling.low).toEqual({ date: null, reason: { code: 'not_within_horizon' } });
    expect(ceiling.central).toEqual({ date: null, reason: { code: 'not_within_horizon' } });
    expect(ceiling.high.date).toBe(r.projections.range.notes[0].date);
  });

  test('then shuffling figures, scenarios and locations changes nothing', () => {
    const rev = analyse({ ...SYRIA, figures: [...FIGURES].reverse(), scenarios: [...SCENARIOS].reverse(), locations: [...LOCATIONS].reverse() });
    expect(rev).toEqual(r);
  });
});

describe('when the Syria series is analysed without asOf', () => {
  test('then the later OCHA figures are used and the horizon runs from the last report', () => {
    const r = analyse({ ...SYRIA, asOf: undefined, horizonDays: 30 });
    expect(r.series.points.at(-1)).toMatchObject({ date: '2024-12-12', value: 1_100_000 });
    expect(r.series.points.find((p) => p.date === '2024-12-06')!.value).toBe(400_000); // published later on the same date: wins
    expect(r.input.horizonEnd).toBe('2025-01-11');
    expect(r.projections.methods.drift.points!).toHaveLength(31);
    expect(nonFinite(r)).toEqual([]);
  });
});

describe('when asOf is days after the last report', () => {
  test('then the projection starts at the last report and ends horizonDays after it (bounded, whatever asOf is)', () => {
    const r = analyse({ ...SYRIA, asOf: '2024-12-09', horizonDays: 3, figures: FIGURES.filter((f) => f.id <= 6) });
    expect(r.projections.range.points![0].date).toBe('2024-12-06');
    expect(r.projections.range.points!.at(-1)!.date).toBe('2024-12-09');
    const years = analyse({ ...SYRIA, asOf: '2030-01-01', horizonDays: 3, figures: FIGURES.filter((f) => f.id <= 6) });
    expect(years.projections.range.points).toHaveLength(4);
  });
});

describe('when the location has no figures at all', () => {
  test('then everything is empty or null with a reason, and nothing is NaN', () => {
    const r = analyse({ ...SYRIA, location: 'SY07' });
    expect(r.series.points).toEqual([]);
    expect(r.input.horizonEnd).toBeNull();
    expect(r.projections.range.points).toBeNull();
    expect(r.projections.range.reason).toEqual({ code: 'too_few_points', needed: 3, got: 0 });
    expect(r.projections.backtest.reason).toMatchObject({ code: 'no_track_record' });
    expect(r.projections.ceiling).toBeNull();
    expect(nonFinite(r)).toEqual([]);
  });
});

describe('when two ceilings disagree', () => {
  test('then the latest published is used and a warning says so', () => {
    const other = { ...SCENARIOS[0], id: 2, organisation: 'OCHA', value: 1_000_000, publishedOn: '2024-12-05' };
    const r = analyse({ ...SYRIA, scenarios: [...SCENARIOS, other] });
    expect(r.projections.ceiling!.value).toBe(1_500_000);
    expect(r.series.warnings).toContainEqual({ code: 'several_ceilings', ceilings: 'WFP 1500000; OCHA 1000000', organisation: 'WFP', value: 1_500_000 });
  });
});

describe('when thresholds are given', () => {
  test('then those are used, with the ceiling added', () => {
    const r = analyse({ ...SYRIA, thresholds: [400_000] });
    expect(r.projections.thresholds.map((t) => [t.threshold, t.source])).toEqual([
      [400_000, 'given'],
      [1_500_000, 'ceiling'],
    ]);
  });
});

describe('when 100 reports are analysed', () => {
  // Speed is measured by `npm run bench` (P4), never by a timed unit test.
  test('then every method projects one point per day to the horizon, all finite', () => {
    const figures = Array.from({ length: 100 }, (_, i) => ({
      ...FIGURES[0],
      id: 1000 + i,
      periodEnd: new Date(Date.UTC(2024, 10, 28 + i * 2)).toISOString().slice(0, 10),
      publishedOn: '2024-11-28',
      value: 14_000 + i * 9_000 + ((i * 7919) % 5_000),
    }));
    const result = analyse({ ...SYRIA, figures, asOf: undefined, horizonDays: 30 });
    expect(result.series.points).toHaveLength(100);
    for (const m of ['linear', 'drift', 'holt'] as const) {
      expect(result.projections.methods[m].points).toHaveLength(31);
      for (const p of result.projections.methods[m].points!) for (const v of [p.central, p.lo80, p.hi80, p.lo95, p.hi95]) expect(Number.isFinite(v)).toBe(true);
    }
  });
});
