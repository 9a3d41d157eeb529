import { createHash } from 'node:crypto';
import { Router, type Request, type RequestHandler, type Response } from 'express';
import multer from 'multer';
import { z } from 'zod';
import { HttpError, fromUploadError, type FieldError, fieldError, cleanFilename, UPLOAD_CHARSETS } from '../errors';
import { parseOrThrow, oneOf } from '../validation';
import { idParam, requirePageRole } from '../pages/guards';
import { byField, echo, fieldErrors, type FormBody } from '../pages/forms';
import type { PageDeps } from '../pages/deps';
import { latestByChild, parseViewQuery } from '../pages/situation.data';
import type { I18n } from '../i18n/i18n';
import type { Situation } from '../situations/situation';
import type { AuthUser } from '../auth/user';
import { MAX_BOUNDARY_BYTES, type ReadBoundary } from './boundary-file';
import type { BoundaryReport } from './boundary';
import { renderChoropleth, type Choropleth, type MapArea } from './choropleth';
import type { MapsService } from './maps.service';
import { coded } from '../i18n/field-errors';

// The canvas loads on the first PNG request, not at start-up.
const canvas = () => require('@napi-rs/canvas') as typeof import('@napi-rs/canvas');

const ROLES = ['destination', 'origin', 'unknown'] as const;
type Role = (typeof ROLES)[number];

/** The map's own query parameters (the page's location and category come from the page's query). */
const mapQuerySchema = z.object({
  mapLevel: z
    .enum(['1', '2'], { error: coded('one_of', { values: '1, 2' }) })
    .transform(Number)
    .optional(),
  mapRole: z.enum(ROLES, { error: oneOf(ROLES) }).optional(),
});

/** What the map partial shows: the SVG, its table, legend and source lines, and the links. */
export interface MapView {
  map: Choropleth;
  /** The same map as a file of its own: title and source lines drawn in, so a pasted image keeps its sources. */
  file: string;
  level: number;
  levels: number[];
  role: Role;
  caption: string;
  boundaryLine: string;
  figureLine: string;
  withoutShape: string[];
  svgHref: string;
  pngHref: string;
  query: string;
}

const FORM_FIELDS = ['level', 'source', 'licence', 'pcodeField', 'nameField'] as const;

/**
 * The map: the choropleth on the situation page and the sitrep (through `res.locals.mapView`), map.svg and
 * map.png for reports, and the admins' boundary pages (upload, check and mapping step, confirm, delete, restore).
 */
