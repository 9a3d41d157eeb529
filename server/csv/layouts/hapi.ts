/**
 * HDX HAPI affected-people CSV (`/api/v2/affected-people/idps?output_format=csv`, and this server's own
 * `/api/v1/hapi/affected-people/…` output), with or without its HXL row: one row = one figure.
 *
 * Why a recogniser: HAPI is where HDX users get DTM's IDP figures already matched to p-codes. Each row becomes a
 * stock figure of the population column's category (`#affected+idps` → idps, `+refugees`, `+returnees`; a file
 * without tags is HAPI's IDP theme unless a default category says otherwise), as of `reference_period_end`, at
 * the deepest place the row names (admin2_code, else admin1_code, else the country; admin_level must agree).
 * Provenance decisions:
 * - organisation: the `source_organisation` column (this server's output), else the default, else 'IOM DTM'
 *   (HAPI's IDP figures come from IOM DTM); sourceUrl and publishedOn likewise, else the HAPI endpoint and the
 *   reference date;
 * - operation, reportingRound (`reporting_round`) and assessmentType are kept; a round without an operation
 *   stays only in the quote (a round is counted within its operation);
 * - externalId: with an operation, the DTM layouts' key ('dtm:<operation>:<p-code>:<date>:r<round>:<type>'),
 *   so the same DTM figure arriving from HAPI and from a DTM file is one figure; else
 *   'hapi:<category>:<p-code>:<date>:<organisation>';
 * - locationRole 'destination': HAPI counts IDPs where they are.
 */
import type { Category } from '../../figures/figure';
import type { FigureCandidate, LocationCandidate, ReadItem } from '../candidate';
import type { FieldSpec, FileHeader, Resolved, RowAccess } from '../fields';
import { fail, parseCount, parseIso3, parseLocationCode } from '../values';
import { problem } from '../../i18n/field-errors';
import { CATEGORY_WORDS, compact, countryAllowed, people, skipOtherCountry, slug, type Layout, type LayoutContext } from './common';
import { DTM_ORGANISATION, dtmKey } from './dtm';

export const HAPI_SOURCE_URL = 'https://hapi.humdata.org/api/v2/affected-people/idps';

const POPULATION_TAGS: Readonly<Record<string, Category>> = { '#affected+idps': 'idps', '#affected+refugees': 'refugees', '#affected+returnees': 'returnees' };

/** HAPI's field names (the headers) and HXL hashtags; the name fields come before their `provider_` twins so each tag finds its own column. */
export const HAPI_SPECS: FieldSpec[] = [
  { field: 'location_code', tags: ['#country+code'] },
  { field: 'location_name', tags: ['#country+name'] },
  { field: 'admin1_code', tags: ['#adm1+code'] },
  { field: 'admin1_name', tags: ['#adm1+name-provider'] },
  { field: 'admin2_code', tags: ['#adm2+code'] },
  { field: 'admin2_name', tags: ['#adm2+name-provider'] },
  { field: 'admin_level', tags: ['#adm+level'] },
  { field: 'provider_admin1_name', tags: ['#adm1+name+provider'] },
  { field: 'provider_admin2_name', tags: ['#adm2+name+provider'] },
  { field: 'operation', tags: ['#operation+name'] },
  { field: 'reporting_round', tags: ['#round+code'] },
  { field: 'assessment_type', tags: ['#assessment+type'] },
  { field: 'population', tags: Object.keys(POPULATION_TAGS) },
  { field: 'reference_period_start', tags: ['#date+start'] },
  { field: 'reference_period_end', tags: ['#date+end'] },
  { field: 'source_organisation', tags: ['#meta+source'] },
  { field: 'source_url', tags: ['#meta+url'] },
  { field: 'published_on', tags: ['#date+published'] },
];

/** The category of the population column: from its hashtag when the file has them. */
function populationCategory(columns: Resolved, file: FileHeader, fallback: Category | undefined): Category {
  const i = columns.get('population');
  const tag = i === undefined ? undefined : file.tags[i];
  if (tag) for (const [spec, category] of Object.entries(POPULATION_TAGS)) if (tag.tag === 'affected' && tag.attributes.includes(spec.slice(10))) return category;
  return fallback ?? 'idps';
}

