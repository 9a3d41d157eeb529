/** Alert messages are stored in the instance's language; pages in another language write them again in it. */
import request from 'supertest';
import { DATABASES, freshDb, makeUser, type TestDb } from '../helpers/db';
import { alertApp, SLUG } from '../alerts/helpers';
import { alertText } from '../../server/alerts/alert-text';
import { createI18n } from '../../server/i18n/i18n';
import type { Alert } from '../../server/alerts/alert';

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
