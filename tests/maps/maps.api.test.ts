import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { XMLValidator } from 'fast-xml-parser';
import { DATABASES, freshDb, makeUser, testApp, type TestDb } from '../helpers/db';
import { csrfFrom, signedIn, SLUG } from '../pages/helpers';

const FIXTURES = path.resolve(__dirname, '..', 'fixtures', 'maps');
const file = (name: string) => fs.readFileSync(path.join(FIXTURES, name));
const BOUNDARIES = `/api/v1/situations/${SLUG}/boundaries`;

/** A destination figure the admin adds approved. */
const figure = (location: string, value: number, periodEnd: string) => ({
  location,
  locationRole: 'destination',
  category: 'new_displacement',
  periodStart: '2024-11-27',
  periodEnd,
  value,
  quantifier: 'exact',
  organisation: 'OCHA',
  sourceUrl: 'https://reliefweb.int/report/example',
  publishedOn: periodEnd,
  quote: `${value} people displaced into ${location}.`,
  status: 'approved',
});

/** Location code → the number in the situation page's table of locations (destination column). */
function tableNumbers(html: string): Map<string, number> {
  const table = /<table id="locations-table">([\s\S]*?)<\/table>/.exec(html)![1];
  const out = new Map<string, number>();
  for (const row of table.split('<tr>').slice(2)) {
    const code = /\(([A-Z0-9-]+)\)<\/span><\/th>/.exec(row)?.[1];
    const cells = row.split('<td class="num">').slice(1);
    const dest = /data-value="(\d+)"/.exec(cells[1] ?? '');
    if (code && dest) out.set(code, Number(dest[1]));
  }
  return out;
}
/** Location code → the number in the map's table. */
function mapNumbers(html: string): Map<string, number | null> {
  const table = /<table id="map-table">([\s\S]*?)<\/table>/.exec(html)![1];
  return new Map(
    [...table.matchAll(/<tr data-code="([^"]+)"[^>]*>([\s\S]*?)<\/tr>/g)].map((m) => [m[1], /data-value="(\d+)"/.exec(m[2]) ? Number(/data-value="(\d+)"/.exec(m[2])![1]) : null]),
  );
}

