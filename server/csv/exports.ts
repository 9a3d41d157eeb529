/**
 * The four CSV exports: their row types and column definitions, with HXL tags.
 *
 * Why: the storage/HTTP layer maps database rows into these plain row types and streams them through
 * `csvStream(columns, …)`; README.txt is generated from the same definitions (definitions.ts).
 *
 * HXL tag rule (documented in README.txt):
 * - the tags of docs/csv.md where one exists: #affected+idps (stock), #affected+displaced (flow), #affected+returnees,
 *   #date+reported, #date+start, #date+end, #country+code, #adm1+code, #adm1+name, #meta+source, #meta+url,
 *   #meta+id; projections #affected+idps+projected+min / +projected / +projected+max.
 * - Population columns carry the category's tag (`categoryTag`) when the export holds one category, and the
 *   plain `#affected` when rows mix categories; the `category` column (#meta+category) then says which.
 *   The figures export always mixes categories, so its value is `#affected`, `#affected+min`, `#affected+max`.
 * - Location columns carry #country / #adm1 / #adm2 when the export is for one admin level, else #loc.
 * - Any other field is `#meta+<field in snake_case>` (or a core HXL tag such as #date+published).
 */
import type { Category, Figure, Quantifier } from '../figures/figure';
import type { Column } from './columns';
import type { CellValue } from './cells';

/** HXL tag of each category's population column. docs/csv.md names the first three; the rest follow the pattern. */
export const CATEGORY_TAGS: Readonly<Record<Category, string>> = {
  idps: '#affected+idps',
  new_displacement: '#affected+displaced',
  returnees: '#affected+returnees',
  refugees: '#affected+refugees',
  return: '#affected+returned',
  cross_border_outflow: '#affected+outflow',
};

/** The population tag for a category, or the generic `#affected` when the export mixes categories. */
export function categoryTag(category?: Category): string {
  return category ? CATEGORY_TAGS[category] : '#affected';
}

/** What an export holds, which decides its population and location tags. */
export interface TagOptions {
  /** Set when every row has this category: population columns get its tag (#affected+idps…). */
  category?: Category;
  /** Set when every row's location is at this admin level: #country / #adm1 / #adm2 instead of #loc. */
  adminLevel?: 0 | 1 | 2;
}

function locationTag(adminLevel: 0 | 1 | 2 | undefined, attribute: 'code' | 'name'): string {
  const tag = adminLevel === 0 ? '#country' : adminLevel === 1 ? '#adm1' : adminLevel === 2 ? '#adm2' : '#loc';
  return `${tag}+${attribute}`;
}

// ---------------------------------------------------------------------------------------------- figures

/** One figure as exported: every field of `Figure` (figure.ts) but the reliability and deletion stamp, plus the location's name and the externalId. */
export type FigureExportRow = Omit<Figure, 'organisationReliability' | 'deletedAt' | 'operation' | 'reportingRound' | 'assessmentType'> &
  Partial<Pick<Figure, 'operation' | 'reportingRound' | 'assessmentType'>> & {
    locationName: string | null;
    externalId?: string | null;
  };

type FigureKey = keyof FigureExportRow & string;
const fig = (key: FigureKey, hxl: string, description: string): Column<FigureExportRow> => ({
  key,
  header: key, // headers are exactly the field names, so the export re-imports by header
  hxl,
  description,
  value: (r) => (r[key] ?? null) as string | number | null,
});

