import type { Kysely } from 'kysely';

/**
 * Computed analyses kept in the database (server/analysis/analysis.cache.ts), so a restarted instance, and the
 * other instances sharing a PostgreSQL database, reuse an expensive analysis instead of computing it again.
 * One row per situation and query key; `stamp` is the situation's `updated_at` the result was computed from:
 * a row whose stamp is not the situation's current one is never read (and is replaced on the next store).
 */
export function analysisCache() {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('analysis_cache')
        .addColumn('situation_id', 'integer', (c) => c.notNull().references('situations.id'))
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('stamp', 'text', (c) => c.notNull())
        .addColumn('result', 'text', (c) => c.notNull())
        .addColumn('compute_ms', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('analysis_cache_pk', ['situation_id', 'key'])
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('analysis_cache').execute();
    },
  };
}
