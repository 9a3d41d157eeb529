import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { SMTPServer } from 'smtp-server';
import { DATABASES, freshDb, makeUser, type TestDb } from '../helpers/db';
import { openStorage, type Storage } from '../../server/storage/database';
import { verify } from '../../server/alerts/webhook';
import { alertApp, SLUG } from './helpers';
import { signedIn } from '../pages/helpers';

type Alert = {
  id: number;
  ruleId: number;
  kind: string;
  value: number;
  observedOn: string;
  figureIds: number[];
  message: string;
  acknowledgedBy: string | null;
  source: { organisation: string } | null;
};

/** A figure at the country, approved at once (the admin creates it). */
const figure = (category: string, periodEnd: string, value: number, extra: Record<string, unknown> = {}) => ({
  location: 'SYR',
  locationRole: 'unknown',
  category,
  periodEnd,
  value,
  quantifier: 'exact',
  organisation: 'OCHA',
  sourceUrl: 'https://reliefweb.int/report/example',
  publishedOn: periodEnd,
  quote: `${value} people as of ${periodEnd}.`,
  status: 'approved',
  ...extra,
});

describe.each(DATABASES)('alerts on %s', (kind) => {
  let t: TestDb;
  let x: ReturnType<typeof alertApp>;
  let editor: Awaited<ReturnType<typeof makeUser>>;
  let admin: Awaited<ReturnType<typeof makeUser>>;
  let viewer: Awaited<ReturnType<typeof makeUser>>;

  const alertsOf = async (ruleId: number): Promise<Alert[]> =>
    (await request(x.app).get(`/api/v1/situations/${SLUG}/alerts?limit=200`).expect(200)).body.data.filter((a: Alert) => a.ruleId === ruleId);
  const addRule = async (body: Record<string, unknown>) => {
    const res = await request(x.app).post(`/api/v1/situations/${SLUG}/alert-rules`).set(editor.auth).send(body).expect(201);
    await x.alerts.settled();
    return res.body as { id: number };
  };
  const addFigure = async (body: Record<string, unknown>) => {
    const res = await request(x.app).post(`/api/v1/situations/${SLUG}/figures`).set(admin.auth).send(body).expect(201);
    await x.alerts.settled();
    return res.body as { id: number; version: number };
  };

  beforeAll(async () => {
    t = await freshDb(kind, { seed: true });
    x = alertApp(t.storage);
    [editor, admin, viewer] = await Promise.all([makeUser(t.storage, 'editor'), makeUser(t.storage, 'admin'), makeUser(t.storage, 'viewer')]);
  });
  afterAll(async () => {
    x.alerts.stop();
    await x.alerts.settled();
    await t.cleanup();
  });

  test('when the seeded situation is first read, then it has the default rules: stale after 14 days and a threshold at the quoted 1.5 million ceiling', async () => {
    const rules = (await request(x.app).get(`/api/v1/situations/${SLUG}/alert-rules`).expect(200)).body.data;
    expect(rules).toEqual([
      expect.objectContaining({ kind: 'stale', location: 'SYR', category: null, params: { days: 14 }, origin: 'default-stale' }),
      expect.objectContaining({ kind: 'threshold', location: 'SYR', category: 'new_displacement', params: { threshold: 1500000 }, origin: 'default-threshold' }),
    ]);
    // A new situation gets its stale rule when it is created.
    await request(x.app).post('/api/v1/situations').set(editor.auth).send({ slug: 'new-one', title: 'New', country: 'SYR', onsetDate: '2024-12-01' }).expect(201);
    await x.alerts.settled();
    const fresh = (await request(x.app).get('/api/v1/situations/new-one/alert-rules').expect(200)).body.data;
    expect(fresh).toEqual([expect.objectContaining({ kind: 'stale', origin: 'default-stale' })]);
  });

  test('when a rule is invalid, then 400 names the field and nothing is stored', async () => {
    const before = (await request(x.app).get(`/api/v1/situations/${SLUG}/alert-rules`).expect(200)).body.data.length;
    const bad = [
      [{ kind: 'threshold', category: 'new_displacement' }, 'threshold'],
      [{ kind: 'threshold', category: 'new_displacement', threshold: -5 }, 'threshold'],
      [{ kind: 'threshold', threshold: 5 }, 'category'],
      [{ kind: 'nonsense', threshold: 5 }, 'kind'],
      [{ kind: 'stale', days: 14, threshold: 3 }, '(body)'],
      [{ kind: 'change_7d', category: 'idps' }, 'people'],
      [{ kind: 'threshold', category: 'idps', threshold: 5, location: 'SD01' }, 'location'],
    ] as const;
    for (const [body, path] of bad) {
      const res = await request(x.app).post(`/api/v1/situations/${SLUG}/alert-rules`).set(editor.auth).send(body).expect(400);
      expect(res.body.error.fields.map((f: { path: string }) => f.path)).toContain(path);
    }
    await request(x.app).post(`/api/v1/situations/${SLUG}/alert-rules`).send({ kind: 'stale', days: 3 }).expect(401);
    await request(x.app).post(`/api/v1/situations/${SLUG}/alert-rules`).set(viewer.auth).send({ kind: 'stale', days: 3 }).expect(403);
    expect((await request(x.app).get(`/api/v1/situations/${SLUG}/alert-rules`).expect(200)).body.data).toHaveLength(before);
  });

  test('when a rule is edited, deleted and restored, then versions guard it and its history has every step', async () => {
    const rule = await addRule({ kind: 'stale', days: 30, category: 'idps' });
    const path = `/api/v1/situations/${SLUG}/alert-rules/${rule.id}`;
    const edited = await request(x.app).patch(path).set(editor.auth).send({ version: 1, days: 21 }).expect(200);
    expect(edited.body).toMatchObject({ params: { days: 21 }, category: 'idps', version: 2 });
    await request(x.app).patch(path).set(editor.auth).send({ version: 1, days: 7 }).expect(409);
    expect((await request(x.app).patch(path).set(editor.auth).send({ version: 2, kind: 'threshold' }).expect(400)).body.error.fields[0].path).toBe('kind');
    expect((await request(x.app).patch(path).set(editor.auth).send({ version: 2, days: 0 }).expect(400)).body.error.fields[0].path).toBe('days');
    await request(x.app).delete(path).set(editor.auth).expect(200);
    expect((await request(x.app).get(`/api/v1/situations/${SLUG}/alert-rules`).expect(200)).body.data.some((r: { id: number }) => r.id === rule.id)).toBe(false);
    await request(x.app).post(`${path}/restore`).set(editor.auth).expect(200);
    const history = (await request(x.app).get(`${path}/history`).set(viewer.auth).expect(200)).body.data;
    expect(history.map((h: { action: string }) => h.action)).toEqual(['create', 'update', 'delete', 'restore']);
    expect(history[1]).toMatchObject({ actor: editor.user.email, before: { params: { days: 30 } }, after: { params: { days: 21 } } });
    await request(x.app).delete(path).set(editor.auth).expect(200);
    await x.alerts.settled();
  });

  test('when one rule cannot be evaluated, then the write that triggered it still succeeds and the other rules still fire', async () => {
    const s = await t.storage.db.selectFrom('situations').select('id').where('slug', '=', SLUG).executeTakeFirstOrThrow();
    // A rule for a place the analysis does not know (only possible by writing the table directly).
    const { id: broken } = await t.storage.db
      .insertInto('alert_rules')
      .values({
        situation_id: s.id,
        kind: 'threshold',
        location_code: 'XX-NOWHERE',
        category: 'idps',
        params: JSON.stringify({ threshold: 1 }),
        origin: null,
        open_key: null,
        created_by: 'test',
        created_at: 'x',
        updated_by: 'test',
        updated_at: 'x',
        version: 1,
        deleted_at: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const rule = await addRule({ kind: 'threshold', category: 'returnees', threshold: 10 });
    await addFigure(figure('returnees', '2024-12-02', 50));
    expect(await alertsOf(rule.id)).toHaveLength(1);
    expect(await alertsOf(broken)).toHaveLength(0);
    await t.storage.db.updateTable('alert_rules').set({ deleted_at: 'x' }).where('id', '=', broken).execute();
  });

  test('when a threshold of 300,000 is set on the Syria data, then it fires once at 370,000 on 6 December with that figure, and not again on later reports', async () => {
    const rule = await addRule({ kind: 'threshold', category: 'new_displacement', threshold: 300000 });
    const fired = await alertsOf(rule.id);
    expect(fired).toHaveLength(1);
    expect(fired[0]).toMatchObject({ kind: 'threshold', value: 370000, observedOn: '2024-12-06', source: { organisation: 'OCHA' } });
    const ocha370 = (await request(x.app).get(`/api/v1/situations/${SLUG}/figures?organisation=OCHA`).expect(200)).body.data.find((f: { value: number }) => f.value === 370000);
    expect(fired[0].figureIds).toEqual([ocha370.id]);
    // Audited: the alert's history says it fired, with the rule, value and figures.
    const history = (await request(x.app).get(`/api/v1/alerts/${fired[0].id}/history`).set(viewer.auth).expect(200)).body.data;
    expect(history).toEqual([expect.objectContaining({ action: 'fire', after: expect.objectContaining({ rule: rule.id, value: 370000, figureIds: [ocha370.id] }) })]);
    // A later report still above the threshold is the same crossing.
    await addFigure(figure('new_displacement', '2024-12-07', 420000, { periodStart: '2024-11-27' }));
    await x.alerts.evaluate(SLUG);
    expect(await alertsOf(rule.id)).toHaveLength(1);
  });

  test('when an IDP stock crosses 1 million, falls back under it and crosses again, then the threshold fires once per crossing', async () => {
    const rule = await addRule({ kind: 'threshold', category: 'idps', threshold: 1000000 });
    await addFigure(figure('idps', '2024-12-01', 500000));
    expect(await alertsOf(rule.id)).toHaveLength(0);
    await addFigure(figure('idps', '2024-12-03', 1200000));
    await addFigure(figure('idps', '2024-12-04', 1300000));
    expect((await alertsOf(rule.id)).map((a) => a.observedOn)).toEqual(['2024-12-03']);
    await addFigure(figure('idps', '2024-12-05', 900000));
    expect(await alertsOf(rule.id)).toHaveLength(1);
    await addFigure(figure('idps', '2024-12-06', 1100000));
    expect((await alertsOf(rule.id)).map((a) => a.observedOn)).toEqual(['2024-12-06', '2024-12-03']);
    // Deleting and restoring a figure re-evaluates too, without firing a crossing twice.
    const list = (await request(x.app).get(`/api/v1/situations/${SLUG}/figures?category=idps`).expect(200)).body.data;
    const last = list.find((f: { periodEnd: string }) => f.periodEnd === '2024-12-06');
    await request(x.app).delete(`/api/v1/figures/${last.id}`).set(admin.auth).send({ version: last.version }).expect(200);
    await x.alerts.settled();
    await request(x.app).post(`/api/v1/figures/${last.id}/restore`).set(admin.auth).expect(200);
    await x.alerts.settled();
    expect(await alertsOf(rule.id)).toHaveLength(2);
  });

  test('when a change of at least 100,000 in 7 days is watched, then it fires once, at 5 December (178,000 against 14,000 a week earlier)', async () => {
    const rule = await addRule({ kind: 'change_7d', category: 'new_displacement', people: 100000 });
    const fired = await alertsOf(rule.id);
    expect(fired).toHaveLength(1);
    expect(fired[0]).toMatchObject({ observedOn: '2024-12-05', value: 178000 });
    await x.alerts.evaluate(SLUG);
    expect(await alertsOf(rule.id)).toHaveLength(1);
  });

  test('when the projection range could reach 1 million within 30 days, then the projection rule fires once and stays quiet while the crossing lasts', async () => {
    const rule = await addRule({ kind: 'projection', category: 'new_displacement', threshold: 1000000, horizonDays: 30 });
    const fired = await alertsOf(rule.id);
    expect(fired).toHaveLength(1);
    const projection = (await request(x.app).get(`/api/v1/situations/${SLUG}/projections?horizon=30`).expect(200)).body;
    const firstHigh = projection.range.points.find((p: { high: number }) => p.high >= 1000000).date;
    expect(fired[0].message).toContain('could reach 1,000,000');
    expect((fired[0] as unknown as { detail: { earliest: string } }).detail.earliest).toBe(firstHigh);
    await addFigure(figure('new_displacement', '2024-12-08', 500000, { periodStart: '2024-11-27' }));
    await x.alerts.evaluate(SLUG);
    expect(await alertsOf(rule.id)).toHaveLength(1);
  });

  test('when two approved sources disagree by more than 40 % on one place and date, then the conflict rule fires once for it', async () => {
    // 5 December: OCHA 178,000 (recommended) and WFP 280,000 (triangulation) for Syria, 57 % apart; 6 December: 370,000 and 280,000, 32 %.
    const rule = await addRule({ kind: 'conflict', category: 'new_displacement', percent: 40 });
    const fired = await alertsOf(rule.id);
    expect(fired).toHaveLength(1);
    expect(fired[0]).toMatchObject({ observedOn: '2024-12-05', value: 280000 });
    expect(fired[0].figureIds).toHaveLength(2);
    await x.alerts.evaluate(SLUG);
    expect(await alertsOf(rule.id)).toHaveLength(1);
  });

  test('when no report arrives for more than 14 days, then the hourly pass fires the default stale rule once (test clock)', async () => {
    const stale = (await request(x.app).get(`/api/v1/situations/${SLUG}/alert-rules`).expect(200)).body.data.find((r: { origin: string }) => r.origin === 'default-stale');
    x.clock.now = new Date('2024-12-15T00:00:00Z');
    await x.alerts.runHourly();
    expect(await alertsOf(stale.id)).toHaveLength(0);
    // The latest approved report is now dated 2024-12-08 (added above); 15 days later it is stale.
    x.clock.now = new Date('2024-12-23T10:00:00Z');
    await x.alerts.runHourly();
    const fired = await alertsOf(stale.id);
    expect(fired).toHaveLength(1);
    expect(fired[0]).toMatchObject({ kind: 'stale', observedOn: '2024-12-08', value: 15 });
    x.clock.now = new Date('2024-12-30T10:00:00Z');
    await x.alerts.runHourly();
    expect(await alertsOf(stale.id)).toHaveLength(1);
    // A new report clears it; going quiet again is a new crossing.
    await addFigure(figure('idps', '2024-12-29', 1000000));
    x.clock.now = new Date('2025-01-20T10:00:00Z');
    await x.alerts.runHourly();
    expect((await alertsOf(stale.id)).map((a) => a.observedOn)).toEqual(['2024-12-29', '2024-12-08']);
    x.clock.now = new Date('2024-12-07T12:00:00Z');
  });

  test('when a signed-in user acknowledges an alert with a note, then it is shown and audited, and a second acknowledgement is a 409', async () => {
    const [a] = (await request(x.app).get(`/api/v1/situations/${SLUG}/alerts?limit=1`).expect(200)).body.data;
    await request(x.app).post(`/api/v1/alerts/${a.id}/acknowledge`).send({ note: 'x' }).expect(401);
    await request(x.app)
      .post(`/api/v1/alerts/${a.id}/acknowledge`)
      .set(viewer.auth)
      .send({ note: 'x'.repeat(1001) })
      .expect(400);
    const done = await request(x.app).post(`/api/v1/alerts/${a.id}/acknowledge`).set(viewer.auth).send({ note: 'Checked with OCHA' }).expect(200);
    expect(done.body).toMatchObject({ acknowledgedBy: viewer.user.email, acknowledgementNote: 'Checked with OCHA' });
    await request(x.app).post(`/api/v1/alerts/${a.id}/acknowledge`).set(editor.auth).send({}).expect(409);
    const history = (await request(x.app).get(`/api/v1/alerts/${a.id}/history`).set(viewer.auth).expect(200)).body.data;
    expect(history.map((h: { action: string }) => h.action)).toEqual(['fire', 'acknowledge']);
    expect(history[1]).toMatchObject({ actor: viewer.user.email, before: { acknowledgedAt: null }, after: { acknowledgementNote: 'Checked with OCHA' } });
    // The situation page, the dashboard and the alerts page list it with the acknowledgement.
    const page = await request(x.app).get(`/situations/${SLUG}`).expect(200);
    expect(page.text).toContain('Recent alerts');
    expect(page.text).toContain(`Acknowledged by ${viewer.user.email}`);
    const dash = await request(x.app).get('/').expect(200);
    expect(dash.text).toContain('Recent alerts');
    const alertsPage = await request(x.app).get(`/situations/${SLUG}/alerts`).expect(200);
    expect(alertsPage.text).toContain('Checked with OCHA');
  });

  test('when the Atom feeds are read, then they parse as Atom with the alerts newest first', async () => {
    for (const url of [`/situations/${SLUG}/alerts.atom`, '/alerts.atom']) {
      const res = await request(x.app).get(url).expect(200);
      expect(res.headers['content-type']).toMatch(/^application\/atom\+xml/);
      expect(XMLValidator.validate(res.text)).toBe(true);
      const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@' }).parse(res.text);
      const feed = doc.feed;
      expect(feed['@xmlns']).toBe('http://www.w3.org/2005/Atom');
      // RFC 4287 §4.1.1: id, title, updated, an author; each entry id, title, updated.
      expect(feed.id).toMatch(/^http:\/\//);
      expect(typeof feed.title['#text']).toBe('string');
      expect(Number.isNaN(Date.parse(feed.updated))).toBe(false);
      expect(feed.author.name).toBeTruthy();
      const entries = Array.isArray(feed.entry) ? feed.entry : [feed.entry];
      expect(entries.length).toBeGreaterThanOrEqual(5);
      for (const e of entries) {
        expect(e.id).toMatch(/#alert-\d+$/);
        expect(Number.isNaN(Date.parse(e.updated))).toBe(false);
        expect(e.title['#text'].length).toBeGreaterThan(10);
      }
      const ids = entries.map((e: { id: string }) => Number(/(\d+)$/.exec(e.id)![1]));
      expect(ids).toEqual([...ids].sort((a, b) => b - a));
    }
    await request(x.app).get('/situations/no-such-thing/alerts.atom').expect(404);
  });

  test('when a feed is read with ?lang=fr or ?lang=ar, then its entries are written in that language and its links keep it', async () => {
    const english = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@' }).parse((await request(x.app).get('/alerts.atom').expect(200)).text).feed;
    expect(english['@xml:lang']).toBe('en');
    const englishTitle = new Map([english.entry].flat().map((e: { id: string; title: { '#text': string } }) => [e.id, String(e.title['#text'])]));
    for (const [lang, script] of [
      ['fr', /[a-zàâçéèêëîïôûù]/],
      ['ar', /[\u0600-\u06FF]/],
    ] as const) {
      const res = await request(x.app).get(`/alerts.atom?lang=${lang}`).expect(200);
      expect(XMLValidator.validate(res.text)).toBe(true);
      const feed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@' }).parse(res.text).feed;
      expect(feed['@xml:lang']).toBe(lang);
      const links = [feed.link].flat().map((l: { '@href': string }) => l['@href']);
      expect(links.every((h: string) => h.includes(`lang=${lang}`))).toBe(true);
      const entries = [feed.entry].flat();
      expect(entries.length).toBe(englishTitle.size);
      for (const e of entries) {
        // The same alert, written again from the catalogue: another text, in the language's script, no English left.
        const title = String(e.title['#text']);
        expect(title).not.toBe(englishTitle.get(e.id));
        expect(title).toMatch(script);
        expect(title).not.toMatch(/reached the threshold|no approved report|disagree by|could reach|a change of|over 7 days|highest in a year/);
        expect(e.link['@href']).toContain(`lang=${lang}`);
      }
    }
    // The page's feed link keeps the reader's language.
    const page = await request(x.app).get(`/situations/${SLUG}/alerts?lang=fr`).expect(200);
    expect(page.text).toContain(`/situations/${SLUG}/alerts.atom?lang=fr"`);
  });
});

describe.each(DATABASES)('alert deliveries on %s', (kind) => {
  let t: TestDb;
  let editor: Awaited<ReturnType<typeof makeUser>>;
  let admin: Awaited<ReturnType<typeof makeUser>>;
  beforeEach(async () => {
    t = await freshDb(kind, { seed: true });
    [editor, admin] = await Promise.all([makeUser(t.storage, 'editor'), makeUser(t.storage, 'admin')]);
  });
  afterEach(() => t.cleanup());

  test('when a webhook receiver answers 500 first, then it gets a correctly signed body again after the backoff, and the delivery log says so', async () => {
    const received: { body: string; signature: string | undefined }[] = [];
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push({ body, signature: req.headers['x-alert-signature'] as string | undefined });
        res.statusCode = received.length === 1 ? 500 : 200;
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    const x = alertApp(t.storage, { ALERT_RETRY_BASE_MS: '50', PUBLIC_URL: 'https://tracker.example.org' });
    try {
      const secret = 'a-long-shared-secret-123';
      await request(x.app).post(`/api/v1/situations/${SLUG}/webhooks`).set(editor.auth).send({ url, secret: 'short' }).expect(400);
      const hook = await request(x.app).post(`/api/v1/situations/${SLUG}/webhooks`).set(editor.auth).send({ url, secret }).expect(201);
      expect(hook.body).not.toHaveProperty('secret');
      await request(x.app).post(`/api/v1/situations/${SLUG}/alert-rules`).set(editor.auth).send({ kind: 'threshold', category: 'new_displacement', threshold: 300000 }).expect(201);
      await x.alerts.settled();
      expect(received).toHaveLength(2);
      expect(received[0].body).toBe(received[1].body);
      for (const r of received) expect(verify(secret, r.body, r.signature)).toBe(true);
      expect(verify('another-secret-entirely', received[1].body, received[1].signature)).toBe(false);
      const body = JSON.parse(received[1].body);
      expect(body).toMatchObject({ event: 'alert', situation: { slug: SLUG }, alert: { kind: 'threshold', value: 370000 } });
      expect(body.url).toMatch(/^https:\/\/tracker\.example\.org\/situations\/syria-2024-offensive\/alerts#alert-\d+$/);
      const log = (await request(x.app).get(`/api/v1/situations/${SLUG}/alert-deliveries`).set(editor.auth).expect(200)).body.data;
      expect(log).toEqual([expect.objectContaining({ channel: 'webhook', target: url, status: 'delivered', attempts: 2, lastStatus: 200 })]);
      const agent = await signedIn(x.app, editor.user.email, editor.password);
      const page = await agent.get(`/situations/${SLUG}/alerts`).expect(200);
      expect(page.text).toContain('Delivery log');
      expect(page.text).toContain(url);
    } finally {
      x.alerts.stop();
      await x.alerts.settled();
      server.close();
    }
  });

  test('when a user subscribes and an alert fires, then the local SMTP server receives the email with an unsubscribe link that works', async () => {
    const mails: string[] = [];
    const smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, _session, cb) {
        let s = '';
        stream.on('data', (c: Buffer) => (s += c.toString('utf8')));
        stream.on('end', () => {
          mails.push(s);
          cb();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    const port = (smtp.server.address() as AddressInfo).port;
    const x = alertApp(t.storage, { SMTP_URL: `smtp://127.0.0.1:${port}`, SMTP_FROM: 'Alerts <alerts@example.org>', PUBLIC_URL: 'http://tracker.test' });
    try {
      const reader = await makeUser(t.storage, 'viewer');
      await request(x.app).put(`/api/v1/situations/${SLUG}/alert-subscription`).set(reader.auth).expect(200, { subscribed: true });
      await request(x.app).get(`/api/v1/situations/${SLUG}/alert-subscription`).set(reader.auth).expect(200, { subscribed: true });
      await request(x.app).post(`/api/v1/situations/${SLUG}/alert-rules`).set(editor.auth).send({ kind: 'threshold', category: 'new_displacement', threshold: 300000 }).expect(201);
      await x.alerts.settled();
      expect(mails).toHaveLength(1);
      // Headers unfolded as they are; the body's quoted-printable soft line breaks and escapes undone (only the body's:
      // a random token starting with two hex digits after "=" would otherwise be mangled in the header).
      const split = mails[0].search(/\r?\n\r?\n/);
      const headers = mails[0].slice(0, split).replace(/\r?\n[ \t]+/g, ' ');
      const text =
        headers +
        '\n\n' +
        mails[0]
          .slice(split)
          .replace(/=\r?\n/g, '')
          .replace(/=([0-9A-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
      expect(text).toMatch(new RegExp(`^To: ${reader.user.email}`, 'm'));
      expect(text).toContain('reached the threshold of 300,000');
      const link = /http:\/\/tracker\.test(\/alerts\/unsubscribe\?token=[A-Za-z0-9_-]+)/.exec(text);
      expect(link).not.toBeNull();
      expect(text).toMatch(/^List-Unsubscribe: <http:\/\/tracker\.test\/alerts\/unsubscribe\?token=/m);
      // The link opens a page with a button (a link checker following it unsubscribes no one); the button unsubscribes.
      const agent = request.agent(x.app);
      const confirm = await agent.get(link![1]).expect(200);
      expect(confirm.text).toContain(reader.user.email);
      await request(x.app).get(`/api/v1/situations/${SLUG}/alert-subscription`).set(reader.auth).expect(200, { subscribed: true });
      const csrf = /name="_csrf" value="([^"]+)"/.exec(confirm.text)![1];
      const token = new URL(`http://x${link![1]}`).searchParams.get('token')!;
      await agent.post('/alerts/unsubscribe').type('form').send({ _csrf: csrf, token }).expect(200);
      await request(x.app).get(`/api/v1/situations/${SLUG}/alert-subscription`).set(reader.auth).expect(200, { subscribed: false });
      await agent.get(link![1]).expect(404);
      const log = (await request(x.app).get(`/api/v1/situations/${SLUG}/alert-deliveries`).set(editor.auth).expect(200)).body.data;
      expect(log).toEqual([expect.objectContaining({ channel: 'email', target: reader.user.email, status: 'delivered', attempts: 1 })]);
    } finally {
      x.alerts.stop();
      await x.alerts.settled();
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
    }
  });

  test('when neither SMTP nor a webhook is configured, then alerts still fire and the pages and feeds work', async () => {
    const x = alertApp(t.storage);
    try {
      await request(x.app).post(`/api/v1/situations/${SLUG}/alert-rules`).set(editor.auth).send({ kind: 'threshold', category: 'new_displacement', threshold: 300000 }).expect(201);
      await x.alerts.settled();
      const list = (await request(x.app).get(`/api/v1/situations/${SLUG}/alerts`).expect(200)).body.data;
      expect(list).toHaveLength(1);
      await request(x.app).get(`/situations/${SLUG}/alerts.atom`).expect(200);
      await request(x.app).get(`/situations/${SLUG}/alerts`).expect(200);
      expect((await request(x.app).get(`/api/v1/situations/${SLUG}/alert-deliveries`).set(admin.auth).expect(200)).body.data).toEqual([]);
    } finally {
      x.alerts.stop();
    }
  });

  test('when two app instances on one database evaluate the same data at once, then each alert and each webhook delivery exists exactly once', async () => {
    const received: string[] = [];
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push(body);
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    // On PostgreSQL the second instance opens the same database through its own connection pool. SQLite's driver is
    // synchronous, so two connections in one process would block each other's event loop: there both instances share
    // the one connection, as two apps in one process would (two processes on one file: tests/robustness).
    const second: Storage = kind === 'postgres' ? await openStorage({ url: process.env.TEST_DATABASE_URL!, pgSchema: t.where, pgPoolSize: 4 }) : t.storage;
    const a = alertApp(t.storage);
    const b = alertApp(second);
    try {
      await request(a.app).post(`/api/v1/situations/${SLUG}/webhooks`).set(editor.auth).send({ url, secret: 'a-long-shared-secret-123' }).expect(201);
      // Rules stored without evaluating (the service would evaluate at once), so both instances start from nothing.
      const rules = [
        { kind: 'threshold', category: 'new_displacement', threshold: 100000 },
        { kind: 'change_7d', category: 'new_displacement', people: 100000 },
        { kind: 'conflict', category: 'new_displacement', percent: 10 },
        { kind: 'projection', category: 'new_displacement', threshold: 1000000 },
        { kind: 'yearly_high', category: 'new_displacement', percent: 50 },
      ];
      const s = await t.storage.db.selectFrom('situations').select('id').where('slug', '=', SLUG).executeTakeFirstOrThrow();
      for (const r of rules) {
        const { kind: k, category, ...params } = r;
        await t.storage.db
          .insertInto('alert_rules')
          .values({
            situation_id: s.id,
            kind: k,
            location_code: 'SYR',
            category,
            params: JSON.stringify(params),
            origin: null,
            open_key: null,
            created_by: 'test',
            created_at: 'x',
            updated_by: 'test',
            updated_at: 'x',
            version: 1,
            deleted_at: null,
          })
          .execute();
      }
      const results = await Promise.all([a.alerts.evaluate(SLUG), b.alerts.evaluate(SLUG), a.alerts.evaluate(SLUG), b.alerts.evaluate(SLUG)]);
      await Promise.all([a.alerts.settled(), b.alerts.settled()]);
      const rows = await t.storage.db.selectFrom('alerts').select(['rule_id', 'crossing_key']).execute();
      // threshold 1, change 1, conflict 2 (5 and 6 December), projection 1, yearly high 1 (30 November).
      expect(rows).toHaveLength(6);
      expect(new Set(rows.map((r) => `${r.rule_id}|${r.crossing_key}`)).size).toBe(6);
      expect(results.flat()).toHaveLength(6);
      expect(received).toHaveLength(6);
      expect(new Set(received.map((r) => JSON.parse(r).alert.id)).size).toBe(6);
      const deliveries = await t.storage.db.selectFrom('alert_deliveries').select('status').execute();
      expect(deliveries.map((d) => d.status)).toEqual(Array(6).fill('delivered'));
    } finally {
      a.alerts.stop();
      b.alerts.stop();
      if (second !== t.storage) await second.close();
      server.close();
    }
  });
});
