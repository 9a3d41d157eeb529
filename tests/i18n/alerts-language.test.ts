/** Alert messages are stored in the instance's language; pages in another language write them again in it. */
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { SMTPServer } from 'smtp-server';
import { DATABASES, freshDb, makeUser, type TestDb } from '../helpers/db';
import { alertApp, SLUG } from '../alerts/helpers';
import { alertText } from '../../server/alerts/alert-text';
import { createI18n } from '../../server/i18n/i18n';
import type { Alert } from '../../server/alerts/alert';
import { usersRepository } from '../../server/auth/users.repository';

describe.each(DATABASES)('alert messages in the reader’s language on %s', (kind) => {
  let t: TestDb;
  let x: ReturnType<typeof alertApp>;

  beforeAll(async () => {
    t = await freshDb(kind, { seed: true });
    // Weeks after the last seeded report: the default stale rule fires too.
    x = alertApp(t.storage, {}, '2025-01-15T12:00:00Z');
    const editor = await makeUser(t.storage, 'editor');
    for (const body of [
      { kind: 'threshold', category: 'new_displacement', threshold: 100000 },
      { kind: 'change_7d', category: 'new_displacement', people: 1000 },
      { kind: 'yearly_high', category: 'new_displacement', percent: 10 },
      { kind: 'projection', category: 'new_displacement', threshold: 2000000, horizonDays: 30 },
      { kind: 'conflict', percent: 10 },
    ]) {
      await request(x.app).post(`/api/v1/situations/${SLUG}/alert-rules`).set(editor.auth).send(body).expect(201);
      await x.alerts.settled();
    }
  });
  afterAll(async () => {
    x.alerts.stop();
    await x.alerts.settled();
    await t.cleanup();
  });

  test('when each kind of alert has fired, then writing it again from what it keeps gives exactly the stored English message', async () => {
    const alerts = (await request(x.app).get(`/api/v1/situations/${SLUG}/alerts?limit=200`).expect(200)).body.data as Alert[];
    expect(new Set(alerts.map((a) => a.kind))).toEqual(new Set(['threshold', 'change_7d', 'yearly_high', 'projection', 'conflict', 'stale']));
    const en = createI18n('en');
    for (const a of alerts) expect(alertText(a, a.locationName ?? a.location, en)).toBe(a.message);
  });

  test('when the alerts page and the situation page are read in French or Arabic, then the messages are in that language', async () => {
    const fr = await request(x.app).get(`/situations/${SLUG}/alerts?lang=fr`).expect(200);
    expect(fr.text).toMatch(/a atteint le seuil de 100\s000/);
    expect(fr.text).toContain('aucun rapport approuvé depuis plus de 14 jours');
    expect(fr.text).not.toContain('reached the threshold of');
    const ar = await request(x.app).get(`/situations/${SLUG}?lang=ar`).expect(200);
    expect(ar.text).toContain('الجمهورية العربية السورية، نزوح جديد، 6 ديسمبر 2024: تختلف المصادر المعتمدة بأكثر من 10 % (من 280,000 إلى 370,000).');
    expect(ar.text).not.toContain('approved sources disagree');
    const en = await request(x.app).get(`/situations/${SLUG}`).expect(200);
    expect(en.text).toContain('Syrian Arab Republic, New displacement, December 6, 2024: approved sources disagree by more than 10 % (280,000 to 370,000).');
  });
});

describe.each(DATABASES)('alert emails in the subscriber’s language on %s', (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await freshDb(kind, { seed: true });
  });
  afterAll(() => t.cleanup());

  test('when a subscriber keeps French in their profile and another none, then each email is in its reader’s language', async () => {
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
      const [french, english, editor] = await Promise.all([makeUser(t.storage, 'viewer'), makeUser(t.storage, 'viewer'), makeUser(t.storage, 'editor')]);
      await usersRepository.setLocale(t.storage.db, french.user.id, 'fr');
      for (const u of [french, english]) await request(x.app).put(`/api/v1/situations/${SLUG}/alert-subscription`).set(u.auth).expect(200);
      await request(x.app).post(`/api/v1/situations/${SLUG}/alert-rules`).set(editor.auth).send({ kind: 'threshold', category: 'new_displacement', threshold: 300000 }).expect(201);
      await x.alerts.settled();
      expect(mails).toHaveLength(2);
      // Quoted-printable mail bodies: join soft line breaks and decode before reading.
      const decoded = mails.map((m) =>
        Buffer.from(
          m.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_s, h: string) => String.fromCharCode(parseInt(h, 16))),
          'latin1',
        ).toString('utf8'),
      );
      const toFrench = decoded.find((m) => m.includes(french.user.email))!;
      const toEnglish = decoded.find((m) => m.includes(english.user.email))!;
      expect(toFrench).toMatch(/République arabe syrienne, Nouveaux déplacements : .+ a atteint le seuil de 300\s000\./);
      expect(toFrench).toContain('Voir l’alerte : http://tracker.test/situations/');
      expect(toEnglish).toContain('Syrian Arab Republic, New displacement: 370,000 on December 6, 2024 reached the threshold of 300,000.');
    } finally {
      x.alerts.stop();
      await x.alerts.settled();
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
    }
  });
});
