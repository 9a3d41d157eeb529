/**
 * The hand-written pieces behind the published projection, each against what it replaces: the median and MAD of a
 * sorted window against simple-statistics, the sorted error window against sorting, the median of the three
 * forecasts without the damped trend against computing it, the date table against Date, and the one-pass
 * preparation of a sorted series against the general one.
 */
import fc from 'fast-check';
import { median, medianAbsoluteDeviation } from 'simple-statistics';
import { ErrorWindow, Forecasts, MAD_SCALE, MAX_ERRORS, median3, medianAndSpreadSelect, medianAndSpreadSorted } from '../../server/statistics/combined';
import { fromDay, toDay } from '../../server/statistics';
import { prepareSeries } from '../../server/statistics/prepare-series';

const errorsArb = fc.array(fc.oneof(fc.double({ min: -3, max: 3, noNaN: true }), fc.constantFrom(-0.5, 0, 0.25, 1)), { minLength: 1, maxLength: 40 });

describe('given any non-empty list of log errors', () => {
  test('when its median and robust spread are taken from the sorted list, then they are simple-statistics median and 1.4826 × MAD', () => {
    fc.assert(
      fc.property(errorsArb, (e) => {
        const sorted = [...e].sort((a, b) => a - b);
        const { m, s } = medianAndSpreadSorted(sorted, sorted.length);
        // The middle of an even count is (a + b)/2 here and a + (b − a)/2 in simple-statistics: equal up to rounding.
        expect(m).toBeCloseTo(median(e), 12);
        expect(s).toBeCloseTo(MAD_SCALE * medianAbsoluteDeviation(e), 12);
      }),
      { numRuns: 2000 },
    );
  });

  test('when the errors arrive one by one into the window, then it is always the last 20 of them, sorted', () => {
    fc.assert(
      fc.property(errorsArb, (e) => {
        const w = new ErrorWindow();
        e.forEach((v, k) => {
          w.push(v, k >= MAX_ERRORS ? e[k - MAX_ERRORS] : undefined);
          const want = e.slice(Math.max(0, k + 1 - MAX_ERRORS), k + 1).sort((a, b) => a - b);
          expect(Array.from(w.sorted.slice(0, w.size))).toEqual(want);
        });
      }),
      { numRuns: 1000 },
    );
  });
});

