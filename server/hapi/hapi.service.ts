import type { Storage } from '../storage/database';
import { parseQuery } from '../validation';
import { hapiQuerySchema, HAPI_CATEGORIES, type HapiQuery, type HapiRow, type HapiTheme } from './hapi';
import { hapiRepository } from './hapi.repository';

/** HAPI-shaped rows of this server's figures (README "HDX HAPI output" documents the mapping). */
export class HapiService {
  constructor(private readonly storage: Storage) {}

  parse(query: unknown): HapiQuery {
    return parseQuery(hapiQuerySchema, query);
  }

  async rows(theme: HapiTheme, q: HapiQuery): Promise<HapiRow[]> {
    const rows = await hapiRepository.rows(this.storage.db, HAPI_CATEGORIES[theme], q);
    return rows.map((r) => {
      const level = Number(r.admin_level);
      const a1 = level === 1 ? { code: r.code, name: r.name } : level === 2 ? { code: r.parent_code, name: r.parent_name } : null;
      const a2 = level === 2 ? { code: r.code, name: r.name } : null;
      return {
        location_code: r.country,
        location_name: r.country_name,
        admin1_code: a1?.code ?? null,
        admin1_name: a1?.name ?? null,
        admin2_code: a2?.code ?? null,
        admin2_name: a2?.name ?? null,
        admin_level: level,
        provider_admin1_name: a1?.name ?? null,
        provider_admin2_name: a2?.name ?? null,
        // Empty for sources without rounds, as HAPI allows.
        operation: r.operation,
        reporting_round: r.reporting_round == null ? null : Number(r.reporting_round),
        assessment_type: r.assessment_type,
        population: Number(r.value),
        reference_period_start: r.period_end,
        reference_period_end: r.period_end,
        source_organisation: r.organisation,
        source_url: r.source_url,
        published_on: r.published_on,
      };
    });
  }
}