export const hapiAffectedPeople: Layout = {
  name: 'hapi',
  specs: HAPI_SPECS,
  detect: (c) => ['location_code', 'population', 'reference_period_end'].every((f) => c.has(f)) && (c.has('admin_level') || c.has('admin1_code')),
  create(ctx: LayoutContext) {
    const category = populationCategory(ctx.columns, ctx.file, ctx.options.defaults?.category);
    return { row: (r) => hapiRow(r, ctx, category) };
  },
};

function hapiRow(r: RowAccess, ctx: LayoutContext, category: Category): ReadItem[] | 'skipped' {
  if (skipOtherCountry(r, 'location_code', ctx)) return 'skipped';
  const d = ctx.options.defaults ?? {};
  const country = r.parse('location_code', parseIso3, true);
  const a1 = r.parse('admin1_code', parseLocationCode);
  const a2 = r.parse('admin2_code', parseLocationCode);
  const level = r.has('admin_level') ? r.oneOf('admin_level', ['0', '1', '2'] as const, true) : a2 ? '2' : a1 ? '1' : '0';
  if (level === '1' && r.text('admin1_code') === undefined) r.error('admin1_code', problem('required_at_level', { level: 1 }));
  if (level === '2' && r.text('admin2_code') === undefined) r.error('admin2_code', problem('required_at_level', { level: 2 }));
  if (level === '2' && r.text('admin1_code') === undefined) r.error('admin1_code', problem('required_admin1_parent'));
  const value = r.count('population', true);
  const date = r.date('reference_period_end', true);
  const roundText = r.text('reporting_round');
  const round = roundText === undefined ? undefined : r.parse('reporting_round', (s) => (/^\d{1,3}$/.test(s.trim()) ? parseCount(s) : fail<number>('dtm_round')));
  const publishedOn = r.date('published_on');
  if (country === undefined || level === undefined || value === undefined || date === undefined || r.errors.length) return [];
  const allowed = countryAllowed(r, 'location_code', country, ctx, r.text('location_name'));
  if (allowed !== true) return allowed === 'skipped' ? 'skipped' : [];

  const countryName = r.text('location_name') ?? country;
  const chain: LocationCandidate[] = [{ code: country, name: countryName, adminLevel: 0, parentCode: null, country }];
  const names = [countryName];
  if ((level === '1' || level === '2') && a1) {
    const name = r.text('admin1_name') ?? r.text('provider_admin1_name') ?? a1;
    chain.push({ code: a1, name, adminLevel: 1, parentCode: country, country });
    names.unshift(name);
  }
  if (level === '2' && a1 && a2) {
    const name = r.text('admin2_name') ?? r.text('provider_admin2_name') ?? a2;
    chain.push({ code: a2, name, adminLevel: 2, parentCode: a1, country });
    names.unshift(name);
  }
  const location = chain[chain.length - 1]!.code;
  const operation = r.text('operation');
  const assessment = r.text('assessment_type');
  const organisation = r.text('source_organisation') ?? d.organisation ?? DTM_ORGANISATION;
  const roundWords = round !== undefined ? ` round ${round}` : '';
  const assessmentWords = assessment ? ` (${assessment})` : '';
  const figure = compact<FigureCandidate>({
    externalId: operation
      ? dtmKey({ operation, date, round: round === undefined ? undefined : String(round), assessment }, location)
      : ['hapi', category, location, date, slug(organisation)].join(':'),
    location,
    locationRole: 'destination',
    category,
    periodStart: null,
    periodEnd: date,
    value,
    organisation,
    sourceUrl: r.text('source_url') ?? d.sourceUrl ?? HAPI_SOURCE_URL,
    sourceTitle: d.sourceTitle ?? (operation ? `HDX HAPI: ${operation}` : 'HDX HAPI'),
    publishedOn: publishedOn ?? d.publishedOn ?? date,
    quote: d.quote ?? `${organisation}${roundWords}${assessmentWords}: ${people(value)} ${CATEGORY_WORDS[category]} in ${names.join(', ')} as of ${date} (HDX HAPI row ${r.row})`,
    operation: operation ?? null,
    reportingRound: operation && round !== undefined ? round : null,
    assessmentType: assessment ?? null,
  });
  return ctx.locations.items(r.row, chain, figure);
}
