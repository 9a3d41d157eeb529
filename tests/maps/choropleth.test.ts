import fs from 'node:fs';
import path from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { classBreaks, classOf, PALETTE, renderChoropleth, type MapArea } from '../../server/maps/choropleth';
import { keepShapes, readBoundaryFile } from '../../server/maps/boundary-file';
import { createI18n } from '../../server/i18n/i18n';

const FIXTURES = path.resolve(__dirname, '..', 'fixtures', 'maps');
const file = (name: string) => fs.readFileSync(path.join(FIXTURES, name));
const i18n = createI18n('en');

/** The squares file as stored: p-code and name of each shape. */
const stored = (name = 'syria-adm1-squares.geojson', code = 'ADM1_PCODE', label = 'ADM1_EN') =>
  keepShapes(readBoundaryFile(file(name)), (p) => ({ code: p[code], name: p[label] })).topology;

const AREAS: MapArea[] = [
  { pcode: 'SY07', location: 'SY-ID', name: 'Idlib', value: 120_000, date: '2024-12-04' },
  { pcode: 'SY02', location: 'SY-HL', name: 'Aleppo', value: 50_000, date: '2024-12-02' },
  { pcode: 'SY09', location: 'SY-RA', name: 'Ar-Raqqa', value: 100_000, date: '2024-12-03' },
  { pcode: 'SY03', location: 'SY-RD', name: 'Rural Damascus', value: 7_000, date: '2024-12-04' },
  { pcode: 'SY05', location: 'SY-HM', name: 'Hama', value: null, date: null },
];

/** Every element of a parsed document (fast-xml-parser's preserveOrder form), depth first. */
function elements(nodes: Record<string, unknown>[]): { name: string; attrs: Record<string, string> }[] {
  return nodes.flatMap((n) => {
    const name = Object.keys(n).find((k) => k !== ':@' && k !== '#text');
    if (!name) return [];
    return [{ name, attrs: (n[':@'] ?? {}) as Record<string, string> }, ...elements(n[name] as Record<string, unknown>[])];
  });
}
const parse = (svg: string) => elements(new XMLParser({ preserveOrder: true, ignoreAttributes: false, attributeNamePrefix: '' }).parse(svg) as Record<string, unknown>[]);

describe('class breaks', () => {
  test('when ten evenly spread values are classed, then the breaks are their quintiles (R quantile(x, c(.2, .4, .6, .8)): 280, 460, 640, 820)', () => {
    const values = [100, 200, 300, 400, 500, 600, 700, 800, 900, 1000];
    expect(classBreaks(values)).toEqual([280, 460, 640, 820]);
    expect(values.map((v) => classOf(v, [280, 460, 640, 820]))).toEqual([0, 0, 1, 1, 2, 2, 3, 3, 4, 4]);
  });
  test('when breaks fall between skewed values, then they are rounded to two significant digits', () => {
    // numpy.quantile([1234, 5678, 12345, 23456, 98765], [.2, .4, .6, .8]) = 4789.2, 9678.2, 16789.4, 38517.8 → 4,800, 9,700, 17,000, 39,000.
    expect(classBreaks([1_234, 5_678, 12_345, 23_456, 98_765])).toEqual([4_800, 9_700, 17_000, 39_000]);
  });
  test('when one value or equal values are classed, then there is one class and no break', () => {
    expect(classBreaks([5])).toEqual([]);
    expect(classBreaks([7, 7, 7])).toEqual([]);
  });
});

