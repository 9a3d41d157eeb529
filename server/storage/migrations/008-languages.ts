import type { Kysely } from 'kysely';

/**
 * Interface languages: each user may keep a preferred language (null: follow the browser and the instance
 * default), and locations carry optional Arabic and French names shown on pages in those languages (null: the
 * default name).
 */
export function languages() {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('users').addColumn('locale', 'text').execute();
      await db.schema.alterTable('locations').addColumn('name_ar', 'text').execute();
      await db.schema.alterTable('locations').addColumn('name_fr', 'text').execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.alterTable('locations').dropColumn('name_fr').execute();
      await db.schema.alterTable('locations').dropColumn('name_ar').execute();
      await db.schema.alterTable('users').dropColumn('locale').execute();
    },
  };
}
