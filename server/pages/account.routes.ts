import { Router, type Response } from 'express';
import { HttpError } from '../errors';
import type { TokensService } from '../auth/tokens.service';
import { idParam, requirePageRole } from './guards';
import { LANG_COOKIE, LANG_COOKIE_MAX_AGE_MS, LANGUAGES } from '../i18n/negotiate';

/** /account/tokens: the signed-in user's API tokens — create (shown once), list, revoke. Same service as the API. */
export function accountPages(tokens: TokensService): Router {
  const r = Router();
  const render = async (
    res: Response,
    status: number,
    x: { created?: { token: string; name: string | null; expiresAt: string }; done?: boolean; languageSaved?: boolean; problem?: string },
  ) =>
    res.status(status).render('account/tokens', {
      title: res.locals.t('tokens.title'),
      tokens: await tokens.list(res.locals.user),
      created: x.created ?? null,
      done: x.done ?? false,
      languageSaved: x.languageSaved ?? false,
      languageChoices: LANGUAGES,
      problem: x.problem ?? null,
    });

  r.get('/account/tokens', requirePageRole('viewer'), async (req, res) => render(res, 200, { done: req.query.done === 'revoked', languageSaved: req.query.done === 'language' }));
  // The profile's language; the cookie (which outranks the profile) is set to match, or cleared for "as the browser asks".
  r.post('/account/language', requirePageRole('viewer'), async (req, res) => {
    const language = await tokens.setLanguage(req.user!, { language: req.body?.language ?? '' });
    if (language) res.cookie(LANG_COOKIE, language, { httpOnly: true, sameSite: 'lax', path: '/', secure: req.secure, maxAge: LANG_COOKIE_MAX_AGE_MS });
    else res.clearCookie(LANG_COOKIE, { path: '/' });
    res.redirect(303, '/account/tokens?done=language');
  });
  r.post('/account/tokens', requirePageRole('viewer'), async (req, res) => {
    const body = req.body ?? {};
    try {
      // The token is shown in this answer only (never in a URL, never stored).
      res.set('Cache-Control', 'no-store');
      await render(res, 201, { created: await tokens.create(req.user!, { name: body.name, expiresInDays: body.expiresInDays || undefined }) });
    } catch (err) {
      if (!(err instanceof HttpError) || err.status >= 500) throw err;
      await render(res, err.status, { problem: err.message });
    }
  });
  r.post('/account/tokens/:id/revoke', requirePageRole('viewer'), async (req, res) => {
    await tokens.revoke(req.user!, idParam(req));
    res.redirect(303, '/account/tokens?done=revoked');
  });
  return r;
}