describe('the choropleth SVG', () => {
  const m = renderChoropleth({ topology: stored(), projected: false, areas: AREAS, i18n, title: 'Test map' });
  const els = parse(m.svg);
  const paths = els.filter((e) => e.name === 'path');
  const byCode = new Map(paths.map((p) => [p.attrs['data-code'], p]));

  test('when it is parsed as XML, then it is well-formed with role="img", a title and one path per shape', () => {
    expect(XMLValidator.validate(m.svg)).toBe(true);
    expect(els[0]).toMatchObject({ name: 'svg', attrs: expect.objectContaining({ role: 'img', 'aria-labelledby': 'map-title' }) });
    expect(els.find((e) => e.name === 'title' && e.attrs.id === 'map-title')).toBeDefined();
    expect([...byCode.keys()].sort()).toEqual(['SY02', 'SY03', 'SY05', 'SY07', 'SY09']);
  });

  test('when areas have figures, then each fill class follows its figure: a larger figure never has a lighter class', () => {
    const cls = (code: string) => Number(/\bc(\d)\b/.exec(byCode.get(code)!.attrs.class)![1]);
    const withData = AREAS.filter((a) => a.value != null).sort((a, b) => a.value! - b.value!);
    const classes = withData.map((a) => cls(a.pcode));
    expect(classes).toEqual([...classes].sort((a, b) => a - b));
    expect(classes[0]).toBe(0); // 7,000 (Rural Damascus): the lightest class
    expect(classes.at(-1)).toBe(m.breaks.length); // 120,000 (Idlib): the darkest
    // The fill is the palette colour of that class (four classes spread over the five colours).
    for (const a of withData) expect(byCode.get(a.pcode)!.attrs.fill).toBe(m.rows.find((r) => r.pcode === a.pcode)!.colour);
    expect(byCode.get('SY07')!.attrs.fill).toBe(PALETTE[4]);
    expect(byCode.get('SY03')!.attrs.fill).toBe(PALETTE[0]);
  });

  test('when an area has no figure, then it is hatched (a pattern, not a class colour) and "no data" is in the legend', () => {
    const hama = byCode.get('SY05')!;
    expect(hama.attrs.class).toContain('no-data');
    expect(hama.attrs.fill).toBe('url(#map-no-data)');
    expect(els.find((e) => e.name === 'pattern' && e.attrs.id === 'map-no-data')).toBeDefined();
    expect(m.legend.at(-1)).toEqual({ label: 'no data', colour: null, count: 1 });
    expect(m.svg).toContain('Hama (SY05): no data');
    // Never drawn as zero: no class colour, and its table row has no value.
    expect(m.rows.find((r) => r.pcode === 'SY05')).toMatchObject({ value: null, class: null, colour: null });
  });

  test('when hovering an area, then its title gives the figure and its date', () => {
    expect(m.svg).toContain('<title>Idlib (SY07): 120,000 on 2024-12-04</title>');
  });

  test('when names are hostile, then they are escaped: no script element and no event-handler attribute', () => {
    const hostile = '<script>alert(1)</script>" onload="alert(2)';
    const topology = stored('syria-adm1-other-fields.geojson', 'code', 'label');
    const h = renderChoropleth({
      topology,
      projected: false,
      areas: AREAS.map((a) => (a.pcode === 'SY02' ? { ...a, name: hostile } : a)),
      i18n,
      title: hostile,
      footer: [hostile],
    });
    expect(XMLValidator.validate(h.svg)).toBe(true);
    const all = parse(h.svg);
    expect(all.filter((e) => e.name.toLowerCase() === 'script')).toEqual([]);
    expect(all.flatMap((e) => Object.keys(e.attrs)).filter((a) => /^on/i.test(a))).toEqual([]);
    expect(h.svg).not.toContain('<script');
    expect(h.svg).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&quot; onload=&quot;alert(2)');
  });

  test('when drawn, then coordinates are rounded to one decimal in screen space and the SVG stays small', () => {
    const numbers = paths.flatMap((p) => p.attrs.d.match(/-?\d+(\.\d+)?/g) ?? []);
    expect(numbers.every((n) => !/\.\d\d/.test(n))).toBe(true);
    expect(m.bytes).toBeLessThan(5_000);
  });
});

describe('reading a boundary file', () => {
  test('when a GeoJSON is wound as RFC 7946 says, then each shape is drawn inside the map, not as the rest of the globe', () => {
    const m = renderChoropleth({ topology: stored(), projected: false, areas: AREAS, i18n, title: 't' });
    for (const d of parse(m.svg)
      .filter((e) => e.name === 'path')
      .map((p) => p.attrs.d)) {
      const xs = (d.match(/-?\d+(\.\d+)?/g) ?? []).map(Number);
      expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...xs)).toBeLessThanOrEqual(600);
    }
  });
  test('when the file is not JSON, has a point, or is not GeoJSON, then a 400 names the problem', () => {
    expect(() => readBoundaryFile(Buffer.from('{"type": "FeatureCollection", '))).toThrow(/file: is not valid JSON/);
    const point = { type: 'FeatureCollection', features: [{ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [1, 2] } }] };
    expect(() => readBoundaryFile(Buffer.from(JSON.stringify(point)))).toThrow(/shape 1 is a Point, not a Polygon or MultiPolygon/);
    expect(() => readBoundaryFile(Buffer.from('[1, 2]'))).toThrow(/not a GeoJSON FeatureCollection or a TopoJSON Topology/);
    const openRing = {
      type: 'Feature',
      properties: {},
      geometry: {
        type: 'Polygon',
        coordinates: [
          [
            [0, 0],
            [1, 0],
          ],
        ],
      },
    };
    expect(() => readBoundaryFile(Buffer.from(JSON.stringify(openRing)))).toThrow(/shape 1 has a Polygon whose rings/);
  });
  test('when a file has many points, then it is simplified to about the target count', () => {
    // A circle of 40,000 points: simplified to at most the target, still a closed ring.
    const n = 40_000;
    const ring = Array.from({ length: n }, (_, i) => [36 + Math.cos((2 * Math.PI * i) / n), 35 + Math.sin((2 * Math.PI * i) / n)]);
    ring.push(ring[0]);
    const doc = { type: 'Feature', properties: { ADM1_PCODE: 'SY02' }, geometry: { type: 'Polygon', coordinates: [ring.reverse()] } };
    const read = readBoundaryFile(Buffer.from(JSON.stringify(doc)));
    expect(read.verticesBefore).toBeGreaterThan(39_000);
    expect(read.vertices).toBeLessThanOrEqual(2_600);
    expect(read.vertices).toBeGreaterThan(1_000);
  });
});
