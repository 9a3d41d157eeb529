import type { Tx } from '../storage/database';
import { nowIso } from '../storage/database';

/**
 * The analysis_cache table (migration 002): computed analyses as JSON, per situation and query key, valid for one
 * `stamp` (the situation's `updated_at`). Every write to a situation's figures or scenarios moves that stamp in
 * the same transaction, so a stored result is read only while the data it was computed from is unchanged.
 */
export const analysisCacheRepository = {
  /** The stored JSON for this key if it was computed at `stamp`, else undefined. */
  async get(db: Tx, situationId: number, key: string, stamp: string): Promise<string | undefined> {
    const r = await db.selectFrom('analysis_cache').select('result').where('situation_id', '=', situationId).where('key', '=', key).where('stamp', '=', stamp).executeTakeFirst();
    return r?.result;
  },

  /** Stores a result computed at `stamp`, and drops the situation's rows of other stamps (they can never be read again). */
  async put(db: Tx, situationId: number, key: string, stamp: string, result: string, computeMs: number): Promise<void> {
    await db.deleteFrom('analysis_cache').where('situation_id', '=', situationId).where('stamp', '<>', stamp).execute();
    await db
      .insertInto('analysis_cache')
      .values({ situation_id: situationId, key, stamp, result, compute_ms: Math.round(computeMs), created_at: nowIso() })
      .onConflict((oc) => oc.columns(['situation_id', 'key']).doUpdateSet({ stamp, result, compute_ms: Math.round(computeMs), created_at: nowIso() }))
      .execute();
  },

  /** Drops every stored result of a situation (called after a write in this process; other processes see the stamp move). */
  async drop(db: Tx, situationId: number): Promise<void> {
    await db.deleteFrom('analysis_cache').where('situation_id', '=', situationId).execute();
  },
};
