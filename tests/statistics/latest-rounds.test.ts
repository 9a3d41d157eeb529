/** Only the latest round of a DTM operation counts in totals (docs/statistics.md#reconciled-series). */
import { reconcile, rollUp, type LocationLike } from '../../server/statistics';
import { latestRounds } from '../../server/statistics/latest-rounds';
import { figure } from './helpers';

const ONSET = '2023-04-15';
const OP = 'Armed Clashes in Sudan';
const LOCATIONS: LocationLike[] = [
  { code: 'SDN', name: 'Sudan', parentCode: null, adminLevel: 0, isArea: false },
  { code: 'SD01', name: 'Khartoum', parentCode: 'SDN', adminLevel: 1, isArea: false },
  { code: 'SD15', name: 'Aj Jazirah', parentCode: 'SDN', adminLevel: 1, isArea: false },
];
let nextId = 1;
const idps = (location: string, periodEnd: string, value: number, round: number | null, extra: object = {}) =>
  figure({
    id: nextId++,
    location,
    category: 'idps',
    periodStart: null,
    periodEnd,
    value,
    locationRole: 'destination',
    organisation: 'IOM DTM',
    operation: round == null ? null : OP,
    reportingRound: round,
    ...extra,
  });

describe('when figures of two rounds of one operation are given', () => {
  test('then a figure of the older round dated on the day of the newer round is left out, with one warning; one dated after it stays', () => {
    const r12 = idps('SD01', '2023-08-01', 1500, 12);
    const r11late = idps('SD01', '2023-08-05', 1200, 11);
    const r11 = idps('SD01', '2023-07-25', 1200, 11);
    const sameDay = idps('SD01', '2023-08-01', 1400, 11);
    const res = latestRounds([r11, r12, r11late, sameDay]);
    expect(res.superseded.map((f) => f.id)).toEqual([sameDay.id]);
    expect(res.warnings).toEqual([{ code: 'older_round', operation: OP, count: 1, figure: sameDay.id, round: 11, latest: 12, date: '2023-08-01' }]);
    const s = reconcile({ figures: [r11, r12, r11late, sameDay], location: 'SD01', category: 'idps', onset: ONSET });
    // Round 11 never stands beside round 12 on its day; dated after it, it is the place's newest report.
    expect(s.points.map((p) => [p.date, p.value])).toEqual([
      ['2023-07-25', 1200],
      ['2023-08-01', 1500],
      ['2023-08-05', 1200],
    ]);
    expect(s.band.map((b) => [b.date, b.low, b.high])).toEqual([
      ['2023-07-25', 1200, 1200],
      ['2023-08-01', 1500, 1500],
      ['2023-08-05', 1200, 1200],
    ]);
    expect(s.warnings.map((w) => w.code)).toEqual(['older_round']);
  });

  test('then figures without a round, of another operation or not approved are outside the rule', () => {
    const r12 = idps('SD01', '2023-08-01', 1500, 12);
    const other = idps('SD01', '2023-08-05', 900, 3, { operation: 'Another operation' });
    const none = idps('SD01', '2023-08-06', 800, null, { organisation: 'OCHA' });
    const draft13 = idps('SD01', '2023-07-01', 2000, 13, { status: 'draft' });
    const r11 = idps('SD01', '2023-08-01', 1100, 11);
    const res = latestRounds([r12, other, none, draft13, r11]);
    expect(res.superseded).toEqual([r11]);
  });
});

describe('when a parent is rolled up from children reported in two rounds', () => {
  test('then a child whose latest value is of the older round is not added to the newer round’s total', () => {
    const figures = [
      idps('SD01', '2023-07-25', 1200, 11),
      idps('SD15', '2023-07-25', 500, 11),
      // Round 12 reached Khartoum only: Aj Jazirah's round 11 count must not be added to it.
      idps('SD01', '2023-08-01', 1500, 12),
    ];
    const r = rollUp({ figures, locations: LOCATIONS, location: 'SDN', category: 'idps', onset: ONSET });
    expect(r.points.map((p) => [p.date, p.value, p.childrenMissing])).toEqual([
      ['2023-07-25', 1700, []],
      ['2023-08-01', 1500, ['SD15']],
    ]);
  });

  test('then a parent’s own figure of the older round does not hold back the newer round’s sum, and one of the same day as the newer round is ignored', () => {
    const figures = [
      idps('SDN', '2023-07-25', 1800, 11),
      idps('SD01', '2023-08-01', 1500, 12),
      idps('SD15', '2023-08-01', 600, 12),
      // Round 11 for the country on round 12's day: it must not replace round 12's total of 2,100.
      idps('SDN', '2023-08-01', 1750, 11),
    ];
    const r = rollUp({ figures, locations: LOCATIONS, location: 'SDN', category: 'idps', onset: ONSET });
    expect(r.points.map((p) => [p.date, p.value, p.derived])).toEqual([
      ['2023-07-25', 1800, false],
      ['2023-08-01', 2100, true],
    ]);
    expect(r.warnings).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'older_round', count: 1, round: 11, latest: 12, date: '2023-08-01' })]));
  });

  test('then without rounds the roll-up is unchanged: the stale-window sum of the children', () => {
    const figures = [idps('SD01', '2023-07-25', 1200, null), idps('SD15', '2023-07-25', 500, null), idps('SD01', '2023-08-01', 1500, null)];
    const r = rollUp({ figures, locations: LOCATIONS, location: 'SDN', category: 'idps', onset: ONSET });
    expect(r.points.map((p) => [p.date, p.value])).toEqual([
      ['2023-07-25', 1700],
      ['2023-08-01', 2000],
    ]);
  });
});
