import { changeBetweenReports } from '../../server/statistics';

const p = (date: string, value: number) => ({ date, value });

describe('changeBetweenReports', () => {
  test('when there is a report at least 7 days before the last, then the change runs from the latest such report', () => {
    // Seeded Syria OCHA reports: Nov 29 is the target, Nov 28 the latest report on or before it; 370,000 − 14,000.
    const pts = [p('2024-11-28', 14_000), p('2024-11-30', 48_500), p('2024-12-05', 178_000), p('2024-12-06', 370_000)];
    expect(changeBetweenReports(pts)).toEqual({ from: pts[0], to: pts[3], days: 8, change: 356_000 });
  });

  test('when a report is exactly 7 days before, then that one; when none is that old, then the first; with one point, then none', () => {
    expect(changeBetweenReports([p('2025-01-01', 10), p('2025-01-03', 30), p('2025-01-08', 25)])).toMatchObject({ days: 7, change: 15 });
    expect(changeBetweenReports([p('2025-01-01', 10), p('2025-01-03', 30), p('2025-01-05', 40)])).toMatchObject({ days: 4, change: 30 });
    expect(changeBetweenReports([p('2025-01-01', 10)])).toBeNull();
  });
});
