import type { Selectable } from 'kysely';
import type { Tx } from '../figures/figures.repository';
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
  async touch(db: Tx, id: number, at: string) {
    await db.updateTable('situations').set({ updated_at: at }).where('id', '=', id).execute();
  },
};
