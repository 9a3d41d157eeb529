import type { Feature, FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import type { GeometryCollection, Topology } from 'topojson-specification';
import { feature as toFeatures } from 'topojson-client';
import { geoIdentity, geoMercator, geoPath } from 'd3-geo';
import { quantileSorted } from 'simple-statistics';
import type { I18n } from '../i18n/i18n';

/** A stored shape's properties: the p-code it matched and the name the file gave it. */
export interface AreaProperties {
  code: string;
  name: string;
}
export type AreaTopology = Topology<{ areas: GeometryCollection<AreaProperties> }>;

/** The figure drawn for one shape: the location it matched and its latest value, or null (no data, never zero). */
export interface MapArea {
  pcode: string;
  location: string;
  name: string;
  value: number | null;
  date: string | null;
}

/**
 * ColorBrewer YlGnBu, 5 classes: sequential, readable with the common colour-vision deficiencies and in greyscale
 * print (colorbrewer2.org marks it colour-blind safe and print friendly).
 */
export const PALETTE = ['#ffffcc', '#a1dab4', '#41b6c4', '#2c7fb8', '#253494'] as const;
const NO_DATA_ID = 'map-no-data';

/** A number rounded to two significant digits: class breaks a reader can repeat (12,000, not 11,873). */
const nice = (x: number) => (x === 0 ? 0 : Number(x.toPrecision(2)));

/**
 * Class breaks: quantiles of the areas' values (quintiles, or fewer classes when there are fewer than 5 different
 * values), rounded to two significant digits so a reader can repeat them, each above the smallest value and all
 * different (ties never make two classes). Quantiles rather than equal steps: displacement figures are skewed (a
 * few areas hold most people), and equal steps would put nearly every area in the lightest class.
 * A value v is in class `breaks.filter(b => b <= v).length`.
 */
export function classBreaks(values: number[]): number[] {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  const k = Math.min(PALETTE.length, new Set(sorted).size);
  if (k < 2) return [];
  const out: number[] = [];
  for (let i = 1; i < k; i++) {
    const p = i / k;
    const b = nice(quantileSorted(sorted, p));
    if (b > sorted[0] && b <= sorted[sorted.length - 1] && !out.includes(b) && (out.length === 0 || b > out[out.length - 1])) out.push(b);
  }
  return out;
}

export const classOf = (value: number, breaks: number[]) => breaks.filter((b) => b <= value).length;

/** The palette colour of class `i` of `n`: spread over the 5 colours so few classes still differ clearly. */
export const colourOf = (i: number, n: number) => PALETTE[n <= 1 ? 2 : Math.round((i * (PALETTE.length - 1)) / (n - 1))];

/** Text for XML text and attribute values. */
export const escapeXml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Path data with every number rounded to one decimal in screen space (pixels): a third of the bytes, no visible change. */
const roundPath = (d: string) => d.replace(/-?\d+(?:\.\d+)?(?:e-?\d+)?/g, (n) => String(Math.round(Number(n) * 10) / 10));

export interface LegendEntry {
  label: string;
  colour: string | null;
  count: number;
}

export interface Choropleth {
  svg: string;
  legend: LegendEntry[];
  breaks: number[];
  /** Areas with their class (null: no data), largest figure first, then areas without data by name. */
  rows: (MapArea & { class: number | null; colour: string | null })[];
  bytes: number;
}

export interface ChoroplethOptions {
  topology: AreaTopology;
  projected: boolean;
  areas: MapArea[];
  i18n: I18n;
  /** The map's accessible name (SVG <title>). */
  title: string;
  /** Lines drawn under the map in the image itself (the downloads), e.g. the sources. */
  footer?: string[];
  /** Distinguishes the ids of two maps on one page. */
  idPrefix?: string;
}

const MAP_W = 600;
const MAP_H = 420;
const LEGEND_W = 220;
const PAD = 8;
const LINE = 16;

/**
 * The choropleth as one SVG document, paths computed here with d3-geo (Mercator fitted to the shapes, or an
 * identity projection flipped upright for planar coordinates): no map library, no tiles, no script. Every text
 * from a file or a user is escaped; areas without data are hatched and named so in the legend, never coloured as zero.
 */
export function renderChoropleth(o: ChoroplethOptions): Choropleth {
  const { i18n } = o;
  const id = (s: string) => `${o.idPrefix ?? ''}${s}`;
  const fc = toFeatures(o.topology, o.topology.objects.areas) as unknown as FeatureCollection<Polygon | MultiPolygon, AreaProperties>;
  const extent: [[number, number], [number, number]] = [
    [PAD, PAD],
    [MAP_W - PAD, MAP_H - PAD],
  ];
  const projection = o.projected ? geoIdentity().reflectY(true).fitExtent(extent, fc) : geoMercator().fitExtent(extent, fc);
  const path = geoPath(projection);

  const byCode = new Map(o.areas.map((a) => [a.pcode, a]));
  const values = o.areas.filter((a) => a.value != null).map((a) => a.value!);
  const breaks = classBreaks(values);
  const n = breaks.length + 1;
  const counts = new Array<number>(n).fill(0);
  let noData = 0;
  const rows = o.areas
    .map((a) => {
      const c = a.value == null ? null : classOf(a.value, breaks);
      if (c == null) noData++;
      else counts[c]++;
      return { ...a, class: c, colour: c == null ? null : colourOf(c, n) };
    })
    .sort((a, b) => (b.value ?? -1) - (a.value ?? -1) || a.name.localeCompare(b.name));

  const num = (x: number) => i18n.number(x);
  const legend: LegendEntry[] = values.length
    ? Array.from({ length: n }, (_, i) => ({
        label:
          n === 1
            ? i18n.t('map.legendAll', { low: num(Math.min(...values)), high: num(Math.max(...values)) })
            : i === 0
              ? i18n.t('map.legendBelow', { high: num(breaks[0]) })
              : i === n - 1
                ? i18n.t('map.legendAbove', { low: num(breaks[n - 2]) })
                : i18n.t('map.legendBetween', { low: num(breaks[i - 1]), high: num(breaks[i]) }),
        colour: colourOf(i, n),
        count: counts[i],
      }))
    : [];
  if (noData || !values.length) legend.push({ label: i18n.t('map.noData'), colour: null, count: noData });

  const shapes = fc.features
    .map((f: Feature<Polygon | MultiPolygon, AreaProperties>) => {
      const d = path(f);
      if (!d) return '';
      const a = byCode.get(f.properties.code);
      const name = a?.name ?? f.properties.name ?? f.properties.code;
      const c = a?.value == null ? null : classOf(a.value, breaks);
      const tip =
        a?.value == null
          ? i18n.t('map.tipNoData', { name, code: f.properties.code })
          : i18n.t('map.tip', { name, code: f.properties.code, value: num(a.value), date: a.date ?? '' });
      const fill = c == null ? `url(#${id(NO_DATA_ID)})` : colourOf(c, n);
      return `<path class="area ${c == null ? 'no-data' : `c${c}`}" data-code="${escapeXml(f.properties.code)}" fill="${fill}" d="${roundPath(d)}"><title>${escapeXml(tip)}</title></path>`;
    })
    .join('');

  const legendSvg = legend
    .map((e, i) => {
      const y = PAD + LINE * 1.5 + i * (LINE + 4);
      const fill = e.colour ?? `url(#${id(NO_DATA_ID)})`;
      return `<rect x="${MAP_W + 4}" y="${y}" width="18" height="${LINE - 2}" fill="${fill}" stroke="#555" stroke-width="0.5"/><text x="${MAP_W + 28}" y="${y + LINE - 4}">${escapeXml(e.label)}</text>`;
    })
    .join('');
  const footer = (o.footer ?? []).filter(Boolean);
  const height = MAP_H + (footer.length ? footer.length * LINE + PAD : 0);
  const width = MAP_W + LEGEND_W;
  const footerSvg = footer.map((line, i) => `<text x="${PAD}" y="${MAP_H + (i + 1) * LINE}" class="source">${escapeXml(line)}</text>`).join('');
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" class="choropleth" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-labelledby="${id('map-title')}">` +
    `<title id="${id('map-title')}">${escapeXml(o.title)}</title>` +
    `<defs><pattern id="${id(NO_DATA_ID)}" patternUnits="userSpaceOnUse" width="6" height="6" patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff"/><line x1="0" y1="0" x2="0" y2="6" stroke="#8c8c8c" stroke-width="2"/></pattern></defs>` +
    `<rect width="${width}" height="${height}" fill="#ffffff"/>` +
    `<g stroke="#4d4d4d" stroke-width="0.6" stroke-linejoin="round">${shapes}</g>` +
    `<g font-family="system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif" font-size="12" fill="#1a1a1a"><text x="${MAP_W + 4}" y="${PAD + LINE - 2}" font-weight="bold">${escapeXml(i18n.t('map.legendTitle'))}</text>${legendSvg}${footerSvg}</g>` +
    `</svg>`;
  return { svg, legend, breaks, rows, bytes: Buffer.byteLength(svg) };
}
