/** Reconciliation (docs/statistics.md#reconciled-series) with real values from the Dec-2024 Syria reports. */
import { reconcile, type FigureLike } from '../../server/statistics';
import { figure } from './helpers';

const ONSET = '2024-11-27';
const base = { location: 'SYR', category: 'new_displacement' as const, onset: ONSET };

describe('when two recommended figures share a date', () => {
  test('then the more reliable organisation wins and a QA warning names both', () => {
    const figures = [
      figure({ id: 101, periodEnd: '2024-12-05', value: 280_000, organisation: 'WFP', organisationReliability: 'medium', publishedOn: '2024-12-06' }),
      figure({ id: 102, periodEnd: '2024-12-05', value: 178_000, organisation: 'OCHA', organisationReliability: 'high', publishedOn: '2024-12-05', quantifier: 'more_than' }),
    ];
    const r = reconcile({ ...base, figures });
    expect(r.points).toHaveLength(1);
    expect(r.points[0]).toMatchObject({ date: '2024-12-05', value: 178_000, quantifier: 'more_than', bound: 'lower' });
    expect(r.points[0].boundNote).toMatch(/lower bound/);
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toMatchObject({
      code: 'several_recommended',
      count: 2,
      figures: '#102 OCHA 178000; #101 WFP 280000',
      used: 102,
      organisation: 'OCHA',
      reliability: 'high',
    });
  });

  test('then with equal reliability the later publication wins', () => {
    const figures = [
      figure({ id: 201, periodEnd: '2024-12-06', value: 280_000, organisation: 'WFP', publishedOn: '2024-12-06' }),
      figure({ id: 202, periodEnd: '2024-12-06', value: 370_000, organisation: 'OCHA', publishedOn: '2024-12-07' }),
    ];
    const r = reconcile({ ...base, figures });
    expect(r.points[0].value).toBe(370_000);
    expect(r.points[0].sources.map((s) => s.figureId)).toEqual([202]);
    expect(r.warnings[0]).toMatchObject({ code: 'several_recommended', used: 202 });
    // and the input order does not matter
    expect(reconcile({ ...base, figures: [...figures].reverse() })).toEqual(r);
  });
});

describe('when a date has recommended and triangulation figures with published ranges', () => {
  test('then the band spans all approved figures of the date, widened by valueLow/valueHigh', () => {
    const figures = [
      figure({ id: 301, periodEnd: '2024-12-05', value: 178_000, quantifier: 'more_than' }),
      figure({ id: 302, periodEnd: '2024-12-05', value: 280_000, organisation: 'WFP', role: 'triangulation' }),
      figure({ id: 303, periodEnd: '2024-12-05', value: 70_000, valueLow: 60_000, valueHigh: 80_000, organisation: 'UNHCR', role: 'triangulation' }),
      figure({ id: 304, periodEnd: '2024-12-05', value: 900_000, organisation: 'X', status: 'draft' }),
      figure({ id: 305, periodEnd: '2024-12-05', value: 1_000, organisation: 'Y', deletedAt: '2024-12-07T10:00:00Z' }),
    ];
    const r = reconcile({ ...base, figures });
    expect(r.points.map((p) => p.value)).toEqual([178_000]);
    expect(r.band).toEqual([expect.objectContaining({ date: '2024-12-05', low: 60_000, high: 280_000, hasSeriesPoint: true })]);
    expect(r.band[0].sources.map((s) => s.figureId)).toEqual([301, 302, 303]);
  });
});

describe('when a date has only triangulation figures', () => {
  test('then it has a band entry but no series point', () => {
    const figures = [
      figure({ periodEnd: '2024-11-30', value: 48_500, quantifier: 'more_than' }),
      figure({ periodEnd: '2024-12-05', value: 280_000, organisation: 'WFP', role: 'triangulation' }),
    ];
    const r = reconcile({ ...base, figures });
    expect(r.points.map((p) => p.date)).toEqual(['2024-11-30']);
    expect(r.band.map((b) => [b.date, b.low, b.high, b.hasSeriesPoint])).toEqual([
      ['2024-11-30', 48_500, 48_500, true],
      ['2024-12-05', 280_000, 280_000, false],
    ]);
  });
});

describe('when flows are reported for periods not starting at the onset', () => {
  test('then they are spread evenly over their days and accumulated onto the running total', () => {
    const figures: FigureLike[] = [
      figure({ id: 401, periodEnd: '2024-11-30', value: 48_500 }), // since onset: running total
      figure({ id: 402, periodStart: '2024-12-01', periodEnd: '2024-12-05', value: 100_000 }), // 20,000 a day
      figure({ id: 403, periodStart: '2024-12-04', periodEnd: '2024-12-06', value: 30_000, quantifier: 'approximately' }), // 10,000 a day
    ];
    const r = reconcile({ ...base, figures });
    expect(r.points.map((p) => [p.date, p.value, p.kind])).toEqual([
      ['2024-11-30', 48_500, 'reported'],
      ['2024-12-05', 48_500 + 100_000 + 20_000, 'accumulated'], // 12-04 and 12-05 of the second increment
      ['2024-12-06', 48_500 + 100_000 + 30_000, 'accumulated'],
    ]);
    expect(r.points[2].sources.map((s) => s.figureId)).toEqual([403, 401, 402]);
    expect(r.points[2].quantifier).toBe('approximately');
  });

  test('then a later running total resets the base and only increments after it are added', () => {
    const figures = [
      figure({ periodStart: '2024-11-28', periodEnd: '2024-12-01', value: 40_000 }),
      figure({ periodStart: null, periodEnd: '2024-12-02', value: 100_000 }),
      figure({ periodStart: '2024-12-02', periodEnd: '2024-12-03', value: 20_000 }), // 10,000 a day, only 12-03 counts
    ];
    const r = reconcile({ ...base, figures });
    expect(r.points.map((p) => [p.date, p.value])).toEqual([
      ['2024-12-01', 40_000],
      ['2024-12-02', 100_000],
      ['2024-12-03', 110_000],
    ]);
  });
});

describe('when a stock is reported on several dates', () => {
  test('then each date stands alone and nothing is summed across dates', () => {
    const figures = [
      figure({ category: 'idps', periodStart: null, periodEnd: '2024-12-01', value: 500_000 }),
      figure({ category: 'idps', periodStart: null, periodEnd: '2024-12-08', value: 450_000, quantifier: 'less_than' }),
    ];
    const r = reconcile({ ...base, category: 'idps', figures });
    expect(r.points.map((p) => [p.date, p.value, p.bound])).toEqual([
      ['2024-12-01', 500_000, 'exact'],
      ['2024-12-08', 450_000, 'upper'],
    ]);
    expect(r.points[1].boundNote).toMatch(/upper bound/);
  });
});

describe('when figures of origin and destination are at one location', () => {
  test('then a role filter separates them and without one a warning says they are mixed', () => {
    const figures = [
      figure({ location: 'SY02', locationRole: 'origin', periodEnd: '2024-12-03', value: 120_000 }),
      figure({ location: 'SY02', locationRole: 'destination', periodEnd: '2024-12-04', value: 30_000 }),
    ];
    expect(reconcile({ ...base, location: 'SY02', figures, locationRole: 'origin' }).points.map((p) => p.value)).toEqual([120_000]);
    expect(reconcile({ ...base, location: 'SY02', figures }).warnings[0]).toEqual({ code: 'roles_mixed', location: 'SY02' });
  });
});
