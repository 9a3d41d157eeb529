import { DATABASES, freshDb, makeUser, type TestDb } from '../helpers/db';
import { AnalysisService } from '../../server/analysis/analysis.service';
import { FiguresService } from '../../server/figures/figures.service';
import { LocationsService } from '../../server/locations/locations.service';
import { SituationViews } from '../../server/pages/situation.data';
import { createI18n } from '../../server/i18n/i18n';
import { SLUG } from './helpers';

describe.each(DATABASES)('situation views on %s', (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await freshDb(kind, { seed: true });
  });
  afterAll(() => t.cleanup());

  const viewsOf = () => {
    const analysis = new AnalysisService(t.storage, { stalenessDays: 14, horizonDays: 30 });
    const figures = new FiguresService(t.storage, (slug) => analysis.invalidate(slug));
    return { figures, views: new SituationViews({ analysis, figures, locations: new LocationsService(t.storage) }) };
  };

  test('when two apps build their views, then each keeps its own, and a write gives both a new view', async () => {
    const a = viewsOf();
    const b = viewsOf();
    const i18n = createI18n('en');
    const first = await a.views.load(SLUG, {}, i18n);
    expect(await a.views.load(SLUG, {}, i18n)).toBe(first);
    const other = await b.views.load(SLUG, {}, i18n);
    expect(other).not.toBe(first);
    expect(other.headline).toEqual(first.headline);

    const admin = await makeUser(t.storage, 'admin');
    const [figure] = (await a.figures.list(SLUG, { limit: 1 }, undefined)).figures;
    await a.figures.update(figure.id, { version: figure.version, notes: 'checked again' }, admin.user);
    const after = await a.views.load(SLUG, {}, i18n);
    expect(after).not.toBe(first);
    expect(after.situation.updatedAt > first.situation.updatedAt).toBe(true);
    expect(await b.views.load(SLUG, {}, i18n)).not.toBe(other);
  });
});
