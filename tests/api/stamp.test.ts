import { DATABASES, freshDb, type TestDb } from '../helpers/db';
import { situationsRepository } from '../../server/situations/situations.repository';

// Every cache of a situation (views, finished pages, stored analyses, on every instance) compares its updated_at:
// a write that left it unchanged would leave them all serving the old numbers.
describe.each(DATABASES)('the situation stamp on %s', (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await freshDb(kind, { seed: true });
  });
  afterAll(() => t.cleanup());

  test('when writes carry the same time, or an earlier one, then every write still moves the stamp forward', async () => {
    const s = (await situationsRepository.bySlug(t.storage.db, 'syria-2024-offensive'))!;
    const at = '2030-01-01T00:00:00.000Z';
    const stamps = [];
    for (const when of [at, at, at, '2029-12-31T23:59:59.999Z']) stamps.push(await t.storage.db.transaction().execute((trx) => situationsRepository.touch(trx, s.id, when)));
    expect(stamps).toEqual(['2030-01-01T00:00:00.000Z', '2030-01-01T00:00:00.001Z', '2030-01-01T00:00:00.002Z', '2030-01-01T00:00:00.003Z']);
    expect((await situationsRepository.bySlug(t.storage.db, 'syria-2024-offensive'))!.updatedAt).toBe('2030-01-01T00:00:00.003Z');
  });

  test('when many writes touch the situation at once with one time, then each ends on its own stamp', async () => {
    const s = (await situationsRepository.bySlug(t.storage.db, 'syria-2024-offensive'))!;
    const at = '2031-06-01T12:00:00.000Z';
    const stamps = await Promise.all(Array.from({ length: 6 }, () => t.storage.db.transaction().execute((trx) => situationsRepository.touch(trx, s.id, at))));
    expect(new Set(stamps).size).toBe(6);
    expect([...stamps].sort()).toEqual(Array.from({ length: 6 }, (_, i) => `2031-06-01T12:00:00.00${i}Z`));
  });
});