/** The figures export: one row per figure; headers are the camelCase field names of the Figure type. */
export function figureColumns(): Column<FigureExportRow>[] {
  return [
    fig('id', '#meta+id', 'Figure id in this tracker.'),
    fig('situation', '#crisis+code', 'Situation slug, e.g. syria-2024-offensive.'),
    fig('location', '#loc+code', 'Location code: OCHA p-code where known, else ISO 3166-2; a country is its ISO3 code.'),
    fig('locationName', '#loc+name', 'Name of the location.'),
    fig('locationRole', '#meta+location_role', 'origin (people displaced from the place), destination (people displaced in it) or unknown.'),
    fig('category', '#meta+category', 'new_displacement, return, cross_border_outflow (flows); idps, returnees, refugees (stocks).'),
    fig('periodStart', '#date+start', 'Flows: first day of the counted period (YYYY-MM-DD). Stocks: empty.'),
    fig('periodEnd', '#date+end', 'Flows: last day of the period. Stocks: the as-of date (YYYY-MM-DD).'),
    fig('value', '#affected', 'Best value in people (the category column says which population). For a published range, the midpoint unless the source gives a best value.'),
    fig('valueLow', '#affected+min', 'Lower end of a published range, in people; empty when none.'),
    fig('valueHigh', '#affected+max', 'Upper end of a published range, in people; empty when none.'),
    fig('quantifier', '#meta+quantifier', 'exact, approximately, more_than (a lower bound) or less_than (an upper bound).'),
    fig('unit', '#meta+unit', 'Unit the source used: people or households.'),
    fig('reportedValue', '#affected+reported', 'The number as published, in unit (households when unit is households).'),
    fig('householdSize', '#meta+household_size', 'People per household used to convert households to people; empty for people.'),
    fig('organisation', '#meta+source', 'Short name of the publishing organisation, e.g. WFP, OCHA, IOM DTM.'),
    fig('sourceUrl', '#meta+url', 'Address of the publication.'),
    fig('sourceTitle', '#meta+title', 'Title of the publication.'),
    fig('publishedOn', '#date+published', 'Date the source published the figure (YYYY-MM-DD).'),
    fig('quote', '#description+quote', 'The verbatim sentence the number comes from (for imported DTM/IDMC rows, a statement of the row: those files carry no sentence).'),
    fig('role', '#meta+role', 'recommended (builds the series) or triangulation (forms the band of disagreement).'),
    fig('status', '#meta+status', 'draft, approved or rejected; only approved figures are public and counted.'),
    fig('notes', '#description+notes', 'Reviewer notes.'),
    fig('createdBy', '#meta+created_by', 'Who recorded the figure.'),
    fig('createdAt', '#date+created', 'When it was recorded (ISO 8601 timestamp, UTC).'),
    fig('updatedBy', '#meta+updated_by', 'Who last changed it.'),
    fig('updatedAt', '#date+updated', 'When it was last changed (ISO 8601 timestamp, UTC).'),
    fig('version', '#meta+version', 'Edit counter: an update must name the current version.'),
    fig('externalId', '#meta+external_id', 'Identifier in the source dataset (e.g. dtm:1126, idmc:SDN:2023:total); re-imports skip figures whose externalId exists.'),
    // Last, so files written before these columns existed keep their column positions; tags as in DTM and HDX HAPI files.
    fig('operation', '#operation+name', 'DTM operation the figure belongs to, e.g. "Armed Clashes in Sudan"; empty for sources without rounds.'),
    fig('reportingRound', '#round+code', 'DTM reporting round within the operation; within one operation only the latest round counts in totals.'),
    fig('assessmentType', '#assessment+type', 'DTM assessment type: BA (baseline assessment), SA (site assessment) or as the source gives it.'),
  ];
}

// ---------------------------------------------------------------------------------------------- series

/** One point of a reconciled series. */
export interface SeriesExportRow {
  date: string;
  location: string;
  category: Category;
  value: number;
  quantifier: Quantifier | null;
  bandLow: number | null;
  bandHigh: number | null;
  derived: boolean;
  sources: string[]; // organisation short names
}

