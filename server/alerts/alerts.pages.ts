import type { I18n } from '../i18n/i18n';
import { Router, type Request, type Response } from 'express';
import { CATEGORIES } from '../figures/figure';
import { locationsRepository } from '../locations/locations.repository';
import { hasRole, type AuthUser } from '../auth/user';
import { HttpError } from '../errors';
import { idParam, requirePageRole } from '../pages/guards';
import { byField, echo, fieldErrors, numberField, type FormBody } from '../pages/forms';
import type { PageDeps } from '../pages/deps';
import { RULE_KINDS, type Alert, type RuleKind } from './alert';
import { alertText } from './alert-text';
import type { AlertsService } from './alerts.service';
import { atom } from './feed';

/** The fields each rule kind takes from the form (the others on the form are for other kinds and are ignored). */
const KIND_FIELDS: Record<RuleKind, string[]> = {
  threshold: ['location', 'category', 'threshold'],
  change_7d: ['location', 'category', 'people', 'percent'],
  yearly_high: ['location', 'category', 'percent'],
  projection: ['location', 'category', 'threshold', 'horizonDays'],
  stale: ['location', 'category', 'days'],
  conflict: ['location', 'category', 'percent'],
};
const RULE_FORM_FIELDS = ['kind', 'location', 'category', 'threshold', 'people', 'percent', 'days', 'horizonDays'] as const;
const NUMBERS = new Set(['threshold', 'people', 'percent', 'days', 'horizonDays']);

/** Form → rule input: only the kind's fields; empty ones left out so the schema names what is missing. */
export function ruleInput(body: FormBody): Record<string, unknown> {
  const kind = typeof body.kind === 'string' ? body.kind.trim() : '';
  const out: Record<string, unknown> = { kind };
  const fields = (RULE_KINDS as readonly string[]).includes(kind) ? KIND_FIELDS[kind as RuleKind] : [];
  for (const k of fields) {
    const raw = typeof body[k] === 'string' ? (body[k] as string).trim() : '';
    if (!raw) continue;
    out[k] = NUMBERS.has(k) ? numberField(raw) : raw;
  }
  return out;
}

const FEED_LIMIT = 50;

