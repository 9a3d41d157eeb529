import { sql } from 'kysely';
import type { Tx } from '../storage/database';
import { BulkInsert } from '../storage/bulk-insert';
import { isFlow, type Figure } from './figure';
import { peopleValue, type FigureCreate } from './figure.schema';
import type { Situation } from '../situations/situation';
import type { FigureLike } from '../statistics/types';
import type { CompiledQuery, Insertable, SelectQueryBuilder, Selectable, Updateable } from 'kysely';
import type { Database, FiguresTable } from '../storage/schema';

const figureColumns = [
  'f.id',
  'f.situation_id',
  'f.location_code',
  'f.location_role',
  'f.category',
  'f.period_start',
  'f.period_end',
  'f.value',
  'f.value_low',
  'f.value_high',
  'f.quantifier',
  'f.unit',
  'f.reported_value',
  'f.household_size',
  'f.organisation_id',
  'f.source_url',
  'f.source_title',
  'f.published_on',
  'f.quote',
  'f.role',
  'f.status',
  'f.notes',
  'f.external_id',
  'f.import_id',
  'f.created_by',
  'f.created_at',
  'f.updated_by',
  'f.updated_at',
  'f.version',
  'f.deleted_at',
  'f.changed_by',
  'f.operation',
  'f.reporting_round',
  'f.assessment_type',
  's.slug as situation_slug',
  'o.short_name as organisation_short_name',
  'o.reliability as organisation_reliability',
] as const;

type FigureRow = Selectable<FiguresTable> & { situation_slug: string; organisation_short_name: string; organisation_reliability: string };

export interface FigureRecord extends Figure {
  externalId: string | null;
  /** Who last changed what the figure says (its creator until someone does): approval needs someone else. */
  changedBy: string;
}

/** The columns the statistics read (analysis.repository.ts selects only these). */
export type FigureLikeRow = Pick<
  FigureRow,
  | 'id'
  | 'location_code'
  | 'location_role'
  | 'category'
  | 'period_start'
  | 'period_end'
  | 'value'
  | 'value_low'
  | 'value_high'
  | 'quantifier'
  | 'organisation_short_name'
  | 'organisation_reliability'
  | 'published_on'
  | 'role'
  | 'status'
  | 'deleted_at'
  | 'operation'
  | 'reporting_round'
>;

/** A row as the statistics see a figure: the fields of `FigureLike`, numbers as numbers. */
export function toFigureLike(r: FigureLikeRow): FigureLike {
  return {
    id: r.id,
    location: r.location_code,
    locationRole: r.location_role as Figure['locationRole'],
    category: r.category as Figure['category'],
    periodStart: r.period_start,
    periodEnd: r.period_end,
    value: Number(r.value),
    valueLow: r.value_low == null ? null : Number(r.value_low),
    valueHigh: r.value_high == null ? null : Number(r.value_high),
    quantifier: r.quantifier as Figure['quantifier'],
    organisation: r.organisation_short_name,
    organisationReliability: r.organisation_reliability as Figure['organisationReliability'],
    publishedOn: r.published_on,
    role: r.role as Figure['role'],
    status: r.status as Figure['status'],
    deletedAt: r.deleted_at,
    operation: r.operation,
    reportingRound: r.reporting_round == null ? null : Number(r.reporting_round),
  };
}

export function toFigure(r: FigureRow): FigureRecord {
  return {
    ...toFigureLike(r),
    situation: r.situation_slug,
    unit: r.unit as Figure['unit'],
    reportedValue: Number(r.reported_value),
    householdSize: r.household_size == null ? null : Number(r.household_size),
    sourceUrl: r.source_url,
    sourceTitle: r.source_title,
    quote: r.quote,
    notes: r.notes,
    operation: r.operation,
    reportingRound: r.reporting_round == null ? null : Number(r.reporting_round),
    assessmentType: r.assessment_type,
    externalId: r.external_id,
    createdBy: r.created_by,
    changedBy: r.changed_by ?? r.created_by,
    createdAt: r.created_at,
    updatedBy: r.updated_by,
    updatedAt: r.updated_at,
    version: r.version,
  };
}

