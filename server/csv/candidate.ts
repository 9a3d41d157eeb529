/**
 * What reading a CSV produces: candidate figures and locations, row errors, and the closing summary.
 *
 * Why: the import service validates candidates again (zod, then against the database) and stores them; this
 * module only turns rows into the API's create-figure input, so the shapes mirror `figureFields` in
 * figures/figure.schema.ts (a strict object: no other keys).
 */
import type { Category, FigureRole, LocationRole, Quantifier, Status, Unit } from '../figures/figure';
import type { FieldErrorCode, FieldErrorParams } from '../i18n/field-errors';

/** The create-figure input, as far as a file can fill it. */
export interface FigureCandidate {
  externalId?: string;
  location: string;
  locationRole?: LocationRole;
  category: Category;
  periodStart?: string | null;
  periodEnd: string;
  value?: number;
  valueLow?: number | null;
  valueHigh?: number | null;
  quantifier?: Quantifier;
  unit?: Unit;
  reportedValue?: number;
  householdSize?: number | null;
  organisation: string;
  sourceUrl: string;
  sourceTitle?: string | null;
  publishedOn: string;
  quote: string;
  role?: FigureRole;
  status?: Status;
  notes?: string | null;
  operation?: string | null;
  reportingRound?: number | null;
  assessmentType?: string | null;
}

/** A location a file introduces (DTM p-codes, IDMC countries); parents come in earlier items. */
export interface LocationCandidate {
  code: string;
  name: string;
  adminLevel: 0 | 1 | 2;
  parentCode: string | null;
  country: string; // ISO3
  /** Names in Arabic and French when the file has them (#adm1+name+i_ar, admin1Name_ar, ADM1_AR …). */
  nameAr?: string | null;
  nameFr?: string | null;
}

/** The Arabic and French names a row gives, as fields only when present (a row without them reads as before). */
export const localNames = (nameAr: string | undefined, nameFr: string | undefined): Pick<LocationCandidate, 'nameAr' | 'nameFr'> => ({
  ...(nameAr ? { nameAr } : {}),
  ...(nameFr ? { nameFr } : {}),
});

/** One problem with one cell (or with the file, at row 1 with column ''). `row` is the spreadsheet row, 1-based, header = 1. */
export interface RowError {
  row: number;
  column: string; // the file's column header, or the field name when the column is missing
  value: string;
  /** In English; `code` and `params` give it in any language (validation.<code> in the catalogues). */
  message: string;
  code?: FieldErrorCode;
  params?: FieldErrorParams;
  /** Set when the row is for another country than the situation's: the report sums these per country instead of listing each. */
  otherCountry?: string;
  otherCountryName?: string;
}

export type LayoutName = 'figures-export' | 'mapped' | 'dtm-admin0' | 'dtm-admin1' | 'dtm-admin-0-to-2' | 'idmc-gidd' | 'hapi' | 'hxl';

/** One result of a row. A row can give several items (IDMC gives two figures; a new parent location comes first). */
export interface ReadItem {
  type: 'row';
  row: number;
  figure?: FigureCandidate;
  location?: LocationCandidate;
  errors: RowError[];
}

/** The last event: what was read. `fileErrors` non-empty means the file as a whole is unusable (do not commit). */
export interface ReadSummary {
  type: 'summary';
  layout: LayoutName | null;
  hxl: boolean; // a hashtag row was found
  headerRow: number | null; // spreadsheet row of the header (1 unless rows precede it)
  rowsRead: number; // data rows, not counting header, hashtag and blank rows
  rowsOk: number;
  rowsWithErrors: number;
  figures: number; // figure candidates yielded
  locations: number; // location candidates yielded
  skippedOtherCountry: number; // rows left out by countryFilter
  skippedEmptyValues: number; // empty value cells left out (IDMC: a country-year without a number); zero is a value
  /** In English, with the code and parameters that give them in any language. */
  fileErrors: Pick<RowError, 'message' | 'code' | 'params'>[];
  notes: string[]; // what the reader decided, for the import report (e.g. "412 rows summed into 130 figures")
}

export type ReadEvent = ReadItem | ReadSummary;

export interface ReadOptions {
  /** ISO3 of the situation's country: rows of another country are errors, or skipped with countryFilter. */
  situationCountry?: string;
  /** Skip (and count) rows of other countries instead of reporting them as errors. */
  countryFilter?: boolean;
  /** `{ column header: field }`; renames columns before the layout is recognised (CLI: --map column=field). */
  map?: Record<string, string>;
  /** Values for fields the file does not carry. */
  defaults?: ReadDefaults;
}

export interface ReadDefaults {
  organisation?: string;
  sourceUrl?: string;
  sourceTitle?: string;
  quote?: string;
  publishedOn?: string;
  /** Location code for files without a location column (e.g. a national series). */
  location?: string;
  locationRole?: LocationRole;
  /** Category for files without a category column or tag (e.g. a mapped two-column series). */
  category?: Category;
  /** Quantifier and unit for files without those columns (mapped files and the figures export; HXL files also take the quantifier). */
  quantifier?: Quantifier;
  unit?: Unit;
}
