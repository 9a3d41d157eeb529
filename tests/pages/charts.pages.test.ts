import request from 'supertest';
import { DATABASES, freshDb, testApp, type TestDb } from '../helpers/db';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import { chartConfig, dateLabels } from '../../server/charts/config';
import { renderChartPng } from '../../server/charts/render';
import { registerChartParts } from '../../server/charts/register';
import { formatters } from '../../server/i18n/format';
import { CHART_IDS, type ChartPayload } from '../../server/charts/types';
import { createI18n } from '../../server/i18n/i18n';
import { SituationViews } from '../../server/pages/situation.data';
import { AnalysisService } from '../../server/analysis/analysis.service';
import { FiguresService } from '../../server/figures/figures.service';
import { LocationsService } from '../../server/locations/locations.service';
import { SLUG } from './helpers';
import { dtmSeries } from '../helpers/real-series';

/** Width and height from a PNG's IHDR chunk (bytes 16–23, big-endian). */
const pngSize = (b: Buffer) => ({ width: b.readUInt32BE(16), height: b.readUInt32BE(20) });
const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const binary = (res: request.Response, cb: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
};

describe.each(DATABASES)('chart PNGs on %s', (kind) => {
  let t: TestDb;
  let app: ReturnType<typeof testApp>;
  beforeAll(async () => {
    t = await freshDb(kind, { seed: true });
    app = testApp(t.storage);
  });
  afterAll(() => t.cleanup());

  test.each(CHART_IDS)('when the %s chart is requested with a size, then a valid PNG of that size comes back', async (chart) => {
    const res = await request(app).get(`/situations/${SLUG}/charts/${chart}.png?width=640&height=360`).buffer(true).parse(binary).expect(200);
    expect(res.headers['content-type']).toBe('image/png');
    const body = res.body as Buffer;
    expect(body.subarray(0, 8)).toEqual(PNG_MAGIC);
    expect(pngSize(body)).toEqual({ width: 640, height: 360 });
    expect(body.length).toBeGreaterThan(3000); // not a blank image
  });

  test('when no size is given, then 1000 × 560; when the same PNG is asked again with its ETag, then 304', async () => {
    const res = await request(app).get(`/situations/${SLUG}/charts/series.png?location=SYR&category=new_displacement`).buffer(true).parse(binary).expect(200);
    expect(pngSize(res.body as Buffer)).toEqual({ width: 1000, height: 560 });
    await request(app).get(`/situations/${SLUG}/charts/series.png?location=SYR&category=new_displacement`).set('If-None-Match', res.headers.etag).expect(304);
  });

  test.each([
    ['width=299', 400],
    ['width=2001', 400],
    ['height=199', 400],
    ['height=1501', 400],
    ['width=abc', 400],
    ['width=300&height=200', 200],
    ['width=2000&height=1500', 200],
  ])('when the size is %s, then %i', async (q, status) => {
    await request(app).get(`/situations/${SLUG}/charts/changes.png?${q}`).expect(status);
  });

  test('when the instance is given a name, then the PNG is drawn again with it (its source line differs)', async () => {
    const named = testApp(t.storage, { INSTANCE_NAME: 'OCHA Syria IM unit' });
    const a = (await request(app).get(`/situations/${SLUG}/charts/locations.png`).buffer(true).parse(binary).expect(200)).body as Buffer;
    const b = (await request(named).get(`/situations/${SLUG}/charts/locations.png`).buffer(true).parse(binary).expect(200)).body as Buffer;
    expect(a.equals(b)).toBe(false);
  });

  test('when the chart or the situation does not exist, then 404', async () => {
    await request(app).get(`/situations/${SLUG}/charts/pie.png`).expect(404);
    await request(app).get(`/situations/nowhere/charts/series.png`).expect(404);
  });
});

