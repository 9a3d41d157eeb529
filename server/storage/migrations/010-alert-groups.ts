import { sql, type Kysely } from 'kysely';

/**
 * The approved figures of a situation by place, then date, category and location role (migration 010), for alert
 * evaluation on a large database. A partial index (approved and not deleted only; both databases have them):
 * - the latest report of a place is one seek (the stale rule), so a subtree's latest report is one seek per place;
 * - a group of figures for one place, date, category and role (the conflict rule) is one seek, and the groups of
 *   one place are read in order from the index alone (value is its last column), with no sort.
 * Queries must say `status = 'approved' and deleted_at is null` literally: SQLite uses a partial index only when
 * the query's own terms imply the index's, which a bound parameter cannot.
 */
export function alertGroups() {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createIndex('figures_approved_groups')
        .on('figures')
        .columns(['situation_id', 'location_code', 'period_end', 'category', 'location_role', 'value'])
        .where(sql<boolean>`status = 'approved' and deleted_at is null`)
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropIndex('figures_approved_groups').execute();
    },
  };
}
