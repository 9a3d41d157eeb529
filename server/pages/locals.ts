import { reasonText, type Reason } from '../i18n/reason';
import { randomBytes } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import { doubleCsrf } from 'csrf-csrf';
import type { I18n } from '../i18n/i18n';
import { hasRole, type Role } from '../auth/user';
import { navFor } from './nav';
import { chooseLanguage, LANG_COOKIE, LANG_COOKIE_MAX_AGE_MS, LANGUAGES, withLang } from '../i18n/negotiate';
import { localMessage } from '../i18n/field-errors';

/** Outcomes a redirect may announce (?done=…); anything else is ignored, so the query cannot put text on the page. */
const NOTICES = new Set([
  'signedOut',
  'created',
  'updated',
  'approved',
  'rejected',
  'deleted',
  'restored',
  'scenarioCreated',
  'scenarioDeleted',
  'scenarioRestored',
  'situationCreated',
  'situationUpdated',
  'ruleCreated',
  'ruleDeleted',
  'ruleRestored',
  'webhookCreated',
  'webhookDeleted',
  'subscribed',
  'unsubscribed',
  'acknowledged',
]);

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/**
 * CSRF protection for every page form: the double-submit cookie pattern of csrf-csrf, with the token bound
 * to the session (or, before sign-in, to a random pre-session cookie, so the sign-in form is covered too).
 * Forms carry the token in a hidden `_csrf` field; scripts may send it as `x-csrf-token`.
 */
export const CSRF_COOKIE = 'dt_csrf';
const PRE_SESSION_COOKIE = 'dt_pre';

export function csrf(secret: string) {
  const cookieOptions = { httpOnly: true, sameSite: 'lax' as const, path: '/', secure: false };
  const { doubleCsrfProtection, generateCsrfToken } = doubleCsrf({
    getSecret: () => secret,
    getSessionIdentifier: (req) => req.sessionKey ?? String(req.cookies?.[PRE_SESSION_COOKIE] ?? ''),
    cookieName: CSRF_COOKIE,
    cookieOptions,
    getCsrfTokenFromRequest: (req) => (typeof req.body?._csrf === 'string' ? req.body._csrf : req.headers['x-csrf-token']),
  });
  const token = (req: Request, res: Response) => {
    if (!req.sessionKey && !req.cookies?.[PRE_SESSION_COOKIE]) {
      const pre = randomBytes(24).toString('base64url');
      res.cookie(PRE_SESSION_COOKIE, pre, { ...cookieOptions, secure: req.secure });
      req.cookies = { ...req.cookies, [PRE_SESSION_COOKIE]: pre };
    }
    return generateCsrfToken(req, res, { cookieOptions: { ...cookieOptions, secure: req.secure } });
  };
  return { protect: doubleCsrfProtection, token };
}

/**
 * What every template can use: `t`, formatters, the signed-in user, the CSRF token, fingerprinted asset
 * URLs and a few HTML helpers that escape their input. Pages are revalidated on every visit (ETag, 304)
 * rather than cached blindly, since they change with every approved figure and with who is signed in.
 */
export function pageLocals(
  language: { instanceDefault: string; i18nFor: (lang: string) => I18n },
  asset: (name: string) => string | null,
  csrfToken: (req: Request, res: Response) => string,
): RequestHandler {
  return (req, res, next) => {
    res.setHeader('Cache-Control', 'private, no-cache');
    // The language comes from the cookie or, failing that, the browser's Accept-Language (negotiate.ts).
    res.vary('Cookie');
    res.vary('Accept-Language');
    const chosen = chooseLanguage(req, language.instanceDefault);
    // A link with ?lang= remembers the choice, so the next pages (and visits) stay in that language.
    if (chosen.fromQuery) {
      res.cookie(LANG_COOKIE, chosen.fromQuery, { httpOnly: true, sameSite: 'lax', path: '/', secure: req.secure, maxAge: LANG_COOKIE_MAX_AGE_MS });
      req.cookies = { ...req.cookies, [LANG_COOKIE]: chosen.fromQuery };
    }
    const i18n = language.i18nFor(chosen.lang);
    const langParam: Record<string, string> = i18n.lang === language.i18nFor(language.instanceDefault).lang ? {} : { lang: i18n.lang.split('-')[0] };
    res.setHeader('Content-Language', i18n.lang);
    let token: string | undefined;
    const f = i18n;
    Object.assign(res.locals, {
      t: i18n.t,
      i18n,
      lang: i18n.lang,
      dir: i18n.dir,
      /** The switcher: each language named in itself, linking to this page in that language (works without JavaScript). */
      languages: LANGUAGES.map((l) => ({ ...l, href: withLang(req.originalUrl, l.code), current: l.code === i18n.lang.split('-')[0] })),
      /** `?lang=xx` when the reader's language is not the instance's: a link a feed reader follows without cookies keeps it. */
      langQuery: langParam.lang ? `?lang=${langParam.lang}` : '',
      /** The same as a query parameter for links built with others (charts, maps, sitrep text). */
      langParam,
      user: req.user,
      can: (role: Role) => hasRole(req.user, role),
      nav: navFor(req.user),
      currentPath: req.path,
      asset,
      csrfToken: () => (token ??= csrfToken(req, res)),
      /** A date in words with its ISO form, e.g. "6 December 2024 (2024-12-06)". */
      dateBoth: (iso: string | null | undefined) =>
        iso ? `<time datetime="${escapeHtml(iso)}">${escapeHtml(f.dateWords(iso))}</time> <span class="muted iso" dir="ltr">(${escapeHtml(iso.slice(0, 10))})</span>` : '–',
      /** An ISO date in a table cell, with the words as its accessible title. */
      dateIso: (iso: string | null | undefined) =>
        iso ? `<time datetime="${escapeHtml(iso)}" title="${escapeHtml(f.dateWords(iso))}">${escapeHtml(iso.slice(0, 10))}</time>` : '–',
      /** A value with its quantifier in words: "more than 370,000". */
      quantified: (quantifier: string, value: number, rounded = false) => i18n.t(`chart.quantified.${quantifier}`, { value: rounded ? f.people(value) : f.number(value) }),
      /** A statistics reason code in words (`reason.<code>` in the catalogue). */
      reason: (r: Reason | null | undefined) => reasonText(r, i18n),
      /** A field error or import row problem in this language (`validation.<code>`); text without a code as it is. */
      fieldMessage: (e: Parameters<typeof localMessage>[0]) => localMessage(e, i18n),
      /** Only http(s) links are ever written into href. */
      safeUrl: (u: string | null | undefined) => (u && /^https?:\/\//i.test(u) ? u : null),
      query: req.query,
      notice: typeof req.query.done === 'string' && NOTICES.has(req.query.done) ? i18n.t(`done.${req.query.done}`) : null,
    });
    next();
  };
}