describe('shared chart configuration', () => {
  let payload: ChartPayload;
  beforeAll(async () => {
    const t = await freshDb('sqlite', { seed: true });
    const views = new SituationViews({
      analysis: new AnalysisService(t.storage, { stalenessDays: 14, horizonDays: 30 }),
      figures: new FiguresService(t.storage),
      locations: new LocationsService(t.storage),
    });
    const v = await views.load(SLUG, {}, createI18n('en'));
    payload = v.payload;
    await t.cleanup();
  });

  test('when the series chart is built, then reported points are per organisation, projections are dashed and labelled, and the scenario is a labelled line', () => {
    const cfg = chartConfig('series', payload, 'browser');
    const labels = cfg.data.datasets.map((d) => d.label);
    expect(labels).toEqual(
      expect.arrayContaining([
        'Reported by OCHA',
        'Reported by WFP',
        'Reconciled series',
        'Range of all sources',
        'Projection, 80% range',
        'Projection, central',
        'WFP scenario: could reach 1.5 million',
      ]),
    );
    // Scenario curves are lines of their own beside the range, starting at the last report.
    const curves = cfg.data.datasets.filter((d) => /^If growth continues|^S-curve/.test(String(d.label))) as unknown as { data: { y: number }[] }[];
    expect(curves).toHaveLength(2);
    for (const c of curves) expect(c.data[0].y).toBe(370000);
    const central = cfg.data.datasets.find((d) => d.label === 'Projection, central')!;
    expect((central as { borderDash?: number[] }).borderDash?.length).toBeGreaterThan(0);
    const reconciled = cfg.data.datasets.find((d) => d.label === 'Reconciled series') as { borderDash?: number[] };
    expect(reconciled.borderDash ?? []).toEqual([]);
    // Organisations keep distinct colours and marker shapes.
    const ocha = cfg.data.datasets.find((d) => d.label === 'Reported by OCHA') as { backgroundColor: string; pointStyle: string };
    const wfp = cfg.data.datasets.find((d) => d.label === 'Reported by WFP') as { backgroundColor: string; pointStyle: string };
    expect(ocha.backgroundColor).not.toBe(wfp.backgroundColor);
    expect(ocha.pointStyle).not.toBe(wfp.pointStyle);
    expect((cfg.options!.scales!.x as { type: string }).type).toBe('time');
  });

  test('when a reported point is hovered, then the tooltip gives value, quantifier, organisation, date and quote', () => {
    const cfg = chartConfig('series', payload, 'browser');
    const ds = cfg.data.datasets.find((d) => d.label === 'Reported by OCHA')!;
    const raw = (ds.data as unknown[])[0];
    const item = { dataset: ds, raw } as never;
    const cb = cfg.options!.plugins!.tooltip!.callbacks! as unknown as Record<string, (x: unknown) => unknown>;
    const label = cb.label(item) as string[];
    expect(label[0]).toBe('OCHA: more than 14,000');
    expect(label[1]).toBe('As published: more than (lower bound)');
    expect(cb.title([item])).toBe('November 28, 2024 (2024-11-28)');
    expect((cb.afterLabel(item) as string[]).join(' ')).toContain('More than 14,000 people');
  });

  test('when the PNG config is built, then it has a title and subtitle and is not responsive; the browser one is', () => {
    const png = chartConfig('locations', payload, 'png');
    expect(png.options!.responsive).toBe(false);
    expect((png.options!.plugins!.title as { display: boolean; text: string }).display).toBe(true);
    expect(chartConfig('locations', payload, 'browser').options!.responsive).toBe(true);
    const bars = chartConfig('locations', payload, 'browser');
    expect(bars.data.datasets.map((d) => d.label)).toEqual(['In (destination)']);
  });
});