/** The database row for a validated figure. Flows without a start count from the situation's onset. */
function toRow(situation: Situation, f: FigureCreate, organisationId: number) {
  const value = peopleValue(f)!;
  return {
    situation_id: situation.id,
    location_code: f.location,
    location_role: f.locationRole,
    category: f.category,
    period_start: isFlow(f.category) ? (f.periodStart ?? situation.onsetDate) : null,
    period_end: f.periodEnd,
    value,
    value_low: f.valueLow ?? null,
    value_high: f.valueHigh ?? null,
    quantifier: f.quantifier,
    unit: f.unit,
    reported_value: f.unit === 'households' ? f.reportedValue! : value,
    household_size: f.unit === 'households' ? f.householdSize! : null,
    organisation_id: organisationId,
    source_url: f.sourceUrl,
    source_title: f.sourceTitle ?? null,
    published_on: f.publishedOn,
    quote: f.quote,
    role: f.role,
    status: f.status,
    notes: f.notes ?? null,
    external_id: f.externalId ?? null,
    operation: f.operation ?? null,
    reporting_round: f.reportingRound ?? null,
    assessment_type: f.assessmentType ?? null,
  };
}

/** The columns of `toRow`, in the order the bulk insert of an import writes them. */
const BULK_COLUMNS = [
  'situation_id',
  'location_code',
  'location_role',
  'category',
  'period_start',
  'period_end',
  'value',
  'value_low',
  'value_high',
  'quantifier',
  'unit',
  'reported_value',
  'household_size',
  'organisation_id',
  'source_url',
  'source_title',
  'published_on',
  'quote',
  'role',
  'status',
  'notes',
  'external_id',
  'operation',
  'reporting_round',
  'assessment_type',
] as const;

/** Where each field of the figures export comes from. */
const EXPORT_COLUMNS: Readonly<Record<string, string>> = {
  id: 'f.id',
  situation: 's.slug',
  location: 'f.location_code',
  locationName: 'l.name',
  locationRole: 'f.location_role',
  category: 'f.category',
  periodStart: 'f.period_start',
  periodEnd: 'f.period_end',
  value: 'f.value',
  valueLow: 'f.value_low',
  valueHigh: 'f.value_high',
  quantifier: 'f.quantifier',
  unit: 'f.unit',
  reportedValue: 'f.reported_value',
  householdSize: 'f.household_size',
  organisation: 'o.short_name',
  sourceUrl: 'f.source_url',
  sourceTitle: 'f.source_title',
  publishedOn: 'f.published_on',
  quote: 'f.quote',
  role: 'f.role',
  status: 'f.status',
  notes: 'f.notes',
  createdBy: 'f.created_by',
  createdAt: 'f.created_at',
  updatedBy: 'f.updated_by',
  updatedAt: 'f.updated_at',
  version: 'f.version',
  externalId: 'f.external_id',
  operation: 'f.operation',
  reportingRound: 'f.reporting_round',
  assessmentType: 'f.assessment_type',
};

export interface FigureFilter {
  situationId: number;
  location?: string;
  /** Any of these location codes. */
  locations?: string[];
  category?: string;
  status?: string; // 'all' for every status
  organisationId?: number;
  from?: string;
  to?: string;
  includeDeleted?: boolean;
  afterId?: number;
  /** Newest report first (period end, then id, descending), optionally after a keyset cursor; instead of id order. */
  newestFirst?: { before?: { periodEnd: string; id: number } };
  limit?: number;
}

