/** Roll-up of a parent location from its children (docs/statistics.md#reconciled-series). */
import { rollUp, type LocationLike } from '../../server/statistics';
import { figure } from './helpers';

const ONSET = '2024-11-27';
const LOCATIONS: LocationLike[] = [
  { code: 'SYR', name: 'Syria', parentCode: null, adminLevel: 0, isArea: false },
  { code: 'SY02', name: 'Aleppo', parentCode: 'SYR', adminLevel: 1, isArea: false },
  { code: 'SY07', name: 'Idleb', parentCode: 'SYR', adminLevel: 1, isArea: false },
  { code: 'SY0200', name: 'Jebel Saman', parentCode: 'SY02', adminLevel: 2, isArea: false },
  { code: 'SY0201', name: 'Al Bab', parentCode: 'SY02', adminLevel: 2, isArea: false },
  { code: 'NWS', name: 'North-west Syria', parentCode: 'SYR', adminLevel: 1, isArea: true },
];
const base = { locations: LOCATIONS, location: 'SYR', category: 'idps' as const, onset: ONSET };
const idps = (location: string, periodEnd: string, value: number, extra: object = {}) =>
  figure({ location, category: 'idps', periodStart: null, periodEnd, value, locationRole: 'destination', ...extra });

describe('when a parent has no figure of its own on a date', () => {
  test('then its value is the sum of its children, derived, and areas are never added', () => {
    const figures = [idps('SY02', '2024-12-03', 60_000), idps('SY07', '2024-12-04', 40_000, { quantifier: 'more_than' }), idps('NWS', '2024-12-04', 999_999)];
    const r = rollUp({ ...base, figures });
    expect(r.points.map((p) => [p.date, p.value, p.derived, p.kind])).toEqual([
      ['2024-12-03', 60_000, true, 'derived'],
      ['2024-12-04', 100_000, true, 'derived'],
    ]);
    expect(r.points[0].childrenMissing).toEqual(['SY07']);
    expect(r.points[1].childrenMissing).toEqual([]);
    expect(r.points[1].quantifier).toBe('more_than');
    expect(r.points[1].role).toBe('destination');
    expect(r.points[1].sources.map((s) => s.location)).toEqual(['SY02', 'SY07']);
  });

  test('then a grandparent sums children that are themselves sums of districts', () => {
    const figures = [idps('SY0200', '2024-12-02', 10_000), idps('SY0201', '2024-12-02', 5_000), idps('SY07', '2024-12-02', 20_000)];
    const r = rollUp({ ...base, figures });
    expect(r.points.map((p) => [p.date, p.value])).toEqual([['2024-12-02', 35_000]]);
  });
});

describe('when a parent has its own figure on a date', () => {
  test('then its own figure wins while it is fresh, no partial sum breaks into the series, and a lower children sum gets a QA warning', () => {
    const figures = [idps('SYR', '2024-12-04', 300_000), idps('SY02', '2024-12-04', 60_000), idps('SY07', '2024-12-05', 40_000), idps('SY07', '2024-12-20', 50_000)];
    const r = rollUp({ ...base, figures });
    // 12-05: SYR's own 300,000 of 12-04 is fresh, so the 100,000 sum of two governorates is not a point.
    // 12-20: SYR's own figure is 16 days old (stale); SY02's too, so the sum is SY07 alone, flagged derived.
    expect(r.points.map((p) => [p.date, p.value, p.derived])).toEqual([
      ['2024-12-04', 300_000, false],
      ['2024-12-20', 50_000, true],
    ]);
    expect(r.warnings).toContainEqual({ code: 'children_below_parent', location: 'SYR', dates: 1, date: '2024-12-05', sum: 100000, own: 300000, ownDate: '2024-12-04' });
  });
});

describe('when a child value is older than the staleness window', () => {
  test('then it is left out of the sum (14 days by default, configurable)', () => {
    const figures = [idps('SY02', '2024-12-01', 60_000), idps('SY07', '2024-12-15', 40_000), idps('SY07', '2024-12-16', 45_000)];
    const r = rollUp({ ...base, figures });
    expect(r.points.map((p) => [p.date, p.value])).toEqual([
      ['2024-12-01', 60_000],
      ['2024-12-15', 100_000], // 14 days old: still counted
      ['2024-12-16', 45_000], // 15 days old: stale
    ]);
    expect(r.points[2].childrenMissing).toEqual(['SY02']);
    const short = rollUp({ ...base, figures, stalenessDays: 7 });
    expect(short.points.map((p) => p.value)).toEqual([60_000, 40_000, 45_000]);
  });
});

describe('when children report people displaced from them (origin) and people arriving in them (destination)', () => {
  test('then origin and destination are never added together', () => {
    const figures = [
      idps('SY02', '2024-12-05', 200_000, { locationRole: 'origin' }),
      idps('SY07', '2024-12-05', 150_000, { locationRole: 'destination' }),
      idps('SY02', '2024-12-05', 30_000, { locationRole: 'destination' }),
    ];
    const dest = rollUp({ ...base, figures, locationRole: 'destination' });
    expect(dest.points.map((p) => [p.value, p.role])).toEqual([[180_000, 'destination']]);
    const origin = rollUp({ ...base, figures, locationRole: 'origin' });
    expect(origin.points.map((p) => [p.value, p.role])).toEqual([[200_000, 'origin']]);
    // without a role: the larger single-role sum, never 380,000
    const any = rollUp({ ...base, figures });
    expect(any.points.map((p) => [p.value, p.role])).toEqual([[200_000, 'origin']]);
  });
});

describe('when the location tree has a cycle', () => {
  test('then it warns instead of looping', () => {
    const locations: LocationLike[] = [
      { code: 'A', name: 'A', parentCode: 'B', adminLevel: 1, isArea: false },
      { code: 'B', name: 'B', parentCode: 'A', adminLevel: 1, isArea: false },
    ];
    const r = rollUp({ locations, location: 'A', category: 'idps', onset: ONSET, figures: [idps('B', '2024-12-01', 5)] });
    expect(r.warnings.some((w) => w.code === 'own_ancestor')).toBe(true);
  });
});
