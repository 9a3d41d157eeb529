/**
 * IDMC Global Internal Displacement Database (GIDD) by country and year, as HDX publishes it
 * (`idmc_gidd_conflict_new_and_total_displacements_2009_2024.csv`: iso3, country_name, year,
 * new_displacement, total_displacement and their rounded copies).
 *
 * Why a recogniser: GIDD is the reference for country totals. Each row gives up to two figures:
 * - `new_displacement`, a flow over the year: periodStart YYYY-01-01, periodEnd YYYY-12-31;
 * - `idps`, the stock at the end of the year: periodEnd YYYY-12-31.
 * An empty cell means IDMC has no number (not zero), so no figure is made and the summary counts it in
 * `skippedEmptyValues`; a 0 is a figure. The unrounded columns are used. organisation 'IDMC'; sourceUrl =
 * defaults.sourceUrl, else the GIDD page below; publishedOn = defaults.publishedOn, else the period end (the
 * file has no publication date); externalId 'idmc:<iso3>:<year>:new|total'; the quote states the row.
 * Country codes are ISO3 or IDMC's codes for areas without one (AB9, Abyei Area: 11 rows of the sample).
 * The cause (conflict / disasters) is read from the HXL attributes of the value columns when present.
 */
import type { FigureCandidate, LocationCandidate, ReadItem } from '../candidate';
import type { RowAccess } from '../fields';
import { fail, type Parsed } from '../values';
import { compact, countryAllowed, people, skipOtherCountry, type Layout } from './common';

export const IDMC_SOURCE_URL = 'https://www.internal-displacement.org/database/displacement-data/';
export const IDMC_ORGANISATION = 'IDMC';

/** ISO3, or one of IDMC's three-character codes for areas without one (AB9 = Abyei Area). */
const parseIdmcCode = (s: string): Parsed<string> => (/^[A-Z][A-Z0-9]{2}$/.test(s) ? { ok: true, value: s } : fail<string>('idmc_area'));

const parseYear = (s: string): Parsed<number> => (/^\d{4}$/.test(s) && Number(s) >= 1900 && Number(s) <= 2100 ? { ok: true, value: Number(s) } : fail<number>('year'));

export const idmcGidd: Layout = {
  name: 'idmc-gidd',
  specs: [
    { field: 'country', tags: ['#country+code'], headers: ['iso3'] },
    { field: 'countryName', tags: ['#country+name'], headers: ['country_name'] },
    { field: 'year', tags: ['#date+year'], headers: ['year'] },
    { field: 'new', tags: ['#affected+new-total'], headers: ['new_displacement'] },
    { field: 'total', tags: ['#affected+total-new'], headers: ['total_displacement'] },
  ],
  detect: (c) => ['country', 'year', 'new', 'total'].every((f) => c.has(f)),
  create(ctx) {
    const tagOf = (field: string) => {
      const i = ctx.columns.get(field);
      return i === undefined ? undefined : ctx.file.tags[i];
    };
    const cause = (field: string) => {
      const a = tagOf(field)?.attributes ?? [];
      return a.includes('conflict') ? ' by conflict and violence' : a.includes('disaster') || a.includes('disasters') ? ' by disasters' : '';
    };
    const causeNew = cause('new');
    const causeTotal = cause('total');
    const defaults = ctx.options.defaults ?? {};
    return {
      row(r: RowAccess): ReadItem[] | 'skipped' {
        if (skipOtherCountry(r, 'country', ctx)) return 'skipped';
        const country = r.parse('country', parseIdmcCode, true);
        const year = r.parse('year', parseYear, true);
        const newValue = r.count('new');
        const total = r.count('total');
        if (country === undefined || year === undefined || r.errors.length) return [];
        const allowed = countryAllowed(r, 'country', country, ctx);
        if (allowed !== true) return allowed === 'skipped' ? 'skipped' : [];
        const name = r.text('countryName') ?? country;
        const end = `${year}-12-31`;
        const base = {
          location: country,
          organisation: IDMC_ORGANISATION,
          sourceUrl: defaults.sourceUrl ?? IDMC_SOURCE_URL,
          sourceTitle: 'IDMC Global Internal Displacement Database (GIDD)',
          publishedOn: defaults.publishedOn ?? end,
          periodEnd: end,
        };
        const figures: FigureCandidate[] = [];
        if (newValue === undefined) ctx.counters.skippedEmptyValues++;
        else
          figures.push(
            compact<FigureCandidate>({
              ...base,
              externalId: `idmc:${country}:${year}:new`,
              category: 'new_displacement',
              periodStart: `${year}-01-01`,
              value: newValue,
              quote: `IDMC GIDD: ${people(newValue)} internal displacements${causeNew} in ${name} in ${year}`,
            }),
          );
        if (total === undefined) ctx.counters.skippedEmptyValues++;
        else
          figures.push(
            compact<FigureCandidate>({
              ...base,
              externalId: `idmc:${country}:${year}:total`,
              category: 'idps',
              periodStart: null,
              value: total,
              quote: `IDMC GIDD: ${people(total)} people internally displaced${causeTotal} in ${name} at the end of ${year}`,
            }),
          );
        const chain: LocationCandidate[] = [{ code: country, name, adminLevel: 0, parentCode: null, country }];
        if (!figures.length) return [];
        return figures.flatMap((f, i) => (i === 0 ? ctx.locations.items(r.row, chain, f) : [{ type: 'row' as const, row: r.row, figure: f, errors: [] }]));
      },
    };
  },
};
