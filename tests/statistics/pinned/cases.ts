/**
 * Series whose full published projection (daily range, track record, past projections) is pinned to the output
 * captured before the published rule was made faster: the four real series at the horizon each was measured at,
 * the same as running totals at 7 days (the floor path), the example series, and a few of the benchmark's
 * synthetic locations. Regenerate (`npx tsx tests/statistics/pinned/generate.ts`) only when the rule itself is
 * meant to change, never to make an optimisation pass.
 */
import type { TimePoint } from '../../../server/statistics';
import { REAL_SERIES } from '../../helpers/real-series';
import { example } from '../helpers';
import { projectionInputs } from '../../../bench/projections';
import { rollUp } from '../../../server/statistics';

export interface PinnedCase {
  name: string;
  points: () => TimePoint[];
  horizonDays: number;
  cumulative: boolean;
}

function syntheticCases(): PinnedCase[] {
  const { locations, perLocation } = projectionInputs(6, 100);
  return perLocation.map((x) => ({
    name: `synthetic ${x.location} ${x.category}`,
    points: () =>
      rollUp({ figures: x.figures, locations, location: x.location, category: x.category, onset: '2024-01-01', stalenessDays: 14 }).points.map((p) => ({
        date: p.date,
        value: p.value,
      })),
    horizonDays: 30,
    cumulative: x.category === 'new_displacement',
  }));
}

export const PINNED_CASES: PinnedCase[] = [
  ...REAL_SERIES.map((s) => ({ name: s.name, points: s.points, horizonDays: s.horizon, cumulative: false })),
  ...REAL_SERIES.map((s) => ({ name: `${s.name} as a running total, 7 days`, points: s.points, horizonDays: 7, cumulative: true })),
  { name: 'example series, 21 days', points: example, horizonDays: 21, cumulative: true },
  ...syntheticCases(),
];

export const PINNED_FILE = `${__dirname}/published-projection.pinned.json`;
