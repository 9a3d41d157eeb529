import { toFigureLike } from '../figures/figures.repository';
import type { Tx } from '../storage/database';
import type { Category } from '../figures/figure';
import type { FigureLike } from '../statistics/types';

/**
 * What the analysis reads: only the columns reconciliation and roll-up use (statistics/types.ts `FigureLike`), of
 * approved, not deleted figures. The figures list of the API reads all 33 columns and builds a full record per
 * row; for a country-level analysis of a large situation that is hundreds of thousands of rows, and the long
 * text columns (quote, source URL, notes) the statistics never look at made up most of the time and garbage
 * (BENCHMARKS.md P6 profile). Rows come in id order, as from the figures list, so warnings keep their order.
 */
export const analysisRepository = {
  async figures(db: Tx, q: { situationId: number; category: Category; locations: string[] }): Promise<FigureLike[]> {
    if (q.locations.length === 0) return [];
    const rows = await db
      .selectFrom('figures as f')
      .innerJoin('organisations as o', 'o.id', 'f.organisation_id')
      .select([
        'f.id',
        'f.location_code',
        'f.location_role',
        'f.category',
        'f.period_start',
        'f.period_end',
        'f.value',
        'f.value_low',
        'f.value_high',
        'f.quantifier',
        'f.published_on',
        'f.role',
        'f.status',
        'f.deleted_at',
        'f.operation',
        'f.reporting_round',
        'o.short_name as organisation_short_name',
        'o.reliability as organisation_reliability',
      ])
      .where('f.situation_id', '=', q.situationId)
      .where('f.deleted_at', 'is', null)
      .where('f.category', '=', q.category)
      .where('f.status', '=', 'approved')
      .where('f.location_code', 'in', q.locations)
      .orderBy('f.id')
      .execute();
    return rows.map(toFigureLike);
  },

  /** How many figures `figures` would read, counting no further than `limit`: a cheap size check before computing. */
  async countUpTo(db: Tx, q: { situationId: number; category: Category; locations: string[] }, limit: number): Promise<number> {
    if (q.locations.length === 0) return 0;
    const r = await db
      .selectFrom((eb) =>
        eb
          .selectFrom('figures')
          .select('id')
          .where('situation_id', '=', q.situationId)
          .where('deleted_at', 'is', null)
          .where('category', '=', q.category)
          .where('status', '=', 'approved')
          .where('location_code', 'in', q.locations)
          .limit(limit)
          .as('f'),
      )
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(r.n);
  },
};