export function mapPages(d: PageDeps & { maps: MapsService }): Router {
  const r = Router();
  const { maps } = d;
  // Rendered maps under the situation's stamp (every boundary or figure change moves it): a few per app.
  const cache = new Map<string, MapView | null>();
  const pngCache = new Map<string, { png: Buffer; etag: string }>();

  /** The map of a situation page's view, or null when it has none (no boundary, or a location below the country). */
  const mapView = async (slug: string, query: Record<string, unknown>, i18n: I18n, langParam: Record<string, string>): Promise<MapView | null> => {
    const q = parseViewQuery(query);
    const mq = parseOrThrow(mapQuerySchema, query);
    const situation = await d.situations.get(slug);
    if (q.location && q.location !== situation.country) return null;
    const key = JSON.stringify([slug, situation.updatedAt, q.category ?? null, mq.mapLevel ?? null, mq.mapRole ?? null, i18n.locale]);
    if (cache.has(key)) return cache.get(key)!;
    const view = await buildMap(d, maps, situation, q.category, mq, i18n, langParam);
    if (cache.size >= 32) cache.delete(cache.keys().next().value!);
    cache.set(key, view);
    return view;
  };

  // The situation page and the sitrep find their map here (mounted before them).
  const attach: RequestHandler = async (req, res, next) => {
    // The map's own parameters are checked here: a bad mapLevel or mapRole is a 400 naming it.
    parseOrThrow(mapQuerySchema, req.query);
    try {
      res.locals.mapView = await mapView(String(req.params.slug), req.query as Record<string, unknown>, res.locals.i18n as I18n, res.locals.langParam);
      res.locals.mapKey = res.locals.mapView ? (res.locals.mapView as MapView).query : null;
    } catch (err) {
      // The page itself answers a missing situation, and shows its own query it cannot use (e.g. horizon) beside its field.
      if (err instanceof HttpError && (err.status === 404 || err.status === 400)) return next();
      throw err;
    }
    next();
  };
  r.get(['/situations/:slug', '/situations/:slug/sitrep'], attach);

  r.get('/situations/:slug/map.svg', async (req, res) => {
    const v = await mapView(String(req.params.slug), req.query as Record<string, unknown>, res.locals.i18n as I18n, res.locals.langParam);
    if (!v) throw new HttpError(404, 'not_found', res.locals.t('boundaries.none'));
    res.setHeader('Cache-Control', 'private, no-cache');
    res.type('image/svg+xml');
    res.setHeader('Content-Disposition', `inline; filename="${String(req.params.slug)}-map.svg"`);
    res.send(standalone(v));
  });

  r.get('/situations/:slug/map.png', async (req, res) => {
    const v = await mapView(String(req.params.slug), req.query as Record<string, unknown>, res.locals.i18n as I18n, res.locals.langParam);
    if (!v) throw new HttpError(404, 'not_found', res.locals.t('boundaries.none'));
    const svg = standalone(v);
    const key = createHash('sha256').update(svg).digest('base64url').slice(0, 27);
    let hit = pngCache.get(key);
    if (!hit) {
      const { createCanvas, loadImage } = canvas();
      const img = await loadImage(Buffer.from(svg));
      // Twice the SVG's size: sharp when pasted into a report at page width.
      const c = createCanvas(img.width * 2, img.height * 2);
      c.getContext('2d').drawImage(img, 0, 0, img.width * 2, img.height * 2);
      hit = { png: c.toBuffer('image/png'), etag: `"${key}"` };
      if (pngCache.size >= 16) pngCache.delete(pngCache.keys().next().value!);
      pngCache.set(key, hit);
    }
    res.setHeader('Cache-Control', 'private, no-cache');
    res.setHeader('ETag', hit.etag);
    if (req.fresh) return res.status(304).end();
    res.type('png');
    res.setHeader('Content-Disposition', `inline; filename="${String(req.params.slug)}-map.png"`);
    res.send(hit.png);
  });

  // Boundary pages (admins).
  const page = async (req: Request, res: Response, status: number, extra: Record<string, unknown> = {}) => {
    const slug = String(req.params.slug);
    const situation = await d.situations.get(slug);
    const { boundaries, history } = await maps.list(slug);
    res.status(status).render('maps/boundaries', {
      title: res.locals.t('boundaries.title', { situation: situation.title }),
      situation,
      boundaries,
      history,
      values: { level: '1' },
      errors: [],
      fieldErrors: {},
      report: null,
      draft: null,
      message: null,
      maxMb: Math.round(MAX_BOUNDARY_BYTES / 1024 / 1024),
      ...extra,
    });
  };

  r.get('/situations/:slug/boundaries', requirePageRole('admin'), async (req, res) => {
    const t = res.locals.t as I18n['t'];
    const message =
      typeof req.query.stored === 'string'
        ? t('boundaries.stored', { level: req.query.stored, count: String(req.query.count ?? '') })
        : typeof req.query.deleted === 'string'
          ? t('boundaries.deleted', { level: req.query.deleted })
          : req.query.restored !== undefined
            ? t('boundaries.restored')
            : null;
    await page(req, res, 200, { message });
  });

  // The uploaded file, checked and kept for the mapping step (the multipart parser ran before the CSRF check).
  r.post('/situations/:slug/boundaries', requirePageRole('admin'), async (req, res) => {
    const body = (req.body ?? {}) as FormBody;
    const values = echo(body, FORM_FIELDS);
    const uploadError = res.locals.uploadError as { status: number; message: string } | undefined;
    if (uploadError) return page(req, res, uploadError.status, { values, errors: [{ path: 'file', message: uploadError.message }], fieldErrors: { file: uploadError.message } });
    const errors: FieldError[] = [];
    if (!req.file?.buffer?.length) errors.push(fieldError('file', 'required'));
    let opts;
    try {
      opts = maps.options(formOptions(body));
    } catch (err) {
      errors.push(...(fieldErrors(err) ?? []));
      if (!fieldErrors(err)) throw err;
    }
    let read: ReadBoundary | undefined;
    if (req.file?.buffer?.length)
      try {
        read = await maps.read(req.file.buffer);
      } catch (err) {
        const fe = fieldErrors(err);
        if (!fe) throw err;
        errors.push(...fe);
      }
    if (errors.length || !read || !opts) return page(req, res, 400, { values, errors, fieldErrors: byField(errors) });
    const slug = String(req.params.slug);
    const filename = cleanFilename(req.file!.originalname, 'boundaries.json');
    const draft = maps.keepDraft(slug, read, filename, req.user as AuthUser);
    const report = await maps.check(slug, read, { ...opts, filename });
    return page(req, res, report.problems.length ? 400 : 200, {
      values: { ...values, ...fieldsOf(report) },
      report,
      draft,
      errors: report.problems,
      fieldErrors: byField(report.problems),
    });
  });

  // The mapping step: check again with the chosen fields, or store.
  r.post('/situations/:slug/boundaries/confirm', requirePageRole('admin'), async (req, res) => {
    const slug = String(req.params.slug);
    const body = (req.body ?? {}) as FormBody;
    const values = echo(body, FORM_FIELDS);
    const user = req.user as AuthUser;
    const key = typeof body.draft === 'string' ? body.draft : '';
    let report: BoundaryReport | null = null;
    try {
      const { read, filename } = maps.draft(key, slug, user);
      const opts = maps.options(formOptions(body));
      if (body.action === 'store') {
        const done = await maps.commit(slug, read, { ...opts, filename }, user);
        maps.dropDraft(key);
        return res.redirect(303, `/situations/${encodeURIComponent(slug)}/boundaries?stored=${done.level}&count=${done.boundary?.features ?? 0}`);
      }
      report = await maps.check(slug, read, { ...opts, filename });
      return page(req, res, report.problems.length ? 400 : 200, {
        values: { ...values, ...fieldsOf(report) },
        report,
        draft: key,
        errors: report.problems,
        fieldErrors: byField(report.problems),
      });
    } catch (err) {
      const fe = fieldErrors(err);
      if (!fe) throw err;
      let again: BoundaryReport | null = null;
      try {
        const { read, filename } = maps.draft(key, slug, user);
        again = await maps.check(slug, read, { level: Number(values.level) === 2 ? 2 : 1, filename });
      } catch {
        again = null;
      }
      return page(req, res, 400, { values, report: again, draft: again ? key : null, errors: fe, fieldErrors: byField(fe) });
    }
  });

  r.post('/situations/:slug/boundaries/:level/delete', requirePageRole('admin'), async (req, res) => {
    const level = String(req.params.level);
    if (level !== '1' && level !== '2') throw new HttpError(400, 'validation_failed', 'level: must be 1 or 2', { fields: [fieldError('level', 'one_of', { values: '1, 2' })] });
    await maps.remove(String(req.params.slug), Number(level), req.user as AuthUser);
    res.redirect(303, `/situations/${encodeURIComponent(String(req.params.slug))}/boundaries?deleted=${level}`);
  });

  r.post('/situations/:slug/boundaries/:id/restore', requirePageRole('admin'), async (req, res) => {
    await maps.restore(String(req.params.slug), idParam(req), req.user as AuthUser);
    res.redirect(303, `/situations/${encodeURIComponent(String(req.params.slug))}/boundaries?restored=1`);
  });

  return r;
}

