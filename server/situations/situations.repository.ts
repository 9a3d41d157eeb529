import type { Selectable } from 'kysely';
import type { Tx } from '../storage/database';
import type { SituationsTable } from '../storage/schema';
import { CATEGORIES, type Category } from '../figures/figure';
import type { Situation } from './situation';

const toSituation = (r: Selectable<SituationsTable>): Situation => ({
  id: r.id,
  slug: r.slug,
  title: r.title,
  country: r.country,
  onsetDate: r.onset_date,
  description: r.description,
  headlineCategory: (r.headline_category as Category | null) ?? null,
  version: r.version,
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
  async insert(db: Tx, s: Omit<Situation, 'id' | 'version'>): Promise<number> {
    const r = await db
      .insertInto('situations')
      .values({
        slug: s.slug,
        title: s.title,
        country: s.country,
        onset_date: s.onsetDate,
        description: s.description,
        headline_category: s.headlineCategory,
        created_at: s.createdAt,
        updated_at: s.updatedAt,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return r.id;
  },
  /** Applies an edit when the stored version is still `version`; false when someone changed it meanwhile. */
  async updateIfVersion(db: Tx, id: number, version: number, set: Pick<Situation, 'title' | 'onsetDate' | 'description' | 'headlineCategory'>): Promise<boolean> {
    const r = await db
      .updateTable('situations')
      .set({ title: set.title, onset_date: set.onsetDate, description: set.description, headline_category: set.headlineCategory, version: version + 1 })
      .where('id', '=', id)
      .where('version', '=', version)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  },
  async addHistory(db: Tx, situationId: number, action: 'create' | 'update', actor: string, at: string, before: Situation | null, after: Situation) {
    await db
      .insertInto('situation_history')
      .values({ situation_id: situationId, action, actor, at, before: before ? JSON.stringify(before) : null, after: JSON.stringify(after) })
      .execute();
  },
  async history(db: Tx, situationId: number) {
    const rows = await db.selectFrom('situation_history').selectAll().where('situation_id', '=', situationId).orderBy('id').execute();
    return rows.map((r) => ({
      id: r.id,
      action: r.action,
      actor: r.actor,
      at: r.at,
      before: r.before ? (JSON.parse(r.before) as Situation) : null,
      after: r.after ? (JSON.parse(r.after) as Situation) : null,
    }));
  },
  /**
   * Per category, the date of the latest approved figure (one index seek each: figures_latest_by_category). Which
   * category a situation is about follows its data: a situation of IDP stocks opens on IDPs.
   */
  async latestApprovedByCategory(db: Tx, situationId: number): Promise<{ category: Category; date: string }[]> {
    const rows = await Promise.all(
      CATEGORIES.map(async (category) => {
        const r = await db
          .selectFrom('figures')
          .select('period_end')
          .where('situation_id', '=', situationId)
          .where('status', '=', 'approved')
          .where('category', '=', category)
          .where('deleted_at', 'is', null)
          .orderBy('period_end', 'desc')
          .limit(1)
          .executeTakeFirst();
        return r ? { category, date: r.period_end } : null;
      }),
    );
    return rows.filter((r): r is { category: Category; date: string } => r !== null);
  },
  /**
   * Marks a write: `updated_at` is the stamp every cache of the situation compares (views, pages, stored analyses,
   * on every instance), so each write must move it. It becomes `at`, or one millisecond past the stored stamp
   * when that is not earlier (two writes in the same millisecond, or clocks of two instances apart). The
   * conditional UPDATE waits on the row lock of a concurrent write, so two writers never end on one stamp.
   */
  async touch(db: Tx, id: number, at: string): Promise<string> {
    for (let next = at; ;) {
      const r = await db.updateTable('situations').set({ updated_at: next }).where('id', '=', id).where('updated_at', '<', next).executeTakeFirst();
      if (Number(r.numUpdatedRows) > 0) return next;
      const row = await db.selectFrom('situations').select('updated_at').where('id', '=', id).executeTakeFirst();
      if (!row) return at;
      next = new Date(Math.max(Date.parse(row.updated_at) + 1, Date.parse(at))).toISOString();
    }
  },
};
