/**
 * The `@example`s in server/statistics, run: each one's claim is checked here against the code, to the digits it
 * shows. The last test lists every `@example` in the folder, so a new one fails until it is added here.
 */
import fs from 'node:fs';
import path from 'node:path';
import * as S from '../../server/statistics';
import { olsFit } from '../../server/statistics/ols';
import { changeBetweenReports } from '../../server/statistics/change-between-reports';
import { latestRounds } from '../../server/statistics/latest-rounds';
import { prepareSeries } from '../../server/statistics/prepare-series';
import { formatPeople } from '../../server/statistics/format-people';
import { describeBound, combineQuantifiers } from '../../server/statistics/quantifiers';
import { FITTERS } from '../../server/statistics/fitters';
import { runProjection } from '../../server/statistics/model';
import { LINEAR, fitLinear } from '../../server/statistics/linear-projection';
import { EXAMPLE_DAYS as T, EXAMPLE_VALUES as Y, example } from './helpers';
import { dtmSeries } from '../helpers/real-series';
import { FIGURES, SCENARIOS, LOCATIONS, ONSET } from './syria-2024.fixture';

/** Equal to the digits shown: |got − want| ≤ half a unit of the last shown decimal. */
const shown = (got: number, want: number, decimals: number) => expect(Math.abs(got - want)).toBeLessThanOrEqual(0.5 * 10 ** -decimals + 1e-9 * Math.abs(want));
const at = <P extends { date: string }>(points: P[] | null, date: string): P => points!.find((p) => p.date === date)!;
const syria = () =>
  S.analyse({ figures: FIGURES, scenarios: SCENARIOS, locations: LOCATIONS, onset: ONSET, location: 'SYR', category: 'new_displacement', asOf: '2024-12-06', horizonDays: 6 });

