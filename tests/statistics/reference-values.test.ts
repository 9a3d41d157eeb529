/**
 * The test values of docs/statistics.md. The expected numbers come from numpy/scipy/statsmodels
 * (numpy.polyfit, statsmodels OLS get_prediction, scipy.stats.t.ppf, statsmodels Holt) as quoted in docs/statistics.md;
 * compared to at least 4 significant figures (toBeCloseTo with a precision finer than 1e-4 relative).
 */
import { linearProjection, driftProjection, loglinearProjection, logisticProjection, holtProjection, trend, tQuantile } from '../../server/statistics';
import { olsFit } from '../../server/statistics/ols';
import { example, EXAMPLE_DAYS, EXAMPLE_VALUES } from './helpers';

/** |actual − expected| ≤ 5e-5 relative: agreement to at least 4 significant figures. */
const close = (actual: number | null | undefined, expected: number) => {
  expect(actual).not.toBeNull();
  expect(Math.abs((actual as number) - expected)).toBeLessThanOrEqual(Math.abs(expected) * 5e-5);
};
const at = <T extends { date: string }>(points: T[] | null, date: string): T => {
  const p = points?.find((q) => q.date === date);
  if (!p) throw new Error(`no point on ${date}`);
  return p;
};
// Day 0 is 2024-11-28, so day 21 is 2024-12-19 and day 30 is 2024-12-28.
const DAY21 = '2024-12-19';
const DAY30 = '2024-12-28';

describe('when the example series is fitted by least squares', () => {
  // numpy.polyfit(days, values, 1) / statsmodels OLS: slope 38,669.41, intercept 31,623.36, R² 0.98865, s 20,849.46
  test('then slope, intercept, R² and residual SE match numpy/statsmodels', () => {
    const f = olsFit(EXAMPLE_DAYS, EXAMPLE_VALUES, 6);
    close(f.slope, 38_669.41);
    close(f.intercept, 31_623.36);
    close(f.r2, 0.98865);
    close(f.s, 20_849.46);
    const p = linearProjection(example(), { horizonDays: 9 }).parameters!;
    close(p.slope, 38_669.41);
    close(p.intercept, 31_623.36);
    close(p.r2, 0.98865);
    close(p.residualSE, 20_849.46);
  });

  // scipy.stats.t.ppf(0.975, 4) = 2.7764451
  test('then the Student t quantile t(0.975, 4) matches scipy', () => {
    close(tQuantile(0.975, 4), 2.7764451);
  });

  // statsmodels OLS get_prediction(21).summary_frame(alpha=0.05 / 0.2): 843,680.9; 95% [735,587.3, 951,774.5]; 80% [783,989.5, 903,372.3]
  test('then day 21 is 843,680.9 with the statsmodels 95% and 80% prediction intervals', () => {
    const r = linearProjection(example(), { horizonDays: 9 });
    const p = at(r.points, DAY21);
    close(p.central, 843_680.9);
    close(p.lo95, 735_587.3);
    close(p.hi95, 951_774.5);
    close(p.lo80, 783_989.5);
    close(p.hi80, 903_372.3);
    expect(r.points!.at(-1)!.date).toBe(DAY21);
  });
});

describe('when the example series is fitted on the log scale', () => {
  // numpy.polyfit(days, log(values), 1): r 0.1862098/day; ln 2 / r = 3.7224 days
  test('then the growth rate is 0.1862098 per day and the doubling time 3.7224 days', () => {
    const t = trend(example());
    close(t.growthRate.value, 0.1862098);
    close(t.doublingTimeDays.value, 3.7224);
    const p = loglinearProjection(example()).parameters!;
    close(p.r, 0.1862098);
    close(p.doublingDays, 3.7224);
  });
});

describe('when the example series is fitted with a logistic curve and K = 1,500,000', () => {
  // numpy.polyfit(days, log(y / (K − y)), 1): a −3.096072, r 0.2181350; K / (1 + exp(−(a + 21 r))) = 1,222,936
  test('then a, r and day 21 match numpy', () => {
    const r = logisticProjection(example(), { ceiling: 1_500_000, horizonDays: 9 });
    close(r.parameters!.a, -3.096072);
    close(r.parameters!.r, 0.218135);
    close(at(r.points, DAY21).central, 1_222_936);
  });
});

describe('when the example series is projected as a random walk with drift', () => {
  // numpy: d = (520,000 − 48,500) / 12 = 39,291.67; σ = sqrt(Σ((Δy − dΔt)²/Δt)/(m − 1)) = 13,815.19
  test('then d, σ and days 21 and 30 match numpy', () => {
    const r = driftProjection(example(), { horizonDays: 18 });
    close(r.parameters!.drift, 39_291.67);
    close(r.parameters!.sigma, 13_815.19);
    close(at(r.points, DAY21).central, 873_625);
    close(at(r.points, DAY30).central, 1_227_250);
  });
});

describe("when the example series is projected with Holt's method", () => {
  // statsmodels Holt(daily, initialization_method='known', initial_level=y0, initial_trend=y1−y0).fit(0.5, 0.3).forecast(9)[-1] = 931,098.5
  test('then day 21 on the daily-interpolated series is 931,098.5', () => {
    const r = holtProjection(example(), { horizonDays: 9 });
    expect(r.parameters!.alpha).toBe(0.5);
    expect(r.parameters!.beta).toBe(0.3);
    close(at(r.points, DAY21).central, 931_098.5);
  });
});