/** The reconciled series export: one row per location × category × date. */
export function seriesColumns(opts: TagOptions = {}): Column<SeriesExportRow>[] {
  const pop = categoryTag(opts.category);
  return [
    {
      key: 'date',
      header: 'date',
      hxl: '#date+reported',
      description: 'Date of the point (YYYY-MM-DD): the as-of date for stocks, the running total to this day for flows.',
      value: (r) => r.date,
    },
    { key: 'location', header: 'location', hxl: locationTag(opts.adminLevel, 'code'), description: 'Location code (p-code, ISO 3166-2 or ISO3).', value: (r) => r.location },
    { key: 'category', header: 'category', hxl: '#meta+category', description: 'Category of the series (see the figures export).', value: (r) => r.category },
    {
      key: 'value',
      header: 'value',
      hxl: pop,
      description: 'Reconciled value in people: the approved recommended figure of the date, or, when derived, the sum of the child locations.',
      value: (r) => r.value,
    },
    {
      key: 'quantifier',
      header: 'quantifier',
      hxl: '#meta+quantifier',
      description: 'Quantifier of the figure the point comes from (more_than: a lower bound); empty for derived points.',
      value: (r) => r.quantifier,
    },
    { key: 'bandLow', header: 'bandLow', hxl: `${pop}+min`, description: 'Lowest approved figure of the date, any role (triangulation band).', value: (r) => r.bandLow },
    { key: 'bandHigh', header: 'bandHigh', hxl: `${pop}+max`, description: 'Highest approved figure of the date, any role (triangulation band).', value: (r) => r.bandHigh },
    {
      key: 'derived',
      header: 'derived',
      hxl: '#meta+derived',
      description: "true when the value is the sum of child locations' latest values (not older than the staleness window), false when the location has its own figure.",
      value: (r) => (r.derived ? 'true' : 'false'),
    },
    {
      key: 'sources',
      header: 'sources',
      hxl: '#meta+source',
      description: 'Organisations whose figures make the point and its band, separated by "; ".',
      value: (r) => r.sources.join('; '),
    },
  ];
}

// ---------------------------------------------------------------------------------------------- projections

/**
 * A projection row; `kind` says which columns it fills:
 * - `published`: the published projection (the combined rule) on one day: central and its 80% range;
 * - `trackRecord`: the track record at the horizon of the published rule (`method` combined), of its two
 *   baselines (naive, drift8) and of every alternative method: forecasts scored, MAPE, MASE, 80% coverage;
 * - `past`: what the published rule said at a past report (`date`) for `target`, and what was reported there;
 * - `scenario`: a scenario beside the range: a curve's value on `date` (loglinear, logistic) or a quoted
 *   agency value (ceiling, planning_figure, expected; `date` is its horizon if one was given);
 * - `curve`: one alternative method's projection with its 80% and 95% intervals.
 */
export interface ProjectionExportRow {
  kind: 'published' | 'trackRecord' | 'past' | 'scenario' | 'curve';
  method: string;
  date: string | null;
  target?: string | null;
  central?: number | null;
  low80?: number | null;
  high80?: number | null;
  low95?: number | null;
  high95?: number | null;
  actual?: number | null;
  held?: boolean | null;
  horizonDays?: number | null;
  n?: number | null;
  mape?: number | null;
  mase?: number | null;
  coverage80?: number | null;
}

