import request from 'supertest';
import { DATABASES, freshDb, makeUser, testApp, type TestDb } from '../helpers/db';
import { AnalysisService, type AnalysisQuery } from '../../server/analysis/analysis.service';
import { analysisRepository } from '../../server/analysis/analysis.repository';
import { figuresRepository } from '../../server/figures/figures.repository';
import { scenariosRepository } from '../../server/scenarios/scenarios.repository';
import { locationsRepository } from '../../server/locations/locations.repository';
import { analyse } from '../../server/statistics';

const SLUG = 'syria-2024-offensive';
const OPTS = { stalenessDays: 14, horizonDays: 30 };

/** Another app instance, or this one after a restart: a new service (empty memory) on the same database. */
const instance = (t: TestDb, extra: Partial<ConstructorParameters<typeof AnalysisService>[1]> = {}) => new AnalysisService(t.storage, { ...OPTS, persistMs: 0, ...extra });

const storedRows = (t: TestDb) => t.storage.db.selectFrom('analysis_cache').select(['situation_id', 'key', 'stamp']).execute();

describe.each(DATABASES)('analysis cache on %s', (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await freshDb(kind, { seed: true });
  });
  afterAll(() => t.cleanup());
  afterEach(() => jest.restoreAllMocks());

  test('when analyses are computed from the lean query, then they equal analyses of the full figure records', async () => {
    const service = instance(t);
    const situation = await service.situation(SLUG);
    const locations = await locationsRepository.list(t.storage.db, situation.country);
    // The analysis is public: it carries scenarios without the account that recorded them.
    const scenarios = (await scenariosRepository.list(t.storage.db, situation.id)).map(({ createdBy: _by, ...sc }) => sc);
    const queries: AnalysisQuery[] = [{}, { location: 'SY-HM' }, { category: 'idps' }, { asOf: '2024-12-06', horizon: 6 }, { thresholds: [500000, 1000000] }];
    for (const q of queries) {
      const x = await service.analyse(SLUG, q);
      const category = q.category ?? 'new_displacement';
      const codes = locations.map((l) => l.code); // a superset of the location's subtree: roll-up ignores the rest
      const figures = await figuresRepository.list(t.storage.db, { situationId: situation.id, category, status: 'approved', locations: codes });
      const expected = analyse({
        figures,
        scenarios,
        locations,
        onset: situation.onsetDate,
        location: x.location,
        category,
        horizonDays: q.horizon ?? OPTS.horizonDays,
        asOf: q.asOf,
        stalenessDays: OPTS.stalenessDays,
        thresholds: q.thresholds,
      });
      expect(x.analysis).toEqual(expected);
    }
  });

  test('when an instance restarts, then it reads the stored analysis instead of computing it, with the same numbers', async () => {
    const first = await instance(t).analyse(SLUG);
    expect((await storedRows(t)).length).toBeGreaterThan(0);
    const read = jest.spyOn(analysisRepository, 'figures');
    const restarted = await instance(t).analyse(SLUG);
    expect(read).not.toHaveBeenCalled();
    expect(restarted.analysis).toEqual(first.analysis);
    expect(restarted.analysis.series.points.map((p) => [p.date, p.value])).toEqual([
      ['2024-11-28', 14000],
      ['2024-11-30', 48500],
      ['2024-12-05', 178000],
      ['2024-12-06', 370000],
    ]);
  });

  test('when another instance approves a figure, then no instance serves the analysis computed before it', async () => {
    const app = testApp(t.storage); // the instance that writes
    const other = instance(t); // an instance that only reads, with the old analysis in memory and in the database
    const before = await other.analyse(SLUG);
    expect(before.analysis.series.points.at(-1)).toMatchObject({ date: '2024-12-06', value: 370000 });
    const [editor, admin] = await Promise.all([makeUser(t.storage, 'editor'), makeUser(t.storage, 'admin')]);
    const f = await request(app)
      .post(`/api/v1/situations/${SLUG}/figures`)
      .set(editor.auth)
      .send({
        location: 'SYR',
        category: 'new_displacement',
        periodEnd: '2024-12-08',
        value: 880000,
        quantifier: 'more_than',
        organisation: 'OCHA',
        sourceUrl: 'https://example.org/flash-update-4',
        publishedOn: '2024-12-08',
        quote: 'At least 880,000 people have been displaced.',
      })
      .expect(201);
    await request(app).post(`/api/v1/figures/${f.body.id}/approve`).set(admin.auth).expect(200);

    const situation = await other.situation(SLUG);
    expect(situation.updatedAt).not.toBe(before.situation.updatedAt);
    // Whatever is still stored is of an older stamp and is never read.
    for (const row of await storedRows(t)) expect(row.stamp).not.toBe(situation.updatedAt);
    for (const reader of [other, instance(t)]) {
      const after = await reader.analyse(SLUG);
      expect(after.analysis.series.points.at(-1)).toMatchObject({ date: '2024-12-08', value: 880000 });
    }
    // The new analysis is stored under the new stamp only.
    expect((await storedRows(t)).map((r) => r.stamp)).toEqual(expect.arrayContaining([situation.updatedAt]));
    expect((await storedRows(t)).every((r) => r.stamp === situation.updatedAt)).toBe(true);

    await request(app).delete(`/api/v1/figures/${f.body.id}`).set(editor.auth).expect(200);
    const deleted = await instance(t).analyse(SLUG);
    expect(deleted.analysis.series.points.at(-1)).toMatchObject({ date: '2024-12-06', value: 370000 });
  });

  test('when a write happens in this process, then its stored analyses are dropped at once', async () => {
    const service = instance(t);
    await service.analyse(SLUG);
    expect((await storedRows(t)).length).toBeGreaterThan(0);
    service.invalidate(SLUG);
    for (let i = 0; i < 50 && (await storedRows(t)).length > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(await storedRows(t)).toEqual([]);
  });

  test('when a situation is large, then its analysis is computed in a worker thread with the same numbers, and an unknown location still answers 400', async () => {
    const inline = await instance(t, { persistMs: Number.POSITIVE_INFINITY, threads: false }).analyse(SLUG, { horizon: 12 });
    const read = jest.spyOn(analysisRepository, 'figures');
    const large = instance(t, { persistMs: Number.POSITIVE_INFINITY, inlineFigures: 1 }); // every situation counts as large
    const threaded = await large.analyse(SLUG, { horizon: 12 });
    expect(read).not.toHaveBeenCalled(); // not in this thread
    expect(threaded.analysis).toEqual(inline.analysis);
    await expect(large.analyse(SLUG, { location: 'SY-XX', horizon: 12 })).rejects.toMatchObject({ status: 400 });
  }, 60000);

  test('when a large situation has no cached analysis, then the dashboard query returns at once and the analysis follows in the background', async () => {
    const computed = await instance(t, { persistMs: Number.POSITIVE_INFINITY }).analyse(SLUG);
    await t.storage.db.deleteFrom('analysis_cache').execute();
    const large = instance(t, { inlineFigures: 1 }); // every situation counts as large
    expect(await large.analyseOrDefer(SLUG)).toBeNull();
    let x = null;
    for (let i = 0; i < 1200 && !x; i++) {
      await new Promise((r) => setTimeout(r, 25));
      x = await large.analyseOrDefer(SLUG);
    }
    expect(x?.analysis).toEqual(computed.analysis);
    // A small situation is computed in the request.
    expect((await instance(t).analyseOrDefer(SLUG))?.analysis).toEqual(computed.analysis);
  });
});
