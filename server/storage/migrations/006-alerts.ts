import type { Kysely } from 'kysely';
import type { Dialect } from '../database';

/**
 * Alerts: rules per situation, the alerts they fired, where alerts go (webhooks, email subscriptions),
 * the delivery log, and one audit table for all of them.
 *
 * Two unique indexes carry the "once" guarantees across app instances sharing a database: an alert is unique per
 * rule and crossing key (two instances evaluating the same data compute the same key; the second insert is a
 * no-op), and a delivery is unique per alert, channel and target. Default rules are unique per situation and origin
 * (user rules have a null origin, and NULLs never collide in a unique index on either database).
 */
export function alerts(dialect: Dialect) {
  const id = dialect === 'sqlite' ? 'integer' : 'serial';
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('alert_rules')
        .addColumn('id', id, (c) => c.primaryKey().$call((b) => (dialect === 'sqlite' ? b.autoIncrement() : b)))
        .addColumn('situation_id', 'integer', (c) => c.notNull().references('situations.id'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('location_code', 'text', (c) => c.notNull())
        .addColumn('category', 'text')
        .addColumn('params', 'text', (c) => c.notNull())
        .addColumn('origin', 'text')
        .addColumn('open_key', 'text')
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_by', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('deleted_at', 'text')
        .execute();
      await db.schema.createIndex('alert_rules_situation').on('alert_rules').columns(['situation_id', 'id']).execute();
      await db.schema.createIndex('alert_rules_origin').on('alert_rules').columns(['situation_id', 'origin']).unique().execute();

      await db.schema
        .createTable('alerts')
        .addColumn('id', id, (c) => c.primaryKey().$call((b) => (dialect === 'sqlite' ? b.autoIncrement() : b)))
        .addColumn('situation_id', 'integer', (c) => c.notNull().references('situations.id'))
        .addColumn('rule_id', 'integer', (c) => c.notNull().references('alert_rules.id'))
        .addColumn('crossing_key', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('location_code', 'text', (c) => c.notNull())
        .addColumn('category', 'text')
        .addColumn('value', 'double precision')
        .addColumn('observed_on', 'text')
        .addColumn('message', 'text', (c) => c.notNull())
        .addColumn('detail', 'text', (c) => c.notNull())
        .addColumn('figure_ids', 'text', (c) => c.notNull())
        .addColumn('triggered_at', 'text', (c) => c.notNull())
        .addColumn('acknowledged_by', 'text')
        .addColumn('acknowledged_at', 'text')
        .addColumn('acknowledgement_note', 'text')
        .execute();
      await db.schema.createIndex('alerts_crossing').on('alerts').columns(['rule_id', 'crossing_key']).unique().execute();
      await db.schema.createIndex('alerts_situation').on('alerts').columns(['situation_id', 'id']).execute();

      await db.schema
        .createTable('alert_webhooks')
        .addColumn('id', id, (c) => c.primaryKey().$call((b) => (dialect === 'sqlite' ? b.autoIncrement() : b)))
        .addColumn('situation_id', 'integer', (c) => c.notNull().references('situations.id'))
        .addColumn('url', 'text', (c) => c.notNull())
        .addColumn('secret', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('deleted_at', 'text')
        .execute();
      await db.schema.createIndex('alert_webhooks_situation').on('alert_webhooks').columns(['situation_id', 'id']).execute();

      await db.schema
        .createTable('alert_subscriptions')
        .addColumn('id', id, (c) => c.primaryKey().$call((b) => (dialect === 'sqlite' ? b.autoIncrement() : b)))
        .addColumn('situation_id', 'integer', (c) => c.notNull().references('situations.id'))
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id'))
        .addColumn('token', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('alert_subscriptions_user').on('alert_subscriptions').columns(['situation_id', 'user_id']).unique().execute();
      await db.schema.createIndex('alert_subscriptions_token').on('alert_subscriptions').columns(['token']).unique().execute();

      await db.schema
        .createTable('alert_deliveries')
        .addColumn('id', id, (c) => c.primaryKey().$call((b) => (dialect === 'sqlite' ? b.autoIncrement() : b)))
        .addColumn('alert_id', 'integer', (c) => c.notNull().references('alerts.id'))
        .addColumn('situation_id', 'integer', (c) => c.notNull().references('situations.id'))
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('target_id', 'integer', (c) => c.notNull())
        .addColumn('target', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('next_attempt_at', 'text')
        .addColumn('last_status', 'integer')
        .addColumn('last_error', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('alert_deliveries_once').on('alert_deliveries').columns(['alert_id', 'channel', 'target_id']).unique().execute();
      await db.schema.createIndex('alert_deliveries_situation').on('alert_deliveries').columns(['situation_id', 'id']).execute();
      await db.schema.createIndex('alert_deliveries_due').on('alert_deliveries').columns(['status', 'next_attempt_at']).execute();

      await db.schema
        .createTable('alert_history')
        .addColumn('id', id, (c) => c.primaryKey().$call((b) => (dialect === 'sqlite' ? b.autoIncrement() : b)))
        .addColumn('situation_id', 'integer', (c) => c.notNull().references('situations.id'))
        .addColumn('entity', 'text', (c) => c.notNull())
        .addColumn('entity_id', 'integer', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('before', 'text')
        .addColumn('after', 'text')
        .execute();
      await db.schema.createIndex('alert_history_entity').on('alert_history').columns(['entity', 'entity_id', 'id']).execute();
    },
    async down(db: Kysely<unknown>) {
      for (const t of ['alert_history', 'alert_deliveries', 'alert_subscriptions', 'alert_webhooks', 'alerts', 'alert_rules']) await db.schema.dropTable(t).execute();
    },
  };
}
