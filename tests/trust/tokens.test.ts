import path from 'node:path';
import { spawnSync } from 'node:child_process';
import request from 'supertest';
import { DATABASES, freshDb, makeUser, testApp, type TestDb } from '../helpers/db';
import { signedIn, tokenFor, textOf } from '../pages/helpers';
import { TSX } from '../helpers/processes';
import { usersRepository } from '../../server/auth/users.repository';

describe.each(DATABASES)('tokens expire and can be revoked; users can be disabled, on %s', (kind) => {
  let t: TestDb;
  let app: ReturnType<typeof testApp>;
  beforeAll(async () => {
    t = await freshDb(kind, { seed: true });
    app = testApp(t.storage);
  });
  afterAll(() => t.cleanup());

  test('when a token is made, then it has a name and an expiry a year ahead by default; its owner lists and revokes it, and it stops working', async () => {
    const u = await makeUser(t.storage, 'editor');
    const made = await request(app).post('/api/v1/auth/tokens').send({ email: u.user.email, password: u.password, name: 'ci script' }).expect(201);
    expect(made.body.name).toBe('ci script');
    const days = (Date.parse(made.body.expiresAt) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(364);
    expect(days).toBeLessThan(366);
    const auth = { Authorization: `Bearer ${made.body.token}` };
    const list = await request(app).get('/api/v1/auth/tokens').set(auth).expect(200);
    const mine = list.body.data.find((k: { name: string }) => k.name === 'ci script');
    expect(mine).toMatchObject({ active: true, revokedAt: null });
    expect(JSON.stringify(list.body)).not.toContain(made.body.token);
    await request(app).delete(`/api/v1/auth/tokens/${mine.id}`).set(auth).expect(204);
    await request(app).get('/api/v1/me').set(auth).expect(401);
    await request(app).get('/api/v1/me').set(u.auth).expect(200); // the other token still works
  });

  test("when someone tries to revoke another user's token, then 404 and it keeps working", async () => {
    const [a, b] = await Promise.all([makeUser(t.storage, 'editor'), makeUser(t.storage, 'viewer')]);
    const id = (await request(app).get('/api/v1/auth/tokens').set(a.auth).expect(200)).body.data[0].id;
    await request(app).delete(`/api/v1/auth/tokens/${id}`).set(b.auth).expect(404);
    await request(app).get('/api/v1/me').set(a.auth).expect(200);
  });

  test('when a token has expired, then it answers 401; expiresInDays is bounded', async () => {
    const u = await makeUser(t.storage, 'viewer');
    const old = await usersRepository.createToken(t.storage.db, u.user.id, 'old', new Date(Date.now() - 1000).toISOString());
    await request(app)
      .get('/api/v1/me')
      .set({ Authorization: `Bearer ${old}` })
      .expect(401);
    const res = await request(app).post('/api/v1/auth/tokens').send({ email: u.user.email, password: u.password, expiresInDays: 100000 }).expect(400);
    expect(res.body.error.fields).toEqual([{ path: 'expiresInDays', message: expect.stringMatching(/at most/), code: 'days_at_most', params: { count: 1825 } }]);
    const short = await request(app).post('/api/v1/auth/tokens').send({ email: u.user.email, password: u.password, expiresInDays: 7 }).expect(201);
    expect((Date.parse(short.body.expiresAt) - Date.now()) / 86_400_000).toBeCloseTo(7, 0);
  });

  test("when an admin disables a user, then the user's tokens and sessions stop working and sign-in fails; editors may not disable", async () => {
    const [admin, victim, editor] = await Promise.all([makeUser(t.storage, 'admin'), makeUser(t.storage, 'editor'), makeUser(t.storage, 'editor')]);
    const agent = await signedIn(app, victim.user.email, victim.password);
    expect((await agent.get('/account/tokens')).status).toBe(200);
    await request(app).post('/api/v1/users/disable').set(editor.auth).send({ email: victim.user.email }).expect(403);
    await request(app).post('/api/v1/users/disable').set(admin.auth).send({ email: admin.user.email }).expect(400);
    await request(app).post('/api/v1/users/disable').set(admin.auth).send({ email: 'nobody@example.org' }).expect(404);
    const res = await request(app).post('/api/v1/users/disable').set(admin.auth).send({ email: victim.user.email }).expect(200);
    expect(res.body).toEqual({ email: victim.user.email, alreadyDisabled: false });
    await request(app).get('/api/v1/me').set(victim.auth).expect(401);
    expect((await agent.get('/account/tokens')).status).toBe(303); // the session is gone: back to sign-in
    await request(app).post('/api/v1/auth/tokens').send({ email: victim.user.email, password: victim.password }).expect(401);
  });

  test('when a signed-in user uses the token page, then a token is created and shown once, listed, and revoked', async () => {
    const u = await makeUser(t.storage, 'viewer');
    const agent = await signedIn(app, u.user.email, u.password);
    const csrf = await tokenFor(agent, '/account/tokens');
    const made = await agent.post('/account/tokens').type('form').send({ _csrf: csrf, name: 'laptop', expiresInDays: '30' }).expect(201);
    const token = /<code id="new-token">([^<]+)<\/code>/.exec(made.text)![1];
    await request(app)
      .get('/api/v1/me')
      .set({ Authorization: `Bearer ${token}` })
      .expect(200);
    const page = await agent.get('/account/tokens').expect(200);
    expect(textOf(page.text)).toContain('laptop');
    expect(page.text).not.toContain(token);
    const bad = await agent.post('/account/tokens').type('form').send({ _csrf: csrf, name: 'bad\u202Ename' });
    expect(bad.status).toBe(400);
    const ids = [...page.text.matchAll(/action="\/account\/tokens\/(\d+)\/revoke"/g)].map((m) => m[1]);
    for (const id of ids) await agent.post(`/account/tokens/${id}/revoke`).type('form').send({ _csrf: csrf }).expect(303);
    await request(app)
      .get('/api/v1/me')
      .set({ Authorization: `Bearer ${token}` })
      .expect(401);
  });
});

describe('npm run user:disable', () => {
  test('when the CLI disables a user, then their token stops working', async () => {
    const t = await freshDb('sqlite');
    try {
      const u = await makeUser(t.storage, 'editor');
      const env = { ...process.env, SQLITE_PATH: t.where, DATABASE_URL: '', LOG_LEVEL: 'silent' };
      const run = spawnSync(TSX, [path.resolve(__dirname, '..', '..', 'server/cli/user-disable.ts'), '--email', u.user.email], { env, encoding: 'utf8', timeout: 60_000 });
      expect(run.status).toBe(0);
      expect(run.stdout).toContain(`Disabled ${u.user.email}`);
      expect(await usersRepository.byToken(t.storage.db, u.token)).toBeUndefined();
      const unknown = spawnSync(TSX, [path.resolve(__dirname, '..', '..', 'server/cli/user-disable.ts'), '--email', 'nobody@example.org'], {
        env,
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(unknown.status).toBe(1);
    } finally {
      await t.cleanup();
    }
  });
});
