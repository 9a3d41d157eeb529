import { projectionInputs } from './bench/projections';
import { publishedProjection, rollUp, type TimePoint } from './server/statistics';
const { locations, perLocation } = projectionInputs(1000, 100);
const series = perLocation.map((x) => ({ cumulative: x.category === 'new_displacement', points: rollUp({ figures: x.figures, locations, location: x.location, category: x.category, onset: '2024-01-01', stalenessDays: 14 }).points.map((p): TimePoint => ({ date: p.date, value: p.value })) }));
for (let r = 0; r < 5; r++) {
  const t0 = performance.now();
  for (const s of series) publishedProjection(s.points, { horizonDays: 30, cumulative: s.cumulative });
  console.log('total', (performance.now() - t0).toFixed(1), 'ms', series[0].points.length);
}
let x = 0; const t1 = performance.now(); for (let i = 0; i < 1e8; i++) x += i % 7; console.log('1e8 loop', (performance.now() - t1).toFixed(0), x > 0);
