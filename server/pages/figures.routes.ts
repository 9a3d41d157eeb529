import type { I18n } from '../i18n/i18n';
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { CATEGORIES, FIGURE_ROLES, LOCATION_ROLES, QUANTIFIERS, STATUSES, UNITS } from '../figures/figure';
import type { FigureRecord } from '../figures/figures.repository';
import { mayApprove } from '../figures/figures.service';
import { HttpError, type FieldError } from '../errors';
import { hasRole, type AuthUser } from '../auth/user';
import { MAX_ID, isoDate, locationCode, requiredText, toFieldErrors, oneOf } from '../validation';
import type { Situation } from '../situations/situation';
import { byField, echo, fieldErrors, figureInput, FIGURE_FORM_FIELDS, type FormBody } from './forms';
import { idParam, requirePageRole } from './guards';
import type { PageDeps } from './deps';
import { coded } from '../i18n/field-errors';

const PAGE_SIZE = 100;

/** Filters of the figures list; empty form fields mean "any". */
const listQuery = z.preprocess(
  (q) => Object.fromEntries(Object.entries((q ?? {}) as Record<string, unknown>).filter(([, v]) => v !== '' && v != null)),
  z.object({
    location: locationCode().optional(),
    category: z.enum(CATEGORIES, { error: oneOf(CATEGORIES) }).optional(),
    status: z.enum([...STATUSES, 'all'] as const, { error: oneOf([...STATUSES, 'all']) }).optional(),
    organisation: requiredText(120).optional(),
    from: isoDate().optional(),
    to: isoDate().optional(),
    deleted: z.enum(['on']).optional(),
    // Newest first, so the next page starts before the last row shown: its period end and id.
    before: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}~\d{1,10}$/, coded('page_cursor'))
      .refine((v) => Number(v.slice(11)) <= MAX_ID, coded('page_cursor_range'))
      .optional(),
  }),
);

/** A stored figure as the strings its form shows. */
function formValues(f: FigureRecord): Record<string, string> {
  const s = (v: unknown) => (v == null ? '' : String(v));
  return {
    location: f.location,
    locationRole: f.locationRole,
    category: f.category,
    periodStart: s(f.periodStart),
    periodEnd: f.periodEnd,
    unit: f.unit,
    value: f.unit === 'people' ? s(f.value) : '',
    reportedValue: f.unit === 'households' ? s(f.reportedValue) : '',
    householdSize: s(f.householdSize),
    quantifier: f.quantifier,
    valueLow: s(f.valueLow),
    valueHigh: s(f.valueHigh),
    organisation: f.organisation,
    sourceUrl: f.sourceUrl,
    sourceTitle: s(f.sourceTitle),
    publishedOn: f.publishedOn,
    quote: f.quote,
    operation: s(f.operation),
    reportingRound: s(f.reportingRound),
    assessmentType: s(f.assessmentType),
    role: f.role,
    status: f.status,
    notes: s(f.notes),
  };
}

// History rows list what changed; bookkeeping fields change every time and say nothing.
const BOOKKEEPING = new Set(['updatedAt', 'updatedBy', 'version', 'createdAt', 'createdBy', 'changedBy', 'organisationReliability']);
function changes(before: Record<string, unknown> | null, after: Record<string, unknown> | null) {
  if (!before || !after) return [];
  // A people figure's published number is its value: listing it again as "households as published" would be wrong.
  const people = before.unit === 'people' && after.unit === 'people';
  return Object.keys(after)
    .filter((k) => !BOOKKEEPING.has(k) && !(people && k === 'reportedValue') && JSON.stringify(before[k] ?? null) !== JSON.stringify(after[k] ?? null))
    .map((k) => ({ field: k, before: before[k], after: after[k] }));
}

/** The figures export with the list's filters: every row the filters select (all pages), not only this page. */
function figuresCsvHref(
  slug: string,
  q: { location?: string; category?: string; organisation?: string; from?: string; to?: string; status?: string },
  editor: boolean,
  bom = false,
): string {
  const p = new URLSearchParams();
  for (const k of ['location', 'category', 'organisation', 'from', 'to'] as const) if (q[k]) p.set(k, q[k]!);
  // Readers' lists hold approved figures only, as the export does by default; an editor's list defaults to every status.
  if (editor) p.set('status', q.status ?? 'all');
  if (bom) p.set('bom', '1');
  const s = p.toString();
  return `/situations/${encodeURIComponent(slug)}/export/figures.csv${s ? `?${s}` : ''}`;
}

const formOptions = async (d: PageDeps, situation: Situation, i18n: I18n) => ({
  locations: i18n.places(await d.locations.list(situation.country)),
  organisations: await d.organisations.list(),
  options: { locationRole: LOCATION_ROLES, category: CATEGORIES, quantifier: QUANTIFIERS, unit: UNITS, role: FIGURE_ROLES, status: STATUSES },
});

