import type { I18n } from '../i18n/i18n';
import { Router, type Response } from 'express';
import { CATEGORIES, SCENARIO_KINDS } from '../figures/figure';
import { hasRole, type AuthUser } from '../auth/user';
import { byField, echo, fieldErrors, scenarioInput, SCENARIO_FORM_FIELDS, type FormBody } from './forms';
import { idParam, requirePageRole } from './guards';
import type { PageDeps } from './deps';

/** The scenarios page of a situation: the list, the form to quote a new one, delete and restore (editors). */
export function scenarioPages(d: PageDeps): Router {
  const r = Router();

  const scenarioPage = async (res: Response, slug: string, status: number, form: { values: Record<string, string>; errors: { path: string; message: string }[] } | null) => {
    const situation = await d.situations.get(slug);
    const editor = hasRole(res.locals.user as AuthUser | undefined, 'editor');
    const all = await d.scenarios.list(slug, { includeDeleted: editor });
    const scenarios = all.filter((s) => !s.deletedAt);
    const deleted = all.filter((s) => s.deletedAt);
    const [locations, organisations] = await Promise.all([d.locations.list(situation.country).then((l) => (res.locals.i18n as I18n).places(l)), d.organisations.list()]);
    res.status(status).render('situations/scenarios', {
      title: `${res.locals.t('scenarios.title')} · ${situation.title}`,
      situation,
      scenarios,
      deleted,
      locations,
      organisations,
      kinds: SCENARIO_KINDS,
      categories: CATEGORIES,
      values: form?.values ?? { location: situation.country, category: 'new_displacement' },
      errors: form?.errors ?? [],
      fieldErrors: byField(form?.errors ?? []),
    });
  };
  const listUrl = (slug: string, done: string) => `/situations/${encodeURIComponent(slug)}/scenarios?done=${done}`;

  r.get('/situations/:slug/scenarios', async (req, res) => scenarioPage(res, String(req.params.slug), 200, null));

  r.post('/situations/:slug/scenarios', requirePageRole('editor'), async (req, res) => {
    const slug = String(req.params.slug);
    try {
      await d.scenarios.create(slug, scenarioInput(req.body as FormBody), req.user!);
    } catch (err) {
      const errors = fieldErrors(err);
      if (!errors) throw err;
      return scenarioPage(res, slug, 400, { values: echo(req.body as FormBody, SCENARIO_FORM_FIELDS), errors });
    }
    res.redirect(303, listUrl(slug, 'scenarioCreated'));
  });

  r.post('/situations/:slug/scenarios/:id/delete', requirePageRole('editor'), async (req, res) => {
    const slug = String(req.params.slug);
    await d.scenarios.delete(slug, idParam(req), req.user!);
    res.redirect(303, listUrl(slug, 'scenarioDeleted'));
  });

  r.post('/situations/:slug/scenarios/:id/restore', requirePageRole('editor'), async (req, res) => {
    const slug = String(req.params.slug);
    await d.scenarios.restore(slug, idParam(req), req.user!);
    res.redirect(303, listUrl(slug, 'scenarioRestored'));
  });

  return r;
}
