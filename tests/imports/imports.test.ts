import { REAL_DATA } from '../helpers/fixtures';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import request from 'supertest';
import { parse } from 'csv-parse/sync';
import { DATABASES, freshDb, makeUser, testApp, type TestDb } from '../helpers/db';
import { ImportsService } from '../../server/imports/imports.service';
import { importWorkers } from '../../server/imports/checked-rows.threads';

const DATA = REAL_DATA;
const file = (p: string) => fs.readFileSync(path.join(DATA, p));

describe.each(DATABASES)('imports on %s', (kind) => {
  let t: TestDb;
  let app: ReturnType<typeof testApp>;
  let editor: Awaited<ReturnType<typeof makeUser>>;
  let admin: Awaited<ReturnType<typeof makeUser>>;
  const count = async (slug?: string) => {
    let q = t.storage.db
      .selectFrom('figures')
      .innerJoin('situations', 'situations.id', 'figures.situation_id')
      .select((eb) => eb.fn.countAll().as('n'));
    if (slug) q = q.where('situations.slug', '=', slug);
    return Number((await q.executeTakeFirstOrThrow()).n);
  };
  // Importing as approved needs an admin; everything else is done as an editor.
  const upload = (slug: string, body: Buffer | string, query: Record<string, string | string[]> = {}) =>
    request(app)
      .post(`/api/v1/situations/${slug}/imports`)
      .query(query)
      .set(query.status === 'approved' ? admin.auth : editor.auth)
      .set('Content-Type', 'text/csv')
      .send(Buffer.isBuffer(body) ? body : Buffer.from(body));

  beforeAll(async () => {
    t = await freshDb(kind, { seed: true });
    app = testApp(t.storage);
    editor = await makeUser(t.storage, 'editor');
    admin = await makeUser(t.storage, 'admin');
    for (const [slug, country, name] of [
      ['sudan-2023', 'SDN', 'Sudan'],
      ['iraq-conflict', 'IRQ', 'Iraq'],
      ['haiti-idps', 'HTI', 'Haiti'],
    ])
      await request(app).post('/api/v1/situations').set(editor.auth).send({ slug, title: name, country, countryName: name, onsetDate: '2009-01-01' }).expect(201);
  });
  afterAll(() => t.cleanup());

  test('when the Sudan weekly admin0 file is previewed, then counts come back and nothing is stored; commit stores 45 drafts; a re-import adds nothing', async () => {
    const csv = file('iom-dtm/subset_SDN_armed_clashes_weekly_admin0.csv');
    const preview = await upload('sudan-2023', csv).expect(200);
    expect(preview.body).toMatchObject({ layout: 'dtm-admin0', hxl: true, rowsRead: 45, newFigures: 45, duplicates: 0, errorCount: 0, committed: false });
    expect(await count('sudan-2023')).toBe(0);
    const done = await upload('sudan-2023', csv, { commit: 'true' }).expect(201);
    expect(done.body).toMatchObject({ committed: true, newFigures: 45 });
    const list = await request(app).get('/api/v1/situations/sudan-2023/figures?status=all&limit=100').set(editor.auth).expect(200);
    expect(list.body.data).toHaveLength(45);
    expect(
      list.body.data.every((f: { status: string; organisation: string; category: string }) => f.status === 'draft' && f.organisation === 'IOM DTM' && f.category === 'idps'),
    ).toBe(true);
    const byDate = Object.fromEntries(list.body.data.map((f: { periodEnd: string; value: number }) => [f.periodEnd, f.value]));
    expect(byDate['2023-04-28']).toBe(334053);
    expect(byDate['2024-04-17']).toBe(6720136);
    const again = await upload('sudan-2023', csv, { commit: 'true' }).expect(201);
    expect(again.body).toMatchObject({ newFigures: 0, duplicates: 45 });
    expect(await count('sudan-2023')).toBe(45);
    const first = list.body.data[0];
    const history = await request(app).get(`/api/v1/figures/${first.id}/history`).set(editor.auth).expect(200);
    expect(history.body.data).toEqual([
      expect.objectContaining({
        action: 'import',
        actor: editor.user.email,
        importId: done.body.importId,
        before: null,
        after: expect.objectContaining({ value: first.value, version: 1 }),
      }),
    ]);
    // After an edit, the import entry still shows the figure as imported, and the edit shows before and after.
    await request(app)
      .patch(`/api/v1/figures/${first.id}`)
      .set(editor.auth)
      .send({ version: 1, value: first.value + 1, reportedValue: first.value + 1 })
      .expect(200);
    const edited = await request(app).get(`/api/v1/figures/${first.id}/history`).set(editor.auth).expect(200);
    expect(edited.body.data.map((h: { action: string }) => h.action)).toEqual(['import', 'update']);
    expect(edited.body.data[0].after).toMatchObject({ value: first.value, version: 1 });
    expect(edited.body.data[1]).toMatchObject({ before: { value: first.value }, after: { value: first.value + 1, version: 2 } });
  });

  test('when the Sudan admin1 states file is imported as approved, then 18 states are created and their values are exact', async () => {
    const res = await upload('sudan-2023', file('iom-dtm/subset_SDN_armed_clashes_weekly_admin1_states.csv'), { commit: '1', status: 'approved' }).expect(201);
    expect(res.body.newLocations).toHaveLength(18);
    expect(res.body.newFigures).toBe(800);
    const states = await request(app).get('/api/v1/locations?country=SDN').expect(200);
    expect(states.body.data.filter((l: { adminLevel: number }) => l.adminLevel === 1)).toHaveLength(18);
    const khartoum = await request(app).get('/api/v1/situations/sudan-2023/figures').query({ location: 'SD01', from: '2023-04-28', to: '2023-04-28' }).expect(200);
    expect(khartoum.body.data[0]).toMatchObject({ value: 13545, status: 'approved', location: 'SD01' });
    const series = await request(app).get('/api/v1/situations/sudan-2023/series?location=SD01&category=idps').expect(200);
    expect(series.body.points.length).toBeGreaterThan(30);
  });

  test('when the Iraq admin0 file is imported, then 80 rounds arrive with the March 2016 peak', async () => {
    const res = await upload('iraq-conflict', file('iom-dtm/subset_IRQ_conflict_admin0.csv'), { commit: '1' }).expect(201);
    expect(res.body.newFigures).toBe(80);
    const peak = await request(app).get('/api/v1/situations/iraq-conflict/figures').query({ status: 'all', from: '2016-03-01', to: '2016-03-01' }).set(editor.auth).expect(200);
    expect(peak.body.data[0].value).toBe(3417768);
  });

  test('when the AFG/HTI/TCD admin-0-to-2 file goes into the Haiti situation with the country filter, then reason splits are summed and other countries skipped', async () => {
    const res = await upload('haiti-idps', file('iom-dtm/global-iom-dtm-from-api-admin-0-to-2_AFG_HTI_TCD.csv'), { commit: '1', countryFilter: 'true' }).expect(201);
    expect(res.body.layout).toBe('dtm-admin-0-to-2');
    expect(res.body.errorCount).toBe(0);
    const national = await request(app)
      .get('/api/v1/situations/haiti-idps/figures')
      .query({ status: 'all', location: 'HTI', from: '2024-12-31', to: '2024-12-31' })
      .set(editor.auth)
      .expect(200);
    // 1,041,229 = the sum of the 10 reason rows of Haiti admin0 on 2024-12-31 (checked with awk over the file).
    expect(national.body.data.map((f: { value: number }) => f.value)).toEqual([1041229]);
    const locs = (await request(app).get('/api/v1/locations?country=HTI').expect(200)).body.data;
    expect(locs.some((l: { adminLevel: number }) => l.adminLevel === 2)).toBe(true);
    expect(locs.every((l: { country: string }) => l.country === 'HTI')).toBe(true);
  });

  test('when the file is malformed, then every problem is reported by row and column and nothing is stored', async () => {
    const before = await count();
    const header = 'location,category,periodStart,periodEnd,value,quantifier,organisation,sourceUrl,publishedOn,quote\n';
    const cases: [string, Buffer | string, RegExp][] = [
      ['unbalanced quotes', header + 'SY-HM,new_displacement,2024-11-27,2024-12-01,100,exact,OCHA,https://x.org,2024-12-01,"oops\n', /quote/i],
      ['wrong column count', header + 'SY-HM,new_displacement,2024-11-27\n', /column|cells/i],
      ['bad date', header + 'SY-HM,new_displacement,2024-11-27,2024-13-45,100,exact,OCHA,https://x.org,2024-12-01,q\n', /date/i],
      ['negative value', header + 'SY-HM,new_displacement,2024-11-27,2024-12-01,-100,exact,OCHA,https://x.org,2024-12-01,q\n', /negative|whole|number/i],
      ['non-numeric value', header + 'SY-HM,new_displacement,2024-11-27,2024-12-01,lots,exact,OCHA,https://x.org,2024-12-01,q\n', /number/i],
      ['unknown enum', header + 'SY-HM,evacuees,2024-11-27,2024-12-01,100,exact,OCHA,https://x.org,2024-12-01,q\n', /one of/i],
      ['future date', header + 'SY-HM,new_displacement,2024-11-27,2999-12-01,100,exact,OCHA,https://x.org,2999-12-01,q\n', /after today/i],
      ['empty file', '', /empty|no data/i],
      ['only a header', header, /no data/i],
      [
        'non-UTF-8 file',
        Buffer.concat([
          Buffer.from(header),
          Buffer.from('SY-HM,new_displacement,2024-11-27,2024-12-01,100,exact,OCHA,https://x.org,2024-12-01,caf'),
          Buffer.from([0xe9]),
          Buffer.from('\n'),
        ]),
        /UTF-8/,
      ],
    ];
    for (const [label, body, message] of cases) {
      const res = await upload('syria-2024-offensive', body, { commit: 'true' });
      expect([label, res.status]).toEqual([label, 400]);
      const all = JSON.stringify(res.body.error);
      expect([label, message.test(all)]).toEqual([label, true]);
      expect(res.body.error.fields[0].path).toMatch(/^row \d+/);
    }
    const preview = await upload('syria-2024-offensive', cases[3][1]).expect(200);
    expect(preview.body.errors[0]).toMatchObject({ row: 2, column: 'value', value: '-100' });
    expect(await count()).toBe(before);
    await request(app).post('/api/v1/situations/syria-2024-offensive/imports').set(editor.auth).expect(400);
  });

  test('when a file is read in a worker thread (large files), then the report, the stored figures and every problem are those of one thread', async () => {
    const service = new ImportsService(t.storage);
    const states = file('iom-dtm/subset_SDN_armed_clashes_weekly_admin1_states.csv');
    for (const [slug] of [['sudan-one'], ['sudan-two']])
      await request(app).post('/api/v1/situations').set(editor.auth).send({ slug, title: slug, country: 'SDN', onsetDate: '2009-01-01' }).expect(201);
    const one = await service.commit('sudan-one', () => Readable.from([states]), { filename: 's.csv', status: 'approved' }, admin.user);
    const started = importWorkers.started;
    const two = await service.commit('sudan-two', () => Readable.from([states]), { filename: 's.csv', status: 'approved', parallel: true }, admin.user);
    expect(importWorkers.started).toBe(started + 1); // read in a worker thread
    expect(two).toMatchObject({ committed: true, newFigures: one.newFigures, duplicates: 0, errorCount: 0, rowsRead: one.rowsRead, sha256: one.sha256, layout: 'dtm-admin1' });
    expect(two.newFigures).toBe(800);
    const stored = async (slug: string) =>
      await t.storage.db
        .selectFrom('figures')
        .innerJoin('situations', 'situations.id', 'figures.situation_id')
        .select(['location_code', 'period_end', 'value', 'external_id'])
        .where('situations.slug', '=', slug)
        .orderBy('figures.id')
        .execute();
    expect(await stored('sudan-two')).toEqual(await stored('sudan-one'));
    const again = await service.commit('sudan-two', () => Readable.from([states]), { filename: 's.csv', parallel: true }, editor.user);
    expect(again).toMatchObject({ newFigures: 0, duplicates: 800 });

    // Problems: the same rows, columns, values and messages; a read failure half-way rolls everything back.
    const header = 'location,category,periodStart,periodEnd,value,quantifier,organisation,sourceUrl,publishedOn,quote\n';
    const bad =
      header +
      'SY-HM,new_displacement,2024-11-27,2024-12-01,-100,exact,OCHA,https://x.org,2024-12-01,q\nSY-HM,evacuees,2024-11-27,2024-12-01,100,exact,OCHA,https://x.org,2024-12-01,q\n"oops\n';
    const inThread = await service.preview('syria-2024-offensive', () => Readable.from([bad]), { filename: 'b.csv' }, editor.user);
    const inWorker = await service.preview('syria-2024-offensive', () => Readable.from([bad]), { filename: 'b.csv', parallel: true }, editor.user);
    expect(inWorker.errors).toEqual(inThread.errors);
    expect(inWorker.errors.map((e) => [e.row, e.column])).toEqual([
      [2, 'value'],
      [3, 'category'],
      [4, ''],
    ]);
    const before = await count();
    const failing = () => {
      let sent = false;
      return new Readable({
        read() {
          if (sent) return;
          sent = true;
          this.push(states.subarray(0, Math.floor(states.length / 2)));
          setTimeout(() => this.destroy(new Error('disk read error')), 20);
        },
      });
    };
    await expect(service.commit('sudan-one', failing, { filename: 'f.csv', parallel: true }, editor.user)).rejects.toMatchObject({
      code: 'import_invalid',
      details: { fields: [{ message: expect.stringMatching(/disk read error/) }] },
    });
    expect(await count()).toBe(before);
  });

  test('when a failure happens in the middle of a commit, then the database is as it was', async () => {
    const csv = file('iom-dtm/subset_IRQ_conflict_admin0.csv');
    const before = await count();
    const service = new ImportsService(t.storage);
    // The commit reads, checks and writes in one pass: half the file is read (and written) when the disk "fails".
    const source = () => {
      let sent = false;
      return new Readable({
        read() {
          if (sent) return;
          sent = true;
          this.push(csv.subarray(0, Math.floor(csv.length / 2)));
          setTimeout(() => this.destroy(new Error('disk read error')), 20);
        },
      });
    };
    await request(app).post('/api/v1/situations').set(editor.auth).send({ slug: 'iraq-2', title: 'Iraq 2', country: 'IRQ', onsetDate: '2014-01-01' }).expect(201);
    await expect(service.commit('iraq-2', source, { filename: 'x.csv' }, editor.user)).rejects.toMatchObject({
      status: 400,
      code: 'import_invalid',
      details: { fields: [{ path: 'row 1', message: expect.stringMatching(/disk read error/) }] },
    });
    expect(await count()).toBe(before);
    const imports = await t.storage.db.selectFrom('imports').selectAll().where('filename', '=', 'x.csv').execute();
    expect(imports).toHaveLength(0);
  });

  test('when the figures export is imported into an empty situation and exported again, then the rows are the same', async () => {
    const admin = await makeUser(t.storage, 'admin');
    await request(app)
      .post('/api/v1/situations/syria-2024-offensive/figures')
      .set(admin.auth)
      .send({
        location: 'SY-HI',
        category: 'new_displacement',
        periodEnd: '2024-12-06',
        unit: 'households',
        reportedValue: 3000,
        householdSize: 4.5,
        valueLow: 10000,
        valueHigh: 15000,
        quantifier: 'approximately',
        organisation: 'SOHR',
        sourceUrl: 'https://example.org/homs',
        publishedOn: '2024-12-06',
        quote: '=Thousands fled "Homs", overnight',
        notes: 'line one\nline two',
        status: 'approved',
      })
      .expect(201);
    const first = (await request(app).get('/api/v1/situations/syria-2024-offensive/export/figures.csv?hxl=1').expect(200)).text;
    const other = await freshDb(kind);
    try {
      const otherApp = testApp(other.storage);
      const otherAdmin = await makeUser(other.storage, 'admin');
      const { loadReferenceLocations } = await import('../../server/seeding/seed');
      await loadReferenceLocations(other.storage);
      await request(otherApp)
        .post('/api/v1/situations')
        .set(otherAdmin.auth)
        .send({ slug: 'syria-2024-offensive', title: 'Syria', country: 'SYR', onsetDate: '2024-11-27' })
        .expect(201);
      const { locationsRepository } = await import('../../server/locations/locations.repository');
      await locationsRepository.ensure(other.storage.db, [
        { code: 'SY-NES', name: 'North-east Syria (Al-Hasakah, Ar-Raqqa, Deir ez-Zor)', adminLevel: 1, parentCode: 'SYR', country: 'SYR', isArea: true, pcode: null },
      ]);
      const imported = await request(otherApp)
        .post('/api/v1/situations/syria-2024-offensive/imports')
        .query({ commit: 'true', status: 'approved' })
        .set(otherAdmin.auth)
        .set('Content-Type', 'text/csv')
        .send(Buffer.from(first))
        .expect(201);
      expect(imported.body.layout).toBe('figures-export');
      const second = (await request(otherApp).get('/api/v1/situations/syria-2024-offensive/export/figures.csv?hxl=1').expect(200)).text;
      // Audit columns describe each database (who recorded the row there, and when); the figures themselves must match.
      const audit = new Set(['id', 'createdBy', 'createdAt', 'updatedBy', 'updatedAt', 'version']);
      const strip = (text: string) => (parse(text, { columns: true }) as Record<string, string>[]).map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => !audit.has(k))));
      expect(strip(second)).toEqual(strip(first));
      expect(strip(first).length).toBeGreaterThan(9);
    } finally {
      await other.cleanup();
    }
  });
});
