/** Property tests (fast-check) for projections, the scenario range and the backtest. */
import fc from 'fast-check';
import {
  linearProjection,
  driftProjection,
  loglinearProjection,
  logisticProjection,
  holtProjection,
  backtest,
  publishedProjection,
  trend,
  type MethodKey,
  type ProjectionOptions,
  type ProjectionResult,
  type TimePoint,
} from '../../server/statistics';
import { nonFinite, series } from './helpers';

const RUNS = Number(process.env.FUZZ_RUNS ?? 150);
const FNS = { linear: linearProjection, drift: driftProjection, loglinear: loglinearProjection, logistic: logisticProjection, holt: holtProjection };

/** 3–25 reports on distinct days, values 0–1e6. */
const anySeries = fc
  .uniqueArray(fc.integer({ min: 0, max: 120 }), { minLength: 3, maxLength: 25 })
  .chain((days) => fc.tuple(fc.constant(days.sort((a, b) => a - b)), fc.array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: days.length, maxLength: days.length })))
  .map(([days, values]) => series(days, values));

/** Strictly increasing values (a growing running total). */
const growingSeries = fc
  .uniqueArray(fc.integer({ min: 0, max: 120 }), { minLength: 3, maxLength: 25 })
  .chain((days) => fc.tuple(fc.constant(days.sort((a, b) => a - b)), fc.array(fc.integer({ min: 1, max: 50_000 }), { minLength: days.length, maxLength: days.length })))
  .map(([days, steps]) => {
    let v = 0;
    return series(
      days,
      steps.map((s) => (v += s)),
    );
  });

const options = fc.record({
  horizonDays: fc.integer({ min: 0, max: 40 }),
  cumulative: fc.boolean(),
  ceiling: fc.option(fc.integer({ min: 1, max: 3_000_000 }), { nil: null }),
});

function all(points: TimePoint[], o: ProjectionOptions) {
  return Object.fromEntries(Object.entries(FNS).map(([k, f]) => [k, f(points, o)])) as Record<MethodKey, ProjectionResult>;
}

describe('when any series is projected with any options', () => {
  test('then every number is finite, bounds are ordered, nothing is below 0, and loglinear/logistic stay under the ceiling', () => {
    fc.assert(
      fc.property(anySeries, options, (pts, o) => {
        const methods = all(pts, o);
        expect(nonFinite(methods)).toEqual([]);
        for (const [k, m] of Object.entries(methods)) {
          for (const p of m.points ?? []) {
            expect(p.lo95).toBeGreaterThanOrEqual(0);
            expect(p.lo95 <= p.lo80 && p.lo80 <= p.central && p.central <= p.hi80 && p.hi80 <= p.hi95).toBe(true);
            if (o.ceiling !== null && (k === 'loglinear' || k === 'logistic')) expect(p.hi95).toBeLessThanOrEqual(o.ceiling);
          }
        }
      }),
      { numRuns: RUNS },
    );
  });

  test('then the published projection keeps low ≤ central ≤ high on every day', () => {
    fc.assert(
      fc.property(anySeries, options, (pts, o) => {
        const r = publishedProjection(pts, { horizonDays: o.horizonDays ?? 30, cumulative: o.cumulative });
        expect(nonFinite(r)).toEqual([]);
        expect(r.points).toHaveLength((o.horizonDays ?? 30) + 1);
        for (const p of r.points!) expect(p.low <= p.central && p.central <= p.high).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('when a running total is projected', () => {
  test('then no method projects below its last reported value', () => {
    fc.assert(
      fc.property(anySeries, options, (pts, o) => {
        const last = pts[pts.length - 1].value;
        for (const m of Object.values(all(pts, { ...o, cumulative: true }))) {
          for (const p of m.points ?? []) expect(p.lo95).toBeGreaterThanOrEqual(last);
        }
      }),
      { numRuns: RUNS },
    );
  });
});

describe('when a growing series is projected without a ceiling', () => {
  // Clamping (at 0, or at the last value of a running total) can cut an interval: e.g. Holt's trend may turn
  // down after a burst, and its lower bound then sits on the floor while the upper bound falls. So the
  // property is checked on days where the lower bounds are above the floor, i.e. the statistical interval itself.
  test('then the 80% and 95% intervals of linear, drift, holt and loglinear never narrow as the horizon grows', () => {
    fc.assert(
      fc.property(growingSeries, fc.boolean(), (pts, cumulative) => {
        const floor = cumulative ? pts[pts.length - 1].value : 0;
        for (const k of ['linear', 'drift', 'holt', 'loglinear'] as const) {
          const r = FNS[k](pts, { horizonDays: 30, cumulative });
          const ps = r.points ?? [];
          for (let i = 1; i < ps.length; i++) {
            if (!(ps[i].lo95 > floor && ps[i - 1].lo95 > floor)) continue;
            const tol = 1e-9 * Math.max(1, ps[i].hi95);
            expect(ps[i].hi95 - ps[i].lo95).toBeGreaterThanOrEqual(ps[i - 1].hi95 - ps[i - 1].lo95 - tol);
            expect(ps[i].hi80 - ps[i].lo80).toBeGreaterThanOrEqual(ps[i - 1].hi80 - ps[i - 1].lo80 - tol);
          }
        }
      }),
      { numRuns: RUNS },
    );
  });
});

describe('when the input order is shuffled', () => {
  test('then projections, trend and backtest are identical', () => {
    fc.assert(
      fc.property(
        anySeries.chain((pts) => fc.tuple(fc.constant(pts), fc.shuffledSubarray(pts, { minLength: pts.length, maxLength: pts.length }))),
        options,
        ([pts, shuffled], o) => {
          expect(all(shuffled, o)).toEqual(all(pts, o));
          expect(trend(shuffled)).toEqual(trend(pts));
          expect(backtest({ points: shuffled, horizonDays: 7, ceiling: o.ceiling })).toEqual(backtest({ points: pts, horizonDays: 7, ceiling: o.ceiling }));
          expect(publishedProjection(shuffled, { horizonDays: 7 })).toEqual(publishedProjection(pts, { horizonDays: 7 }));
        },
      ),
      { numRuns: RUNS },
    );
  });
});
