import request from 'supertest';
import { DATABASES, freshDb, testApp, type TestDb } from '../helpers/db';
import { chartConfig } from '../../server/charts/config';
import { CHART_IDS, type ChartPayload } from '../../server/charts/types';
import { createI18n } from '../../server/i18n/i18n';
import { SituationViews } from '../../server/pages/situation.data';
import { AnalysisService } from '../../server/analysis/analysis.service';
import { FiguresService } from '../../server/figures/figures.service';
import { LocationsService } from '../../server/locations/locations.service';
import { SLUG } from './helpers';

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
