import request from 'supertest';
import { DATABASES, freshDb, makeUser, testApp } from '../helpers/db';
import { startServer } from '../helpers/processes';
import { openStorage } from '../../server/storage/database';

const EDITS = 12;

/** Many editors patch the same figure from the same version at the same moment. */
async function race(targets: request.SuperTest<request.Test>[] | ((i: number) => request.Test), id: number, auth: Record<string, string>) {
  const send = (i: number) =>
    (typeof targets === 'function' ? targets(i) : targets[i % targets.length].patch(`/api/v1/figures/${id}`)).set(auth).send({ version: 1, notes: `edit ${i}` });
  return Promise.all(Array.from({ length: EDITS }, (_, i) => send(i)));
}

describe.each(DATABASES)('concurrent edits on %s', (kind) => {
  test('when two app instances receive many edits of one figure from the same version, then exactly one succeeds and history has no lost update', async () => {
    const t = await freshDb(kind, { seed: true });
    try {
      const editor = await makeUser(t.storage, 'editor');
      const id = (await t.storage.db.selectFrom('figures').select('id').orderBy('id').executeTakeFirstOrThrow()).id;
      let results: request.Response[];
      let stops: (() => Promise<void>)[] = [];
      if (kind === 'postgres') {
        // Two instances = two apps with their own connection pools on one database.
        const second = await openStorage({ url: process.env.TEST_DATABASE_URL!, pgSchema: t.where, pgPoolSize: 4 });
        stops.push(() => second.close());
        const apps = [request(testApp(t.storage)), request(testApp(second))] as unknown as request.SuperTest<request.Test>[];
        results = await race(apps, id, editor.auth);
      } else {
        // Two processes on one SQLite file.
        const servers = await Promise.all([startServer({ SQLITE_PATH: t.where }), startServer({ SQLITE_PATH: t.where })]);
        stops = servers.map((s) => s.stop);
        results = await race((i) => request(`http://127.0.0.1:${servers[i % 2].port}`).patch(`/api/v1/figures/${id}`), id, editor.auth);
      }
      await Promise.all(stops.map((s) => s()));
      const statuses = results.map((r) => r.status).sort();
      expect(statuses.filter((s) => s === 200)).toHaveLength(1);
      expect(statuses.filter((s) => s === 409)).toHaveLength(EDITS - 1);
      const winner = results.find((r) => r.status === 200)!.body;
      const history = await t.storage.db.selectFrom('figure_history').selectAll().where('figure_id', '=', id).orderBy('id').execute();
      expect(history.map((h) => h.action)).toEqual(['create', 'update']);
      expect(JSON.parse(history[1].after!).notes).toBe(winner.notes);
      const stored = await t.storage.db.selectFrom('figures').select(['version', 'notes']).where('id', '=', id).executeTakeFirstOrThrow();
      expect(stored).toEqual({ version: 2, notes: winner.notes });
    } finally {
      await t.cleanup();
    }
  });
});
