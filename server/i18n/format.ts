/**
 * Locale-aware formatting shared by the server (templates, PNG charts) and the browser bundle (chart tooltips),
 * so a number or a date reads the same wherever it is shown. Pure: Intl only, no Node APIs.
 */
import { publicRound } from '../statistics/public-round';

export type Messages = Record<string, string>;
export type Params = Record<string, string | number | null | undefined>;

/** Replaces `{name}` placeholders; unknown placeholders stay visible so a missing parameter is noticed. */
export function interpolate(template: string, params: Params = {}): string {
  return template.replace(/\{(\w+)\}/g, (m, name: string) => (params[name] == null ? m : String(params[name])));
}

/**
 * `t(key, params)` over one catalogue; a missing key shows as ⟦key⟧ (tests look for that mark). With a numeric `count`, a key with plural forms (`key.one`, `key.other`, and for Arabic also
 * `key.zero`, `key.two`, `key.few`, `key.many`) picks the form Intl.PluralRules gives for the count.
 */
export function translator(messages: Messages, lang = 'en', numberLocale = lang) {
  const plural = new Intl.PluralRules(lang);
  const grouped = new Intl.NumberFormat(numberLocale);
  return (key: string, params?: Params): string => {
    if (typeof params?.count === 'number') {
      const form = messages[`${key}.${plural.select(params.count)}`] ?? messages[`${key}.other`] ?? messages[key];
      // The count is written with the language's grouping: "Import 1,234 figures".
      if (form !== undefined) return interpolate(form, { ...params, count: grouped.format(params.count) });
    }
    const m = messages[key];
    return m === undefined ? `⟦${key}⟧` : interpolate(m, params);
  };
}

// Scripts written right to left; `dir` follows the language subtag so a new catalogue needs no template change.
const RTL = new Set(['ar', 'arc', 'ckb', 'dv', 'fa', 'ha', 'he', 'khw', 'ks', 'ps', 'sd', 'ur', 'yi']);
export const directionOf = (locale: string): 'ltr' | 'rtl' => (RTL.has(locale.split('-')[0].toLowerCase()) ? 'rtl' : 'ltr');

/** ISO date `YYYY-MM-DD` → a Date at UTC midnight (formatters below use timeZone UTC, so the day never shifts). */
export const utcDate = (iso: string) => new Date(`${iso.slice(0, 10)}T00:00:00Z`);

export interface Formatters {
  locale: string;
  /** Exact number with the locale's grouping, e.g. 278,640. */
  number(n: number | null | undefined, maxFractionDigits?: number): string;
  /** People rounded for publication (statistics `publicRound`), e.g. 279,000. */
  people(n: number | null | undefined): string;
  /** Compact axis label, e.g. 1.5M. */
  compact(n: number): string;
  /** Compact number in words, e.g. 1.5 million. */
  compactLong(n: number): string;
  /** A share 0–1 as a percentage. */
  percent(x: number | null | undefined, maxFractionDigits?: number): string;
  /** A date in words, e.g. 6 December 2024. */
  dateWords(iso: string | null | undefined): string;
  /** A short date in words for axes and narrow cells, e.g. 6 Dec. */
  dateShort(iso: string | null | undefined): string;
  /** The short date with its year, for the first tick of a date axis and each change of year, e.g. 28 Nov 2024. */
  dateShortYear(iso: string | null | undefined): string;
  /** A timestamp (ISO with time) in words, UTC. */
  dateTimeWords(iso: string | null | undefined): string;
}

export function formatters(locale: string): Formatters {
  const cache = new Map<string, Intl.NumberFormat>();
  const nf = (opts: Intl.NumberFormatOptions) => {
    const k = JSON.stringify(opts);
    let f = cache.get(k);
    if (!f) cache.set(k, (f = new Intl.NumberFormat(locale, opts)));
    return f;
  };
  const long = new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
  const short = new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', timeZone: 'UTC' });
  const shortYear = new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
  const stamp = new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'UTC', timeZoneName: 'short' });
  const dash = '–';
  return {
    locale,
    number: (n, max = 0) => (n == null || !Number.isFinite(n) ? dash : nf({ maximumFractionDigits: max }).format(n)),
    people: (n) => (n == null || !Number.isFinite(n) ? dash : nf({ maximumFractionDigits: 0 }).format(publicRound(n))),
    compact: (n) => nf({ notation: 'compact', maximumFractionDigits: 1 }).format(n),
    compactLong: (n) => nf({ notation: 'compact', compactDisplay: 'long', maximumFractionDigits: 2 }).format(n),
    percent: (x, max = 0) => (x == null || !Number.isFinite(x) ? dash : nf({ style: 'percent', maximumFractionDigits: max }).format(x)),
    dateWords: (iso) => (iso ? long.format(utcDate(iso)) : dash),
    dateShort: (iso) => (iso ? short.format(utcDate(iso)) : dash),
    dateShortYear: (iso) => (iso ? shortYear.format(utcDate(iso)) : dash),
    dateTimeWords: (iso) => (iso ? stamp.format(new Date(iso)) : dash),
  };
}
