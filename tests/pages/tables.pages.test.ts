/** Tables that read: newest report first across pages, a source column, no fixed-height scroll box, keyboard-reachable regions. */
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { DATABASES, freshDb, makeUser, testApp, type TestDb } from '../helpers/db';
import { buildAssetsOnce, signedIn } from './helpers';

describe.each(DATABASES)('figures list on %s', (kind) => {
  let t: TestDb;
  let app: ReturnType<typeof testApp>;
  let editor: Awaited<ReturnType<typeof makeUser>>;

  beforeAll(async () => {
    await buildAssetsOnce();
    t = await freshDb(kind, { seed: false });
    app = testApp(t.storage);
    editor = await makeUser(t.storage, 'editor');
    await request(app).post('/api/v1/organisations').set(editor.auth).send({ name: 'Office for the Coordination of Humanitarian Affairs', shortName: 'OCHA', reliability: 'high' });
    await request(app).post('/api/v1/situations').set(editor.auth).send({ slug: 'many', title: 'Many reports', country: 'SYR', onsetDate: '2024-01-01' }).expect(201);
    // 105 drafts on 105 days, posted in a shuffled order so id order and date order differ.
    const days = Array.from({ length: 105 }, (_, i) => i).sort((a, b) => ((a * 37) % 105) - ((b * 37) % 105));
    for (const i of days) {
      const end = new Date(Date.UTC(2024, 0, 2 + i)).toISOString().slice(0, 10);
      await request(app)
        .post('/api/v1/situations/many/figures')
        .set(editor.auth)
        .send({
          location: 'SYR',
          category: 'idps',
          periodEnd: end,
          value: 1000 + i,
          quantifier: 'exact',
          organisation: 'OCHA',
          sourceUrl: `https://example.org/r/${i}`,
          sourceTitle: `Flash update ${i}`,
          publishedOn: end,
          quote: `${1000 + i} IDPs.`,
        })
        .expect(201);
    }
  });
  afterAll(() => t.cleanup());

  const datesOf = (html: string) => [...html.matchAll(/<td class="date" data-label="Date"><time datetime="(\d{4}-\d\d-\d\d)"/g)].map((m) => m[1]);

  test('when an editor pages through the figures list, then reports come newest first and the next page continues without gaps or repeats', async () => {
    const ed = await signedIn(app, editor.user.email, editor.password);
    const first = await ed.get('/situations/many/figures').expect(200);
    const page1 = datesOf(first.text);
    expect(page1).toHaveLength(100);
    expect(page1[0]).toBe('2024-04-15');
    expect([...page1].sort().reverse()).toEqual(page1);
    const next = /<a href="([^"]+)" rel="next">/.exec(first.text)![1].replace(/&amp;/g, '&');
    expect(next).toMatch(/before=2024-01-07%7E\d+/);
    const page2 = datesOf((await ed.get(`/situations/many/figures${next}`).expect(200)).text);
    expect(page2).toEqual(['2024-01-06', '2024-01-05', '2024-01-04', '2024-01-03', '2024-01-02']);
    expect((await ed.get('/situations/many/figures?before=yesterday').expect(400)).text).toContain('must be a page cursor');
  });

  test('when the list is shown, then each row names its source with a link, and the table region is keyboard-reachable', async () => {
    const ed = await signedIn(app, editor.user.email, editor.password);
    const html = (await ed.get('/situations/many/figures').expect(200)).text;
    expect(html).toContain('OCHA: <a href="https://example.org/r/104" rel="noopener noreferrer" dir="auto">Flash update 104</a>');
    expect(html).toMatch(/<div class="table-wrap" role="region" aria-labelledby="figures-caption" tabindex="0">/);
  });
});

test('when the stylesheet is read, then no table box has a fixed height (the newest rows never hide below a fold)', () => {
  const css = fs.readFileSync(path.resolve(__dirname, '../../public/src/site.css'), 'utf8');
  const rules = [...css.matchAll(/\.table-wrap[^{]*\{([^}]*)\}/g)].map((m) => m[1]);
  expect(rules.length).toBeGreaterThan(0);
  for (const r of rules) expect(r).not.toMatch(/max-height:\s*\d/);
});
