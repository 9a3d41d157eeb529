import type { Selectable } from 'kysely';
import type { Tx } from '../storage/database';
import type { ImportsTable } from '../storage/schema';

/** A stored import: which file, read as which layout, by whom, and how many figures it added. */
export type ImportRecord = Selectable<ImportsTable>;

/** The imports table: one row per committed file; its figures point back to it (figures.import_id). */
export const importsRepository = {
  /** Opens an import record at the start of a commit; `finish` fills in what the read found. */
  async create(db: Tx, situationId: number, filename: string, actor: string, at: string): Promise<number> {
    const { id } = await db
      .insertInto('imports')
      .values({ situation_id: situationId, filename, sha256: '', layout: 'unknown', figure_count: 0, created_by: actor, created_at: at })
      .returning('id')
      .executeTakeFirstOrThrow();
    return id;
  },

  async finish(db: Tx, id: number, done: { sha256: string; layout: string; figureCount: number }): Promise<void> {
    await db.updateTable('imports').set({ sha256: done.sha256, layout: done.layout, figure_count: done.figureCount }).where('id', '=', id).execute();
  },

  async get(db: Tx, situationId: number, id: number): Promise<ImportRecord | undefined> {
    return db.selectFrom('imports').selectAll().where('id', '=', id).where('situation_id', '=', situationId).executeTakeFirst();
  },

  /** How many of the import's figures are in each status now (drafts left to review, approved, rejected). */
  async statusCounts(db: Tx, id: number): Promise<Record<string, number>> {
    const rows = await db
      .selectFrom('figures')
      .select(['status', (eb) => eb.fn.countAll().as('n')])
      .where('import_id', '=', id)
      .where('deleted_at', 'is', null)
      .groupBy('status')
      .execute();
    return Object.fromEntries(rows.map((s) => [s.status, Number(s.n)]));
  },
};
