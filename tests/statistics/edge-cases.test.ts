/** Edge cases: every function answers clearly (null + reason), never NaN or Infinity. */
import {
  linearProjection,
  driftProjection,
  loglinearProjection,
  logisticProjection,
  holtProjection,
  trend,
  backtest,
  publishedProjection,
  timeToThreshold,
  defaultThresholds,
  type ProjectionOptions,
  type ProjectionResult,
  type TimePoint,
  type MethodKey,
} from '../../server/statistics';
import { nonFinite, series } from './helpers';

const ALL = { linear: linearProjection, drift: driftProjection, loglinear: loglinearProjection, logistic: logisticProjection, holt: holtProjection };

function runAll(points: TimePoint[], options: ProjectionOptions = {}) {
  const methods = Object.fromEntries(Object.entries(ALL).map(([k, f]) => [k, f(points, options)])) as Record<MethodKey, ProjectionResult>;
  const bt = backtest({ points, horizonDays: 7, ceiling: options.ceiling, cumulative: options.cumulative });
  const { past: _past, ...range } = publishedProjection(points, { horizonDays: options.horizonDays ?? 30, cumulative: options.cumulative });
  const last = points.length ? points[points.length - 1].value : 0;
  const thresholds = timeToThreshold(range, defaultThresholds(last, options.ceiling ?? null));
  const out = { methods, bt, range, thresholds, trend: trend(points) };
  expect(nonFinite(out)).toEqual([]);
  expect(JSON.parse(JSON.stringify(out))).toEqual(out);
  return out;
}

function expectNullWithReason(r: { points: unknown; reason: { code: string } | null }) {
  expect(r.points).toBeNull();
  expect(r.reason).toEqual(expect.objectContaining({ code: expect.stringMatching(/^[a-z_]+$/) }));
}

describe('when there are no points', () => {
  test('then every method, the trend, the backtest and the range are null with a reason', () => {
    const out = runAll([], { ceiling: 1000 });
    for (const m of Object.values(out.methods)) expectNullWithReason(m);
    expect(out.trend.growthRate).toEqual({ value: null, reason: { code: 'no_points' } });
    expect(out.trend.changes).toEqual([]);
    expect(out.bt.methods).toBeNull();
    expect(out.bt.reason).toMatchObject({ code: 'no_track_record', neededReports: 8, reports: 0 });
    expectNullWithReason(out.range);
    expect(out.thresholds.every((t) => t.central.date === null && t.central.reason)).toBe(true);
  });
});

describe('when there is one point', () => {
  test('then projections say they need more reports and the trend says so too', () => {
    const out = runAll(series([0], [1000]));
    for (const m of Object.values(out.methods)) expectNullWithReason(m);
    expect(out.trend.sevenDayRate.value).toBeNull();
    expect(out.trend.sevenDayRate.reason).toEqual({ code: 'too_few_points', needed: 2, got: 1 });
    expect(out.trend.doublingTimeDays.reason).toEqual({ code: 'too_few_points', needed: 2, got: 1 });
  });
});

describe('when there are two points', () => {
  test('then only Holt projects (the others need an interval from at least 3 reports) and the range falls back to it', () => {
    const out = runAll(series([0, 3], [1000, 1600]));
    expect(out.methods.holt.points).not.toBeNull();
    for (const k of ['linear', 'drift', 'loglinear'] as const) expect(out.methods[k].reason).toEqual({ code: 'too_few_points', needed: 3, got: 2 });
    expect(out.methods.logistic.reason).toEqual({ code: 'no_ceiling' });
    expect(out.trend.changes).toEqual([{ from: '2024-11-28', to: '2024-12-01', days: 3, change: 600, perDay: 200 }]);
    expect(out.trend.growthRate.value).toBeCloseTo(Math.log(1.6) / 3, 10);
    expect(out.trend.sevenDayRate.reason).toMatchObject({ code: 'span_under_week' });
    expect(out.range.points).toBeNull();
    expect(out.range.reason).toEqual({ code: 'too_few_points', needed: 3, got: 2 });
  });
});

describe('when two reports share a date', () => {
  test('then they are averaged into one point, and order does not matter', () => {
    const pts = series([0, 2, 2, 5], [100, 200, 300, 500]);
    const merged = series([0, 2, 5], [100, 250, 500]);
    expect(linearProjection(pts)).toEqual(linearProjection(merged));
    expect(driftProjection([...pts].reverse())).toEqual(driftProjection(merged));
    expect(trend(pts).changes).toHaveLength(2);
    runAll(pts);
  });
});

describe('when all values are equal', () => {
  test('then projections are flat with zero-width ranges, growth is 0 and doubling is null with a reason', () => {
    const out = runAll(series([0, 1, 3, 6, 8], [5000, 5000, 5000, 5000, 5000]), { cumulative: true });
    for (const k of ['linear', 'drift', 'holt', 'loglinear'] as const) {
      for (const p of out.methods[k].points!) {
        expect(p.central).toBeCloseTo(5000, 6);
        expect(p.hi95 - p.lo95).toBeLessThan(1e-6);
      }
    }
    expect(out.trend.growthRate.value).toBeCloseTo(0, 12);
    expect(out.trend.doublingTimeDays.value).toBeNull();
    expect(out.trend.doublingTimeDays.reason).toEqual({ code: 'not_growing' });
    for (const p of out.range.points!) expect([p.low, p.central, p.high]).toEqual([5000, 5000, 5000]);
    // 5 reports give no track record at 7 days (8 are needed); 12 flat ones do: no error, and MASE has nothing to divide by.
    expect(out.bt.methods).toBeNull();
    const flat = backtest({
      points: series(
        Array.from({ length: 12 }, (_, i) => i * 2),
        Array(12).fill(5000),
      ),
      horizonDays: 7,
    });
    expect(flat.methods!.drift).toMatchObject({ n: 1, mape: 0, mase: null, coverage80: 1 });
  });
});

