/**
 * IOM DTM API files as HDX publishes them, admin 0 and admin 1 (`global-iom-dtm-from-api-admin0.csv`,
 * `…-admin1.csv` and their country subsets): one row = IDPs present in a place at one round.
 *
 * Why a recogniser: DTM is the main source of sub-national IDP stocks with p-codes. Each row becomes one
 * `idps` stock figure (numPresentIdpInd, as of reportingDate), location = admin0Pcode (ISO3) or admin1Pcode
 * (parent = the country). Provenance decisions:
 * - organisation 'IOM DTM'; sourceUrl = defaults.sourceUrl, else the DTM API page below (the HDX dataset
 *   "Global IOM DTM from API" is generated from it);
 * - quote: DTM rows carry no sentence, so the quote states the row: "IOM DTM round 12 (BA): 3,355,040 IDPs
 *   present in Sudan as of 2023-07-25" (BA = baseline assessment, SA = site assessment);
 * - publishedOn = defaults.publishedOn, else the reporting date (the file has no publication date);
 * - externalId 'dtm:<id>' from the row's `id` (rows without one: the composite key of dtm-admin-0-to-2.ts);
 * - locationRole 'destination': DTM counts IDPs where they are, not where they fled from.
 */
import { localNames, type FigureCandidate, type LocationCandidate, type ReadItem } from '../candidate';
import type { FieldSpec, Resolved, RowAccess } from '../fields';
import { parseIso3, parseLocationCode } from '../values';
import { compact, countryAllowed, people, skipOtherCountry, slug, type Layout, type LayoutContext } from './common';
import { problem } from '../../i18n/field-errors';

export const DTM_SOURCE_URL = 'https://dtm.iom.int/data-and-analysis/dtm-api';
export const DTM_ORGANISATION = 'IOM DTM';

/** Columns shared by every DTM API file; tags are those of the HDX files, headers the API's field names. */
export const DTM_SPECS: FieldSpec[] = [
  { field: 'id', tags: ['#id+code'], headers: ['id'] },
  { field: 'operation', tags: ['#operation+name'], headers: ['operation'] },
  { field: 'countryName', tags: ['#country+name'], headers: ['admin0Name'] },
  { field: 'country', tags: ['#country+code'], headers: ['admin0Pcode'] },
  { field: 'admin1Name', tags: ['#adm1+name-origin-i_ar-i_fr'], headers: ['admin1Name'] },
  // Arabic and French names where a file carries them (OCHA boundary names use ADM1_AR / ADM1_FR).
  { field: 'admin1NameAr', tags: ['#adm1+name+i_ar-origin'], headers: ['admin1Name_ar', 'ADM1_AR'] },
  { field: 'admin1NameFr', tags: ['#adm1+name+i_fr-origin'], headers: ['admin1Name_fr', 'ADM1_FR'] },
  { field: 'admin1Pcode', tags: ['#adm1+code-origin'], headers: ['admin1Pcode'] },
  { field: 'value', tags: ['#affected+idps-m-f'], headers: ['numPresentIdpInd'] },
  { field: 'date', tags: ['#date+reported-year-month'], headers: ['reportingDate'] },
  { field: 'round', tags: ['#round+code'], headers: ['roundNumber'] },
  { field: 'assessment', tags: ['#assessment+type'], headers: ['assessmentType'] },
];

const has = (c: Resolved, ...fields: string[]) => fields.every((f) => c.has(f));

/** The fields every DTM row needs, read and checked; undefined when the row has errors. */
export interface DtmRow {
  country: string;
  countryName: string;
  value: number;
  date: string;
  round?: string;
  assessment?: string;
  operation?: string;
  id?: string;
}

export function readDtmRow(r: RowAccess): DtmRow | undefined {
  const country = r.parse('country', parseIso3, true);
  const value = r.count('value', true);
  const date = r.date('date', true);
  const round = r.text('round');
  if (round !== undefined && !/^\d{1,3}$/.test(round)) r.error('round', problem('dtm_round'), round);
  if (country === undefined || value === undefined || date === undefined || r.errors.length) return undefined;
  return {
    country,
    countryName: r.text('countryName') ?? country,
    value,
    date,
    round,
    assessment: r.text('assessment'),
    operation: r.text('operation'),
    id: r.text('id'),
  };
}

