/**
 * What a layout is, and the helpers every layout shares (country check, new locations, provenance text).
 *
 * Why: each recogniser (layouts/*.ts) is a small table of columns plus a function from a row to candidates;
 * read.ts does the streaming, numbering, width checks and counting once for all of them.
 */
import type { Problem } from '../../i18n/field-errors';
import type { FigureCandidate, LayoutName, LocationCandidate, ReadItem, ReadOptions } from '../candidate';
import type { Category } from '../../figures/figure';
import type { FieldSpec, FileHeader, Resolved, RowAccess } from '../fields';
import { problem } from '../../i18n/field-errors';

export interface LayoutContext {
  file: FileHeader;
  columns: Resolved;
  options: ReadOptions;
  counters: { skippedOtherCountry: number; skippedEmptyValues: number };
  locations: LocationTracker;
  notes: string[];
}

export interface LayoutReader {
  /** Items for one valid-width row; errors go to `r.errors` (read.ts then yields only them). `'skipped'` = left out by countryFilter. */
  row(r: RowAccess): ReadItem[] | 'skipped';
  /** Items held back until the end of the file (grouping layouts). */
  end?(): ReadItem[];
}

export interface Layout {
  name: LayoutName;
  specs: FieldSpec[];
  /** Whether the resolved columns look like this layout. */
  detect(columns: Resolved, file: FileHeader): boolean;
  /** Header problems once detected (a required column missing): messages naming the column. */
  /** Problems with the file's columns as a whole, each naming its field. */
  check?(columns: Resolved, options: ReadOptions): (Problem & { column: string })[];
  create(ctx: LayoutContext): LayoutReader;
}

/**
 * The situation's-country rule: with `situationCountry`, a row of another country is an error, or, with
 * `countryFilter`, skipped and counted. Returns false when the row must not become a figure.
 */
export function countryAllowed(r: RowAccess, field: string, country: string, ctx: LayoutContext, countryName?: string): boolean | 'skipped' {
  const want = ctx.options.situationCountry;
  if (!want || country === want) return true;
  if (ctx.options.countryFilter) {
    ctx.counters.skippedOtherCountry++;
    return 'skipped';
  }
  r.error(
    field,
    problem('country_mismatch', { country, situationCountry: want }),
    country,
    countryName ? { otherCountry: country, otherCountryName: countryName } : { otherCountry: country },
  );
  return false;
}

/** With countryFilter, a row whose country cell names another country is skipped (and counted) before any other check. */
export function skipOtherCountry(r: RowAccess, field: string, ctx: LayoutContext): boolean {
  const want = ctx.options.situationCountry;
  const country = r.text(field);
  if (!ctx.options.countryFilter || !want || !country || country === want) return false;
  ctx.counters.skippedOtherCountry++;
  return true;
}

/** Remembers which locations the file has introduced, so each is yielded once, parents first. */
export class LocationTracker {
  private readonly seen = new Set<string>();
  count = 0;

  /** Items for the locations of `chain` (country first) not yielded yet, the last one attached to `figure`. */
  items(row: number, chain: LocationCandidate[], figure?: FigureCandidate): ReadItem[] {
    const fresh = chain.filter((l) => !this.seen.has(l.code));
    fresh.forEach((l) => this.seen.add(l.code));
    this.count += fresh.length;
    const own = chain[chain.length - 1];
    const ownFresh = own && fresh[fresh.length - 1] === own ? own : undefined;
    const parents = ownFresh ? fresh.slice(0, -1) : fresh;
    const items: ReadItem[] = parents.map((location) => ({ type: 'row', row, location, errors: [] }));
    if (figure) items.push({ type: 'row', row, figure, ...(ownFresh ? { location: ownFresh } : {}), errors: [] });
    else if (ownFresh) items.push({ type: 'row', row, location: ownFresh, errors: [] });
    return items;
  }
}

/** 3355040 → "3,355,040": for generated provenance statements only, never for cells. */
export const people = (n: number): string => n.toLocaleString('en-US');

/** "Armed Clashes in Sudan" → "armed-clashes-in-sudan", for externalIds. */
export const slug = (s: string): string =>
  s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

/** Words for generated statements: "3,355,040 IDPs present". */
export const CATEGORY_WORDS: Readonly<Record<Category, string>> = {
  idps: 'internally displaced people',
  new_displacement: 'people newly displaced',
  returnees: 'returnees',
  refugees: 'refugees',
  return: 'returns',
  cross_border_outflow: 'people who crossed the border',
};

/** Drops undefined properties so candidates compare and serialise cleanly (the API schema is strict). */
export function compact<T extends object>(o: T): T {
  const out: Record<string, unknown> = {};
  for (const k in o) if (o[k] !== undefined) out[k] = o[k];
  return out as T;
}
