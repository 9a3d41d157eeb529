import type { Tx } from '../figures/figures.repository';

/** Import records (one per committed file) and the status of the figures each brought in. */
export const importsRepository = {
  async get(db: Tx, situationId: number, id: number) {
    return db.selectFrom('imports').selectAll().where('id', '=', id).where('situation_id', '=', situationId).executeTakeFirst();
  },

  /** Figures of an import by status (deleted ones not counted). */
  async countsByStatus(db: Tx, id: number): Promise<Record<string, number>> {
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
