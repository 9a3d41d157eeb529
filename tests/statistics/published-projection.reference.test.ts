/**
 * The published projection against a plain reference written straight from the rule: every origin recomputed from
 * scratch, interpolation by search, medians and MADs by sorting, every range worked out in full. The fast version
 * shares work between origins and skips what cannot change the result (the damped trend's power when the other two
 * forecasts decide the median, exponentials when half the drift width already decides whether a range held); on
 * random series its whole output must be exactly the reference's. The reference's median is the rule's, the mean of
 * the two middle values (a + b)/2; simple-statistics interpolates a + (b − a)/2, equal up to rounding
 * (combined.test.ts checks the rule's median and MAD against it).
 */
import fc from 'fast-check';
import { components, driftWidth, fromDay, interpolateAt, publishedProjection, toDay, type TimePoint } from '../../server/statistics';
import { series } from './helpers';

const Z90 = 1.2815515655446004;
const MAD_SCALE = 1.4826;
const median = (x: number[]) => {
  const s = [...x].sort((a, b) => a - b);
  const k = s.length >> 1;
  return s.length % 2 ? s[k] : (s[k - 1] + s[k]) / 2;
};
const medianAbsoluteDeviation = (x: number[]) => median(x.map((v) => Math.abs(v - median(x))));
const median3 = (a: number, b: number, c: number) => Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));

type Kind = 'combined' | 'naive' | 'drift8';

function reference(points: TimePoint[], H: number, cumulative: boolean) {
  const t = points.map((p) => toDay(p.date) - toDay(points[0].date));
  const y = points.map((p) => p.value);
  const n = t.length;
  const last = n - 1;
  const floorAt = (i: number) => (cumulative ? Math.max(0, y[i]) : 0);
  const forecast = (i: number, h: number, kind: Kind) => {
    const c = components(t, y, i, h);
    return Math.max(0, floorAt(i), kind === 'combined' ? median3(c.naive, c.drift8, c.damped4) : kind === 'naive' ? c.naive : c.drift8);
  };
  const origins: number[] = [];
  for (let i = 2; i < n && t[i] + H <= t[last]; i++) origins.push(i);
  const error = (j: number, kind: Kind) => {
    const C = forecast(j, H, kind);
    const A = interpolateAt(t, y, t[j] + H);
    return C > 0 && A > 0 ? Math.log(A / C) : null;
  };
  /** The errors known at day `day`: of origins whose target is on or before it, the last 20 valid ones. */
  const known = (day: number, kind: Kind) =>
    origins
      .filter((j) => t[j] + H <= day)
      .map((j) => error(j, kind))
      .filter((e): e is number => e !== null)
      .slice(-20);
  const spread = (e: number[]) => ({ m: median(e), s: MAD_SCALE * medianAbsoluteDeviation(e) });

  const horizonErrors = known(t[last], 'combined');
  const sp = horizonErrors.length >= 8 ? spread(horizonErrors) : null;
  const range = [];
  for (let h = 0; h <= H; h++) {
    const c = components(t, y, last, h);
    const floor = floorAt(last);
    const C = Math.max(0, floor, median3(c.naive, c.drift8, c.damped4));
    const w = driftWidth(t, y, last, h);
    let low: number;
    let high: number;
    if (sp) {
      const f = H === 0 ? 0 : h / H;
      const z = Z90 * sp.s * Math.sqrt(f);
      low = Math.min(C * Math.exp(sp.m * f - z), C - w / 2);
      high = Math.max(C * Math.exp(sp.m * f + z), C + w / 2);
    } else {
      low = Math.min(c.naive, c.drift8, c.damped4, C) - w;
      high = Math.max(c.naive, c.drift8, c.damped4, C) + w;
    }
    range.push({ date: fromDay(toDay(points[0].date) + t[last] + h), low: Math.min(Math.max(low, floor, 0), C), central: C, high: Math.max(high, C) });
  }

  const scores = (kind: Kind) => {
    let n = 0;
    let held = 0;
    let ae = 0;
    let ape = 0;
    let apeN = 0;
    const past = [];
    for (const i of origins) {
      if (i < 7) continue;
      const C = forecast(i, H, kind);
      const A = interpolateAt(t, y, t[i] + H);
      const c = components(t, y, i, H);
      const lowest = kind === 'combined' ? Math.min(c.naive, c.drift8, c.damped4) : C;
      const highest = kind === 'combined' ? Math.max(c.naive, c.drift8, c.damped4) : C;
      const w = driftWidth(t, y, i, H);
      const e = known(t[i], kind);
      let low: number;
      let high: number;
      if (e.length >= 8) {
        const { m, s } = spread(e);
        low = Math.min(C * Math.exp(m - Z90 * s), C - w / 2);
        high = Math.max(C * Math.exp(m + Z90 * s), C + w / 2);
      } else {
        low = Math.min(lowest, C) - w;
        high = Math.max(highest, C) + w;
      }
      low = Math.min(Math.max(low, floorAt(i), 0), C);
      high = Math.max(high, C);
      const ok = A >= low && A <= high;
      n++;
      if (ok) held++;
      ae += Math.abs(A - C);
      if (A !== 0) {
        ape += Math.abs(A - C) / Math.abs(A);
        apeN++;
      }
      past.push({ date: points[i].date, target: fromDay(toDay(points[0].date) + t[i] + H), low, central: C, high, actual: A, held: ok, empirical: e.length >= 8 });
    }
    return { n, held, ae, mape: apeN ? (ape / apeN) * 100 : null, coverage: n ? held / n : null, past };
  };
  const [cs, ns, ds] = (['combined', 'naive', 'drift8'] as const).map(scores);
  const stats = (s: typeof cs) => ({ n: s.n, mape: s.mape, mase: ns.ae > 0 ? s.ae / ns.ae : null, held: s.held, coverage: s.coverage });
  return {
    points: range,
    errorsUsed: horizonErrors.length,
    empirical: sp !== null,
    trackRecord: { ...stats(cs), baselines: { naive: stats(ns), drift8: stats(ds) } },
    past: cs.past,
  };
}

const seriesArb = fc
  .uniqueArray(fc.integer({ min: 0, max: 200 }), { minLength: 3, maxLength: 60 })
  .chain((days) =>
    fc.tuple(
      fc.constant([...days].sort((a, b) => a - b)),
      fc.array(fc.oneof(fc.integer({ min: 0, max: 2_000_000 }), fc.constant(0)), { minLength: days.length, maxLength: days.length }),
    ),
  );

describe('given any series, horizon and kind of series', () => {
  test('when projected, then the published output is exactly that of the plain reference', () => {
    fc.assert(
      fc.property(seriesArb, fc.integer({ min: 0, max: 40 }), fc.boolean(), fc.boolean(), ([days, values], h, cumulative, growing) => {
        // Half the runs a running total's shape (non-decreasing), where the damped trend's shortcut applies most.
        const v = growing ? [...values].sort((a, b) => a - b) : values;
        const pts = series(days, v);
        const got = publishedProjection(pts, { horizonDays: h, cumulative });
        const want = reference(pts, h, cumulative);
        expect(got.points).toEqual(want.points);
        expect({ errorsUsed: got.errorsUsed, empirical: got.empirical }).toEqual({ errorsUsed: want.errorsUsed, empirical: want.empirical });
        const { horizonDays: _h, reason: _r, ...track } = got.trackRecord;
        expect(track).toEqual(want.trackRecord);
        expect(got.past).toEqual(want.past);
      }),
      { numRuns: 300 },
    );
  });
});