/**
 * The multipart parser of the boundary upload form, mounted before the CSRF check so the token is read from
 * the body (as the import form does); only signed-in admins get this far. In memory, bounded by the size limit.
 */
export function boundaryUploadParser(): Router {
  const upload = multer({ ...UPLOAD_CHARSETS, storage: multer.memoryStorage(), limits: { fileSize: MAX_BOUNDARY_BYTES, files: 1, fields: 20, parts: 21, fieldSize: 4096 } }).single(
    'file',
  );
  const r = Router();
  const onlyMultipart: RequestHandler = (req, _res, next) => (req.is('multipart/form-data') ? next() : next('route'));
  r.post('/situations/:slug/boundaries', onlyMultipart, requirePageRole('admin'), (req, res, next) => {
    upload(req, res, (err?: unknown) => {
      if (err) {
        const mapped = fromUploadError(err, MAX_BOUNDARY_BYTES);
        if (!(mapped instanceof HttpError)) return next(mapped);
        res.locals.uploadError =
          mapped.status === 413
            ? { status: 413, message: res.locals.t('boundaries.tooLarge', { mb: Math.round(MAX_BOUNDARY_BYTES / 1024 / 1024) }) }
            : {
                status: 400,
                message: res.locals.t('boundaries.badUpload', { reason: mapped.details.fields?.[0] ? res.locals.fieldMessage(mapped.details.fields[0]) : mapped.message }),
              };
        req.body ??= {};
      }
      next();
    });
  });
  return r;
}

