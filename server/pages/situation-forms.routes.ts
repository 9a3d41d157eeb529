import { Router, type Response } from 'express';
import { CATEGORIES } from '../figures/figure';
import { HttpError } from '../errors';
import type { Situation } from '../situations/situation';
import { echo, fieldErrors, byField, type FormBody } from './forms';
import { requirePageRole } from './guards';
import type { PageDeps } from './deps';

const CREATE_FIELDS = ['slug', 'title', 'country', 'countryName', 'onsetDate', 'description', 'headlineCategory'] as const;
const EDIT_FIELDS = ['title', 'onsetDate', 'description', 'headlineCategory'] as const;

/** Form strings → the API's JSON shape: empty optional fields are null, empty required ones "" (so the schema says "is required"). */
function situationInput(body: FormBody, fields: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of fields) {
    const v = typeof body[k] === 'string' ? (body[k] as string).trim() : '';
    out[k] = v === '' && ['countryName', 'description', 'headlineCategory'].includes(k) ? null : k === 'country' ? v.toUpperCase() : v;
  }
  return out;
}

type FormState = { values: Record<string, string>; errors?: { path: string; message: string }[]; situation?: Situation; conflict?: Situation };

/** New and edit situation pages for editors: the same service, validation and audit as the API. */
export function situationFormPages(d: PageDeps): Router {
  const r = Router();

  const render = (res: Response, status: number, s: FormState) =>
    res.status(status).render('situations/form', {
      title: s.situation ? res.locals.t('situationForm.editTitle', { title: s.situation.title }) : res.locals.t('situationForm.newTitle'),
      situation: s.situation ?? null,
      values: s.values,
      errors: s.errors ?? [],
      fieldErrors: byField(s.errors ?? []),
      conflict: s.conflict ?? null,
      categories: CATEGORIES,
    });

  r.get('/situations/new', requirePageRole('editor'), (_req, res) => render(res, 200, { values: {} }));

  r.post('/situations/new', requirePageRole('editor'), async (req, res) => {
    const body = req.body as FormBody;
    try {
      const s = await d.situations.create(situationInput(body, CREATE_FIELDS), req.user!);
      const to = `/situations/${encodeURIComponent(s.slug)}`;
      // "Create and import": straight on to the import page of the new situation.
      res.redirect(303, body.then === 'import' ? `${to}/import` : `${to}?done=situationCreated`);
    } catch (err) {
      const errors = fieldErrors(err) ?? (err instanceof HttpError && err.status === 409 ? [{ path: 'slug', message: err.message }] : null);
      if (!errors) throw err;
      render(res, 400, { values: echo(body, CREATE_FIELDS), errors });
    }
  });

  r.get('/situations/:slug/edit', requirePageRole('editor'), async (req, res) => {
    const s = await d.situations.get(String(req.params.slug));
    render(res, 200, { situation: s, values: valuesOf(s) });
  });

  r.post('/situations/:slug/edit', requirePageRole('editor'), async (req, res) => {
    const slug = String(req.params.slug);
    const body = req.body as FormBody;
    const version = Number(body.version);
    try {
      await d.situations.update(slug, { ...situationInput(body, EDIT_FIELDS), version: Number.isSafeInteger(version) && version > 0 ? version : 0 }, req.user!);
      res.redirect(303, `/situations/${encodeURIComponent(slug)}?done=situationUpdated`);
    } catch (err) {
      const current = await d.situations.get(slug);
      if (err instanceof HttpError && err.status === 409) {
        // The form keeps what the user typed and carries the current version: saving again is a deliberate overwrite.
        return render(res, 409, { situation: current, values: { ...echo(body, EDIT_FIELDS), version: String(current.version) }, conflict: current });
      }
      const errors = fieldErrors(err);
      if (!errors) throw err;
      render(res, 400, { situation: current, values: { ...echo(body, EDIT_FIELDS), version: String(body.version ?? '') }, errors });
    }
  });

  return r;
}

const valuesOf = (s: Situation): Record<string, string> => ({
  title: s.title,
  onsetDate: s.onsetDate,
  description: s.description ?? '',
  headlineCategory: s.headlineCategory ?? '',
  version: String(s.version),
});
