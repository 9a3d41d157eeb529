/** Trend, the methods' backtest at a horizon, thresholds and public rounding. */
import { trend, backtest, publishedProjection, timeToThreshold, defaultThresholds, publicRound, linearProjection, driftProjection, holtProjection } from '../../server/statistics';
import { example, series } from './helpers';

describe('when the trend of the example series is computed', () => {
  test('then changes per day and the time-weighted 7-day rate follow the interpolated series', () => {
    const t = trend(example());
    expect(t.changes.map((c) => c.perDay)).toEqual([33_250, 28_000, 109_000 / 3, 45_000, 50_000]);
    // y(12) = 520,000; y_interp(5) = 171,000 + (280,000 − 171,000)/3 = 207,333.3; (520,000 − 207,333.3)/7
    expect(t.sevenDayRate.value).toBeCloseTo((520_000 - (171_000 + 109_000 / 3)) / 7, 6);
    expect(t.sevenDayRate.asOf).toBe('2024-12-10');
  });
});

describe('when a 12-report series is backtested at 4 days', () => {
  // Days 0, 2, …, 22: origins need 8 reports up to them and a report 4 days on: reports 7, 8, 9 (days 14, 16, 18).
  const values = [1000, 1180, 1390, 1500, 1720, 1950, 2010, 2300, 2420, 2700, 2810, 3100];
  const pts = series(
    values.map((_, i) => i * 2),
    values,
  );
  const bt = backtest({ points: pts, horizonDays: 4 });

  test('then every method is scored at the same 3 origins, and the drift MAPE is the mean of its errors by hand', () => {
    expect(bt.origins).toBe(3);
    for (const m of ['linear', 'drift', 'loglinear', 'holt'] as const) expect(bt.methods![m].n).toBe(3);
    expect(bt.methods!.logistic).toMatchObject({ n: 0, mape: null, reason: { code: 'no_ceiling' } });
    // drift on the last 8 reports: d = (y_i − y_{i−7}) / 14; forecast y_i + 4d; the target is report i + 2.
    const ape = [7, 8, 9].map((i) => {
      const f = values[i] + (4 * (values[i] - values[i - 7])) / 14;
      return Math.abs(values[i + 2] - f) / values[i + 2];
    });
    expect(bt.methods!.drift.mape).toBeCloseTo((ape.reduce((x, y) => x + y) / 3) * 100, 10);
    // MASE: against the last gap's rate continued, over the same origins.
    const naive = [7, 8, 9].map((i) => Math.abs(values[i + 2] - (values[i] + 2 * (values[i] - values[i - 1]))));
    const drift = [7, 8, 9].map((i) => Math.abs(values[i + 2] - (values[i] + (4 * (values[i] - values[i - 7])) / 14)));
    expect(bt.methods!.drift.mase).toBeCloseTo(drift.reduce((x, y) => x + y) / naive.reduce((x, y) => x + y), 10);
  });

  test('then coverage counts the reports inside the interval the method published at each origin', () => {
    for (const [m, fn] of [
      ['linear', linearProjection],
      ['drift', driftProjection],
      ['holt', holtProjection],
    ] as const) {
      let in80 = 0;
      let in95 = 0;
      for (const i of [7, 8, 9]) {
        const end = fn(pts.slice(0, i + 1), { horizonDays: 4 }).points!.at(-1)!;
        const actual = values[i + 2];
        if (actual >= end.lo80 && actual <= end.hi80) in80++;
        if (actual >= end.lo95 && actual <= end.hi95) in95++;
      }
      expect([m, bt.methods![m].coverage80, bt.methods![m].coverage95]).toEqual([m, in80 / 3, in95 / 3]);
    }
  });

  test('then with fewer than 8 reports there is no track record, and the reason names what is needed', () => {
    expect(backtest({ points: series([0, 1, 2, 3], [1, 2, 3, 4]), horizonDays: 1 }).reason).toEqual({ code: 'no_track_record', horizonDays: 1, neededReports: 8, reports: 4 });
  });

  test('then a method that stops before the horizon has no record there (loglinear without a ceiling beyond 14 days)', () => {
    const long = series(
      Array.from({ length: 40 }, (_, i) => i * 2),
      Array.from({ length: 40 }, (_, i) => 1000 + 30 * i),
    );
    expect(backtest({ points: long, horizonDays: 20 }).methods!.loglinear).toMatchObject({ n: 0, reason: { code: 'beyond_method_horizon', maxDays: 14 } });
  });
});

describe('when time to threshold is asked of the published projection', () => {
  const r = publishedProjection(example(), { horizonDays: 20, cumulative: true });
  test('then each end gives the first date it reaches the threshold, or not within the horizon', () => {
    const th = timeToThreshold(r, defaultThresholds(520_000, 1_500_000));
    expect(th.map((t) => [t.threshold, t.source])).toEqual([
      [1_000_000, 'round'],
      [1_500_000, 'ceiling'],
      [2_000_000, 'round'],
      [5_000_000, 'round'],
    ]);
    const million = th[0];
    expect(million.central).toEqual({ date: r.points!.find((p) => p.central >= 1_000_000)!.date, reason: null });
    expect(million.high).toEqual({ date: r.points!.find((p) => p.high >= 1_000_000)!.date, reason: null });
    expect(million.high.date! < million.central.date!).toBe(true);
    expect(th[3].high).toEqual({ date: null, reason: { code: 'not_within_horizon' } });
  });
});

describe('when thresholds are asked of a range that could not be built', () => {
  test('then each answer is null with the range reason', () => {
    const none = publishedProjection(series([0], [5]), { horizonDays: 3 });
    expect(timeToThreshold(none, [1000])[0].central).toEqual({ date: null, reason: { code: 'too_few_points', needed: 3, got: 1 } });
  });
});

describe('when default thresholds are chosen', () => {
  test('then they are the next three 1–2–5 round numbers above the last value, plus the ceiling', () => {
    expect(defaultThresholds(370_000, 1_500_000).map((t) => t.value)).toEqual([500_000, 1_000_000, 1_500_000, 2_000_000]);
    expect(defaultThresholds(0, null).map((t) => t.value)).toEqual([100, 200, 500]);
    expect(defaultThresholds(150_000, 500_000)).toEqual([
      { value: 200_000, source: 'round' },
      { value: 500_000, source: 'ceiling' },
      { value: 1_000_000, source: 'round' },
    ]);
  });
});

describe('when numbers are rounded for display', () => {
  test('then exact to 100, tens to 1,000, hundreds to 10,000, thousands above', () => {
    expect([0, 7, 100, 101, 995, 1_000, 1_004, 4_567, 10_000, 10_499, 278_640, 1_500_000].map(publicRound)).toEqual([
      0, 7, 100, 100, 1_000, 1_000, 1_000, 4_600, 10_000, 10_000, 279_000, 1_500_000,
    ]);
    expect(publicRound(-4_567)).toBe(-4_600);
    expect(publicRound(87.4)).toBe(87);
    expect(Object.is(publicRound(-0.2), 0)).toBe(true);
    expect(() => publicRound(Number.NaN)).toThrow(/finite/);
  });
});