/** Form strings → the options the schema reads; empty fields are left out so the schema names what is missing. */
function formOptions(body: FormBody): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of FORM_FIELDS) {
    const v = body[k];
    if (typeof v === 'string') {
      if (v.trim()) out[k] = v.trim();
    } else if (v !== undefined && v !== null) out[k] = v;
  }
  return out;
}

const fieldsOf = (r: BoundaryReport) => ({ pcodeField: r.pcodeField ?? '', nameField: r.nameField ?? '' });

const standalone = (v: MapView) => v.file;

/**
 * The map of a situation at one admin level: the latest approved figure of each shape's location, computed as
 * the situation page's table of locations computes it (latestByChild over the same figures), in one role.
 */
async function buildMap(
  d: PageDeps & { maps: MapsService },
  maps: MapsService,
  situation: Situation,
  category: string | undefined,
  mq: z.output<typeof mapQuerySchema>,
  i18n: I18n,
  langParam: Record<string, string>,
): Promise<MapView | null> {
  const levels = await maps.levels(situation.id);
  if (!levels.length) return null;
  const level = mq.mapLevel && levels.includes(mq.mapLevel) ? mq.mapLevel : levels[0];
  const boundary = await maps.current(situation.slug, level);
  if (!boundary) return null;
  const v = await d.views.load(situation.slug, parseViewQuery(category ? { category } : {}), i18n);
  const levelLocations = v.locations.filter((l) => l.adminLevel === level);
  const { figures } = await d.figures.list(situation.slug, { category: v.category, status: 'approved', locations: levelLocations.map((l) => l.code) }, undefined);
  const bars = new Map(latestByChild(levelLocations, figures).map((b) => [b.code, b]));
  const role: Role = mq.mapRole ?? ROLES.find((r) => [...bars.values()].some((b) => b[r])) ?? 'destination';
  const names = new Map(v.locations.map((l) => [l.code, l.name]));
  const areas: MapArea[] = Object.entries(boundary.matched).map(([pcode, location]) => {
    const x = bars.get(location)?.[role] ?? null;
    return { pcode, location, name: names.get(location) ?? pcode, value: x?.value ?? null, date: x?.date ?? null };
  });
  // The organisations behind the numbers drawn: the figure each area's value came from.
  const organisations = new Set<string>();
  for (const a of areas)
    if (a.value != null) {
      const f = figures.find((f) => f.location === a.location && f.locationRole === role && f.periodEnd === a.date && f.value === a.value);
      if (f) organisations.add(f.organisation);
    }
  const shaped = new Set(Object.values(boundary.matched));
  const withoutShape = [...bars.values()].filter((b) => b[role] && !shaped.has(b.code)).map((b) => b.name);
  const categoryName = i18n.label('category', v.category);
  const boundaryLine = i18n.t('map.boundarySource', { source: boundary.source, licence: boundary.licence, level });
  const figureLine = organisations.size ? i18n.t('map.figureSource', { organisations: [...organisations].sort().join(', ') }) : i18n.t('map.figureSourceNone');
  const title = i18n.t('map.title', { category: categoryName, level });
  const drawn = { topology: boundary.topology, projected: boundary.projected, areas, i18n, title };
  const map = renderChoropleth(drawn);
  const file = renderChoropleth({ ...drawn, footer: [title, boundaryLine, figureLine] }).svg;
  const p = new URLSearchParams();
  if (category) p.set('category', category);
  if (mq.mapLevel) p.set('mapLevel', String(level));
  if (mq.mapRole) p.set('mapRole', role);
  // The map's files name the page's language, so a copied link draws the same legend and source lines.
  for (const [k, v] of Object.entries(langParam)) p.set(k, v);
  const query = p.toString() ? `?${p}` : '';
  const base = `/situations/${encodeURIComponent(situation.slug)}`;
  return {
    map,
    file,
    level,
    levels,
    role,
    caption: i18n.t('map.caption', { role: i18n.t(`map.role.${role}`), category: categoryName }),
    boundaryLine,
    figureLine,
    withoutShape,
    svgHref: `${base}/map.svg${query}`,
    pngHref: `${base}/map.png${query}`,
    query,
  };
}
