/**
 * A synthetic boundary file of realistic weight (no real file is downloaded): fourteen irregular areas in a 4×4
 * grid over Syria's extent with the COD-AB p-codes SY01…SY14, 4,000 points each before shared borders are merged
 * (about an OCHA COD-AB admin 1 file), wound as RFC 7946 says. Used by bench/map-weight.ts and the page-weight test.
 */
export function syntheticBoundaries(): Buffer {
  const COLS = 4;
  const ROWS = 4;
  const PER_EDGE = 1_000;
  const [x0, y0, x1, y1] = [35.7, 32.3, 42.4, 37.3];
  /** A wiggly border between two grid corners, the same for both neighbours (seeded by its end points). */
  function edge(a: [number, number], b: [number, number]): [number, number][] {
    const out: [number, number][] = [];
    const seed = Math.sin(a[0] * 12.9898 + a[1] * 78.233 + b[0] * 37.719 + b[1] * 4.581) * 43758.5453;
    for (let i = 0; i <= PER_EDGE; i++) {
      const t = i / PER_EDGE;
      const wiggle = i === 0 || i === PER_EDGE ? 0 : 0.04 * Math.sin(t * 40 + seed) * Math.sin(t * Math.PI);
      const nx = -(b[1] - a[1]);
      const ny = b[0] - a[0];
      const len = Math.hypot(nx, ny);
      out.push([a[0] + (b[0] - a[0]) * t + (nx / len) * wiggle, a[1] + (b[1] - a[1]) * t + (ny / len) * wiggle]);
    }
    return out;
  }
  const corner = (c: number, r: number): [number, number] => [x0 + ((x1 - x0) * c) / COLS, y0 + ((y1 - y0) * r) / ROWS];
  const canonical = (a: [number, number], b: [number, number]) => (a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]) ? edge(a, b) : edge(b, a).reverse());
  const features = [];
  let n = 0;
  for (let r = 0; r < ROWS; r++)
    for (let c = 0; c < COLS; c++) {
      if (n >= 14) break;
      n++;
      const [a, b, cc, d] = [corner(c, r), corner(c + 1, r), corner(c + 1, r + 1), corner(c, r + 1)];
      const ring = [...canonical(a, b).slice(0, -1), ...canonical(b, cc).slice(0, -1), ...canonical(cc, d).slice(0, -1), ...canonical(d, a)];
      features.push({
        type: 'Feature',
        properties: { ADM1_PCODE: `SY${String(n).padStart(2, '0')}`, ADM1_EN: `Area ${n}` },
        geometry: { type: 'Polygon', coordinates: [ring.reverse()] },
      });
    }
  return Buffer.from(JSON.stringify({ type: 'FeatureCollection', features }));
}
