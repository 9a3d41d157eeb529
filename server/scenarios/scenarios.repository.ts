import type { Tx } from '../storage/database';
import type { Scenario } from '../figures/figure';
import type { ScenarioCreate } from './scenario.schema';

/** Scenario rows mapped to domain objects, and their history; the handle is passed in so a service can use a transaction. */
export const scenariosRepository = {
  /** The situation's scenarios in id order; deleted ones only when asked (editors restoring one). */
  async list(db: Tx, situationId: number, opts: { includeDeleted?: boolean; id?: number } = {}): Promise<Scenario[]> {
    let q = db
      .selectFrom('scenarios as sc')
      .innerJoin('situations as s', 's.id', 'sc.situation_id')
      .innerJoin('organisations as o', 'o.id', 'sc.organisation_id')
      .selectAll('sc')
      .select(['s.slug as situation_slug', 'o.short_name as organisation_short_name'])
      .where('sc.situation_id', '=', situationId);
    if (!opts.includeDeleted) q = q.where('sc.deleted_at', 'is', null);
    if (opts.id != null) q = q.where('sc.id', '=', opts.id);
    const rows = await q.orderBy('sc.id').execute();
    return rows.map((r) => ({
      id: r.id,
      situation: r.situation_slug,
      location: r.location_code,
      category: r.category as Scenario['category'],
      organisation: r.organisation_short_name,
      kind: r.kind as Scenario['kind'],
      value: Number(r.value),
      horizonDate: r.horizon_date,
      publishedOn: r.published_on,
      sourceUrl: r.source_url,
      quote: r.quote,
      notes: r.notes,
      createdBy: r.created_by,
      createdAt: r.created_at,
      deletedAt: r.deleted_at,
    }));
  },

  async get(db: Tx, situationId: number, id: number): Promise<Scenario | undefined> {
    return (await this.list(db, situationId, { includeDeleted: true, id }))[0];
  },

  /** Inserts a validated scenario whose location and organisation are checked; returns its id. */
  async insert(db: Tx, situationId: number, input: ScenarioCreate & { location: string }, organisationId: number, actor: string, at: string): Promise<number> {
    const { id } = await db
      .insertInto('scenarios')
      .values({
        situation_id: situationId,
        location_code: input.location,
        category: input.category,
        organisation_id: organisationId,
        kind: input.kind,
        value: input.value,
        horizon_date: input.horizonDate ?? null,
        published_on: input.publishedOn,
        source_url: input.sourceUrl,
        quote: input.quote,
        notes: input.notes ?? null,
        created_by: actor,
        created_at: at,
        deleted_at: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return id;
  },

  async setDeleted(db: Tx, id: number, deletedAt: string | null) {
    await db.updateTable('scenarios').set({ deleted_at: deletedAt }).where('id', '=', id).execute();
  },

  async addHistory(db: Tx, scenarioId: number, action: string, actor: string, at: string, before: Scenario | null, after: Scenario | null) {
    await db
      .insertInto('scenario_history')
      .values({ scenario_id: scenarioId, action, actor, at, before: before && JSON.stringify(before), after: after && JSON.stringify(after) })
      .execute();
  },

  async history(db: Tx, scenarioId: number) {
    const rows = await db.selectFrom('scenario_history').selectAll().where('scenario_id', '=', scenarioId).orderBy('id').execute();
    return rows.map((r) => ({
      id: r.id,
      action: r.action,
      actor: r.actor,
      at: r.at,
      before: r.before == null ? null : (JSON.parse(r.before) as Scenario),
      after: r.after == null ? null : (JSON.parse(r.after) as Scenario),
    }));
  },
};
