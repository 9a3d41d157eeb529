import { sql, type Selectable } from 'kysely';
import type { Tx } from '../storage/database';
import type { AlertDeliveriesTable, AlertRulesTable, AlertsTable } from '../storage/schema';
import type { Category, FigureGroup } from '../figures/figure';
import type { Alert, AlertRule, Delivery, RuleKind, RuleParams, Webhook } from './alert';

/** SQL of the alerts feature: rules, alerts, webhooks, subscriptions, deliveries, history, and the figure look-ups rules need. */

type AlertRow = Selectable<AlertsTable> & { situation_slug: string; situation_title: string; location_name: string | null };

const toRule = (r: Selectable<AlertRulesTable> & { situation_slug: string }): AlertRule => ({
  id: r.id,
  situation: r.situation_slug,
  kind: r.kind as RuleKind,
  location: r.location_code,
  category: r.category as Category | null,
  params: JSON.parse(r.params) as RuleParams,
  origin: r.origin,
  createdBy: r.created_by,
  createdAt: r.created_at,
  updatedBy: r.updated_by,
  updatedAt: r.updated_at,
  version: r.version,
  deletedAt: r.deleted_at,
});

const toAlert = (r: AlertRow): Alert => ({
  id: r.id,
  situation: r.situation_slug,
  situationTitle: r.situation_title,
  ruleId: r.rule_id,
  kind: r.kind as RuleKind,
  location: r.location_code,
  locationName: r.location_name,
  category: r.category as Category | null,
  value: r.value == null ? null : Number(r.value),
  observedOn: r.observed_on,
  message: r.message,
  detail: JSON.parse(r.detail) as Record<string, unknown>,
  figureIds: JSON.parse(r.figure_ids) as number[],
  source: null,
  triggeredAt: r.triggered_at,
  acknowledgedBy: r.acknowledged_by,
  acknowledgedAt: r.acknowledged_at,
  acknowledgementNote: r.acknowledgement_note,
});

