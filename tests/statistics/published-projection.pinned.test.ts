/**
 * The published projection's full output (every daily range point, the track record with its baselines, and every
 * past projection) for the four real series and a few others, pinned bit for bit to what the code published before
 * it was made faster (tests/statistics/pinned/). An optimisation may change how it is computed, never a number.
 */
import fs from 'node:fs';
import { publishedProjection } from '../../server/statistics';
import { PINNED_CASES, PINNED_FILE } from './pinned/cases';

const pinned = JSON.parse(fs.readFileSync(PINNED_FILE, 'utf8')) as Record<string, unknown>;

describe.each(PINNED_CASES)('given $name, projected $horizonDays days', (c) => {
  test('then the range points, track record and past projections are exactly the pinned ones', () => {
    const got = JSON.parse(JSON.stringify(publishedProjection(c.points(), { horizonDays: c.horizonDays, cumulative: c.cumulative })));
    expect(got).toEqual(pinned[c.name]);
  });
});

test('when the pinned file is read, then it holds every case and nothing else', () => {
  expect(Object.keys(pinned).sort()).toEqual(PINNED_CASES.map((c) => c.name).sort());
});
