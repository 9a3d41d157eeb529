import type { Kysely } from 'kysely';

/**
 * Issue 10 (trust):
 * - `figures.changed_by`: who last changed what the figure says (value, range, dates, place, category, quantifier,
 *   unit, provenance); null means its creator. Approval needs someone else (or an admin), so a second editor who
 *   edits a figure cannot then approve her own change.
 * - `api_tokens.expires_at`: tokens end (default a year after they are made); null for tokens made before, which
 *   keep working until revoked.
 */
export function trust() {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('figures').addColumn('changed_by', 'text').execute();
      await db.schema.alterTable('api_tokens').addColumn('expires_at', 'text').execute();
      await db.schema.createIndex('api_tokens_user').on('api_tokens').column('user_id').execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropIndex('api_tokens_user').execute();
      await db.schema.alterTable('api_tokens').dropColumn('expires_at').execute();
      await db.schema.alterTable('figures').dropColumn('changed_by').execute();
    },
  };
}