const renderForm = async (
  d: PageDeps,
  res: Response,
  status: number,
  x: { situation: Situation; figure?: FigureRecord; values: Record<string, string>; errors?: FieldError[]; conflict?: { current: FigureRecord; yours: Record<string, string> } },
) => {
  const errors = x.errors ?? [];
  res.status(status).render('figures/form', {
    title: x.figure ? res.locals.t('figureForm.editTitle', { id: x.figure.id }) : res.locals.t('figureForm.newTitle'),
    situation: x.situation,
    figure: x.figure ?? null,
    values: x.values,
    errors,
    fieldErrors: byField(errors),
    fields: FIGURE_FORM_FIELDS,
    conflict: x.conflict ? { current: x.conflict.current, currentValues: formValues(x.conflict.current), yours: x.conflict.yours } : null,
    ...(await formOptions(d, x.situation, res.locals.i18n as I18n)),
  });
};

const renderDetail = async (d: PageDeps, req: Request, res: Response, f: FigureRecord, status = 200, problem: string | null = null) => {
  const situation = await d.situations.get(f.situation);
  const location = await d.locations.get(f.location);
  const history = req.user ? (await d.figures.history(f.id, req.user)).map((h) => ({ ...h, changes: changes(h.before as never, h.after as never) })) : null;
  // Four eyes: the Approve button only for someone who may approve it; its author is told why instead.
  const mayApproveIt = !!req.user && mayApprove(f, req.user);
  res.status(status).render('figures/show', { title: res.locals.t('figure.title', { id: f.id }), figure: f, situation, location, history, problem, mayApproveIt });
};

/** The figures of a situation, filtered and paged (readers see approved ones). */
function figureListPage(d: PageDeps): Router {
  const r = Router();
  r.get('/situations/:slug/figures', async (req, res) => {
    const situation = await d.situations.get(String(req.params.slug));
    const editor = hasRole(req.user, 'editor');
    const parsed = listQuery.safeParse(req.query);
    const errors = parsed.success ? [] : toFieldErrors(parsed.error);
    const q = parsed.success ? parsed.data : {};
    let figures: FigureRecord[] = [];
    let next: string | null = null;
    if (parsed.success) {
      try {
        const page = await d.figures.list(
          situation.slug,
          {
            location: q.location,
            category: q.category,
            organisation: q.organisation,
            from: q.from,
            to: q.to,
            // Readers see approved figures (the service refuses them others); editors see every status unless they choose.
            status: q.status ?? (editor ? 'all' : 'approved'),
            includeDeleted: q.deleted === 'on',
            newestFirst: { before: q.before ? { periodEnd: q.before.slice(0, 10), id: Number(q.before.slice(11)) } : undefined },
            limit: PAGE_SIZE,
          },
          req.user,
        );
        figures = page.figures;
        if (page.nextAfter != null) {
          const last = figures[figures.length - 1];
          const p = new URLSearchParams(Object.entries(req.query).filter(([k, v]) => k !== 'before' && typeof v === 'string') as [string, string][]);
          p.set('before', `${last.periodEnd}~${last.id}`);
          next = `?${p}`;
        }
      } catch (err) {
        const refused = fieldErrors(err);
        if (!refused) throw err;
        errors.push(...refused);
      }
    }
    const [locations, organisations] = await Promise.all([d.locations.list(situation.country).then((l) => (res.locals.i18n as I18n).places(l)), d.organisations.list()]);
    res.status(errors.length ? 400 : 200).render('figures/list', {
      title: `${res.locals.t('figures.title')} · ${situation.title}`,
      situation,
      figures,
      next,
      errors,
      fieldErrors: byField(errors),
      filters: echo(req.query as FormBody, ['location', 'category', 'status', 'organisation', 'from', 'to', 'deleted']),
      locations,
      organisations,
      categories: CATEGORIES,
      statuses: STATUSES,
      locationNames: Object.fromEntries(locations.map((l) => [l.code, l.name])),
      csvHref: parsed.success ? figuresCsvHref(situation.slug, q, editor) : null,
      csvExcelHref: parsed.success ? figuresCsvHref(situation.slug, q, editor, true) : null,
    });
  });

  return r;
}

