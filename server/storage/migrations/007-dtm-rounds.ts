import type { Kysely } from 'kysely';

/**
 * DTM round information on figures: the operation ("Sudan — Mobility tracking"), the reporting round and the
 * assessment type (BA baseline, SA site assessment). All optional: most sources have no rounds. Within one
 * operation only the latest round counts towards totals (docs/statistics.md), so the three travel with the figure.
 */
export function dtmRounds() {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('figures').addColumn('operation', 'text').execute();
      await db.schema.alterTable('figures').addColumn('reporting_round', 'integer').execute();
      await db.schema.alterTable('figures').addColumn('assessment_type', 'text').execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.alterTable('figures').dropColumn('assessment_type').execute();
      await db.schema.alterTable('figures').dropColumn('reporting_round').execute();
      await db.schema.alterTable('figures').dropColumn('operation').execute();
    },
  };
}
