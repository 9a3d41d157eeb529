import type { Tx } from '../storage/database';
import type { Category } from '../figures/figure';
import type { HapiQuery } from './hapi';

/**
 * Approved, recommended stock figures with their place resolved to country / admin 1 / admin 2 (a figure's location
 * and up to two parents), in figure id order so limit/offset pages are stable. Areas (non-administrative regions)
 * have no place in HAPI's admin model and are left out.
 */
export const hapiRepository = {
  async rows(db: Tx, category: Category, q: HapiQuery) {
    let query = db
      .selectFrom('figures as f')
      .innerJoin('organisations as o', 'o.id', 'f.organisation_id')
      .innerJoin('locations as l', 'l.code', 'f.location_code')
      .leftJoin('locations as p', 'p.code', 'l.parent_code')
      .leftJoin('locations as c', 'c.code', 'l.country')
      .select([
        'f.id',
        'f.value',
        'f.period_end',
        'f.source_url',
        'f.published_on',
        'f.operation',
        'f.reporting_round',
        'f.assessment_type',
        'o.short_name as organisation',
        'l.code',
        'l.name',
        'l.admin_level',
        'l.country',
        'p.code as parent_code',
        'p.name as parent_name',
        'c.name as country_name',
      ])
      .where('f.category', '=', category)
      .where('f.status', '=', 'approved')
      .where('f.role', '=', 'recommended')
      .where('f.deleted_at', 'is', null)
      .where('l.is_area', '=', 0)
      .where('l.admin_level', '<=', 2);
    if (q.location_code) query = query.where('l.country', '=', q.location_code);
    if (q.admin_level != null) query = query.where('l.admin_level', '=', q.admin_level);
    if (q.admin1_code)
      query = query.where((eb) =>
        eb.or([eb.and([eb('l.admin_level', '=', 1), eb('l.code', '=', q.admin1_code!)]), eb.and([eb('l.admin_level', '=', 2), eb('l.parent_code', '=', q.admin1_code!)])]),
      );
    if (q.admin2_code) query = query.where('l.admin_level', '=', 2).where('l.code', '=', q.admin2_code);
    if (q.start_date) query = query.where('f.period_end', '>=', q.start_date);
    if (q.end_date) query = query.where('f.period_end', '<=', q.end_date);
    return query.orderBy('f.id').limit(q.limit).offset(q.offset).execute();
  },
};