/** Figure rows mapped to domain objects. The handle is passed in so a service can use a transaction. */
export const figuresRepository = {
  select(db: Tx) {
    return db.selectFrom('figures as f').innerJoin('situations as s', 's.id', 'f.situation_id').innerJoin('organisations as o', 'o.id', 'f.organisation_id').select(figureColumns);
  },

  async get(db: Tx, id: number): Promise<FigureRecord | undefined> {
    const row = await this.select(db).where('f.id', '=', id).executeTakeFirst();
    return row ? toFigure(row as FigureRow) : undefined;
  },

  async list(db: Tx, q: FigureFilter): Promise<FigureRecord[]> {
    let query = q.newestFirst ? this.filter(this.select(db), q).orderBy('f.period_end', 'desc').orderBy('f.id', 'desc') : this.where(this.select(db), q);
    if (q.afterId != null) query = query.where('f.id', '>', q.afterId);
    // Keyset paging newest first: the rows after (period end, id) in descending order.
    const before = q.newestFirst?.before;
    if (before) query = query.where((eb) => eb.or([eb('f.period_end', '<', before.periodEnd), eb.and([eb('f.period_end', '=', before.periodEnd), eb('f.id', '<', before.id)])]));
    if (q.limit != null) query = query.limit(q.limit);
    const rows = await query.execute();
    return rows.map((r) => toFigure(r as FigureRow));
  },

  /** The filter's conditions, in id order, on a query over `figures as f`. */
  where<Q extends SelectQueryBuilder<Database & { f: FiguresTable }, 'f', object>>(query: Q, q: FigureFilter): Q {
    return this.filter(query, q).orderBy('f.id') as Q;
  },

  /** The filter's conditions, unordered. */
  filter<Q extends SelectQueryBuilder<Database & { f: FiguresTable }, 'f', object>>(query: Q, q: FigureFilter): Q {
    let w = query.where('f.situation_id', '=', q.situationId);
    if (!q.includeDeleted) w = w.where('f.deleted_at', 'is', null);
    if (q.location) w = w.where('f.location_code', '=', q.location);
    if (q.locations) w = q.locations.length ? w.where('f.location_code', 'in', q.locations) : w.where(sql<boolean>`1 = 0`);
    if (q.category) w = w.where('f.category', '=', q.category);
    if (q.status && q.status !== 'all') w = w.where('f.status', '=', q.status);
    if (q.organisationId != null) w = w.where('f.organisation_id', '=', q.organisationId);
    if (q.from) w = w.where('f.period_end', '>=', q.from);
    if (q.to) w = w.where('f.period_end', '<=', q.to);
    return w as Q;
  },

  /**
   * The matching figures as the columns `keys` of the figures export (FigureExportRow field names), compiled for
   * Storage.streamRows: the database does the joins and the column order, so each row goes to CSV as it comes.
   */
  exportQuery(db: Tx, q: FigureFilter, keys: readonly string[]): CompiledQuery {
    const base = db
      .selectFrom('figures as f')
      .innerJoin('situations as s', 's.id', 'f.situation_id')
      .innerJoin('organisations as o', 'o.id', 'f.organisation_id')
      .leftJoin('locations as l', 'l.code', 'f.location_code')
      .select(
        keys.map((k) => {
          const column = EXPORT_COLUMNS[k];
          if (!column) throw new Error(`no figures column for export field ${k}`);
          return sql.ref(column).as(k);
        }),
      );
    return this.where(base, q).compile();
  },

  /** The database row for a validated figure (also what imports write in bulk). */
  toRow,

  /** Inserts a figure at version 1 and returns it as stored. */
  async insert(db: Tx, situation: Situation, input: FigureCreate, organisationId: number, audit: { actor: string; at: string; importId: number | null }): Promise<FigureRecord> {
    const { actor, at } = audit;
    const { id } = await db
      .insertInto('figures')
      .values({
        ...toRow(situation, input, organisationId),
        created_by: actor,
        created_at: at,
        updated_by: actor,
        updated_at: at,
        version: 1,
        deleted_at: null,
        import_id: audit.importId,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return (await this.get(db, id))!;
  },

  /**
   * Applies `set` and steps the version, only if the figure is still at `version`: false when another writer got
   * there first (the caller answers 409 with the current record).
   */
  async updateIfVersion(db: Tx, id: number, version: number, set: Updateable<FiguresTable>, actor: string, at: string): Promise<boolean> {
    const res = await db
      .updateTable('figures')
      .set({ ...set, updated_by: actor, updated_at: at, version: version + 1 })
      .where('id', '=', id)
      .where('version', '=', version)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  },

  /** A bulk writer of `toRow` rows for an import: `fixed` holds the columns every row shares (import id, audit). */
  bulkInsert(db: Tx, fixed: Pick<Insertable<FiguresTable>, 'import_id' | 'created_by' | 'created_at' | 'updated_by' | 'updated_at' | 'version' | 'deleted_at'>) {
    return new BulkInsert(db, 'figures', BULK_COLUMNS, fixed);
  },

  /**
   * The columns that identify a figure for duplicate checks, for every figure of the situation (deleted ones too),
   * in pages of 20,000 rows so a million-figure situation is never one result.
   */
  async *keyRows(db: Tx, situationId: number) {
    let after = 0;
    for (;;) {
      const rows = await db
        .selectFrom('figures')
        .select(['id', 'external_id', 'source_url', 'location_code', 'category', 'period_end', 'value'])
        .where('situation_id', '=', situationId)
        .where('id', '>', after)
        .orderBy('id')
        .limit(20000)
        .execute();
      yield rows;
      if (rows.length < 20000) return;
      after = rows[rows.length - 1].id;
    }
  },

  /** Every location × category with approved figures, and how many organisations reported it (the summary export). */
  async approvedCombos(db: Tx, situationId: number): Promise<{ location_code: string; category: string; sources: number }[]> {
    return db
      .selectFrom('figures')
      .select(['location_code', 'category', sql<number>`count(distinct organisation_id)`.as('sources')])
      .where('situation_id', '=', situationId)
      .where('status', '=', 'approved')
      .where('deleted_at', 'is', null)
      .groupBy(['location_code', 'category'])
      .orderBy('location_code')
      .orderBy('category')
      .execute();
  },

  /** Short names of the organisations behind a situation's approved figures, sorted: its charts' colour order. */
  async approvedOrganisations(db: Tx, situationId: number): Promise<string[]> {
    const rows = await db
      .selectFrom('organisations as o')
      .select('o.short_name')
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom('figures as f')
            .select('f.id')
            .whereRef('f.organisation_id', '=', 'o.id')
            .where('f.situation_id', '=', situationId)
            .where('f.status', '=', 'approved')
            .where('f.deleted_at', 'is', null),
        ),
      )
      .orderBy('o.short_name')
      .execute();
    return rows.map((r) => r.short_name);
  },

  async findByExternalId(db: Tx, situationId: number, externalId: string): Promise<number | undefined> {
    const row = await db.selectFrom('figures').select('id').where('situation_id', '=', situationId).where('external_id', '=', externalId).executeTakeFirst();
    return row?.id;
  },

  /** Draft, not deleted figures of one import, in id order after `afterId` (a batch of "approve all from this import"). */
  async importDrafts(db: Tx, importId: number, afterId: number, limit: number): Promise<FigureRecord[]> {
    const rows = await this.select(db)
      .where('f.import_id', '=', importId)
      .where('f.status', '=', 'draft')
      .where('f.deleted_at', 'is', null)
      .where('f.id', '>', afterId)
      .orderBy('f.id')
      .limit(limit)
      .execute();
    return rows.map((r) => toFigure(r as FigureRow));
  },

  /** Sets drafts approved, one version step each; returns how many rows changed. */
  async approveMany(db: Tx, ids: number[], actor: string, at: string): Promise<number> {
    if (!ids.length) return 0;
    const res = await db
      .updateTable('figures')
      .set((eb) => ({ status: 'approved', updated_by: actor, updated_at: at, version: eb('version', '+', 1) }))
      .where('id', 'in', ids)
      .where('status', '=', 'draft')
      .executeTakeFirst();
    return Number(res.numUpdatedRows);
  },

  /** History rows of many figures in one statement. */
  async addHistoryMany(db: Tx, rows: { figureId: number; action: string; actor: string; at: string; before: unknown; after: unknown }[]) {
    if (!rows.length) return;
    await db
      .insertInto('figure_history')
      .values(
        rows.map((r) => ({
          figure_id: r.figureId,
          action: r.action,
          actor: r.actor,
          at: r.at,
          before: r.before == null ? null : JSON.stringify(r.before),
          after: r.after == null ? null : JSON.stringify(r.after),
        })),
      )
      .execute();
  },

  async addHistory(db: Tx, figureId: number, action: string, actor: string, at: string, before: unknown, after: unknown) {
    await db
      .insertInto('figure_history')
      .values({
        figure_id: figureId,
        action,
        actor,
        at,
        before: before == null ? null : JSON.stringify(before),
        after: after == null ? null : JSON.stringify(after),
      })
      .execute();
  },

  /**
   * A figure's changes, oldest first. An imported figure's first entry is its import, built from the import
   * record (imports write no history row per figure): its state then is the `before` of the first change after
   * it, or the figure as it is when nothing has changed since.
   */
  async history(db: Tx, figureId: number): Promise<HistoryEntry[]> {
    const rows = await db.selectFrom('figure_history').selectAll().where('figure_id', '=', figureId).orderBy('id').execute();
    const entries: HistoryEntry[] = rows.map((r) => ({
      id: r.id,
      action: r.action,
      actor: r.actor,
      at: r.at,
      importId: null,
      before: r.before == null ? null : (JSON.parse(r.before) as FigureRecord),
      after: r.after == null ? null : (JSON.parse(r.after) as FigureRecord),
    }));
    if (entries.some((e) => e.action === 'create' || e.action === 'import')) return entries;
    const row = await this.select(db).where('f.id', '=', figureId).executeTakeFirst();
    if (!row || row.import_id == null) return entries;
    const at = entries[0]?.before ?? toFigure(row as FigureRow);
    return [{ id: 0, action: 'import', actor: row.created_by, at: row.created_at, importId: row.import_id, before: null, after: at }, ...entries];
  },
};

export interface HistoryEntry {
  id: number;
  action: string;
  actor: string;
  at: string;
  /** The import a figure came from, on its import entry. */
  importId: number | null;
  before: FigureRecord | null;
  after: FigureRecord | null;
}