/** "IOM DTM round 12 (BA): 3,355,040 IDPs present in Sudan as of 2023-07-25" */
export function dtmQuote(d: Pick<DtmRow, 'round' | 'assessment' | 'value' | 'date'>, place: string, extra = ''): string {
  const round = d.round ? ` round ${d.round}` : '';
  const assessment = d.assessment ? ` (${d.assessment})` : '';
  return `IOM DTM${round}${assessment}: ${people(d.value)} IDPs present in ${place} as of ${d.date}${extra}`;
}

/** The composite externalId for rows without an id, and for summed rows. */
export function dtmKey(d: Pick<DtmRow, 'operation' | 'date' | 'round' | 'assessment'>, pcode: string): string {
  return ['dtm', slug(d.operation ?? 'dtm'), pcode, d.date, `r${d.round ?? ''}`, d.assessment ?? ''].join(':');
}

export function dtmFigure(
  ctx: LayoutContext,
  d: DtmRow,
  location: string,
  place: string,
  externalId: string,
  extra: { quoteSuffix?: string; notes?: string | null } = {},
): FigureCandidate {
  const defaults = ctx.options.defaults ?? {};
  return compact<FigureCandidate>({
    externalId,
    location,
    locationRole: 'destination',
    category: 'idps',
    periodStart: null,
    periodEnd: d.date,
    value: d.value,
    organisation: DTM_ORGANISATION,
    sourceUrl: defaults.sourceUrl ?? DTM_SOURCE_URL,
    sourceTitle: d.operation ? `IOM DTM: ${d.operation}` : 'IOM DTM',
    publishedOn: defaults.publishedOn ?? d.date,
    quote: dtmQuote(d, place, extra.quoteSuffix),
    notes: extra.notes ?? null,
    operation: d.operation ?? null,
    // A round orders figures only within its operation (the figure schema's rule), so without one it stays in the quote.
    reportingRound: d.operation && d.round !== undefined ? Number(d.round) : null,
    assessmentType: d.assessment ?? null,
  });
}

function adminLayout(level: 0 | 1): Layout {
  return {
    name: level === 0 ? 'dtm-admin0' : 'dtm-admin1',
    specs: DTM_SPECS,
    detect: (c) => has(c, 'country', 'value', 'date') && (has(c, 'round') || has(c, 'operation')) && !c.has('adminLevel') && (level === 1) === c.has('admin1Pcode'),
    create: (ctx) => ({
      row(r: RowAccess): ReadItem[] | 'skipped' {
        if (skipOtherCountry(r, 'country', ctx)) return 'skipped';
        const d = readDtmRow(r);
        const admin1 = level === 1 ? r.parse('admin1Pcode', parseLocationCode, true) : undefined;
        if (!d || (level === 1 && admin1 === undefined)) return [];
        const allowed = countryAllowed(r, 'country', d.country, ctx, d.countryName);
        if (allowed !== true) return allowed === 'skipped' ? 'skipped' : [];
        const chain: LocationCandidate[] = [{ code: d.country, name: d.countryName, adminLevel: 0, parentCode: null, country: d.country }];
        let place = d.countryName;
        if (admin1 !== undefined) {
          const name = r.text('admin1Name') ?? admin1;
          chain.push({
            code: admin1,
            name,
            adminLevel: 1,
            parentCode: d.country,
            country: d.country,
            ...localNames(r.text('admin1NameAr'), r.text('admin1NameFr')),
          });
          place = `${name}, ${d.countryName}`;
        }
        const code = chain[chain.length - 1]!.code;
        const externalId = d.id ? `dtm:${d.id}` : dtmKey(d, code);
        return ctx.locations.items(
          r.row,
          chain,
          dtmFigure(ctx, d, code, place, externalId, { notes: d.operation ? `${d.operation}; round ${d.round ?? '?'}; assessment ${d.assessment ?? '?'}` : null }),
        );
      },
    }),
  };
}

export const dtmAdmin0 = adminLayout(0);
export const dtmAdmin1 = adminLayout(1);
