import type { Selectable } from 'kysely';
import type { Tx } from '../storage/database';
import type { BoundariesTable } from '../storage/schema';
import type { AreaTopology } from './choropleth';
import type { Boundary, BoundaryHistoryEntry, BoundarySummary } from './boundary';

/** SQL of the maps feature: boundary versions per situation and level, and their audit trail. */

const SUMMARY = [
  'id',
  'admin_level',
  'projected',
  'source',
  'licence',
  'pcode_field',
  'name_field',
  'filename',
  'feature_count',
  'vertex_count',
  'matched',
  'created_by',
  'created_at',
  'retired_at',
  'retired_by',
  'retired_reason',
] as const;

const toSummary = (r: Omit<Selectable<BoundariesTable>, 'topology' | 'situation_id'>): BoundarySummary => ({
  id: r.id,
  adminLevel: r.admin_level,
  projected: !!r.projected,
  source: r.source,
  licence: r.licence,
  pcodeField: r.pcode_field,
  nameField: r.name_field,
  filename: r.filename,
  features: r.feature_count,
  vertices: r.vertex_count,
  matched: JSON.parse(r.matched) as Record<string, string>,
  createdBy: r.created_by,
  createdAt: r.created_at,
  retiredAt: r.retired_at,
  retiredBy: r.retired_by,
  retiredReason: r.retired_reason as BoundarySummary['retiredReason'],
});

export const mapsRepository = {
  /** Every version of the situation's boundaries, newest first (no geometry). */
  async list(db: Tx, situationId: number): Promise<BoundarySummary[]> {
    const rows = await db.selectFrom('boundaries').select(SUMMARY).where('situation_id', '=', situationId).orderBy('admin_level').orderBy('id', 'desc').execute();
    return rows.map(toSummary);
  },
  /** The current boundary of a level (the one not retired), with its geometry. */
  async current(db: Tx, situationId: number, level: number): Promise<Boundary | undefined> {
    const r = await db
      .selectFrom('boundaries')
      .selectAll()
      .where('situation_id', '=', situationId)
      .where('admin_level', '=', level)
      .where('retired_at', 'is', null)
      .orderBy('id', 'desc')
      .executeTakeFirst();
    return r ? { ...toSummary(r), topology: JSON.parse(r.topology) as AreaTopology } : undefined;
  },
  async get(db: Tx, situationId: number, id: number): Promise<BoundarySummary | undefined> {
    const r = await db.selectFrom('boundaries').select(SUMMARY).where('situation_id', '=', situationId).where('id', '=', id).executeTakeFirst();
    return r ? toSummary(r) : undefined;
  },
  async insert(db: Tx, v: Omit<BoundarySummary, 'id' | 'retiredAt' | 'retiredBy' | 'retiredReason'> & { situationId: number; topology: AreaTopology }): Promise<number> {
    const r = await db
      .insertInto('boundaries')
      .values({
        situation_id: v.situationId,
        admin_level: v.adminLevel,
        topology: JSON.stringify(v.topology),
        projected: v.projected ? 1 : 0,
        source: v.source,
        licence: v.licence,
        pcode_field: v.pcodeField,
        name_field: v.nameField,
        filename: v.filename,
        feature_count: v.features,
        vertex_count: v.vertices,
        matched: JSON.stringify(v.matched),
        created_by: v.createdBy,
        created_at: v.createdAt,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return r.id;
  },
  async retire(db: Tx, id: number, at: string, by: string, reason: 'replaced' | 'deleted') {
    await db.updateTable('boundaries').set({ retired_at: at, retired_by: by, retired_reason: reason }).where('id', '=', id).execute();
  },
  async reinstate(db: Tx, id: number) {
    await db.updateTable('boundaries').set({ retired_at: null, retired_by: null, retired_reason: null }).where('id', '=', id).execute();
  },
  async addHistory(db: Tx, e: { situationId: number; boundaryId: number; action: string; actor: string; at: string; detail: unknown }) {
    await db
      .insertInto('boundary_history')
      .values({ situation_id: e.situationId, boundary_id: e.boundaryId, action: e.action, actor: e.actor, at: e.at, detail: JSON.stringify(e.detail) })
      .execute();
  },
  async history(db: Tx, situationId: number): Promise<BoundaryHistoryEntry[]> {
    const rows = await db.selectFrom('boundary_history').selectAll().where('situation_id', '=', situationId).orderBy('id', 'desc').limit(200).execute();
    return rows.map((r) => ({ boundaryId: r.boundary_id, action: r.action, actor: r.actor, at: r.at, detail: r.detail ? (JSON.parse(r.detail) as unknown) : null }));
  },
};
