import { gunzipSync } from 'node:zlib';
import request from 'supertest';
import type { AlertsService } from '../../server/alerts/alerts.service';
import { DATABASES, freshDb, makeUser, testApp, type TestDb } from '../helpers/db';
import { FiguresService } from '../../server/figures/figures.service';
import { PageCache } from '../../server/pages/page-cache';
import { buildAssetsOnce, csrfFrom, signedIn, SLUG, textOf } from './helpers';

const PAGE = `/situations/${SLUG}`;

describe('PageCache', () => {
  test('when the stamp changes, then the entry is gone; beyond its byte budget the least recently used page goes first', () => {
    const c = new PageCache(2500);
    const v1 = {};
    c.set('a', v1, 'x'.repeat(1000), 'W/"a"');
    expect(c.get('a', v1)?.etag).toBe('W/"a"');
    expect(c.get('a', {})).toBeUndefined();
    expect(c.get('a', v1)).toBeUndefined();
    const v = {};
    c.set('a', v, 'a'.repeat(900), undefined);
    c.set('b', v, 'b'.repeat(900), undefined);
    c.get('a', v); // a is now the most recently used
    c.set('c', v, 'c'.repeat(900), undefined);
    expect(c.get('b', v)).toBeUndefined();
    expect(c.get('a', v)).toBeDefined();
    expect(c.get('c', v)).toBeDefined();
  });
});

describe.each(DATABASES)('situation page cache on %s', (kind) => {
  let t: TestDb;

  beforeAll(async () => {
    await buildAssetsOnce();
    t = await freshDb(kind, { seed: true });
  });
  afterAll(() => t.cleanup());
  // A write starts the alert evaluation in the background; an alert it fires later changes the page (its alert
  // list). Each test waits for its apps' evaluations, so the next one starts from a settled page.
  const apps: ReturnType<typeof testApp>[] = [];
  const tracked = (app: ReturnType<typeof testApp>) => (apps.push(app), app);
  afterEach(async () => {
    for (const app of apps.splice(0)) await (app.locals.alerts as AlertsService).settled();
  });

  test('when two people sign in after an anonymous reader, then each sees only their own name and form token, and the reader sees neither', async () => {
    const app = tracked(testApp(t.storage));
    const anonymous = await request(app).get(PAGE).expect(200);
    expect(
      await request(app)
        .get(PAGE)
        .expect(200)
        .then((r) => r.text),
    ).toBe(anonymous.text);
    const people = [];
    for (const name of ['Alice Cachetest', 'Bob Cachetest']) {
      const u = await makeUser(t.storage, 'editor');
      await t.storage.db.updateTable('users').set({ name }).where('id', '=', u.user.id).execute();
      const agent = await signedIn(app, u.user.email, u.password);
      const page = await agent.get(PAGE).expect(200);
      people.push({ name, text: page.text, token: csrfFrom(page.text) });
    }
    const [alice, bob] = people;
    expect(textOf(alice.text)).toContain('Alice Cachetest');
    expect(alice.text).not.toContain('Bob Cachetest');
    expect(bob.text).not.toContain('Alice Cachetest');
    expect(bob.text).not.toContain(alice.token);
    expect(alice.text).toContain('/figures/new');
    const again = await request(app).get(PAGE).set('Accept-Encoding', 'gzip').buffer(true).expect(200);
    expect(again.text).toBe(anonymous.text);
    for (const p of people) {
      expect(again.text).not.toContain(p.name);
      expect(again.text).not.toContain(p.token);
    }
    expect(again.text).not.toContain('name="_csrf"');
    expect(again.text).not.toContain('/figures/new');
    expect(again.headers['set-cookie']).toBeUndefined();
    expect(again.headers['cache-control']).toBe('private, no-cache');
    expect(String(again.headers.vary)).toMatch(/Cookie/);
    expect(String(again.headers.vary)).toMatch(/Accept-Encoding/);
  });

  test('when a figure is approved through another app instance, then the next anonymous request shows it and the old ETag no longer matches', async () => {
    const app = tracked(testApp(t.storage));
    const before = await request(app).get(`${PAGE}?location=SY-HM`).expect(200);
    await request(app).get(`${PAGE}?location=SY-HM`).set('If-None-Match', before.headers.etag).expect(304);
    const admin = await makeUser(t.storage, 'admin');
    // A service without this app's change hook: the only signal is the situation's updated_at stamp, as with a second instance.
    await new FiguresService(t.storage).create(
      SLUG,
      {
        location: 'SY-HM',
        locationRole: 'origin',
        category: 'new_displacement',
        periodStart: '2024-11-27',
        periodEnd: '2024-12-06',
        value: 7654321,
        organisation: 'OCHA',
        sourceUrl: 'https://example.org/cache-test',
        publishedOn: '2024-12-06',
        quote: 'Cache test: 7,654,321 people.',
        status: 'approved',
      },
      admin.user,
    );
    const after = await request(app).get(`${PAGE}?location=SY-HM`).set('If-None-Match', before.headers.etag).expect(200);
    expect(after.headers.etag).not.toBe(before.headers.etag);
    expect(after.text).toContain('7,654,321');
    expect(before.text).not.toContain('7,654,321');
    await request(app).get(`${PAGE}?location=SY-HM`).set('If-None-Match', after.headers.etag).expect(304);
  });

  test('when an editor edits through the form, then the cached page changes on the same instance', async () => {
    const app = tracked(testApp(t.storage));
    const before = await request(app).get(PAGE).expect(200);
    const editor = await makeUser(t.storage, 'editor');
    const agent = await signedIn(app, editor.user.email, editor.password);
    const form = await agent.get(`${PAGE}/scenarios`).expect(200);
    await agent
      .post(`${PAGE}/scenarios`)
      .type('form')
      .send({
        _csrf: csrfFrom(form.text),
        location: 'SYR',
        category: 'new_displacement',
        kind: 'ceiling',
        value: '2,345,678',
        organisation: 'OCHA',
        sourceUrl: 'https://example.org/scenario',
        publishedOn: '2024-12-06',
        quote: 'Could reach 2,345,678 people.',
        horizonDate: '',
      })
      .expect(303);
    const after = await request(app).get(PAGE).expect(200);
    expect(after.headers.etag).not.toBe(before.headers.etag);
    expect(after.text).toContain('2,345,678');
  });

  test('when the gzip and identity bodies and HEAD are asked for, then they carry the same page and ETag', async () => {
    const app = tracked(testApp(t.storage));
    const plain = await request(app).get(PAGE).set('Accept-Encoding', 'identity').expect(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    const zipped = await request(app)
      .get(PAGE)
      .set('Accept-Encoding', 'gzip')
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.headers.etag).toBe(plain.headers.etag);
    // supertest may already have decoded it; either way it is the same HTML.
    const body = zipped.body as Buffer;
    const html = body[0] === 0x1f && body[1] === 0x8b ? gunzipSync(body).toString('utf8') : body.toString('utf8');
    expect(html).toBe(plain.text);
    const head = await request(app).head(PAGE).expect(200);
    expect(head.headers.etag).toBe(plain.headers.etag);
    // A notice (?done=…) is rendered for that request and not stored.
    const notice = await request(app).get(`${PAGE}?done=scenarioCreated`).expect(200);
    expect(notice.text).toContain('class="notice"');
    expect((await request(app).get(PAGE).expect(200)).text).not.toContain('class="notice"');
  });
});
