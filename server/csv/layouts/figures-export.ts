/**
 * The project's own figures export (exports.ts `figureColumns`), recognised by its headers or by its HXL
 * tags, and any other file whose columns were mapped onto those field names (`map` / CLI `--map`).
 *
 * Why: an export must re-import unchanged (backup, moving figures between instances, editing in a
 * spreadsheet). Audit columns (id, createdBy…, version) are not imported: the service stamps its own.
 * Rules:
 * - externalId: the `externalId` column, else 'figure:<situation>:<id>' when the file has both, else none;
 * - organisation, sourceUrl, publishedOn, quote, sourceTitle, category, location, locationRole, quantifier, unit:
 *   the column, else `defaults`; location finally falls back to the situation's country;
 * - a file without a publishedOn column and no default date takes each row's own date (periodEnd): files such as
 *   UNHCR's daily series publish each day's number that day, so one date for all rows would misdate them;
 * - a file without a quote column and no default quote gets a statement of the row, as DTM and IDMC rows do
 *   ("UNHCR: 79,209 refugees in UKR as of 2022-02-24 (file row 2, column individuals)");
 * - status and role are carried as written (the service decides who may import approved figures);
 * - a location that is an ISO3 code is checked against the situation's country.
 */
import { CATEGORIES, FIGURE_ROLES, LOCATION_ROLES, QUANTIFIERS, STATUSES, UNITS } from '../../figures/figure';
import type { FigureCandidate, ReadItem, ReadOptions } from '../candidate';
import { figureColumns } from '../exports';
import type { FieldSpec, Resolved, RowAccess } from '../fields';
import { parseLocationCode } from '../values';
import { CATEGORY_WORDS, compact, countryAllowed, people, type Layout, type LayoutContext } from './common';
import { problem } from '../../i18n/field-errors';

export const FIGURE_SPECS: FieldSpec[] = figureColumns().map((c) => ({ field: c.key, tags: c.hxl ? [c.hxl] : [] }));

/** Whether the columns, after any map, carry what a figure needs (others may come from defaults). */
function missing(c: Resolved, options: ReadOptions): string[] {
  const d = options.defaults ?? {};
  const out: string[] = [];
  if (!c.has('periodEnd')) out.push('periodEnd');
  if (!c.has('value') && !c.has('reportedValue')) out.push('value');
  if (!c.has('category') && !d.category) out.push('category');
  if (!c.has('location') && !d.location && !options.situationCountry) out.push('location');
  for (const f of ['organisation', 'sourceUrl'] as const) if (!c.has(f) && !d[f]) out.push(f);
  return out;
}

function makeLayout(name: 'figures-export' | 'mapped'): Layout {
  return {
    name,
    specs: FIGURE_SPECS,
    // The export itself: its key columns by header or tag. A mapped file: at least a date and a number.
    detect: (c) =>
      name === 'figures-export'
        ? ['location', 'category', 'periodEnd'].every((f) => c.has(f)) && (c.has('value') || c.has('reportedValue'))
        : c.has('periodEnd') && (c.has('value') || c.has('reportedValue')),
    check: (c, options) => missing(c, options).map((f) => ({ column: f, ...problem('column_missing', { field: f }) })),
    create: (ctx) => ({ row: (r) => figureRow(r, ctx) }),
  };
}

export const figuresExport = makeLayout('figures-export');
export const mappedFigures = makeLayout('mapped');

function figureRow(r: RowAccess, ctx: LayoutContext): ReadItem[] | 'skipped' {
  const d = ctx.options.defaults ?? {};
  const location = r.parse('location', parseLocationCode) ?? (r.text('location') === undefined ? (d.location ?? ctx.options.situationCountry) : undefined);
  const category = r.oneOf('category', CATEGORIES) ?? (r.text('category') === undefined ? d.category : undefined);
  if (category === undefined && r.text('category') === undefined) r.error('category', problem('required'), '');
  if (location === undefined && r.text('location') === undefined) r.error('location', problem('required'), '');
  const unit = r.oneOf('unit', UNITS);
  const periodEnd = r.date('periodEnd', true);
  const value = r.count('value');
  const reportedValue = r.count('reportedValue');
  const householdSize = r.decimal('householdSize');
  if (value === undefined && reportedValue === undefined && !r.errors.some((e) => e.column === r.columnName('value') || e.column === r.columnName('reportedValue')))
    r.error('value', problem('required_people'), '');
  const f = compact<FigureCandidate>({
    // No id is made up when the column is empty: re-imports match on source, place, category, date and value, and a round trip stays exact.
    externalId: r.text('externalId') ?? undefined,
    location: location ?? '',
    locationRole: r.oneOf('locationRole', LOCATION_ROLES) ?? d.locationRole,
    category: category ?? 'idps',
    periodStart: r.date('periodStart') ?? null,
    periodEnd: periodEnd ?? '',
    value,
    valueLow: r.count('valueLow') ?? null,
    valueHigh: r.count('valueHigh') ?? null,
    quantifier: r.oneOf('quantifier', QUANTIFIERS) ?? (r.text('quantifier') === undefined ? d.quantifier : undefined),
    unit: unit ?? (r.text('unit') === undefined ? d.unit : undefined),
    reportedValue,
    householdSize: householdSize ?? null,
    organisation: r.required('organisation', d.organisation) ?? '',
    sourceUrl: r.required('sourceUrl', d.sourceUrl) ?? '',
    sourceTitle: r.text('sourceTitle') ?? d.sourceTitle ?? null,
    publishedOn: r.date('publishedOn') ?? (r.text('publishedOn') === undefined ? (d.publishedOn ?? (r.has('publishedOn') ? undefined : periodEnd)) : undefined) ?? '',
    quote:
      (r.has('quote') || d.quote !== undefined ? r.required('quote', d.quote) : rowStatement(r, organisationOf(r, d), category, location, periodEnd, value ?? reportedValue)) ?? '',
    role: r.oneOf('role', FIGURE_ROLES),
    status: r.oneOf('status', STATUSES),
    notes: r.text('notes') ?? null,
    operation: r.text('operation'),
    reportingRound: r.count('reportingRound'),
    assessmentType: r.text('assessmentType'),
  });
  if (!f.publishedOn && r.has('publishedOn') && r.text('publishedOn') === undefined) r.error('publishedOn', problem('required'), '');
  if (r.errors.length) return [];
  if (/^[A-Z]{3}$/.test(f.location)) {
    const allowed = countryAllowed(r, 'location', f.location, ctx);
    if (allowed !== true) return allowed === 'skipped' ? 'skipped' : [];
  }
  return [{ type: 'row', row: r.row, figure: f, errors: [] }];
}

const organisationOf = (r: RowAccess, d: NonNullable<ReadOptions['defaults']>) => r.text('organisation') ?? d.organisation;

/** The quote of a row that carries no sentence: what the row says, and where in the file it is. */
function rowStatement(
  r: RowAccess,
  organisation: string | undefined,
  category: string | undefined,
  location: string | undefined,
  date: string | undefined,
  value: number | undefined,
): string | undefined {
  if (!organisation || !category || !location || !date || value === undefined) return undefined; // the row has errors already
  const words = CATEGORY_WORDS[category as keyof typeof CATEGORY_WORDS] ?? category;
  const column = r.columnName(r.has('value') ? 'value' : 'reportedValue');
  return `${organisation}: ${people(value)} ${words} in ${location} as of ${date} (file row ${r.row}, column ${column})`;
}