describe('given any sorted errors without NaN, ties, infinities and zeros of both signs included', () => {
  const arb = fc.array(fc.oneof(fc.double({ min: -3, max: 3, noNaN: true }), fc.integer({ min: -2, max: 2 }), fc.constantFrom(-0, 0, 0.25, Infinity, -Infinity, 1e308, -1e308)), {
    minLength: 1,
    maxLength: 40,
  });

  test('when the MAD is found by halving, then the median and spread are those of the walk, bit for bit', () => {
    fc.assert(
      fc.property(arb, (e) => {
        const sorted = [...e].sort((a, b) => a - b);
        const got = medianAndSpreadSelect(sorted, sorted.length);
        const want = medianAndSpreadSorted(sorted, sorted.length);
        expect(Object.is(got.m, want.m) && Object.is(got.s, want.s)).toBe(true);
      }),
      { numRuns: 5000 },
    );
    // Odd and even counts whose middle deviations come from both sides: 1.4826 × 1 and 1.4826 × (1 + 2)/2.
    expect(medianAndSpreadSelect([-1, 0, 0, 1, 5], 5)).toEqual({ m: 0, s: MAD_SCALE * 1 });
    expect(medianAndSpreadSelect([-3, -1, 1, 1, 2, 10], 6)).toEqual({ m: 1, s: MAD_SCALE * 1.5 });
  });

  test('when the window is filled from the last 20 at once, then it holds what one-by-one insertion gives', () => {
    fc.assert(
      fc.property(arb, fc.integer({ min: 0, max: 40 }), (e, cut) => {
        const one = new ErrorWindow();
        e.forEach((v, k) => one.push(v, k >= MAX_ERRORS ? e[k - MAX_ERRORS] : undefined));
        // Insert one by one up to a cut, then fill from the last 20: the state the published projection's baselines pass through.
        const filled = new ErrorWindow();
        const upTo = Math.min(cut, e.length);
        for (let k = 0; k < upTo; k++) filled.push(e[k], k >= MAX_ERRORS ? e[k - MAX_ERRORS] : undefined);
        filled.fill(e, Math.max(0, e.length - MAX_ERRORS), e.length);
        expect(filled.size).toBe(one.size);
        expect(Array.from(filled.sorted.slice(0, filled.size))).toEqual(Array.from(one.sorted.slice(0, one.size)));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('given any series and origin', () => {
  test('when the median of the three forecasts is known without the damped trend, then it is the median with it', () => {
    const arb = fc
      .uniqueArray(fc.integer({ min: 0, max: 100 }), { minLength: 2, maxLength: 12 })
      .chain((days) =>
        fc.tuple(fc.constant([...days].sort((a, b) => a - b)), fc.array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: days.length, maxLength: days.length })),
      );
    let decided = 0;
    fc.assert(
      fc.property(arb, fc.integer({ min: 0, max: 90 }), ([t, y], h) => {
        const f = new Forecasts(t, y).from(t.length - 1);
        const known = f.medianWithoutDamped(f.naive(h), f.drift8(h));
        if (!Number.isNaN(known)) {
          decided++;
          expect(known).toBe(median3(f.naive(h), f.drift8(h), f.damped4(h)));
        }
      }),
      { numRuns: 3000 },
    );
    expect(decided).toBeGreaterThan(100);
  });
});

describe('given any day from 1000 to 9999', () => {
  test('when written as a date, then it is what Date writes (from the table or not)', () => {
    fc.assert(
      fc.property(fc.integer({ min: toDay('1000-01-01'), max: toDay('9999-12-31') }), fc.integer({ min: 7000, max: 44_000 }), (any, near) => {
        expect(fromDay(any)).toBe(new Date(any * 86_400_000).toISOString().slice(0, 10));
        expect(fromDay(near)).toBe(new Date(near * 86_400_000).toISOString().slice(0, 10));
        expect(toDay(fromDay(near))).toBe(near);
      }),
      { numRuns: 3000 },
    );
    expect(() => fromDay(20000.5)).toThrow(/whole day number/);
  });

  test('when read back, then the table of year starts (1900–2199) and the arithmetic beyond it agree with Date', () => {
    fc.assert(
      fc.property(fc.integer({ min: toDay('1850-01-01'), max: toDay('2250-12-31') }), (d) => {
        expect(toDay(fromDay(d))).toBe(d);
        expect(toDay(`${fromDay(d)}T23:59:59Z`)).toBe(d);
      }),
      { numRuns: 3000 },
    );
    expect(toDay('2024-02-29')).toBe(19782);
    expect(toDay('2199-12-31')).toBe(Date.UTC(2199, 11, 31) / 86_400_000);
    expect(toDay('2200-01-01')).toBe(Date.UTC(2200, 0, 1) / 86_400_000);
    // A day past the month's end is left to Date.UTC, which carries it over, inside the table's years as beyond.
    expect(toDay('2023-02-29')).toBe(toDay('2023-03-01'));
    expect(toDay('1900-02-29')).toBe(toDay('1900-03-01'));
  });
});

describe('given any dated values', () => {
  test('when already sorted with one value a date, then the one-pass preparation equals that of the same values shuffled', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 19_000, max: 21_000 }), { minLength: 1, maxLength: 30 }), fc.integer(), (days, seed) => {
        const pts = [...days].sort((a, b) => a - b).map((d, i) => ({ date: fromDay(d), value: (i * 7919 + seed) % 100_000 }));
        // Reversed input takes the general path (sort, then average per date).
        expect(prepareSeries(pts)).toEqual(prepareSeries([...pts].reverse()));
      }),
    );
  });
});
