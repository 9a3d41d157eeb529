import fs from 'node:fs';
import path from 'node:path';
import { I18N_DIR } from '../paths';
import { directionOf, formatters, translator, type Formatters, type Messages, type Params } from './format';

/**
 * Interface text goes through one function, `t(key, params)`, over a message catalogue per language
 * (server/i18n/<language>.json). The language is chosen per request (negotiate.ts); `lang` and `dir` follow it
 * without touching a template. A locale without a catalogue falls back to English entirely (text, lang, dir and
 * number format), so a page never mixes English words with another locale's layout.
 */
export interface I18n extends Formatters {
  /** The BCP 47 tag the page is in (the catalogue's). */
  lang: string;
  dir: 'ltr' | 'rtl';
  t(key: string, params?: Params): string;
  /** Catalogue entries whose key starts with one of the prefixes (sent to the browser for chart text). */
  subset(prefixes: string[]): Messages;
  /** `t` with a fallback for keys built from data (a category or quantifier not in the catalogue shows as itself). */
  label(prefix: string, value: string): string;
  /** A location's name in this language when it has one (Arabic or French), else its default name. */
  placeName(l: { name: string; nameAr?: string | null; nameFr?: string | null }): string;
  /** Locations with `name` in this language (for lists and selects). */
  places<T extends { name: string; nameAr?: string | null; nameFr?: string | null }>(list: T[]): T[];
}

/** How Arabic pages write numbers: Western digits (latn, the default) or Arabic-Indic digits (arab). */
export type ArabicDigits = 'latn' | 'arab';

export interface I18nOptions {
  arabicDigits?: ArabicDigits;
}

const catalogues = new Map<string, Messages | null>();

function catalogue(lang: string): Messages | null {
  if (!/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(lang)) return null;
  if (!catalogues.has(lang)) {
    const file = path.join(I18N_DIR, `${lang}.json`);
    catalogues.set(lang, fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as Messages) : null);
  }
  return catalogues.get(lang)!;
}

// One I18n per locale and digits setting: a page request looks its language up instead of building formatters.
const built = new Map<string, I18n>();

export function createI18n(locale: string, options: I18nOptions = {}): I18n {
  const cacheKey = `${locale}|${options.arabicDigits ?? 'latn'}`;
  const hit = built.get(cacheKey);
  if (hit) return hit;
  // "ar-SY" uses ar-SY.json if present, else ar.json, else English.
  const candidates = [locale, locale.split('-')[0]];
  const lang = candidates.find((c) => catalogue(c)) ?? 'en';
  const messages = catalogue(lang)!;
  // Numbers and dates follow the requested locale (en-GB: 6 December 2024) unless it fell back to English.
  let formatLocale = candidates.includes(lang) ? locale : 'en';
  // Arabic digits are an instance choice; Intl's default for "ar" differs between ICU versions, so it is always explicit.
  if (lang.split('-')[0] === 'ar' && !formatLocale.includes('-u-')) formatLocale = `${formatLocale}-u-nu-${options.arabicDigits ?? 'latn'}`;
  const t = translator(messages, lang, formatLocale);
  const base = lang.split('-')[0];
  const placeName: I18n['placeName'] = (l) => (base === 'ar' ? l.nameAr : base === 'fr' ? l.nameFr : null) || l.name;
  const i18n: I18n = {
    ...formatters(formatLocale),
    lang,
    dir: directionOf(lang),
    t,
    subset: (prefixes) => Object.fromEntries(Object.entries(messages).filter(([k]) => prefixes.some((p) => k.startsWith(p)))),
    label: (prefix, value) => (messages[`${prefix}.${value}`] !== undefined ? t(`${prefix}.${value}`) : value),
    placeName,
    places: (list) => list.map((l) => ({ ...l, name: placeName(l) })),
  };
  if (built.size < 64) built.set(cacheKey, i18n);
  return i18n;
}