/** The figure form: new, create, edit, and save with the version it was based on (a stale one shows both versions). */
function figureFormPages(d: PageDeps): Router {
  const r = Router();
  r.get('/situations/:slug/figures/new', requirePageRole('editor'), async (req, res) => {
    const situation = await d.situations.get(String(req.params.slug));
    // No quantifier is chosen for the user: "exact" and "more than" publish different numbers.
    const values: Record<string, string> = {
      location: situation.country,
      locationRole: 'unknown',
      category: await d.analysis.headlineCategory(situation),
      unit: 'people',
      quantifier: '',
      role: 'recommended',
      status: 'draft',
    };
    await renderForm(d, res, 200, { situation, values });
  });

  r.post('/situations/:slug/figures', requirePageRole('editor'), async (req, res) => {
    const situation = await d.situations.get(String(req.params.slug));
    const body = req.body as FormBody;
    try {
      const input = figureInput(body, 'create');
      // Only admins see the status field; anyone else creates a draft whatever the request says.
      if (!hasRole(req.user, 'admin')) delete input.status;
      const f = await d.figures.create(situation.slug, input, req.user!);
      res.redirect(303, `/figures/${f.id}?done=created`);
    } catch (err) {
      const errors = fieldErrors(err) ?? (err instanceof HttpError && err.status === 403 ? [{ path: 'status', message: err.message }] : null);
      if (!errors) throw err;
      await renderForm(d, res, err instanceof HttpError ? err.status : 400, { situation, values: echo(body, FIGURE_FORM_FIELDS), errors });
    }
  });

  r.get('/figures/:id/edit', requirePageRole('editor'), async (req, res) => {
    const f = await d.figures.get(idParam(req));
    await renderForm(d, res, 200, { situation: await d.situations.get(f.situation), figure: f, values: { ...formValues(f), version: String(f.version) } });
  });

  r.post('/figures/:id', requirePageRole('editor'), async (req, res) => {
    const id = idParam(req);
    const body = req.body as FormBody;
    const yours = { ...echo(body, FIGURE_FORM_FIELDS), version: String(body.version ?? '') };
    try {
      const version = Number(body.version);
      // The version is a hidden field: a missing or broken one is treated as a stale edit, shown with the current record.
      if (!Number.isSafeInteger(version) || version < 1) throw new HttpError(409, 'version_conflict', 'The form carried no valid version', { current: await d.figures.get(id) });
      await d.figures.update(id, { ...figureInput(body, 'update'), version }, req.user!);
      res.redirect(303, `/figures/${id}?done=updated`);
    } catch (err) {
      const f = await d.figures.get(id);
      const situation = await d.situations.get(f.situation);
      if (err instanceof HttpError && err.status === 409 && err.details.current) {
        const current = err.details.current as FigureRecord;
        // The form keeps the user's input but carries the current version: saving again is a deliberate overwrite.
        return renderForm(d, res, 409, { situation, figure: current, values: { ...yours, version: String(current.version) }, conflict: { current, yours } });
      }
      const errors = fieldErrors(err);
      if (!errors) throw err;
      await renderForm(d, res, 400, { situation, figure: f, values: yours, errors });
    }
  });

  return r;
}

type FigureAction = 'approve' | 'reject' | 'delete' | 'restore';
const DONE: Record<FigureAction, string> = { approve: 'approved', reject: 'rejected', delete: 'deleted', restore: 'restored' };

/** One figure with its history, and the review buttons on it. */
function figureDetailPages(d: PageDeps): Router {
  const r = Router();
  r.get('/figures/:id', async (req, res) => {
    await renderDetail(d, req, res, await d.figures.visible(idParam(req), req.user, { includeDeleted: true }));
  });

  /** Runs a review action; a refusal (403, or 409 when the figure moved on) shows the figure again with the reason. */
  const act = async (req: Request, res: Response, name: FigureAction, run: (id: number, user: AuthUser, version: number | undefined) => Promise<unknown>) => {
    const id = idParam(req);
    const version = Number(req.body.version) || undefined;
    try {
      await run(id, req.user!, version);
    } catch (err) {
      if (!(err instanceof HttpError) || ![403, 409].includes(err.status)) throw err;
      const f = await d.figures.get(id, { includeDeleted: true });
      const message =
        err.status === 409 && err.code === 'version_conflict'
          ? res.locals.t('figure.changedMeanwhile', { version: version ?? '?', current: f.version, by: f.updatedBy })
          : err.message;
      return renderDetail(d, req, res, f, err.status, message);
    }
    res.redirect(303, `/figures/${id}?done=${DONE[name]}`);
  };
  r.post('/figures/:id/approve', requirePageRole('editor'), (req, res) => act(req, res, 'approve', (id, user, version) => d.figures.approve(id, user, version)));
  r.post('/figures/:id/reject', requirePageRole('editor'), (req, res) => act(req, res, 'reject', (id, user, version) => d.figures.reject(id, user, version)));
  r.post('/figures/:id/delete', requirePageRole('editor'), (req, res) => act(req, res, 'delete', (id, user, version) => d.figures.delete(id, user, version)));
  r.post('/figures/:id/restore', requirePageRole('editor'), (req, res) => act(req, res, 'restore', (id, user) => d.figures.restore(id, user)));
  return r;
}

/** Figures list, detail with history, and the figure form (create, edit, approve, reject, delete, restore). */
export function figurePages(d: PageDeps): Router {
  return Router().use(figureListPage(d), figureFormPages(d), figureDetailPages(d));
}