/** The projections export. */
export function projectionColumns(opts: TagOptions = {}): Column<ProjectionExportRow>[] {
  const p = `${categoryTag(opts.category)}+projected`;
  const v =
    <K extends keyof ProjectionExportRow>(k: K) =>
    (r: ProjectionExportRow) =>
      (r[k] ?? null) as never;
  return [
    {
      key: 'kind',
      header: 'kind',
      hxl: '#meta+kind',
      description:
        'published: the published projection on a day; trackRecord: scores at the horizon; past: what the published projection said at a past report; scenario: a scenario beside the range; curve: an alternative method.',
      value: (r) => r.kind,
    },
    {
      key: 'method',
      header: 'method',
      hxl: '#meta+method',
      description:
        'combined (the published rule), naive, drift8 (its baselines), linear, drift, loglinear, logistic, holt (alternative methods), or the scenario kind (loglinear, logistic, ceiling, planning_figure, expected).',
      value: (r) => r.method,
    },
    {
      key: 'date',
      header: 'date',
      hxl: '#date+projected',
      description: 'published, scenario, curve: the projected date; past: the report the projection was made from (YYYY-MM-DD).',
      value: v('date'),
    },
    { key: 'target', header: 'target', hxl: '#date+target', description: 'past: the date that projection was for (the report date plus the horizon).', value: v('target') },
    { key: 'central', header: 'central', hxl: p, description: "Central projection, in people (scenario rows: the scenario's value).", value: v('central') },
    { key: 'low80', header: 'low80', hxl: `${p}+min`, description: 'Low end of the 80% range.', value: v('low80') },
    { key: 'high80', header: 'high80', hxl: `${p}+max`, description: 'High end of the 80% range.', value: v('high80') },
    { key: 'low95', header: 'low95', hxl: `${p}+min+pi95`, description: 'curve: lower bound of the 95% prediction interval.', value: v('low95') },
    { key: 'high95', header: 'high95', hxl: `${p}+max+pi95`, description: 'curve: upper bound of the 95% prediction interval.', value: v('high95') },
    {
      key: 'actual',
      header: 'actual',
      hxl: `${categoryTag(opts.category)}+reported`,
      description: 'past: the value reported at the target date (interpolated between reports).',
      value: v('actual'),
    },
    {
      key: 'held',
      header: 'held',
      hxl: '#meta+held',
      description: 'past: true when the reported value fell inside the 80% range.',
      value: (r) => (r.held == null ? null : r.held ? 'true' : 'false'),
    },
    {
      key: 'horizonDays',
      header: 'horizonDays',
      hxl: '#meta+horizon',
      description: 'trackRecord: days between a report and the date its projection was for.',
      value: v('horizonDays'),
    },
    { key: 'n', header: 'n', hxl: '#meta+count', description: 'trackRecord: past projections scored.', value: v('n') },
    { key: 'mape', header: 'mape', hxl: '#meta+mape', description: 'trackRecord: average error of the central, in percent of the reported value.', value: v('mape') },
    {
      key: 'mase',
      header: 'mase',
      hxl: '#meta+mase',
      description: 'trackRecord: average error divided by that of continuing the last rate (below 1: better than that).',
      value: v('mase'),
    },
    {
      key: 'coverage80',
      header: 'coverage80',
      hxl: '#meta+coverage',
      description: 'trackRecord: share of past projections whose 80% range held the reported value.',
      value: v('coverage80'),
    },
  ];
}

// ---------------------------------------------------------------------------------------------- summary

/** One location × category of a situation, as the dashboard shows it. */
export interface SummaryExportRow {
  location: string;
  locationName: string | null;
  category: Category;
  latestValue: number | null;
  /** How the source qualified the latest value (exact, approximately, more_than, less_than); null when derived. */
  latestQuantifier: string | null;
  latestDate: string | null;
  change7d: number | null;
  /** The sitrep box's change: between two real reports about a week apart (changeBetweenReports), and their dates. */
  changeBetweenReports: number | null;
  changeFromDate: string | null;
  changeToDate: string | null;
  projectedLow: number | null;
  projectedCentral: number | null;
  projectedHigh: number | null;
  horizonDate: string | null;
  centralMethod: string | null;
  trackRecordN: number | null;
  trackRecordHeld: number | null;
  trackRecordMape: number | null;
  sourceCount: number;
}