describe('charts ready for a sitrep (seeded Syria case)', () => {
  let payload: ChartPayload;
  const credit = { by: 'OCHA Syria IM unit', date: '2024-12-07' };
  beforeAll(async () => {
    const t = await freshDb('sqlite', { seed: true });
    const views = new SituationViews({
      analysis: new AnalysisService(t.storage, { stalenessDays: 14, horizonDays: 30 }),
      figures: new FiguresService(t.storage),
      locations: new LocationsService(t.storage),
    });
    payload = (await views.load(SLUG, {}, createI18n('en'))).payload;
    await t.cleanup();
  });

  /** The RGBA bytes of rows [from, to) of a PNG. */
  const rows = async (png: Buffer, from: number, to: number) => {
    const img = await loadImage(png);
    const c = createCanvas(img.width, img.height);
    const ctx = c.getContext('2d');
    ctx.drawImage(img, 0, 0);
    return Buffer.from(ctx.getImageData(0, from, img.width, to - from).data);
  };
  /** Pixels darker than light grey in rows [from, to) of a PNG. */
  const darkPixels = async (png: Buffer, from: number, to: number) => {
    const d = await rows(png, from, to);
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] + d[i + 1] + d[i + 2] < 3 * 160) n++;
    return n;
  };

  test.each([
    ['series', 'Source: OCHA, WFP; compiled by OCHA Syria IM unit on December 7, 2024.'],
    ['locations', 'Source: DAANES IDP office, DRC, UNHCR; compiled by OCHA Syria IM unit on December 7, 2024.'],
    ['changes', 'Source: OCHA; compiled by OCHA Syria IM unit on December 7, 2024.'],
  ] as const)('when the %s PNG is drawn with a credit, then its source line names the organisations plotted, the instance and the date', async (id, line) => {
    const cfg = chartConfig(id, payload, 'png', credit);
    expect((cfg.options!.plugins as Record<string, { text?: string }>).dtSource.text).toBe(line);
    // The line is drawn in the bottom 20 rows: they hold text, and another name or date changes them and nothing above.
    const withLine = renderChartPng(id, payload, 1000, 560, credit);
    const other = renderChartPng(id, payload, 1000, 560, { by: 'Another office', date: '2025-01-15' });
    expect(await darkPixels(withLine, 540, 560)).toBeGreaterThan(100);
    // Buffer.equals: jest's deep equality over two megabytes of pixels takes half a minute.
    expect((await rows(withLine, 540, 560)).equals(await rows(other, 540, 560))).toBe(false);
    expect((await rows(withLine, 0, 538)).equals(await rows(other, 0, 538))).toBe(true);
    // The browser's chart has no source line (the page says where its numbers come from).
    expect((chartConfig(id, payload, 'browser').options!.plugins as Record<string, { text?: string }>).dtSource.text).toBe('');
  });

  test('when the locations chart is drawn, then its subtitle speaks of the places and their dates, not of projections', () => {
    const sub = (chartConfig('locations', payload, 'png').options!.plugins!.subtitle as { text: string[] }).text;
    // Second line: the seed's north-east Syria is an area overlapping Ar-Raqqa (tests/pages/location-areas.pages.test.ts).
    expect(sub).toEqual([
      'New displacement: the latest report for each place in Syrian Arab Republic, dated December 3, 2024 to December 5, 2024.',
      'Places marked “area” overlap the administrative places above them: do not add their figures together.',
    ]);
    expect((chartConfig('series', payload, 'png').options!.plugins!.subtitle as { text: string }).text).toContain('Projections are estimates');
  });

  test('when the series chart is built, then the value axis fits the reports and the central projection, and what runs higher is labelled at the top', () => {
    // By hand, at the 7-day horizon: reports up to 370,000; central on December 13 = 370,000 + 7 × (370,000 − 14,000) / 8 = 681,500
    // (the median of the last gap continued, 1,714,000; the 8-report drift, 681,500; the damped trend, 562,970).
    // The range's high end (2,477,322) and the WFP scenario (1,500,000) exceed 1.5 × 681,500 = 1,022,250, so they are cut;
    // 681,500 × 1.05 = 715,575 rounds up to 800,000.
    const cfg = chartConfig('series', payload, 'png');
    const y = cfg.options!.scales!.y as { max: number; title: { text: string } };
    expect(y.max).toBe(800_000);
    expect(y.title.text).toBe('People');
    expect((cfg.options!.plugins as Record<string, { labels?: { label: string }[] }>).dtAboveTop.labels!.map((l) => l.label)).toEqual([
      '↑ 80% range reaches 2.48 million by December 13, 2024 (above the top of this chart)',
      '↑ WFP scenario: could reach 1.5 million (above the top of this chart)',
    ]);
  });

  test('when the series chart is laid out, then the first date tick carries the year and the others do not (the span stays in 2024)', () => {
    const Chart = registerChartParts();
    require('../../server/charts/render'); // registers the date adapter and the title plugins
    const canvas = createCanvas(1000, 560);
    const chart = new Chart(canvas.getContext('2d') as unknown as CanvasRenderingContext2D, chartConfig('series', payload, 'png'));
    try {
      const labels = chart.scales.x.ticks.map((tk) => tk.label);
      expect(labels[0]).toBe('Nov 28, 2024');
      expect(labels.slice(1).every((l) => /^(Nov|Dec) \d+$/.test(String(l)))).toBe(true);
      expect(labels.length).toBeGreaterThan(3);
    } finally {
      chart.destroy();
    }
  });

  test('when a series spans years (Haiti 2010–2019, or two reports 126 years apart), then the axis ticks by month or year, not one tick a day', () => {
    const Chart = registerChartParts();
    require('../../server/charts/render');
    const long = (points: { date: string; value: number }[]): ChartPayload => ({
      ...payload,
      series: {
        ...payload.series,
        reported: [],
        band: [],
        past: [],
        curves: [],
        projection: null,
        reconciled: points.map((p) => ({ date: p.date, value: p.value, kind: 'reported', bound: 'exact' })),
      },
    });
    for (const points of [
      dtmSeries('subset_HTI_earthquake_2010_admin0.csv'),
      [
        { date: '1900-01-01', value: 10 },
        { date: '2026-01-01', value: 20 },
      ],
    ]) {
      const chart = new Chart(createCanvas(1000, 560).getContext('2d') as unknown as CanvasRenderingContext2D, chartConfig('series', long(points), 'png'));
      try {
        // Before the fix: 3,300 day ticks for Haiti (15 s of a blocked server), and no end for 1900–2026.
        const ticks = chart.scales.x.ticks;
        expect(ticks.length).toBeLessThanOrEqual(60);
        expect(ticks.length).toBeGreaterThan(3);
        expect(String(ticks[0].label)).toMatch(/\d{4}$/);
      } finally {
        chart.destroy();
      }
    }
  });

  test('when dates cross a year, then the year is written on the first label and on the first label of the new year', () => {
    const f = formatters('en');
    expect(dateLabels(['2024-12-28', '2024-12-30', '2025-01-01', '2025-01-03'], f)).toEqual(['Dec 28, 2024', 'Dec 30', 'Jan 1, 2025', 'Jan 3']);
    expect(dateLabels([], f)).toEqual([]);
  });
});