describe.each(DATABASES)('map boundaries on %s', (kind) => {
  let t: TestDb;
  let app: ReturnType<typeof testApp>;
  let admin: Awaited<ReturnType<typeof makeUser>>;
  let editor: Awaited<ReturnType<typeof makeUser>>;

  beforeAll(async () => {
    t = await freshDb(kind, { seed: true });
    app = testApp(t.storage);
    [admin, editor] = await Promise.all([makeUser(t.storage, 'admin'), makeUser(t.storage, 'editor')]);
    await request(app)
      .post(`/api/v1/situations/${SLUG}/figures`)
      .set(admin.auth)
      .send(figure('SY-ID', 120_000, '2024-12-04'))
      .expect(201);
    await request(app)
      .post(`/api/v1/situations/${SLUG}/figures`)
      .set(admin.auth)
      .send(figure('SY-HL', 50_000, '2024-12-02'))
      .expect(201);
  });
  afterAll(() => t.cleanup());

  const upload = (name: string, query: Record<string, string> = {}) =>
    request(app)
      .post(BOUNDARIES)
      .query({ source: 'OCHA COD-AB (test squares)', licence: 'CC BY-IGO', ...query })
      .set(admin.auth)
      .set('Content-Type', 'application/geo+json')
      .send(file(name).toString('utf8'));

  test('when no boundary file is stored, then the situation page and sitrep show no map and map.svg is a 404', async () => {
    const page = await request(app).get(`/situations/${SLUG}`).expect(200);
    expect(page.text).not.toContain('choropleth');
    expect(page.text).not.toContain('id="map"');
    expect((await request(app).get(`/situations/${SLUG}/sitrep`).expect(200)).text).not.toContain('choropleth');
    await request(app).get(`/situations/${SLUG}/map.svg`).expect(404);
  });

  test('when a file has only unknown p-codes, then the check lists them and storing it is refused with that list', async () => {
    const preview = await upload('unknown-pcodes.geojson').expect(200);
    expect(preview.body.unknownInFile.map((u: { pcode: string }) => u.pcode)).toEqual(['XX00', 'XX01', 'XX02']);
    expect(preview.body.matched).toEqual([]);
    // Locations with figures but no shape: the seed's Ar-Raqqa, Rural Damascus and north-east area, and the two added here.
    expect(preview.body.withoutShape.map((w: { code: string }) => w.code).sort()).toEqual(['SY-HL', 'SY-ID', 'SY-NES', 'SY-RA', 'SY-RD']);
    const refused = await upload('unknown-pcodes.geojson', { commit: 'true' }).expect(400);
    expect(refused.body.error.fields[0]).toMatchObject({ path: 'file', message: expect.stringContaining('the file has XX00, XX01, XX02'), code: 'no_matching_shapes' });
    expect(refused.body.error.fields[0].params).toMatchObject({ field: 'ADM1_PCODE', level: 1, pcodes: 'XX00, XX01, XX02' });
    expect((await request(app).get(BOUNDARIES).expect(200)).body.boundaries).toEqual([]);
  });

  test('when the file is bad or the caller is not an admin, then a 4xx names the problem and nothing is stored', async () => {
    const bad = await request(app).post(BOUNDARIES).query({ source: 's', licence: 'l' }).set(admin.auth).set('Content-Type', 'application/geo+json').send('{"type":').expect(400);
    expect(bad.body.error.fields[0]).toMatchObject({ path: 'file', message: expect.stringMatching(/^is not valid JSON/) });
    const noSource = await upload('syria-adm1-squares.geojson', { source: '' }).expect(400);
    expect(noSource.body.error.fields.map((f: { path: string }) => f.path)).toContain('source');
    const level = await upload('syria-adm1-squares.geojson', { level: '3' }).expect(400);
    expect(level.body.error.fields[0]).toEqual({ path: 'level', message: 'must be one of 1, 2', code: 'one_of', params: { values: '1, 2' } });
    const field = await upload('syria-adm1-squares.geojson', { pcodeField: 'NOPE' }).expect(200);
    expect(field.body.problems[0]).toMatchObject({ path: 'pcodeField', message: expect.stringContaining('"NOPE" is not a property') });
    await upload('syria-adm1-squares.geojson', { pcodeField: 'NOPE', commit: 'true' }).expect(400);
    await request(app)
      .post(BOUNDARIES)
      .query({ source: 's', licence: 'l' })
      .set(editor.auth)
      .set('Content-Type', 'application/geo+json')
      .send(file('syria-adm1-squares.geojson').toString('utf8'))
      .expect(403);
    await request(app)
      .post(BOUNDARIES)
      .query({ source: 's', licence: 'l' })
      .set('Content-Type', 'application/geo+json')
      .send(file('syria-adm1-squares.geojson').toString('utf8'))
      .expect(401);
    expect((await request(app).get(BOUNDARIES).expect(200)).body.boundaries).toEqual([]);
  });

  test('when a COD-AB-style file is stored, then the page shows the map with the same numbers as its table of locations, hatched where there is none', async () => {
    const stored = await upload('syria-adm1-squares.geojson', { commit: 'true' }).expect(201);
    expect(stored.body).toMatchObject({
      committed: true,
      pcodeField: 'ADM1_PCODE',
      nameField: 'ADM1_EN',
      boundary: { adminLevel: 1, features: 5, source: 'OCHA COD-AB (test squares)', licence: 'CC BY-IGO' },
    });
    expect(stored.body.matched.map((m: { location: string }) => m.location).sort()).toEqual(['SY-HL', 'SY-HM', 'SY-ID', 'SY-RA', 'SY-RD']);

    const page = (await request(app).get(`/situations/${SLUG}`).expect(200)).text;
    const svg = /<svg xmlns="http:\/\/www.w3.org\/2000\/svg" class="choropleth"[\s\S]*?<\/svg>/.exec(page)![0];
    expect(XMLValidator.validate(svg)).toBe(true);
    const table = tableNumbers(page);
    const map = mapNumbers(page);
    // Independently: the figures added here and the seed's latest destination figures, as the locations table shows them.
    expect(map.get('SY-ID')).toBe(120_000);
    expect(map.get('SY-HL')).toBe(50_000);
    for (const code of ['SY-ID', 'SY-HL', 'SY-RA', 'SY-RD']) expect(map.get(code)).toBe(table.get(code));
    expect(map.get('SY-HM')).toBeNull();
    expect(svg).toMatch(/<path class="area no-data" data-code="SY05" fill="url\(#map-no-data\)"/);
    expect(page).toContain('Boundaries: OCHA COD-AB (test squares) (CC BY-IGO), admin 1');
    expect(page).toContain('Figures without a shape on the map: North-east Syria');
    // Inline SVG size of the five squares, reported for the page-weight budget.
    expect(Buffer.byteLength(svg)).toBeLessThan(6_000);

    const sitrep = (await request(app).get(`/situations/${SLUG}/sitrep`).expect(200)).text;
    expect(sitrep).toContain('class="choropleth"');
    const file = await request(app)
      .get(`/situations/${SLUG}/map.svg`)
      .buffer(true)
      .parse((res, cb) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => cb(null, text));
      })
      .expect(200)
      .expect('Content-Type', /image\/svg\+xml/);
    const standalone = file.body as string;
    expect(XMLValidator.validate(standalone)).toBe(true);
    expect(standalone).toContain('Boundaries: OCHA COD-AB (test squares)');
    const png = await request(app).get(`/situations/${SLUG}/map.png`).expect(200).expect('Content-Type', 'image/png');
    expect((png.body as Buffer).subarray(1, 4).toString()).toBe('PNG');
    await request(app).get(`/situations/${SLUG}/map.svg?mapLevel=5`).expect(400);
    // On the page too, a bad map parameter is an error naming it, not a page quietly without its map.
    const bad = await request(app).get(`/situations/${SLUG}?mapRole=sideways`).expect(400);
    expect(bad.text).toContain('mapRole');
    // A bad horizon stays the page's own field error.
    const horizon = await request(app).get(`/situations/${SLUG}?horizon=999`).expect(400);
    expect(horizon.text).toContain('id="field-horizon-error"');
  });

  test('when boundaries are deleted, then the map goes and a restore brings it back, each step in the history', async () => {
    const deleted = await request(app).delete(`${BOUNDARIES}/1`).set(admin.auth).expect(200);
    expect(deleted.body).toMatchObject({ retiredReason: 'deleted' });
    expect((await request(app).get(`/situations/${SLUG}`).expect(200)).text).not.toContain('choropleth');
    await request(app).delete(`${BOUNDARIES}/1`).set(admin.auth).expect(404);
    await request(app).post(`${BOUNDARIES}/${deleted.body.id}/restore`).set(admin.auth).expect(200);
    expect((await request(app).get(`/situations/${SLUG}`).expect(200)).text).toContain('choropleth');
    const list = (await request(app).get(BOUNDARIES).set(admin.auth).expect(200)).body;
    expect(list.history.map((h: { action: string }) => h.action)).toEqual(['restore', 'delete', 'upload']);
    expect(list.history[0].actor).toBe(admin.user.email);
    // Without an account, no email.
    const anonymous = (await request(app).get(BOUNDARIES).expect(200)).body;
    expect(JSON.stringify(anonymous)).not.toContain('@example.org');
  });

  test('when an admin uploads through the page with other field names, then the mapping step picks them and the hostile name is escaped', async () => {
    const agent = await signedIn(app, admin.user.email, admin.password);
    const form = await agent.get(`/situations/${SLUG}/boundaries`).expect(200);
    const checked = await agent
      .post(`/situations/${SLUG}/boundaries`)
      .field('_csrf', csrfFrom(form.text))
      .field('level', '1')
      .field('source', 'Hand-made squares')
      .field('licence', 'CC0')
      .attach('file', file('syria-adm1-other-fields.geojson'), 'other.geojson')
      .expect(400); // no ADM1_PCODE: the admin must choose the field
    expect(checked.text).toContain('name="pcodeField"');
    const draft = /name="draft" value="([^"]+)"/.exec(checked.text)![1];
    const confirm = (action: string) =>
      agent
        .post(`/situations/${SLUG}/boundaries/confirm`)
        .type('form')
        .send({ _csrf: csrfFrom(checked.text), draft, level: '1', source: 'Hand-made squares', licence: 'CC0', pcodeField: 'code', nameField: 'label', action });
    const again = await confirm('check').expect(200);
    expect(again.text).toContain('Shapes matching a location (5)');
    // The file's hostile name is shown as text on the check page, never as markup.
    expect(again.text).toContain('SY07 &lt;script&gt;alert(1)&lt;/script&gt;&#34; onload=&#34;x');
    expect(again.text).not.toMatch(/<script>alert|" onload="/);
    await confirm('store').expect(303);
    const page = (await request(app).get(`/situations/${SLUG}`).expect(200)).text;
    expect(page).toContain('Boundaries: Hand-made squares (CC0)');
    expect(page).not.toMatch(/<script>alert/);
    const list = (await request(app).get(BOUNDARIES).expect(200)).body;
    expect(list.boundaries.filter((b: { retiredAt: string | null }) => !b.retiredAt)).toHaveLength(1);
    expect(list.boundaries.map((b: { retiredReason: string | null }) => b.retiredReason)).toEqual([null, 'replaced']);
    // The page's forms are for admins only.
    const editorAgent = await signedIn(app, editor.user.email, editor.password);
    await editorAgent.get(`/situations/${SLUG}/boundaries`).expect(403);
  });

  test('when an admin 2 file is stored too, then the page offers both levels and admin 2 shows the admin 2 figures', async () => {
    for (const [code, name] of [
      ['SY0200', 'Jebel Saman (test)'],
      ['SY0201', 'Al Bab (test)'],
    ])
      await t.storage.db
        .insertInto('locations')
        .values({ code, name, admin_level: 2, parent_code: 'SY-HL', country: 'SYR', is_area: 0, pcode: code } as never)
        .execute();
    await request(app)
      .post(`/api/v1/situations/${SLUG}/figures`)
      .set(admin.auth)
      .send(figure('SY0200', 30_000, '2024-12-05'))
      .expect(201);
    const square = (code: string, x: number) => ({
      type: 'Feature',
      properties: { ADM2_PCODE: code, ADM2_EN: code },
      geometry: {
        type: 'Polygon',
        coordinates: [
          [
            [x, 36],
            [x + 0.5, 36],
            [x + 0.5, 36.5],
            [x, 36.5],
            [x, 36],
          ],
        ],
      },
    });
    const level2 = JSON.stringify({ type: 'FeatureCollection', features: [square('SY0200', 37), square('SY0201', 37.5)] });
    await request(app)
      .post(BOUNDARIES)
      .query({ level: '2', source: 'Admin 2 squares', licence: 'CC0', commit: 'true' })
      .set(admin.auth)
      .set('Content-Type', 'application/geo+json')
      .send(level2)
      .expect(201);
    const page = (await request(app).get(`/situations/${SLUG}`).expect(200)).text;
    expect(page).toContain('<select id="map-level" name="mapLevel">');
    expect(mapNumbers(page).get('SY-ID')).toBe(120_000); // admin 1 first
    const two = (await request(app).get(`/situations/${SLUG}?mapLevel=2`).expect(200)).text;
    expect([...mapNumbers(two)]).toEqual([
      ['SY0200', 30_000],
      ['SY0201', null],
    ]);
    expect(two).toContain('Boundaries: Admin 2 squares (CC0), admin 2');
  });
});