/** The summary export. */
export function summaryColumns(opts: TagOptions = {}): Column<SummaryExportRow>[] {
  const pop = categoryTag(opts.category);
  return [
    { key: 'location', header: 'location', hxl: locationTag(opts.adminLevel, 'code'), description: 'Location code.', value: (r) => r.location },
    { key: 'locationName', header: 'locationName', hxl: locationTag(opts.adminLevel, 'name'), description: 'Location name.', value: (r) => r.locationName },
    { key: 'category', header: 'category', hxl: '#meta+category', description: 'Category (see the figures export).', value: (r) => r.category },
    { key: 'latestValue', header: 'latestValue', hxl: pop, description: 'Latest reconciled value, in people.', value: (r) => r.latestValue },
    {
      key: 'latestQuantifier',
      header: 'latestQuantifier',
      hxl: '#meta+quantifier',
      description:
        'How the source qualified the latest value: exact, approximately, more_than (a lower bound), less_than (an upper bound); empty for a value summed from sub-locations.',
      value: (r) => r.latestQuantifier,
    },
    { key: 'latestDate', header: 'latestDate', hxl: '#date+reported', description: 'Date of the latest value (YYYY-MM-DD).', value: (r) => r.latestDate },
    {
      key: 'change7d',
      header: 'change7d',
      hxl: `${pop}+change_7d`,
      description:
        "Change over the 7 days to the latest value, in people, interpolated: y(t) − y(t − 7 days), the value 7 days earlier read off the straight line between the reports around that day. Not the sitrep box's change: that is changeBetweenReports.",
      value: (r) => r.change7d,
    },
    {
      key: 'changeBetweenReports',
      header: 'changeBetweenReports',
      hxl: `${pop}+change_reports`,
      description:
        'The change the sitrep box states, in people: latest value minus the value of the latest report at least 7 days earlier (the first report when none is that old). Both ends are reported values; changeFromDate and changeToDate say which.',
      value: (r) => r.changeBetweenReports,
    },
    {
      key: 'changeFromDate',
      header: 'changeFromDate',
      hxl: '#date+change+start',
      description: 'Date of the earlier report of changeBetweenReports (YYYY-MM-DD).',
      value: (r) => r.changeFromDate,
    },
    {
      key: 'changeToDate',
      header: 'changeToDate',
      hxl: '#date+change+end',
      description: 'Date of the later report of changeBetweenReports, the latest value (YYYY-MM-DD).',
      value: (r) => r.changeToDate,
    },
    {
      key: 'projectedLow',
      header: 'projectedLow',
      hxl: `${pop}+projected+min`,
      description: 'Published projection at the horizon: low end of its 80% range (from its own past errors at that horizon).',
      value: (r) => r.projectedLow,
    },
    {
      key: 'projectedCentral',
      header: 'projectedCentral',
      hxl: `${pop}+projected`,
      description: 'Published projection at the horizon: the median of the last rate continued, the average rate of the last 8 reports and a damped trend of the last 4.',
      value: (r) => r.projectedCentral,
    },
    {
      key: 'projectedHigh',
      header: 'projectedHigh',
      hxl: `${pop}+projected+max`,
      description: 'Published projection at the horizon: high end of its 80% range. Scenarios are not part of it.',
      value: (r) => r.projectedHigh,
    },
    {
      key: 'horizonDate',
      header: 'horizonDate',
      hxl: '#date+projected',
      description: 'Horizon of the projection (YYYY-MM-DD), by default 30 days after the latest date.',
      value: (r) => r.horizonDate,
    },
    { key: 'centralMethod', header: 'centralMethod', hxl: '#meta+method', description: 'Method of the published projection (combined).', value: (r) => r.centralMethod },
    {
      key: 'trackRecordN',
      header: 'trackRecordN',
      hxl: '#meta+track+count',
      description: 'Past projections at the same horizon scored against what was reported.',
      value: (r) => r.trackRecordN,
    },
    { key: 'trackRecordHeld', header: 'trackRecordHeld', hxl: '#meta+track+held', description: 'How many of them the 80% range held.', value: (r) => r.trackRecordHeld },
    {
      key: 'trackRecordMape',
      header: 'trackRecordMape',
      hxl: '#meta+track+mape',
      description: 'Their average error of the central, in percent.',
      value: (r) => (r.trackRecordMape == null ? null : Math.round(r.trackRecordMape * 100) / 100),
    },
    {
      key: 'sourceCount',
      header: 'sourceCount',
      hxl: '#meta+source_count',
      description: 'Number of organisations with approved figures for this location and category.',
      value: (r) => r.sourceCount,
    },
  ];
}

