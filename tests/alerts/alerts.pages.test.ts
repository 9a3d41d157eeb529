import request from 'supertest';
import { DATABASES, freshDb, makeUser, type TestDb } from '../helpers/db';
import { csrfFrom, signedIn } from '../pages/helpers';
import { alertApp, SLUG } from './helpers';

describe.each(DATABASES)('alert pages on %s', (kind) => {
  let t: TestDb;
  let x: ReturnType<typeof alertApp>;
  let editor: Awaited<ReturnType<typeof makeUser>>;
  let viewer: Awaited<ReturnType<typeof makeUser>>;
  const path = `/situations/${SLUG}/alerts`;

  beforeAll(async () => {
    t = await freshDb(kind, { seed: true });
    x = alertApp(t.storage);
    [editor, viewer] = await Promise.all([makeUser(t.storage, 'editor'), makeUser(t.storage, 'viewer')]);
  });
  afterAll(async () => {
    x.alerts.stop();
    await t.cleanup();
  });

  test('when a reader is not signed in, then the alerts page lists rules with a sign-in link and no forms', async () => {
    const page = await request(x.app).get(path).expect(200);
    expect(page.text).toContain('Sign in to acknowledge alerts');
    expect(page.text).not.toContain('name="_csrf"');
    await request(x.app).post(`${path}/rules`).type('form').send({ kind: 'stale', days: '3' }).expect(403);
  });

  test('when an editor submits the rule form, then a bad value re-renders the form with the error, and a good one saves the rule and the alert fires; the cached situation page shows it', async () => {
    // An anonymous reader's situation page is cached before the alert exists.
    expect((await request(x.app).get(`/situations/${SLUG}`).expect(200)).text).toContain('No alerts so far.');
    const agent = await signedIn(x.app, editor.user.email, editor.password);
    const form = await agent.get(path).expect(200);
    const bad = await agent
      .post(`${path}/rules`)
      .type('form')
      .send({ _csrf: csrfFrom(form.text), kind: 'threshold', location: 'SYR', category: 'new_displacement', threshold: 'lots' })
      .expect(400);
    expect(bad.text).toContain('Threshold (people): must be a number');
    expect(bad.text).toContain('value="lots"');
    // Fields of other kinds on the form are ignored; "300,000" is read as a number.
    await agent
      .post(`${path}/rules`)
      .type('form')
      .send({ _csrf: csrfFrom(form.text), kind: 'threshold', location: 'SYR', category: 'new_displacement', threshold: '300,000', days: '9', percent: '' })
      .expect(303);
    await x.alerts.settled();
    const page = await agent.get(path).expect(200);
    expect(page.text).toContain('threshold: 300,000');
    expect(page.text).toContain('reached the threshold of 300,000');
    const anon = await request(x.app).get(`/situations/${SLUG}`).expect(200);
    expect(anon.text).toContain('reached the threshold of 300,000');
    expect(anon.text).not.toContain('No alerts so far.');
  });

  test('when a viewer acknowledges with a note and subscribes through the forms, then the page shows both', async () => {
    const agent = await signedIn(x.app, viewer.user.email, viewer.password);
    const page = await agent.get(path).expect(200);
    const id = /action="\/alerts\/(\d+)\/acknowledge"/.exec(page.text)![1];
    await agent
      .post(`/alerts/${id}/acknowledge`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), note: 'Seen, <b>checking</b>' })
      .expect(303);
    const after = await agent.get(path).expect(200);
    expect(after.text).toContain(`Acknowledged by ${viewer.user.email}`);
    expect(after.text).toContain('Seen, &lt;b&gt;checking&lt;/b&gt;');
    await agent
      .post(`${path}/subscribe`)
      .type('form')
      .send({ _csrf: csrfFrom(after.text) })
      .expect(303);
    const subscribed = await agent.get(path).expect(200);
    expect(subscribed.text).toContain(`Alerts of this situation are emailed to ${viewer.user.email}`);
    expect(subscribed.text).toContain('no SMTP configured');
    await agent
      .post(`${path}/unsubscribe`)
      .type('form')
      .send({ _csrf: csrfFrom(subscribed.text) })
      .expect(303);
    expect((await agent.get(path).expect(200)).text).toContain('Subscribe by email');
    // A viewer cannot add rules.
    await agent
      .post(`${path}/rules`)
      .type('form')
      .send({ _csrf: csrfFrom(subscribed.text), kind: 'stale', days: '3' })
      .expect(403);
  });
});
