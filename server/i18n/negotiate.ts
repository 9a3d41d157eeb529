import type { Request } from 'express';

/** The interface languages with a catalogue, each named in itself for the switcher. */
export const LANGUAGES = [
  { code: 'en', name: 'English' },
  { code: 'fr', name: 'Français' },
  { code: 'ar', name: 'العربية' },
] as const;
export type Language = (typeof LANGUAGES)[number]['code'];
const CODES: readonly string[] = LANGUAGES.map((l) => l.code);

export const LANG_COOKIE = 'dt_lang';
/** A year: the choice outlives sessions, like the language setting of any site. */
export const LANG_COOKIE_MAX_AGE_MS = 365 * 86_400_000;

export const isLanguage = (v: unknown): v is Language => typeof v === 'string' && CODES.includes(v);

/**
 * The language of one request: ?lang, then the cookie, then the signed-in user's profile, then the browser's
 * Accept-Language (negotiated by Express through `negotiator`), then the instance default (LOCALE). Values
 * that are not a supported language are skipped, never an error: a stale cookie or link still shows a page.
 */
export function chooseLanguage(req: Request, instanceDefault: string): { lang: string; fromQuery: Language | null } {
  const chosen = pick(req, instanceDefault);
  // The instance's own variant of a language is kept (LOCALE=en-GB: English pages with British dates).
  return instanceDefault.split('-')[0] === chosen.lang ? { ...chosen, lang: instanceDefault } : chosen;
}

function pick(req: Request, instanceDefault: string): { lang: string; fromQuery: Language | null } {
  const q = req.query?.lang;
  const fromQuery = isLanguage(q) ? q : null;
  if (fromQuery) return { lang: fromQuery, fromQuery };
  const cookie = req.cookies?.[LANG_COOKIE];
  if (isLanguage(cookie)) return { lang: cookie, fromQuery: null };
  if (isLanguage(req.user?.locale)) return { lang: req.user.locale, fromQuery: null };
  if (req.headers['accept-language']) {
    const accepted = req.acceptsLanguages([...CODES]);
    if (accepted) return { lang: accepted, fromQuery: null };
  }
  return { lang: instanceDefault, fromQuery: null };
}

/** The current URL with ?lang set to `code` (other query parameters kept), for the switcher's plain links. */
export function withLang(originalUrl: string, code: string): string {
  const u = new URL(originalUrl, 'http://x');
  u.searchParams.set('lang', code);
  return u.pathname + u.search;
}
