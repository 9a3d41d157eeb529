/** Trend, backtest, scenario range, thresholds and public rounding. */
import {
  trend,
  backtest,
  scenarioRange,
  timeToThreshold,
  defaultThresholds,
  publicRound,
  linearProjection,
  driftProjection,
  holtProjection,
  loglinearProjection,
  logisticProjection,
  type ScenarioRange,
} from '../../server/statistics';
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

describe('when the example series is backtested', () => {
  const bt = backtest({ points: example(), cumulative: true });
  test('then each method reports MAPE, MASE, coverage and n at 7 and 14 days', () => {
    expect(bt.origins).toBe(3);
    const d = bt.methods!.drift!;
    expect(d.horizons.map((h) => h.horizonDays)).toEqual([7, 14]);
    // origins at days 4, 7, 9: within 7 days of day 4 → 7, 9; of day 7 → 9, 12; of day 9 → 12 = 5 forecasts; within 14: + day 12 from day 4
    expect(d.horizons[0].n).toBe(5);
    expect(d.horizons[1].n).toBe(6);
    for (const h of d.horizons) {
      expect(h.mape).toBeGreaterThan(0);
      expect(h.mase).toBeGreaterThan(0);
      expect(h.coverage80).toBeGreaterThanOrEqual(0);
      expect(h.coverage95).toBeLessThanOrEqual(1);
    }
    expect(bt.methods!.logistic!.reason).toMatch(/ceiling/);
  });

  test('then the drift 7-day MAPE is the mean of its absolute percentage errors', () => {
    // by hand: origin day 4 (d = 30,625/day): 7 → 262,875, 9 → 324,125; origin 7 (d = 33,071.43): 9 → 346,142.9, 12 → 445,357.1;
    // origin 9 (d = 35,944.44): 12 → 477,833.3
    const ape = [
      Math.abs(280_000 - 262_875) / 280_000,
      Math.abs(370_000 - 324_125) / 370_000,
      Math.abs(370_000 - (280_000 + (231_500 / 7) * 2)) / 370_000,
      Math.abs(520_000 - (280_000 + (231_500 / 7) * 5)) / 520_000,
      Math.abs(520_000 - (370_000 + (321_500 / 9) * 3)) / 520_000,
    ];
    expect(bt.methods!.drift!.horizons[0].mape).toBeCloseTo((ape.reduce((a, b) => a + b) / 5) * 100, 8);
  });

  test('then with three reports there is nothing to check and the reason says so', () => {
    expect(backtest({ points: series([0, 1, 2], [1, 2, 3]) }).reason).toMatch(/at least 4 reports/);
  });
});

describe('when the scenario range is built', () => {
  const pts = example();
  const o = { horizonDays: 20, cumulative: true, ceiling: 1_500_000 };
  const methods = {
    linear: linearProjection(pts, o),
    drift: driftProjection(pts, o),
    holt: holtProjection(pts, o),
    loglinear: loglinearProjection(pts, o),
    logistic: logisticProjection(pts, o),
  };
  const bt = backtest({ points: pts, ceiling: o.ceiling, cumulative: true });
  const r = scenarioRange(methods, bt);

  test('then central is the method with the lowest 7-day MAPE, low its lower 80% bound, high the highest curve', () => {
    const mapes = (['drift', 'linear', 'holt', 'logistic', 'loglinear'] as const).map((m) => [m, bt.methods![m]!.horizons[0].mape!] as const);
    const best = [...mapes].sort((a, b) => a[1] - b[1])[0][0];
    expect(r.central.method).toBe(best);
    expect(r.central.chosenBy).toBe('backtest');
    expect(r.central.label).toMatch(/lowest 7-day backtest error: MAPE/);
    expect(r.low.label).toMatch(/Lower 80% bound/);
    expect(r.high.methods).toEqual([best, 'loglinear', 'logistic']);
    const c = methods[best].points!;
    r.points!.forEach((p, i) => {
      expect(p.central).toBe(c[i].central);
      expect(p.low).toBe(c[i].lo80);
      expect(p.high).toBe(Math.max(c[i].hi80, methods.loglinear.points![i].central, methods.logistic.points![i].central));
      expect(p.high).toBeLessThanOrEqual(Math.max(c[i].hi80, 1_500_000));
    });
    expect(r.points!.at(-1)!.highFrom).toBe('loglinear'); // exponential growth reaches the ceiling first
  });

  test('then loglinear without a ceiling, which stops after 14 days, cannot be central for a 20-day horizon', () => {
    const noCeiling = { horizonDays: 20, cumulative: true };
    const ms = { drift: driftProjection(pts, noCeiling), loglinear: loglinearProjection(pts, noCeiling) };
    const fakeBt = backtest({ points: pts, methods: ['drift', 'loglinear'] });
    fakeBt.methods!.loglinear!.horizons[0].mape = 0.001; // pretend it backtested best
    expect(scenarioRange(ms, fakeBt).central.method).toBe('drift');
  });

  test('then without a backtest the central method falls back to drift', () => {
    const fb = scenarioRange(methods, null);
    expect(fb.central).toMatchObject({ method: 'drift', chosenBy: 'fallback' });
  });

  test('then time to threshold gives the first date each curve reaches it, or "not within horizon"', () => {
    const th = timeToThreshold(r, defaultThresholds(520_000, 1_500_000));
    expect(th.map((t) => [t.threshold, t.source])).toEqual([
      [1_000_000, 'round'],
      [1_500_000, 'ceiling'],
      [2_000_000, 'round'],
      [5_000_000, 'round'],
    ]);
    const million = th[0];
    const firstHigh = r.points!.find((p) => p.high >= 1_000_000)!.date;
    expect(million.high).toEqual({ date: firstHigh, reason: null });
    expect(th[3].high).toEqual({ date: null, reason: 'not within horizon' });
  });
});

describe('when thresholds are asked of a range that could not be built', () => {
  test('then each answer is null with the range reason', () => {
    const empty: ScenarioRange = {
      points: null,
      reason: 'no steady method could be projected',
      central: { method: null, chosenBy: null, label: 'none', description: null },
      low: { method: null, label: 'none' },
      high: { methods: [], label: 'none' },
    };
    expect(timeToThreshold(empty, [1000])[0].central).toEqual({ date: null, reason: 'no steady method could be projected' });
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