const CHECKS: Record<string, () => void> = {
  'change-between-reports.ts changeBetweenReports': () =>
    expect(
      changeBetweenReports([
        { date: '2024-11-28', value: 14_000 },
        { date: '2024-11-30', value: 48_500 },
        { date: '2024-12-06', value: 370_000 },
      ]),
    ).toMatchObject({ from: { date: '2024-11-28' }, to: { date: '2024-12-06' }, days: 8, change: 356_000 }),
  'latest-rounds.ts latestRounds': () => {
    const fig = (id: number, round: number) =>
      ({ ...FIGURES[0], id, category: 'idps', operation: 'A', reportingRound: round, periodEnd: '2024-03-01', status: 'approved', deletedAt: null }) as (typeof FIGURES)[number];
    const [one, two] = [fig(1, 11), fig(2, 12)];
    const r = latestRounds([one, two]);
    expect(r.kept).toEqual([two]);
    expect(r.superseded).toEqual([one]);
    expect(r.warnings).toEqual([{ code: 'older_round', operation: 'A', count: 1, figure: 1, round: 11, latest: 12, date: '2024-03-01' }]);
  },
  'analyse.ts analyse': () => {
    const a = syria();
    expect(Object.keys(a.series)).toEqual(['points', 'band', 'warnings']);
    expect(Object.keys(a.projections)).toEqual(['range', 'scenarios', 'thresholds', 'methods', 'backtest', 'ceiling']);
  },
  'backtest.ts backtest': () => {
    const d = S.backtest({ points: dtmSeries('subset_SDN_armed_clashes_weekly_admin0.csv'), horizonDays: 14, ceiling: null }).methods!.drift;
    expect(d).toMatchObject({ method: 'drift', n: 35, reason: null });
    expect(d.mape).not.toBeNull();
    shown(d.mape!, 2.3, 2);
  },
  'combined.ts components': () => {
    const c = S.components(T, Y, 5, 7);
    expect(c.naive).toBe(870_000);
    shown(c.drift8, 795_041.67, 2);
    shown(c.damped4, 732_476.42, 2);
  },
  'combined.ts combinedCentral': () => expect(S.combinedCentral(S.components(T, Y, 5, 21))).toBe(1_345_125),
  'combined.ts driftWidth': () => shown(S.driftWidth(T, Y, 5, 7), 70_516.8, 1),
  'days.ts toDay': () => expect(S.toDay('2024-11-27')).toBe(20054),
  'days.ts fromDay': () => expect(S.fromDay(20054)).toBe('2024-11-27'),
  'default-thresholds.ts defaultThresholds': () =>
    expect(S.defaultThresholds(370_000, 1_500_000)).toEqual([
      { value: 500000, source: 'round' },
      { value: 1000000, source: 'round' },
      { value: 1500000, source: 'ceiling' },
      { value: 2000000, source: 'round' },
    ]),
  'drift-projection.ts driftProjection': () => {
    const r = S.driftProjection(example(), { horizonDays: 18 });
    shown(r.parameters!.drift, 39_291.67, 2);
    shown(r.parameters!.sigma, 13_815.19, 2);
    expect(at(r.points, '2024-12-19').central).toBeCloseTo(873_625, 6);
    expect(at(r.points, '2024-12-28').central).toBeCloseTo(1_227_250, 6);
  },
  'fitters.ts FITTERS': () => expect(FITTERS.linear(T, Y, 6, { ceiling: null })).toMatchObject({ reason: null, model: expect.anything() }),
  'format-people.ts formatPeople': () => expect(formatPeople(1_500_000)).toBe('1,500,000'),
  'holt-projection.ts holtProjection': () => shown(at(S.holtProjection(example(), { horizonDays: 9 }).points, '2024-12-19').central, 931_098.5, 1),
  'interpolate.ts interpolateAt': () => expect(S.interpolateAt([0, 2], [48500, 115000], 1)).toBe(81750),
  'interpolate.ts interpolateDaily': () => expect(S.interpolateDaily([0, 2], [48500, 115000], 2)).toEqual([48500, 81750, 115000]),
  'linear-projection.ts linearProjection': () => {
    const p = at(S.linearProjection(example(), { horizonDays: 9 }).points, '2024-12-19');
    shown(p.central, 843_680.9, 1);
    shown(p.lo95!, 735_587.3, 1);
    shown(p.hi95!, 951_774.5, 1);
    shown(p.lo80!, 783_989.5, 1);
    shown(p.hi80!, 903_372.3, 1);
  },
  'logistic-projection.ts logisticProjection': () => {
    const r = S.logisticProjection(example(), { ceiling: 1_500_000, horizonDays: 9 });
    shown(r.parameters!.a, -3.096072, 6);
    shown(r.parameters!.r, 0.218135, 6);
    shown(at(r.points, '2024-12-19').central, 1_222_936, 0);
  },
  'loglinear-projection.ts loglinearProjection': () => {
    const r = S.loglinearProjection(example(), {});
    shown(r.parameters!.r, 0.1862098, 7);
    shown(r.parameters!.doublingDays, 3.7224, 4);
    expect(r.points).toHaveLength(15);
  },
  'model.ts runProjection': () => expect(runProjection(LINEAR, example(), { horizonDays: 7 }, fitLinear).points).toHaveLength(8),
  'ols.ts olsFit': () => {
    const f = olsFit(T, Y, 6);
    shown(f.slope, 38_669.41, 2);
    shown(f.intercept, 31_623.36, 2);
    shown(f.r2, 0.98865, 5);
    shown(f.s!, 20_849.46, 2);
  },
  'prepare-series.ts prepareSeries': () =>
    expect(
      prepareSeries([
        { date: '2024-11-30', value: 48500 },
        { date: '2024-11-28', value: 14000 },
      ]),
    ).toEqual({ t: [0, 2], y: [14000, 48500], firstDay: 20055, dates: ['2024-11-28', '2024-11-30'], n: 2 }),
  'public-round.ts publicRound': () => expect([S.publicRound(87), S.publicRound(4_567), S.publicRound(278_640)]).toEqual([87, 4_600, 279_000]),
  'published-projection.ts publishedProjection': () => {
    const p = S.publishedProjection(example(), { horizonDays: 7, cumulative: true });
    const end = p.points!.at(-1)!;
    expect(end.date).toBe('2024-12-17');
    shown(end.low, 661_959.6, 1);
    shown(end.central, 795_041.67, 2);
    shown(end.high, 940_516.8, 1);
    expect({ empirical: p.empirical, errorsUsed: p.errorsUsed }).toEqual({ empirical: false, errorsUsed: 1 });
  },
  'quantifiers.ts describeBound': () =>
    expect(describeBound('more_than')).toMatchObject({ bound: 'lower', boundNote: expect.stringContaining("lower bound: the source says 'more than'") }),
  'quantifiers.ts combineQuantifiers': () => expect(combineQuantifiers(['more_than', 'exact'])).toBe('more_than'),
  'reconcile.ts reconcile': () => {
    const figures = FIGURES.filter((f) => f.location === 'SYR' && f.periodEnd === '2024-12-06' && (f.value === 370_000 || f.value === 280_000));
    const r = S.reconcile({ figures, location: 'SYR', category: 'new_displacement', onset: ONSET });
    expect(r.points).toMatchObject([{ date: '2024-12-06', value: 370000, quantifier: 'more_than', bound: 'lower' }]);
    expect(r.band).toMatchObject([{ date: '2024-12-06', low: 280000, high: 370000 }]);
    expect(r.warnings).toEqual([]);
  },
  'roll-up.ts rollUp': () => {
    const r = S.rollUp({ figures: FIGURES, locations: LOCATIONS, location: 'SYR', category: 'new_displacement', onset: ONSET });
    expect(r.points.length).toBeGreaterThan(0);
    for (const p of r.points.filter((q) => q.derived)) expect(p).toMatchObject({ derived: true, childrenMissing: expect.any(Array) });
  },
  'scenario-lines.ts scenarioLines': () => {
    const a = syria();
    const points = a.series.points.map((p) => ({ date: p.date, value: p.value }));
    const lines = S.scenarioLines({
      points,
      scenarios: SCENARIOS.filter((s) => s.kind === 'ceiling'),
      ceiling: 1_500_000,
      horizonDays: 6,
      range: a.projections.range.points,
      thresholds: [1_000_000, 1_500_000],
    });
    expect(lines[0]).toMatchObject({ kind: 'ceiling', organisation: 'WFP', value: 1500000 });
    expect(lines.find((l) => l.kind === 'loglinear')!.timeToThreshold[0]).toMatchObject({ threshold: 1000000, date: '2024-12-09' });
  },
  't-quantile.ts tQuantile': () => {
    expect(S.tQuantile(0.975, 4)).toBe(2.776445105197794);
    shown(S.tQuantile(0.975, 4), 2.7764451052, 10);
  },
  'time-to-threshold.ts timeToThreshold': () =>
    expect(S.timeToThreshold(syria().projections.range, [{ value: 500_000, source: 'round' }])).toEqual([
      {
        threshold: 500000,
        source: 'round',
        low: { date: null, reason: { code: 'not_within_horizon' } },
        central: { date: '2024-12-09', reason: null },
        high: { date: '2024-12-07', reason: null },
      },
    ]),
  'trend.ts trend': () => {
    const r = S.trend(example());
    shown(r.growthRate.value!, 0.1862098, 7);
    shown(r.doublingTimeDays.value!, 3.7224, 4);
    shown(r.sevenDayRate.value!, 44_666.67, 2);
  },
};

describe.each(Object.keys(CHECKS))('the @example of %s', (key) => {
  test('when run, then it gives what it shows', () => CHECKS[key]());
});

test('when server/statistics is read, then every @example in it is checked here', () => {
  const dir = path.resolve(__dirname, '../../server/statistics');
  const found: string[] = [];
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
    for (const m of fs.readFileSync(path.join(dir, file), 'utf8').matchAll(/@example\s+([A-Za-z]+)/g)) found.push(`${file} ${m[1]}`);
  }
  expect([...new Set(found)].sort()).toEqual(Object.keys(CHECKS).sort());
});
