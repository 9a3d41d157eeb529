import type { Kysely } from 'kysely';
import type { Dialect } from '../database';

/**
 * Situations become editable like figures: a `version` for stale-edit detection, an audit trail
 * (`situation_history`: who created or changed a situation and when, before and after), and the headline
 * category the dashboard and the situation page open on (null: the category with the most recent approved
 * figure). The index answers "latest approved report per category" with one seek per category.
 */
export function situationEdit(dialect: Dialect) {
  const id = dialect === 'sqlite' ? 'integer' : 'serial';
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('situations').addColumn('headline_category', 'text').execute();
      await db.schema
        .alterTable('situations')
        .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
        .execute();
      await db.schema
        .createTable('situation_history')
        .addColumn('id', id, (c) => c.primaryKey().$call((b) => (dialect === 'sqlite' ? b.autoIncrement() : b)))
        .addColumn('situation_id', 'integer', (c) => c.notNull().references('situations.id'))
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('before', 'text')
        .addColumn('after', 'text')
        .execute();
      await db.schema.createIndex('situation_history_situation').on('situation_history').columns(['situation_id', 'id']).execute();
      await db.schema.createIndex('figures_latest_by_category').on('figures').columns(['situation_id', 'status', 'category', 'period_end']).execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropIndex('figures_latest_by_category').execute();
      await db.schema.dropTable('situation_history').execute();
      await db.schema.alterTable('situations').dropColumn('version').execute();
      await db.schema.alterTable('situations').dropColumn('headline_category').execute();
    },
  };
}