const toDelivery = (r: Selectable<AlertDeliveriesTable>): Delivery => ({
  id: r.id,
  alertId: r.alert_id,
  channel: r.channel as Delivery['channel'],
  target: r.target,
  status: r.status as Delivery['status'],
  attempts: r.attempts,
  nextAttemptAt: r.next_attempt_at,
  lastStatus: r.last_status,
  lastError: r.last_error,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** Approved and not deleted, said literally so SQLite can use the partial index figures_approved_groups (migration 010). */
const APPROVED = sql<boolean>`f.status = 'approved' and f.deleted_at is null`;

/** A conflict's crossing key, `place|category|date|role`: the same as conflictKey, in SQL over a group `g`. */
const conflictKeySql = sql<string>`g.location_code || '|' || g.category || '|' || g.period_end || '|' || g.location_role`;

/** A conflict's crossing key: one per group of figures, so a group fires once. */
export const conflictKey = (g: { location: string; category: string; date: string; role: string }) => `${g.location}|${g.category}|${g.date}|${g.role}`;

export interface Conflict {
  location: string;
  date: string;
  category: Category;
  role: string;
  low: number;
  high: number;
}

export interface NewRule {
  situationId: number;
  kind: RuleKind;
  location: string;
  category: Category | null;
  params: RuleParams;
  origin: string | null;
  actor: string;
  at: string;
}

export interface NewAlert {
  situationId: number;
  ruleId: number;
  key: string;
  kind: RuleKind;
  location: string;
  category: Category | null;
  value: number | null;
  observedOn: string | null;
  message: string;
  detail: Record<string, unknown>;
  figureIds: number[];
  at: string;
}

export const alertsRepository = {
  rules(db: Tx) {
    return db.selectFrom('alert_rules as r').innerJoin('situations as s', 's.id', 'r.situation_id').selectAll('r').select('s.slug as situation_slug');
  },

  async listRules(db: Tx, situationId: number, opts: { includeDeleted?: boolean } = {}): Promise<AlertRule[]> {
    let q = this.rules(db).where('r.situation_id', '=', situationId);
    if (!opts.includeDeleted) q = q.where('r.deleted_at', 'is', null);
    return (await q.orderBy('r.id').execute()).map(toRule);
  },

  async getRule(db: Tx, situationId: number, id: number): Promise<AlertRule | undefined> {
    const r = await this.rules(db).where('r.situation_id', '=', situationId).where('r.id', '=', id).executeTakeFirst();
    return r ? toRule(r) : undefined;
  },

  async countRules(db: Tx, situationId: number): Promise<number> {
    const r = await db
      .selectFrom('alert_rules')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('situation_id', '=', situationId)
      .where('deleted_at', 'is', null)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  },

  /** Inserts a rule; a default rule (origin set) that exists already is left alone and undefined is returned. */
  async insertRule(db: Tx, r: NewRule): Promise<number | undefined> {
    const row = await db
      .insertInto('alert_rules')
      .values({
        situation_id: r.situationId,
        kind: r.kind,
        location_code: r.location,
        category: r.category,
        params: JSON.stringify(r.params),
        origin: r.origin,
        open_key: null,
        created_by: r.actor,
        created_at: r.at,
        updated_by: r.actor,
        updated_at: r.at,
        version: 1,
        deleted_at: null,
      })
      .onConflict((oc) => oc.columns(['situation_id', 'origin']).doNothing())
      .returning('id')
      .executeTakeFirst();
    return row?.id;
  },

  async updateRule(db: Tx, id: number, version: number, set: { location: string; category: Category | null; params: RuleParams; actor: string; at: string }): Promise<boolean> {
    const r = await db
      .updateTable('alert_rules')
      .set({
        location_code: set.location,
        category: set.category,
        params: JSON.stringify(set.params),
        open_key: null,
        updated_by: set.actor,
        updated_at: set.at,
        version: version + 1,
      })
      .where('id', '=', id)
      .where('version', '=', version)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  },

  async setRuleDeleted(db: Tx, id: number, version: number, deletedAt: string | null, actor: string, at: string): Promise<boolean> {
    const r = await db
      .updateTable('alert_rules')
      .set({ deleted_at: deletedAt, open_key: null, updated_by: actor, updated_at: at, version: version + 1 })
      .where('id', '=', id)
      .where('version', '=', version)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  },

  async openKey(db: Tx, ruleId: number): Promise<string | null> {
    const r = await db.selectFrom('alert_rules').select('open_key').where('id', '=', ruleId).executeTakeFirst();
    return r?.open_key ?? null;
  },

  async setOpenKey(db: Tx, ruleId: number, key: string | null) {
    await db.updateTable('alert_rules').set({ open_key: key }).where('id', '=', ruleId).execute();
  },

  /** Inserts an alert unless this rule already fired for this crossing; returns the new id, or undefined. */
  async insertAlert(db: Tx, a: NewAlert): Promise<number | undefined> {
    const row = await db
      .insertInto('alerts')
      .values({
        situation_id: a.situationId,
        rule_id: a.ruleId,
        crossing_key: a.key,
        kind: a.kind,
        location_code: a.location,
        category: a.category,
        value: a.value,
        observed_on: a.observedOn,
        message: a.message,
        detail: JSON.stringify(a.detail),
        figure_ids: JSON.stringify(a.figureIds),
        triggered_at: a.at,
        acknowledged_by: null,
        acknowledged_at: null,
        acknowledgement_note: null,
      })
      .onConflict((oc) => oc.columns(['rule_id', 'crossing_key']).doNothing())
      .returning('id')
      .executeTakeFirst();
    return row?.id;
  },

  alerts(db: Tx) {
    return db
      .selectFrom('alerts as a')
      .innerJoin('situations as s', 's.id', 'a.situation_id')
      .leftJoin('locations as l', 'l.code', 'a.location_code')
      .selectAll('a')
      .select(['s.slug as situation_slug', 's.title as situation_title', 'l.name as location_name']);
  },

  /** Newest first; `situationId` absent: every situation. */
  async listAlerts(db: Tx, q: { situationId?: number; limit: number; beforeId?: number }): Promise<Alert[]> {
    let query = this.alerts(db);
    if (q.situationId != null) query = query.where('a.situation_id', '=', q.situationId);
    if (q.beforeId != null) query = query.where('a.id', '<', q.beforeId);
    return (await query.orderBy('a.id', 'desc').limit(q.limit).execute()).map((r) => toAlert(r as AlertRow));
  },

  async getAlert(db: Tx, id: number): Promise<Alert | undefined> {
    const r = await this.alerts(db).where('a.id', '=', id).executeTakeFirst();
    return r ? toAlert(r as AlertRow) : undefined;
  },

  /** Sets the acknowledgement once: false when someone acknowledged it first. */
  async acknowledge(db: Tx, id: number, by: string, at: string, note: string | null): Promise<boolean> {
    const r = await db
      .updateTable('alerts')
      .set({ acknowledged_by: by, acknowledged_at: at, acknowledgement_note: note })
      .where('id', '=', id)
      .where('acknowledged_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  },

  /** Provenance of figures, for the "figure and source that triggered it". */
  async figureSources(db: Tx, ids: number[]) {
    if (!ids.length) return [];
    return db
      .selectFrom('figures as f')
      .innerJoin('organisations as o', 'o.id', 'f.organisation_id')
      .select(['f.id', 'o.short_name as organisation', 'f.source_url', 'f.published_on'])
      .where('f.id', 'in', ids)
      .execute();
  },

  /**
   * The latest approved report date (period end) among the locations (and category), with up to 5 of its figures.
   * One index seek per place (figures_approved_groups, migration 010) rather than one aggregate over every figure
   * of the subtree (8 s on a million figures).
   */
  async lastReport(db: Tx, situationId: number, codes: string[], category: Category | null): Promise<{ date: string; ids: number[] } | null> {
    if (!codes.length) return null;
    // `category || ''`: with a plain equality SQLite's planner walks figures_latest_by_category instead, once per place.
    const byCategory = category ? sql`and f.category || '' = ${category}` : sql``;
    const max = await sql<{ d: string | null }>`
      select max((select max(f.period_end) from figures f
                  where f.situation_id = ${situationId} and f.location_code = l.code ${byCategory} and ${APPROVED})) as d
      from locations l where l.code in (${sql.join(codes)})`.execute(db);
    const date = max.rows[0]?.d;
    if (!date) return null;
    const rows = await sql<{ id: number }>`
      select f.id from figures f
      where f.situation_id = ${situationId} and f.location_code in (${sql.join(codes)}) and f.period_end = ${date} ${byCategory} and ${APPROVED}`.execute(db);
    return {
      date,
      ids: rows.rows
        .map((r) => r.id)
        .sort((a, b) => a - b)
        .slice(0, 5),
    };
  },

  /**
   * Conflicting groups that have not fired for this rule yet: approved figures for the same place, date, category and
   * location role whose values differ by more than `percent` (max > min × (1 + percent/100)). Either the groups
   * `at` (the ones a write touched: one index seek each), or the newest `limit` groups of one place `in` (its groups
   * read in index order). Leaving out the groups that fired is what lets a new conflict fire after many old ones.
   */
  async conflicts(
    db: Tx,
    q: { situationId: number; ruleId: number; category: Category | null; percent: number } & ({ at: FigureGroup[] } | { in: string; limit: number }),
  ): Promise<Conflict[]> {
    if ('at' in q && !q.at.length) return [];
    // An import approved at once touches thousands of groups: a hundred per statement keeps it within parameter limits.
    if ('at' in q && q.at.length > 100) {
      const out: Conflict[] = [];
      for (let i = 0; i < q.at.length; i += 100) out.push(...(await this.conflicts(db, { ...q, at: q.at.slice(i, i + 100) })));
      return out;
    }
    const where =
      'at' in q
        ? sql`(${sql.join(
            q.at.map((g) => sql`(f.location_code = ${g.location} and f.period_end = ${g.periodEnd} and f.category = ${g.category} and f.location_role = ${g.role})`),
            sql` or `,
          )})`
        : sql`f.location_code = ${q.in}`;
    const byCategory = q.category ? sql`and f.category = ${q.category}` : sql``;
    // The cast: PostgreSQL would otherwise read the factor as the integer column's type.
    const groups = await sql<{ location_code: string; period_end: string; category: string; location_role: string; low: number | string; high: number | string }>`
      select g.* from (
        select f.location_code, f.period_end, f.category, f.location_role, min(f.value) as low, max(f.value) as high
        from figures f
        where f.situation_id = ${q.situationId} and ${where} ${byCategory} and ${APPROVED}
        group by f.location_code, f.period_end, f.category, f.location_role
        having count(*) >= 2 and max(f.value) > min(f.value) * cast(${1 + q.percent / 100} as double precision)
      ) g
      where not exists (select 1 from alerts a where a.rule_id = ${q.ruleId} and a.crossing_key = ${conflictKeySql})
      order by g.period_end desc, g.location_code, g.category, g.location_role
      ${'limit' in q ? sql`limit ${q.limit}` : sql``}`.execute(db);
    return groups.rows.map((g) => ({
      location: g.location_code,
      date: g.period_end,
      category: g.category as Category,
      role: g.location_role,
      low: Number(g.low),
      high: Number(g.high),
    }));
  },

  /** The first 20 approved figures of a conflicting group, for its alert. */
  async conflictFigures(db: Tx, situationId: number, g: Conflict): Promise<number[]> {
    const ids = await sql<{ id: number }>`
      select f.id from figures f
      where f.situation_id = ${situationId} and f.location_code = ${g.location} and f.period_end = ${g.date}
        and f.category = ${g.category} and f.location_role = ${g.role} and ${APPROVED}
      order by f.id limit 20`.execute(db);
    return ids.rows.map((r) => r.id);
  },

  async listWebhooks(db: Tx, situationId: number, opts: { includeDeleted?: boolean } = {}): Promise<(Webhook & { secret: string })[]> {
    let q = db.selectFrom('alert_webhooks as w').innerJoin('situations as s', 's.id', 'w.situation_id').selectAll('w').select('s.slug').where('w.situation_id', '=', situationId);
    if (!opts.includeDeleted) q = q.where('w.deleted_at', 'is', null);
    const rows = await q.orderBy('w.id').execute();
    return rows.map((r) => ({ id: r.id, situation: r.slug, url: r.url, secret: r.secret, createdBy: r.created_by, createdAt: r.created_at, deletedAt: r.deleted_at }));
  },

  async insertWebhook(db: Tx, situationId: number, url: string, secret: string, actor: string, at: string): Promise<number> {
    const r = await db
      .insertInto('alert_webhooks')
      .values({ situation_id: situationId, url, secret, created_by: actor, created_at: at, deleted_at: null })
      .returning('id')
      .executeTakeFirstOrThrow();
    return r.id;
  },

  async setWebhookDeleted(db: Tx, id: number, deletedAt: string | null) {
    await db.updateTable('alert_webhooks').set({ deleted_at: deletedAt }).where('id', '=', id).execute();
  },

  async subscription(db: Tx, situationId: number, userId: number) {
    return db.selectFrom('alert_subscriptions').selectAll().where('situation_id', '=', situationId).where('user_id', '=', userId).executeTakeFirst();
  },

  async subscriptionByToken(db: Tx, token: string) {
    return db
      .selectFrom('alert_subscriptions as x')
      .innerJoin('situations as s', 's.id', 'x.situation_id')
      .innerJoin('users as u', 'u.id', 'x.user_id')
      .select(['x.id', 'x.situation_id', 'x.user_id', 's.slug', 's.title', 'u.email'])
      .where('x.token', '=', token)
      .executeTakeFirst();
  },

  async insertSubscription(db: Tx, situationId: number, userId: number, token: string, at: string): Promise<number | undefined> {
    const r = await db
      .insertInto('alert_subscriptions')
      .values({ situation_id: situationId, user_id: userId, token, created_at: at })
      .onConflict((oc) => oc.columns(['situation_id', 'user_id']).doNothing())
      .returning('id')
      .executeTakeFirst();
    return r?.id;
  },

  async deleteSubscription(db: Tx, id: number) {
    await db.deleteFrom('alert_subscriptions').where('id', '=', id).execute();
  },

  /** Active subscribers of a situation (disabled users get nothing). */
  async subscribers(db: Tx, situationId: number) {
    return db
      .selectFrom('alert_subscriptions as x')
      .innerJoin('users as u', 'u.id', 'x.user_id')
      .select(['x.id', 'x.token', 'u.email', 'u.locale'])
      .where('x.situation_id', '=', situationId)
      .where('u.disabled_at', 'is', null)
      .orderBy('x.id')
      .execute();
  },

  /** One delivery per alert, channel and target: a second instance's insert is a no-op. Returns the ids created. */
  async insertDeliveries(db: Tx, rows: { alertId: number; situationId: number; channel: 'webhook' | 'email'; targetId: number; target: string; at: string }[]): Promise<number[]> {
    const ids: number[] = [];
    for (const d of rows) {
      const r = await db
        .insertInto('alert_deliveries')
        .values({
          alert_id: d.alertId,
          situation_id: d.situationId,
          channel: d.channel,
          target_id: d.targetId,
          target: d.target,
          status: 'pending',
          attempts: 0,
          next_attempt_at: d.at,
          last_status: null,
          last_error: null,
          created_at: d.at,
          updated_at: d.at,
        })
        .onConflict((oc) => oc.columns(['alert_id', 'channel', 'target_id']).doNothing())
        .returning('id')
        .executeTakeFirst();
      if (r) ids.push(r.id);
    }
    return ids;
  },

  /**
   * Claims a due delivery for one attempt: only the instance whose conditional update succeeds sends it. A claim
   * carries a lease (`leaseUntil`): a process that died mid-attempt leaves it to be claimed again afterwards.
   */
  async claimDelivery(db: Tx, id: number, now: string, leaseUntil: string): Promise<boolean> {
    const r = await db
      .updateTable('alert_deliveries')
      .set({ status: 'sending', next_attempt_at: leaseUntil, updated_at: now })
      .where('id', '=', id)
      .where((eb) => eb.or([eb('status', '=', 'pending'), eb('status', '=', 'sending')]))
      .where('next_attempt_at', '<=', now)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  },

  async finishAttempt(
    db: Tx,
    id: number,
    set: { status: Delivery['status']; attempts: number; nextAttemptAt: string | null; lastStatus: number | null; lastError: string | null; at: string },
  ) {
    await db
      .updateTable('alert_deliveries')
      .set({ status: set.status, attempts: set.attempts, next_attempt_at: set.nextAttemptAt, last_status: set.lastStatus, last_error: set.lastError, updated_at: set.at })
      .where('id', '=', id)
      .execute();
  },

  async delivery(db: Tx, id: number) {
    return db.selectFrom('alert_deliveries').selectAll().where('id', '=', id).executeTakeFirst();
  },

  async dueDeliveries(db: Tx, now: string, limit: number): Promise<number[]> {
    const rows = await db
      .selectFrom('alert_deliveries')
      .select('id')
      .where((eb) => eb.or([eb('status', '=', 'pending'), eb('status', '=', 'sending')]))
      .where('next_attempt_at', '<=', now)
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map((r) => r.id);
  },

  async listDeliveries(db: Tx, situationId: number, limit: number): Promise<Delivery[]> {
    return (await db.selectFrom('alert_deliveries').selectAll().where('situation_id', '=', situationId).orderBy('id', 'desc').limit(limit).execute()).map(toDelivery);
  },

  async addHistory(
    db: Tx,
    h: { situationId: number; entity: 'rule' | 'alert' | 'webhook' | 'subscription'; entityId: number; action: string; actor: string; at: string; before: unknown; after: unknown },
  ) {
    await db
      .insertInto('alert_history')
      .values({
        situation_id: h.situationId,
        entity: h.entity,
        entity_id: h.entityId,
        action: h.action,
        actor: h.actor,
        at: h.at,
        before: h.before == null ? null : JSON.stringify(h.before),
        after: h.after == null ? null : JSON.stringify(h.after),
      })
      .execute();
  },

  async history(db: Tx, entity: string, entityId: number) {
    const rows = await db.selectFrom('alert_history').selectAll().where('entity', '=', entity).where('entity_id', '=', entityId).orderBy('id').execute();
    return rows.map((r) => ({ action: r.action, actor: r.actor, at: r.at, before: r.before ? JSON.parse(r.before) : null, after: r.after ? JSON.parse(r.after) : null }));
  },
};