/** What the readable summary's text is made with: the message catalogue and its number and label formatters. */
export interface ReadableText {
  t(key: string, params?: Record<string, string | number | null | undefined>): string;
  people(n: number): string;
  label(prefix: string, value: string): string;
}

/**
 * The summary for people (a sitrep table, a partner's spreadsheet): headers in words, numbers rounded by the public
 * rounding rule with the quantifier in words ("more than 370,000"), changes as "up 339,000". Same rows as `summary`.
 */
export function readableSummaryColumns(x: ReadableText): Column<SummaryExportRow>[] {
  const people = (n: number | null) => (n == null ? null : x.people(n));
  const updown = (n: number) => x.t(n < 0 ? 'csvReadable.down' : n > 0 ? 'csvReadable.up' : 'csvReadable.unchanged', { value: x.people(Math.abs(n)) });
  const col = (key: string, value: (r: SummaryExportRow) => CellValue): Column<SummaryExportRow> => ({
    key,
    header: x.t(`csvReadable.${key}`),
    description: x.t(`csvReadable.${key}.description`),
    value,
  });
  return [
    col('location', (r) => (r.locationName ? `${r.locationName} (${r.location})` : r.location)),
    col('category', (r) => x.label('category', r.category)),
    col('latest', (r) =>
      r.latestValue == null ? null : r.latestQuantifier ? x.t(`chart.quantified.${r.latestQuantifier}`, { value: x.people(r.latestValue) }) : x.people(r.latestValue),
    ),
    col('asOf', (r) => r.latestDate),
    // Words, not a sign: a cell starting with + or - would be taken for a formula and neutralised.
    col('changeBetweenReports', (r) =>
      r.changeBetweenReports == null || !r.changeFromDate || !r.changeToDate
        ? null
        : x.t('csvReadable.betweenReports', { change: updown(r.changeBetweenReports), from: r.changeFromDate, to: r.changeToDate }),
    ),
    col('change7d', (r) => (r.change7d == null ? null : updown(r.change7d))),
    col('rangeLow', (r) => people(r.projectedLow)),
    col('central', (r) => people(r.projectedCentral)),
    col('rangeHigh', (r) => people(r.projectedHigh)),
    col('projectionFor', (r) => r.horizonDate),
    col('sources', (r) => r.sourceCount),
  ];
}

/** The exports by name, with the file name and purpose README.txt states. */
export const EXPORTS = {
  figures: {
    file: 'figures.csv',
    title: 'Figures',
    purpose: 'Every figure as its source published it, with provenance and review status. Re-importable: the import recognises this file by its headers or by its HXL row.',
    columns: figureColumns,
  },
  series: {
    file: 'series.csv',
    title: 'Reconciled series',
    purpose: 'The reconciled series per location and category: one value per date, with the triangulation band.',
    columns: seriesColumns,
  },
  projections: {
    file: 'projections.csv',
    title: 'Projections',
    purpose:
      "The published projection per day with its 80% range, its track record at the same horizon, what it said at each past report, the scenarios beside it, and every alternative method's curve.",
    columns: projectionColumns,
  },
  summary: {
    file: 'summary.csv',
    title: 'Summary',
    purpose: 'Headline numbers per location and category: latest value, 7-day change, projected range at the horizon.',
    columns: summaryColumns,
  },
  'summary-readable': {
    file: 'summary-readable.csv',
    title: 'Summary for reading',
    purpose:
      'The summary\'s rows for people rather than programs: headers in words, numbers rounded for publication, the quantifier in words ("more than 370,000"). Use summary.csv for tools; this file has no HXL row.',
    columns: summaryColumns,
    readable: true,
  },
} as const;
export type ExportName = keyof typeof EXPORTS;
