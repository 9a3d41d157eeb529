/**
 * Figures from tests/fixtures/real/syria-2024/reported-figures-to-2024-12-06.csv (Dec-2024 offensive), put on the
 * national location SYR as docs/statistics.md#reconciled-series describes: OCHA's running totals since the 27 Nov onset are recommended,
 * WFP's 280,000 is triangulation, WFP's "could swell to 1.5 million" is a ceiling scenario.
 */
import type { FigureLike, LocationLike, ScenarioLike } from '../../server/statistics';

const f = (over: Partial<FigureLike> & Pick<FigureLike, 'id' | 'periodEnd' | 'value' | 'organisation' | 'publishedOn'>): FigureLike => ({
  location: 'SYR',
  locationRole: 'unknown',
  category: 'new_displacement',
  periodStart: '2024-11-27',
  valueLow: null,
  valueHigh: null,
  quantifier: 'more_than',
  organisationReliability: 'high',
  role: 'recommended',
  status: 'approved',
  deletedAt: null,
  ...over,
});

export const ONSET = '2024-11-27';

export const FIGURES: FigureLike[] = [
  f({ id: 1, periodEnd: '2024-11-28', value: 14_000, organisation: 'OCHA', publishedOn: '2024-11-28' }),
  f({ id: 2, periodEnd: '2024-11-30', value: 48_500, organisation: 'OCHA', publishedOn: '2024-11-30' }),
  f({ id: 3, periodEnd: '2024-12-05', value: 178_000, organisation: 'OCHA', publishedOn: '2024-12-05' }),
  f({
    id: 4,
    periodEnd: '2024-12-05',
    value: 280_000,
    organisation: 'WFP',
    publishedOn: '2024-12-06',
    role: 'triangulation',
    quantifier: 'more_than',
    organisationReliability: 'medium',
  }),
  f({ id: 5, periodEnd: '2024-12-06', value: 370_000, organisation: 'OCHA', publishedOn: '2024-12-06' }),
  f({
    id: 6,
    periodEnd: '2024-12-06',
    value: 280_000,
    organisation: 'WFP',
    publishedOn: '2024-12-06',
    role: 'triangulation',
    quantifier: 'exact',
    organisationReliability: 'medium',
  }),
  // After the as-of date (CSV note: OCHA reported 1.1 million on 12 Dec): must not be used with asOf 2024-12-06.
  f({ id: 7, periodEnd: '2024-12-12', value: 1_100_000, organisation: 'OCHA', publishedOn: '2024-12-12', quantifier: 'approximately' }),
  // Reported for 12-06 but published later: also excluded by asOf.
  f({ id: 8, periodEnd: '2024-12-06', value: 400_000, organisation: 'OCHA', publishedOn: '2024-12-08' }),
  // Not approved: never counted.
  f({ id: 9, periodEnd: '2024-12-04', value: 900_000, organisation: 'SOHR', publishedOn: '2024-12-04', status: 'draft' }),
];

export const SCENARIOS: ScenarioLike[] = [
  {
    id: 1,
    location: 'SYR',
    category: 'new_displacement',
    organisation: 'WFP',
    kind: 'ceiling',
    value: 1_500_000,
    horizonDate: null,
    publishedOn: '2024-12-06',
    quote: 'Samer AbdelJaber, who heads emergency coordination at the UN’s World Food Program (WFP), has warned that the number of refugees could swell to 1.5 million.',
  },
];

export const LOCATIONS: LocationLike[] = [
  { code: 'SYR', name: 'Syria', parentCode: null, adminLevel: 0, isArea: false },
  { code: 'SY02', name: 'Aleppo', parentCode: 'SYR', adminLevel: 1, isArea: false },
  { code: 'SY07', name: 'Idleb', parentCode: 'SYR', adminLevel: 1, isArea: false },
  { code: 'SY-NW', name: 'North-west Syria', parentCode: 'SYR', adminLevel: 1, isArea: true },
];
