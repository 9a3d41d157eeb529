import type { Kysely } from 'kysely';
import type { Dialect } from '../database';

/**
 * The audit trail of scenarios, as figure_history is for figures: who created, deleted or restored a scenario and
 * when, with the record before and after. A scenario sets the "high" of a projection range (a ceiling such as WFP's
 * 1.5 million), so a wrong one must be removable — and its removal visible and undoable.
 */
export function scenarioHistory(dialect: Dialect) {
  const id = dialect === 'sqlite' ? 'integer' : 'serial';
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('scenario_history')
        .addColumn('id', id, (c) => c.primaryKey().$call((b) => (dialect === 'sqlite' ? b.autoIncrement() : b)))
        .addColumn('scenario_id', 'integer', (c) => c.notNull().references('scenarios.id'))
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('before', 'text')
        .addColumn('after', 'text')
        .execute();
      await db.schema.createIndex('scenario_history_scenario').on('scenario_history').columns(['scenario_id', 'id']).execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('scenario_history').execute();
    },
  };
}