describe('when the series contains zeros', () => {
  test('then log-based methods and growth are null with a reason and the others still project', () => {
    const out = runAll(series([0, 2, 4, 6], [0, 0, 10, 30]), { ceiling: 100 });
    expect(out.methods.loglinear.reason).toEqual({ code: 'not_positive' });
    expect(out.methods.logistic.reason).toEqual({ code: 'not_positive' });
    expect(out.trend.growthRate.reason).toEqual({ code: 'not_positive' });
    expect(out.methods.linear.points).not.toBeNull();
    const longer = backtest({ points: series([0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20], [0, 0, 10, 30, 35, 50, 62, 70, 81, 95, 99]), horizonDays: 4 });
    expect(longer.methods!.linear.n).toBe(2); // origins at days 14 and 16 (8 reports up to them, 4 days to the last)
    expect(longer.methods!.loglinear).toMatchObject({ n: 0, reason: { code: 'not_positive' } });
  });
  test('then a series of only zeros has no MAPE, with a reason', () => {
    runAll(series([0, 2, 4, 6, 8], [0, 0, 0, 0, 0]));
    const zeros = backtest({
      points: series(
        Array.from({ length: 10 }, (_, i) => i),
        Array(10).fill(0),
      ),
      horizonDays: 2,
    });
    expect(zeros.methods!.linear).toMatchObject({ n: 1, mape: null, mase: null });
  });
});

describe('when a stock is falling (people returning home)', () => {
  const falling = series([0, 3, 7, 10, 14], [90_000, 70_000, 52_000, 30_000, 12_000]);
  test('then nothing projects below 0 and the doubling time is null with a reason', () => {
    const out = runAll(falling, { horizonDays: 30 });
    for (const m of Object.values(out.methods)) for (const p of m.points ?? []) expect(p.lo95).toBeGreaterThanOrEqual(0);
    expect(out.methods.linear.points!.at(-1)!.central).toBe(0);
    expect(out.trend.growthRate.value!).toBeLessThan(0);
    expect(out.trend.doublingTimeDays.reason).toEqual({ code: 'not_growing' });
    expect(out.range.points).toHaveLength(31);
    for (const p of out.range.points!) expect(p.low >= 0 && p.low <= p.central && p.central <= p.high).toBe(true);
  });
});

describe('when values are at or above the ceiling', () => {
  test('then logistic and loglinear refuse with a reason and the steady methods still project', () => {
    const out = runAll(series([0, 2, 4, 6], [800, 1000, 1100, 1200]), { ceiling: 1000, cumulative: true });
    expect(out.methods.logistic.reason).toEqual({ code: 'report_at_ceiling' });
    expect(out.methods.loglinear.reason).toEqual({ code: 'last_at_ceiling' });
    expect(out.methods.drift.points).not.toBeNull();
    expect(out.range.points!.at(-1)!.low).toBeGreaterThanOrEqual(1200);
    // the ceiling (1,000) is already passed: every curve reaches it at the last report
    const c = out.thresholds.find((t) => t.source === 'ceiling')!;
    expect(c.low.date).toBe('2024-12-04');
  });
  test('then a value exactly at the ceiling is refused by logistic but earlier values below it are fine for loglinear', () => {
    const out = runAll(series([0, 2, 4, 6], [100, 400, 1000, 900]), { ceiling: 1000 });
    expect(out.methods.logistic.reason).toEqual({ code: 'report_at_ceiling' });
    expect(out.methods.loglinear.points).not.toBeNull();
    for (const p of out.methods.loglinear.points!) expect(p.hi95).toBeLessThanOrEqual(1000);
  });
});

describe('when a curve would explode', () => {
  test('then loglinear without a ceiling stops 14 days after the last report', () => {
    const r = loglinearProjection(series([0, 1, 2, 3], [1, 10, 100, 1000]), { horizonDays: 60 });
    expect(r.points).toHaveLength(15);
    expect(nonFinite(r)).toEqual([]);
  });
});

describe('when arguments are a programmer error', () => {
  test('then the functions throw with a message naming the problem', () => {
    expect(() => linearProjection(series([0, 1, 2], [1, 2, 3]), { horizonDays: -1 })).toThrow(/horizonDays/);
    expect(() => linearProjection([{ date: '2024-11-28', value: Number.NaN }])).toThrow(/finite/);
    expect(() => linearProjection([{ date: '28/11/2024', value: 1 }])).toThrow(/ISO date/);
    expect(() => logisticProjection(series([0, 1, 2], [1, 2, 3]), { ceiling: 0 })).toThrow(/ceiling/);
  });
});