/** Alert pages, the Atom feeds, acknowledgement and subscription forms, and the recent-alerts lists of the situation page and dashboard. */
export function alertPages(d: PageDeps & { alerts: AlertsService }): Router {
  const r = Router();
  const alerts = d.alerts;
  const base = (req: Request) => d.config.PUBLIC_URL ?? `${req.protocol}://${req.get('host')}`;
  const slugPath = (slug: string) => `/situations/${encodeURIComponent(slug)}`;
  // Messages are stored in the instance's language; a reader in another language gets them written again in theirs.
  const inLanguage = async (list: Alert[], i18n: I18n): Promise<Alert[]> => {
    if (i18n.lang === d.i18n.lang) return list;
    const places = new Map(await Promise.all([...new Set(list.map((a) => a.location))].map(async (code) => [code, await d.locations.get(code)] as const)));
    return list.map((a) => {
      const l = places.get(a.location);
      return { ...a, message: alertText(a, l ? i18n.placeName(l) : (a.locationName ?? a.location), i18n) ?? a.message };
    });
  };

  // The situation page and dashboard each include views/alerts/_recent.ejs; the stamp keys the situation page cache.
  r.get(['/', '/situations/:slug'], async (req, res, next) => {
    const slug = typeof req.params.slug === 'string' ? req.params.slug : undefined;
    try {
      const recent = await alerts.recent(slug);
      res.locals.recentAlerts = await inLanguage(recent.alerts, res.locals.i18n as I18n);
      res.locals.alertsStamp = recent.stamp;
    } catch (err) {
      // An unknown situation: the situation page answers its own 404.
      if (!(err instanceof HttpError && err.status === 404)) throw err;
    }
    next();
  });

  const page = async (req: Request, res: Response, status: number, form: { values: Record<string, string>; errors: { path: string; message: string }[] } | null) => {
    const slug = String(req.params.slug);
    const situation = await d.situations.get(slug);
    const user = res.locals.user as AuthUser | undefined;
    const editor = hasRole(user, 'editor');
    const [list, rules, locations] = await Promise.all([
      alerts.list({ slug, limit: 100 }),
      alerts.rules(slug, { includeDeleted: editor }),
      locationsRepository.list(d.storage.db, situation.country).then((l) => (res.locals.i18n as I18n).places(l)),
    ]);
    res.status(status).render('alerts/index', {
      title: `${res.locals.t('alerts.title')} · ${situation.title}`,
      situation,
      alerts: await inLanguage(list, res.locals.i18n as I18n),
      rules: rules.filter((x) => !x.deletedAt),
      deletedRules: rules.filter((x) => x.deletedAt),
      locations,
      webhooks: editor ? await alerts.webhooks(slug) : [],
      deliveries: editor ? await alerts.deliveries(slug, 50) : [],
      subscribed: user ? await alerts.isSubscribed(slug, user) : false,
      emailEnabled: !!d.config.SMTP_URL,
      kinds: RULE_KINDS,
      categories: CATEGORIES,
      values: form?.values ?? { kind: 'threshold', location: situation.country, category: 'new_displacement' },
      errors: form?.errors ?? [],
      fieldErrors: byField(form?.errors ?? []),
    });
  };

  r.get('/situations/:slug/alerts', (req, res) => page(req, res, 200, null));

  r.post('/situations/:slug/alerts/rules', requirePageRole('editor'), async (req, res) => {
    const slug = String(req.params.slug);
    try {
      await alerts.createRule(slug, ruleInput(req.body as FormBody), req.user!);
    } catch (err) {
      const errors = fieldErrors(err);
      if (!errors) throw err;
      return page(req, res, 400, { values: echo(req.body as FormBody, RULE_FORM_FIELDS), errors });
    }
    res.redirect(303, `${slugPath(slug)}/alerts?done=ruleCreated#rules`);
  });

  for (const action of ['delete', 'restore'] as const)
    r.post(`/situations/:slug/alerts/rules/:id/${action}`, requirePageRole('editor'), async (req, res) => {
      const slug = String(req.params.slug);
      await alerts.setRuleDeleted(slug, idParam(req), req.user!, action === 'delete');
      res.redirect(303, `${slugPath(slug)}/alerts?done=${action === 'delete' ? 'ruleDeleted' : 'ruleRestored'}#rules`);
    });

  r.post('/situations/:slug/alerts/webhooks', requirePageRole('editor'), async (req, res) => {
    const slug = String(req.params.slug);
    const body = req.body as FormBody;
    try {
      await alerts.createWebhook(slug, { url: String(body.url ?? '').trim(), secret: String(body.secret ?? '') }, req.user!);
    } catch (err) {
      const errors = fieldErrors(err);
      if (!errors) throw err;
      return page(req, res, 400, { values: { ...echo(body, ['url']), kind: 'threshold' }, errors });
    }
    res.redirect(303, `${slugPath(slug)}/alerts?done=webhookCreated#webhooks`);
  });

  r.post('/situations/:slug/alerts/webhooks/:id/delete', requirePageRole('editor'), async (req, res) => {
    const slug = String(req.params.slug);
    await alerts.deleteWebhook(slug, idParam(req), req.user!);
    res.redirect(303, `${slugPath(slug)}/alerts?done=webhookDeleted#webhooks`);
  });

  for (const action of ['subscribe', 'unsubscribe'] as const)
    r.post(`/situations/:slug/alerts/${action}`, requirePageRole('viewer'), async (req, res) => {
      const slug = String(req.params.slug);
      await (action === 'subscribe' ? alerts.subscribe(slug, req.user!) : alerts.unsubscribe(slug, req.user!));
      res.redirect(303, `${slugPath(slug)}/alerts?done=${action === 'subscribe' ? 'subscribed' : 'unsubscribed'}`);
    });

  r.post('/alerts/:id/acknowledge', requirePageRole('viewer'), async (req, res) => {
    const id = idParam(req);
    const note = typeof req.body?.note === 'string' ? req.body.note : undefined;
    const a = await alerts.acknowledge(id, { note: note?.trim() ? note : undefined }, req.user!);
    res.redirect(303, `${slugPath(a.situation)}/alerts?done=acknowledged#alert-${a.id}`);
  });

  // An email's unsubscribe link opens a page with a button: link checkers that follow links must not unsubscribe anyone.
  r.get('/alerts/unsubscribe', async (req, res) => {
    const token = typeof req.query.token === 'string' ? req.query.token : '';
    const sub = await alerts.subscriptionByToken(token);
    res.status(sub ? 200 : 404).render('alerts/unsubscribe', { title: res.locals.t('alerts.unsubscribe.title'), sub, token, done: null });
  });
  r.post('/alerts/unsubscribe', async (req, res) => {
    const token = typeof req.body?.token === 'string' ? req.body.token : '';
    const done = await alerts.unsubscribeByToken(token);
    if (!done) throw new HttpError(404, 'not_found', res.locals.t('alerts.unsubscribe.unknown'));
    res.render('alerts/unsubscribe', { title: res.locals.t('alerts.unsubscribe.title'), sub: null, token: '', done });
  });

  const sendFeed = async (req: Request, res: Response, slug?: string) => {
    const t = res.locals.t as (k: string, p?: Record<string, unknown>) => string;
    const situation = slug ? await d.situations.get(slug) : null;
    const i18n = res.locals.i18n as I18n;
    const list = await inLanguage(await alerts.list({ slug, limit: FEED_LIMIT }), i18n);
    const b = base(req);
    // Feed readers (Teams, Slack) send no cookie: the language a feed was subscribed in stays in its links.
    const lang = res.locals.langQuery as string;
    const home = situation ? `${b}${slugPath(situation.slug)}/alerts${lang}` : `${b}/${lang}`;
    const self = situation ? `${b}${slugPath(situation.slug)}/alerts.atom${lang}` : `${b}/alerts.atom${lang}`;
    const xml = atom({
      id: self,
      lang: i18n.lang,
      title: situation ? t('alerts.feed.title', { situation: situation.title }) : t('alerts.feed.titleAll'),
      // An empty feed still needs an <updated>: the situation's last change, or a fixed date so the ETag stays put.
      updated: list[0]?.triggeredAt ?? situation?.updatedAt ?? '2024-01-01T00:00:00.000Z',
      selfUrl: self,
      alternateUrl: home,
      author: t('app.name'),
      entries: list.map((a) => ({
        id: `${b}${slugPath(a.situation)}/alerts#alert-${a.id}`,
        title: situation ? a.message : `${a.situationTitle}: ${a.message}`,
        updated: a.acknowledgedAt ?? a.triggeredAt,
        published: a.triggeredAt,
        link: `${b}${slugPath(a.situation)}/alerts${lang}#alert-${a.id}`,
        summary: [
          a.message,
          a.source ? t('alerts.feed.source', { organisation: a.source.organisation, url: a.source.sourceUrl }) : null,
          a.acknowledgedAt ? t('alerts.feed.acknowledged', { by: a.acknowledgedBy ?? '', note: a.acknowledgementNote ?? '' }) : null,
        ]
          .filter(Boolean)
          .join(' '),
      })),
    });
    res.type('application/atom+xml; charset=utf-8').send(xml);
  };
  r.get('/alerts.atom', (req, res) => sendFeed(req, res));
  r.get('/situations/:slug/alerts.atom', (req, res) => sendFeed(req, res, String(req.params.slug)));
  return r;
}
