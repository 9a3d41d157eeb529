import fs from 'node:fs';
import { realFile } from './fixtures';
import type { TimePoint } from '../../server/statistics';

/** A DTM admin0 subset (HXL row second) as dated IDP stocks. */
export function dtmSeries(name: string): TimePoint[] {
  return fs
    .readFileSync(realFile('iom-dtm', name), 'utf8')
    .trim()
    .split('\n')
    .slice(2)
    .map((line) => {
      const c = line.split(',');
      return { date: c[5].slice(0, 10), value: Number(c[4]) };
    });
}

/** UNHCR's daily count of refugees from Ukraine, 2022. */
export function ukraineSeries(): TimePoint[] {
  return fs
    .readFileSync(realFile('ukraine', 'unhcr-refugees-from-ukraine-daily-2022.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => {
      const c = line.split(',');
      return { date: c[0], value: Number(c[1]) };
    });
}

/**
 * The four real series of the published-projection test, with the horizon each was measured at and the values
 * measured on them (README "Statistics"): MAPE of the published central and of the two baselines, and coverage.
 */
export const REAL_SERIES = [
  {
    name: 'Sudan DTM weekly admin0',
    file: 'subset_SDN_armed_clashes_weekly_admin0.csv',
    points: () => dtmSeries('subset_SDN_armed_clashes_weekly_admin0.csv'),
    horizon: 14,
    mape: 2.07,
    naive: 3.49,
    drift8: 2.3,
    held: 30,
    n: 35,
  },
  {
    name: 'Iraq DTM admin0',
    file: 'subset_IRQ_conflict_admin0.csv',
    points: () => dtmSeries('subset_IRQ_conflict_admin0.csv'),
    horizon: 60,
    mape: 2.66,
    naive: 3.04,
    drift8: 3.79,
    held: 62,
    n: 72,
  },
  {
    name: 'Haiti DTM admin0 2010–19',
    file: 'subset_HTI_earthquake_2010_admin0.csv',
    points: () => dtmSeries('subset_HTI_earthquake_2010_admin0.csv'),
    horizon: 60,
    mape: 6.47,
    naive: 7.69,
    drift8: 9.34,
    held: 22,
    n: 25,
  },
  { name: 'UNHCR Ukraine refugees daily 2022', file: null, points: ukraineSeries, horizon: 14, mape: 4.98, naive: 5.75, drift8: 6.74, held: 63, n: 74 },
] as const;
