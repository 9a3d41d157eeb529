import { Router, type Response } from 'express';
import { HttpError } from '../errors';
import type { TokensService } from '../auth/tokens.service';
import { idParam, requirePageRole } from './guards';

/** /account/tokens: the signed-in user's API tokens — create (shown once), list, revoke. Same service as the API. */
export function accountPages(tokens: TokensService): Router {
  const r = Router();
  const render = async (res: Response, status: number, x: { created?: { token: string; name: string | null; expiresAt: string }; done?: boolean; problem?: string }) =>
    res.status(status).render('account/tokens', {
      title: res.locals.t('tokens.title'),
      tokens: await tokens.list(res.locals.user),
      created: x.created ?? null,
      done: x.done ?? false,
      problem: x.problem ?? null,
    });

  r.get('/account/tokens', requirePageRole('viewer'), async (req, res) => render(res, 200, { done: req.query.done === 'revoked' }));
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
