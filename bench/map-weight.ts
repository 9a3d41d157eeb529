/**
 * Size of the map for a boundary file of realistic weight (tests/maps/synthetic-boundaries.ts). Prints the points kept, the stored TopoJSON
 * and the inline SVG in bytes raw and gzipped, and the time to read and draw.
 *
 *   npx tsx bench/map-weight.ts
 */
import zlib from 'node:zlib';
import { keepShapes, readBoundaryFile } from '../server/maps/boundary-file';
import { renderChoropleth, type AreaProperties } from '../server/maps/choropleth';
import { createI18n } from '../server/i18n/i18n';
import { syntheticBoundaries } from '../tests/maps/synthetic-boundaries';

const file = syntheticBoundaries();
const t0 = performance.now();
const read = readBoundaryFile(file);
const kept = keepShapes(read, (p) => ({ code: p.ADM1_PCODE, name: p.ADM1_EN }));
const t1 = performance.now();
const areas = kept.topology.objects.areas.geometries.map((g, i) => ({
  pcode: (g.properties as AreaProperties).code,
  location: (g.properties as AreaProperties).code,
  name: (g.properties as AreaProperties).name,
  value: i % 4 === 0 ? null : (i + 1) * 10_000,
  date: '2024-12-06',
}));
const map = renderChoropleth({ topology: kept.topology, projected: false, areas, i18n: createI18n('en'), title: 'Map' });
const t2 = performance.now();
const stored = JSON.stringify(kept.topology);
const gz = (s: string) => zlib.gzipSync(s, { level: 9 }).length;
console.log(
  JSON.stringify(
    {
      fileBytes: file.length,
      pointsBefore: read.verticesBefore,
      pointsKept: kept.vertices,
      storedTopoJsonBytes: stored.length,
      inlineSvgBytes: map.bytes,
      inlineSvgGzipBytes: gz(map.svg),
      readAndSimplifyMs: Math.round(t1 - t0),
      drawMs: Math.round(t2 - t1),
    },
    null,
    1,
  ),
);
