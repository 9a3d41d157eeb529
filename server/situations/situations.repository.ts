import type { Selectable } from 'kysely';
import type { Tx } from '../storage/database';
import type { SituationsTable } from '../storage/schema';
import type { Situation } from './situation';

const toSituation = (r: Selectable<SituationsTable>): Situation => ({
  id: r.id,
  slug: r.slug,
  title: r.title,
  country: r.country,
  onsetDate: r.onset_date,
  description: r.description,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export const situationsRepository = {
  async list(db: Tx): Promise<Situation[]> {
    return (await db.selectFrom('situations').selectAll().orderBy('onset_date', 'desc').orderBy('id').execute()).map(toSituation);
  },
  async bySlug(db: Tx, slug: string): Promise<Situation | undefined> {
    const r = await db.selectFrom('situations').selectAll().where('slug', '=', slug).executeTakeFirst();
    return r ? toSituation(r) : undefined;
  },
  async insert(db: Tx, s: Omit<Situation, 'id'>): Promise<number> {
    const r = await db
      .insertInto('situations')
      .values({
        slug: s.slug,
        title: s.title,
        country: s.country,
        onset_date: s.onsetDate,
        description: s.description,
        created_at: s.createdAt,
        updated_at: s.updatedAt,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return r.id;
  },
  /**
   * Marks a write: `updated_at` is the stamp every cache of the situation compares (views, pages, stored analyses,
   * on every instance), so each write must move it. It becomes `at`, or one millisecond past the stored stamp
   * when that is not earlier (two writes in the same millisecond, or clocks of two instances apart). The
   * conditional UPDATE waits on the row lock of a concurrent write, so two writers never end on one stamp.
   */
  async touch(db: Tx, id: number, at: string): Promise<string> {
    for (let next = at; ; ) {
      const r = await db.updateTable('situations').set({ updated_at: next }).where('id', '=', id).where('updated_at', '<', next).executeTakeFirst();
      if (Number(r.numUpdatedRows) > 0) return next;
      const row = await db.selectFrom('situations').select('updated_at').where('id', '=', id).executeTakeFirst();
      if (!row) return at;
      next = new Date(Math.max(Date.parse(row.updated_at) + 1, Date.parse(at))).toISOString();
    }
  },
};
