import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { Storage } from '../storage/database';
import { HttpError, notFound, validationFailed, fieldError } from '../errors';
import { parseOrThrow } from '../validation';
import type { AuthUser } from '../auth/user';
import type { AnalysisService, Analysis } from '../analysis/analysis.service';
import { analysisScope } from '../analysis/analysis.compute';
import { situationsRepository } from '../situations/situations.repository';
import { locationsRepository } from '../locations/locations.repository';
import { scenariosRepository } from '../scenarios/scenarios.repository';
import type { Situation } from '../situations/situation';
import type { I18n } from '../i18n/i18n';
import { alertsRepository, conflictKey, type Conflict } from './alerts.repository';
import type { FigureGroup } from '../figures/figure';
import { webhookAddressProblem, webhookUrlProblem } from './webhook-address';
import { acknowledgeSchema, MAX_RULES, MAX_WEBHOOKS, ruleCreateSchema, ruleParts, ruleUpdateSchema, webhookCreateSchema, type Alert, type AlertRule, type RuleKind } from './alert';
import { daysSince, rangeReach, seriesCrossing, type Point, type RangePoint } from './evaluate';
import { postWebhook } from './webhook';
import { alertText } from './alert-text';
import type { Mailer } from './mailer';

/**
 * The one place that reads a projection range from an analysis. Issue 11 reshapes the projection
 * (`range.points` of {date, low, central, high}); if the shape moves, only this function changes.
 */
export function projectionRange(a: Analysis): RangePoint[] | null {
  return a.projections.range.points?.map((p) => ({ date: p.date, low: p.low, central: p.central, high: p.high })) ?? null;
}

export interface AlertsOptions {
  logger: Logger;
  i18n: I18n;
  /** The interface text of a subscriber's own language (their profile's), for their emails; default: `i18n`. */
  i18nFor?: (lang: string) => I18n;
  /** The clock (tests move it to make data stale). */
  now?: () => Date;
  /** Base of links in emails, feeds and webhook bodies. */
  publicUrl: string;
  mailer: Mailer | null;
  retryBaseMs: number;
  horizonDays: number;
  /** Webhooks may reach loopback, private and link-local addresses (WEBHOOK_PRIVATE_ADDRESSES). */
  webhookPrivateAddresses?: boolean;
}

/** Most alerts one rule may create in one evaluation (a conflict rule over a fresh import of thousands of places). */
const MAX_NEW_PER_RULE = 50;
const MAX_ATTEMPTS = 6;
const SYSTEM = 'alerts@system';

interface Fired {
  key: string;
  value: number | null;
  observedOn: string | null;
  message: string;
  detail: Record<string, unknown>;
  figureIds: number[];
  location?: string;
  category?: AlertRule['category'];
}

/**
 * Alert rules, their evaluation, the alerts they fire, and where alerts go (webhooks, email). Evaluation runs after
 * every write to a situation's figures (`schedule`, called from createApp's onChange, after the write has
 * committed; a failing evaluation is logged and never fails the write) and hourly for the stale-data rule
 * (`runHourly`, started by server/main.ts). "Once per crossing" holds across instances through unique indexes
 * (migration 006): an alert per rule and crossing key, a delivery per alert and target.
 */
export class AlertsService {
  private readonly now: () => Date;
  /** Evaluations under way per situation, and what the next run must cover ('all', the groups writes touched meanwhile, or nothing). */
  private readonly running = new Map<string, { next: 'all' | FigureGroup[] | null; done: Promise<void> }>();
  private readonly work = new Set<Promise<unknown>>();
  private readonly timers = new Map<NodeJS.Timeout, () => void>();
  private hourly: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly storage: Storage,
    private readonly analysis: AnalysisService,
    private readonly opts: AlertsOptions,
  ) {
    this.now = opts.now ?? (() => new Date());
  }

  private get db() {
    return this.storage.db;
  }

  private at() {
    return this.now().toISOString();
  }

  private async situation(slug: string): Promise<Situation> {
    const s = await situationsRepository.bySlug(this.db, slug);
    if (!s) throw notFound(`Situation ${slug}`);
    return s;
  }

  // ---- rules ----

  /**
   * The default rules of a situation, created once (unique per situation and origin, so two instances cannot both
   * add them, and a deleted default stays deleted): stale data after 14 days at the country, and a threshold at the
   * quoted ceiling scenario when one exists.
   */
  async ensureDefaults(s: Situation): Promise<void> {
    const at = this.at();
    await alertsRepository.insertRule(this.db, {
      situationId: s.id,
      kind: 'stale',
      location: s.country,
      category: null,
      params: { days: 14 },
      origin: 'default-stale',
      actor: SYSTEM,
      at,
    });
    const ceiling = (await scenariosRepository.list(this.db, s.id))
      .filter((c) => c.kind === 'ceiling')
      .sort((a, b) => b.publishedOn.localeCompare(a.publishedOn) || b.value - a.value)[0];
    if (ceiling)
      await alertsRepository.insertRule(this.db, {
        situationId: s.id,
        kind: 'threshold',
        location: ceiling.location,
        category: ceiling.category,
        params: { threshold: ceiling.value },
        origin: 'default-threshold',
        actor: SYSTEM,
        at,
      });
  }

  async rules(slug: string, opts: { includeDeleted?: boolean } = {}): Promise<AlertRule[]> {
    const s = await this.situation(slug);
    await this.ensureDefaults(s);
    return alertsRepository.listRules(this.db, s.id, opts);
  }

  private async checkLocation(s: Situation, code: string) {
    const loc = await locationsRepository.get(this.db, code);
    if (!loc || loc.country !== s.country)
      throw validationFailed([loc ? fieldError('location', 'location_not_in', { code, country: s.country }) : fieldError('location', 'unknown_location', { code })]);
  }

  async createRule(slug: string, body: unknown, user: AuthUser): Promise<AlertRule> {
    const input = parseOrThrow(ruleCreateSchema, body);
    const s = await this.situation(slug);
    const parts = ruleParts(input);
    const location = parts.location ?? s.country;
    await this.checkLocation(s, location);
    const rule = await this.db.transaction().execute(async (trx) => {
      if ((await alertsRepository.countRules(trx, s.id)) >= MAX_RULES) throw validationFailed([fieldError('kind', 'too_many_rules', { max: MAX_RULES })]);
      const at = this.at();
      const id = (await alertsRepository.insertRule(trx, {
        situationId: s.id,
        kind: parts.kind,
        location,
        category: parts.category,
        params: parts.params,
        origin: null,
        actor: user.email,
        at,
      }))!;
      const created = (await alertsRepository.getRule(trx, s.id, id))!;
      await alertsRepository.addHistory(trx, { situationId: s.id, entity: 'rule', entityId: id, action: 'create', actor: user.email, at, before: null, after: created });
      return created;
    });
    this.schedule(slug);
    return rule;
  }

  /** Changes a rule's location, category or parameters (its kind stays); `version` guards against lost updates. */
  async updateRule(slug: string, id: number, body: unknown, user: AuthUser): Promise<AlertRule> {
    const { version, ...patch } = parseOrThrow(ruleUpdateSchema, body) as { version: number } & Record<string, unknown>;
    const s = await this.situation(slug);
    const current = await alertsRepository.getRule(this.db, s.id, id);
    if (!current || current.deletedAt) throw notFound(`Alert rule ${id} of ${slug}`);
    if ('kind' in patch && patch.kind !== current.kind) throw validationFailed([fieldError('kind', 'kind_fixed')]);
    const merged = parseOrThrow(ruleCreateSchema, {
      kind: current.kind,
      location: current.location,
      ...(current.category ? { category: current.category } : {}),
      ...current.params,
      ...patch,
    });
    const parts = ruleParts(merged);
    const location = parts.location ?? s.country;
    await this.checkLocation(s, location);
    const rule = await this.db.transaction().execute(async (trx) => {
      const at = this.at();
      if (
        version !== current.version ||
        !(await alertsRepository.updateRule(trx, id, current.version, { location, category: parts.category, params: parts.params, actor: user.email, at }))
      )
        throw new HttpError(409, 'version_conflict', `Alert rule ${id} was changed by someone else (your version ${version}, current ${current.version})`, { current });
      const after = (await alertsRepository.getRule(trx, s.id, id))!;
      await alertsRepository.addHistory(trx, { situationId: s.id, entity: 'rule', entityId: id, action: 'update', actor: user.email, at, before: current, after });
      return after;
    });
    this.schedule(slug);
    return rule;
  }

  async setRuleDeleted(slug: string, id: number, user: AuthUser, deleted: boolean): Promise<AlertRule> {
    const s = await this.situation(slug);
    const rule = await this.db.transaction().execute(async (trx) => {
      const current = await alertsRepository.getRule(trx, s.id, id);
      if (!current) throw notFound(`Alert rule ${id} of ${slug}`);
      if (deleted === !!current.deletedAt)
        throw new HttpError(409, deleted ? 'already_deleted' : 'not_deleted', `Alert rule ${id} is ${deleted ? 'already deleted' : 'not deleted'}`, { current });
      if (!deleted && (await alertsRepository.countRules(trx, s.id)) >= MAX_RULES) throw validationFailed([fieldError('id', 'too_many_rules', { max: MAX_RULES })]);
      const at = this.at();
      if (!(await alertsRepository.setRuleDeleted(trx, id, current.version, deleted ? at : null, user.email, at)))
        throw new HttpError(409, 'version_conflict', `Alert rule ${id} was changed by someone else at the same moment`);
      const after = (await alertsRepository.getRule(trx, s.id, id))!;
      await alertsRepository.addHistory(trx, {
        situationId: s.id,
        entity: 'rule',
        entityId: id,
        action: deleted ? 'delete' : 'restore',
        actor: user.email,
        at,
        before: current,
        after,
      });
      return after;
    });
    if (!deleted) this.schedule(slug);
    return rule;
  }

  async ruleHistory(slug: string, id: number) {
    const s = await this.situation(slug);
    if (!(await alertsRepository.getRule(this.db, s.id, id))) throw notFound(`Alert rule ${id} of ${slug}`);
    return alertsRepository.history(this.db, 'rule', id);
  }

  // ---- evaluation ----

  /**
   * Asks for an evaluation of a situation soon; calls during one under way coalesce into one more run. `changed`:
   * the groups of the figures a write changed (before and after), when the writer knows them; then only rules those
   * figures can move are evaluated, and the conflict rule looks at those groups alone. Never throws.
   */
  schedule(slug: string, changed?: readonly FigureGroup[]): void {
    if (this.stopped) return;
    const run = this.running.get(slug);
    if (run) {
      run.next = run.next === 'all' || !changed ? 'all' : [...(run.next ?? []), ...changed];
      return;
    }
    const entry: { next: 'all' | FigureGroup[] | null; done: Promise<void> } = { next: changed ? [...changed] : 'all', done: Promise.resolve() };
    entry.done = (async () => {
      await new Promise<void>((resolve) => setImmediate(resolve));
      while (entry.next && !this.stopped) {
        const next = entry.next;
        entry.next = null;
        await this.evaluate(slug, undefined, next === 'all' ? undefined : next).catch((err) => this.opts.logger.warn({ err, slug }, 'alerts: evaluation failed'));
      }
      this.running.delete(slug);
    })();
    this.running.set(slug, entry);
    this.track(entry.done);
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.work.add(p);
    p.finally(() => this.work.delete(p)).catch(() => undefined);
    return p;
  }

  /** Resolves once every scheduled evaluation and every delivery attempt started so far has finished (tests). */
  async settled(): Promise<void> {
    while (this.work.size) await Promise.allSettled([...this.work]);
  }

  /**
   * Evaluates a situation's rules (only `kinds` when given) and fires what crossed. Returns the alerts this call
   * created; an alert another instance created first is not returned (and not delivered again from here).
   * `changed` (see `schedule`): only the rules whose place and category those figures fall in.
   */
  async evaluate(slug: string, kinds?: readonly RuleKind[], changed?: readonly FigureGroup[]): Promise<Alert[]> {
    const s = await situationsRepository.bySlug(this.db, slug);
    if (!s) return [];
    await this.ensureDefaults(s);
    const rules = (await alertsRepository.listRules(this.db, s.id)).filter((r) => !kinds || kinds.includes(r.kind));
    const created: number[] = [];
    for (const rule of rules) {
      if (this.stopped) break;
      try {
        await this.evaluateRule(s, rule, created, changed);
      } catch (err) {
        // One bad rule (e.g. its location was never given figures) must not stop the others.
        this.opts.logger.warn({ err, rule: rule.id, slug }, 'alerts: rule evaluation failed');
      }
    }
    const alerts = (await Promise.all(created.map((id) => alertsRepository.getAlert(this.db, id)))).filter((a): a is Alert => !!a);
    if (alerts.length) this.track(this.dispatch(s, alerts)).catch((err) => this.opts.logger.warn({ err, slug }, 'alerts: dispatch failed'));
    return alerts;
  }

  /** Evaluates one rule; ids of the alerts it creates go into `created` as each is committed. */
  private async evaluateRule(s: Situation, rule: AlertRule, created: number[], changed?: readonly FigureGroup[]): Promise<void> {
    const { codes } = await analysisScope(this.db, s.country, rule.location);
    let touched: FigureGroup[] | undefined;
    if (changed) {
      // Figures outside the rule's subtree or category cannot move it (the stale rule's clock is the hourly pass's).
      const inScope = new Set(codes);
      const keys = new Set<string>();
      touched = changed.filter((g) => {
        const key = `${g.location}|${g.category}|${g.periodEnd}|${g.role}`;
        if (!inScope.has(g.location) || (rule.category && g.category !== rule.category) || keys.has(key)) return false;
        keys.add(key);
        return true;
      });
      if (!touched.length) return;
    }
    const t = this.opts.i18n.t;
    const f = this.opts.i18n;
    const loc = (await locationsRepository.get(this.db, rule.location))?.name ?? rule.location;
    const cat = rule.category ? f.label('category', rule.category) : t('alerts.anyCategory');
    const fired: Fired[] = [];
    let projectionMet: boolean | null = null;

    if (rule.kind === 'threshold' || rule.kind === 'change_7d' || rule.kind === 'yearly_high' || rule.kind === 'projection') {
      const x = await this.analysis.analyse(s.slug, {
        location: rule.location,
        category: rule.category!,
        ...(rule.kind === 'projection' ? { horizon: rule.params.horizonDays ?? this.opts.horizonDays } : {}),
      });
      const points: Point[] = x.analysis.series.points.map((p) => ({ date: p.date, value: p.value, sources: p.sources }));
      if (rule.kind === 'projection') {
        const reach = rangeReach(projectionRange(x.analysis), rule.params.threshold!);
        const last = points.at(-1);
        projectionMet = !!(reach && last);
        if (reach && last) {
          const text = reach.latest
            ? t('alerts.message.projection', {
                location: loc,
                category: cat,
                threshold: f.number(rule.params.threshold!),
                from: f.dateWords(reach.earliest),
                to: f.dateWords(reach.latest),
              })
            : t('alerts.message.projectionOpen', { location: loc, category: cat, threshold: f.number(rule.params.threshold!), from: f.dateWords(reach.earliest) });
          fired.push({
            key: `from:${last.date}`,
            value: last.value,
            observedOn: last.date,
            message: text,
            detail: { threshold: rule.params.threshold!, ...reach },
            figureIds: last.sources.map((x) => x.figureId),
          });
        }
      } else {
        const c = seriesCrossing(rule.kind, rule.params, points);
        if (c) {
          const v = { location: loc, category: cat, value: f.number(c.point.value), date: f.dateWords(c.point.date) };
          const message =
            rule.kind === 'threshold'
              ? t('alerts.message.threshold', { ...v, threshold: f.number(rule.params.threshold!) })
              : rule.kind === 'change_7d'
                ? t('alerts.message.change_7d', {
                    ...v,
                    change: f.number(Number(c.detail.change)),
                    percent: c.detail.percent == null ? '–' : f.number(Number(c.detail.percent), 1),
                  })
                : t('alerts.message.yearly_high', {
                    ...v,
                    percent: c.detail.percent == null ? '–' : f.number(Number(c.detail.percent), 1),
                    lowest: f.number(Number(c.detail.lowest)),
                  });
          fired.push({ key: c.key, value: c.point.value, observedOn: c.point.date, message, detail: c.detail, figureIds: c.point.sources.map((x) => x.figureId) });
        }
      }
    } else if (rule.kind === 'stale') {
      const last = await alertsRepository.lastReport(this.db, s.id, codes, rule.category);
      const days = last ? daysSince(last.date, this.now()) : null;
      if (last && days != null && days > rule.params.days!)
        fired.push({
          key: `after:${last.date}`,
          value: days,
          observedOn: last.date,
          message: t('alerts.message.stale', { location: loc, category: cat, days: rule.params.days!, date: f.dateWords(last.date) }),
          detail: { days: rule.params.days!, daysSince: days, lastReport: last.date },
          figureIds: last.ids,
        });
    } else if (rule.kind === 'conflict') {
      for (const g of await this.conflicts(s, rule, codes, touched)) {
        const place = (await locationsRepository.get(this.db, g.location))?.name ?? g.location;
        fired.push({
          key: conflictKey(g),
          value: g.high,
          observedOn: g.date,
          location: g.location,
          category: g.category,
          message: t('alerts.message.conflict', {
            location: place,
            category: f.label('category', g.category),
            date: f.dateWords(g.date),
            low: f.number(g.low),
            high: f.number(g.high),
            percent: rule.params.percent!,
          }),
          detail: { low: g.low, high: g.high, percent: rule.params.percent!, role: g.role },
          figureIds: await alertsRepository.conflictFigures(this.db, s.id, g),
        });
      }
    }

    if (projectionMet === false) await alertsRepository.setOpenKey(this.db, rule.id, null);
    for (const x of fired.slice(0, MAX_NEW_PER_RULE)) {
      const id = await this.db.transaction().execute(async (trx) => {
        // A projection rule's crossing stays open while its condition holds: later reports do not fire it again.
        if (rule.kind === 'projection' && (await alertsRepository.openKey(trx, rule.id))) return undefined;
        const at = this.at();
        const newId = await alertsRepository.insertAlert(trx, {
          situationId: s.id,
          ruleId: rule.id,
          key: x.key,
          kind: rule.kind,
          location: x.location ?? rule.location,
          category: x.category ?? rule.category,
          value: x.value,
          observedOn: x.observedOn,
          message: x.message,
          detail: x.detail,
          figureIds: x.figureIds,
          at,
        });
        if (rule.kind === 'projection') await alertsRepository.setOpenKey(trx, rule.id, x.key);
        if (newId)
          await alertsRepository.addHistory(trx, {
            situationId: s.id,
            entity: 'alert',
            entityId: newId,
            action: 'fire',
            actor: SYSTEM,
            at,
            before: null,
            after: { rule: rule.id, key: x.key, value: x.value, figureIds: x.figureIds, message: x.message },
          });
        return newId;
      });
      if (id) created.push(id);
    }
  }

  /**
   * The conflicts a rule has not fired yet, newest first: in the groups a write touched, or else place by place
   * through the subtree, letting other work run between places (one aggregate over a million figures held the
   * server for 13 s; better-sqlite3 is synchronous).
   */
  private async conflicts(s: Situation, rule: AlertRule, codes: string[], touched: FigureGroup[] | undefined): Promise<Conflict[]> {
    const q = { situationId: s.id, ruleId: rule.id, category: rule.category, percent: rule.params.percent! };
    if (touched) return (await alertsRepository.conflicts(this.db, { ...q, at: touched })).slice(0, MAX_NEW_PER_RULE);
    const found: Conflict[] = [];
    for (const code of codes) {
      if (this.stopped) break;
      found.push(...(await alertsRepository.conflicts(this.db, { ...q, in: code, limit: MAX_NEW_PER_RULE })));
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return found.sort((a, b) => b.date.localeCompare(a.date) || a.location.localeCompare(b.location)).slice(0, MAX_NEW_PER_RULE);
  }

  // ---- alerts ----

  /** Newest first, with the first triggering figure's organisation and source. */
  async list(opts: { slug?: string; limit?: number; beforeId?: number } = {}): Promise<Alert[]> {
    const situationId = opts.slug ? (await this.situation(opts.slug)).id : undefined;
    const alerts = await alertsRepository.listAlerts(this.db, { situationId, limit: Math.min(Math.max(opts.limit ?? 50, 1), 200), beforeId: opts.beforeId });
    const ids = [...new Set(alerts.map((a) => a.figureIds[0]).filter((x): x is number => x != null))];
    const sources = new Map((await alertsRepository.figureSources(this.db, ids)).map((r) => [r.id, r]));
    for (const a of alerts) {
      const src = a.figureIds[0] != null ? sources.get(a.figureIds[0]) : undefined;
      if (src) a.source = { figureId: src.id, organisation: src.organisation, sourceUrl: src.source_url, publishedOn: src.published_on };
    }
    return alerts;
  }

  /**
   * The few latest alerts for a page list (a situation's, or all) and a stamp of what the list shows (ids and
   * acknowledgements), which keys the situation page cache: a new alert or acknowledgement changes the page.
   */
  async recent(slug?: string, limit = 5): Promise<{ alerts: Alert[]; stamp: string }> {
    const alerts = await this.list({ slug, limit });
    return { alerts, stamp: alerts.map((a) => `${a.id}:${a.acknowledgedAt ?? ''}`).join(',') };
  }

  async acknowledge(id: number, body: unknown, user: AuthUser): Promise<Alert> {
    const { note } = parseOrThrow(acknowledgeSchema, body);
    return this.db.transaction().execute(async (trx) => {
      const before = await alertsRepository.getAlert(trx, id);
      if (!before) throw notFound(`Alert ${id}`);
      const at = this.at();
      if (!(await alertsRepository.acknowledge(trx, id, user.email, at, note ?? null)))
        throw new HttpError(409, 'already_acknowledged', `Alert ${id} was already acknowledged by ${before.acknowledgedBy}`, { current: before });
      const after = (await alertsRepository.getAlert(trx, id))!;
      const sid = (await situationsRepository.bySlug(trx, after.situation))!.id;
      await alertsRepository.addHistory(trx, { situationId: sid, entity: 'alert', entityId: id, action: 'acknowledge', actor: user.email, at, before, after });
      return after;
    });
  }

  async alertHistory(id: number) {
    if (!(await alertsRepository.getAlert(this.db, id))) throw notFound(`Alert ${id}`);
    return alertsRepository.history(this.db, 'alert', id);
  }

  // ---- webhooks, subscriptions, deliveries ----

  /** What keeps a webhook URL from being used: credentials, a port fetch refuses, or (unless allowed) a private address. */
  private async webhookProblem(url: string) {
    return webhookUrlProblem(url) ?? (this.opts.webhookPrivateAddresses ? null : await webhookAddressProblem(url));
  }

  async webhooks(slug: string) {
    const s = await this.situation(slug);
    return (await alertsRepository.listWebhooks(this.db, s.id)).map(({ secret: _secret, ...w }) => w);
  }

  async createWebhook(slug: string, body: unknown, user: AuthUser) {
    const input = parseOrThrow(webhookCreateSchema, body);
    const s = await this.situation(slug);
    const problem = await this.webhookProblem(input.url);
    if (problem) throw validationFailed([fieldError('url', problem)]);
    return this.db.transaction().execute(async (trx) => {
      if ((await alertsRepository.listWebhooks(trx, s.id)).length >= MAX_WEBHOOKS) throw validationFailed([fieldError('url', 'too_many_webhooks', { max: MAX_WEBHOOKS })]);
      const at = this.at();
      const id = await alertsRepository.insertWebhook(trx, s.id, input.url, input.secret, user.email, at);
      const after = { id, situation: slug, url: input.url, createdBy: user.email, createdAt: at, deletedAt: null };
      // The secret never goes into the audit trail.
      await alertsRepository.addHistory(trx, { situationId: s.id, entity: 'webhook', entityId: id, action: 'create', actor: user.email, at, before: null, after });
      return after;
    });
  }

  async deleteWebhook(slug: string, id: number, user: AuthUser) {
    const s = await this.situation(slug);
    return this.db.transaction().execute(async (trx) => {
      const w = (await alertsRepository.listWebhooks(trx, s.id, { includeDeleted: true })).find((x) => x.id === id);
      if (!w || w.deletedAt) throw notFound(`Webhook ${id} of ${slug}`);
      const at = this.at();
      await alertsRepository.setWebhookDeleted(trx, id, at);
      const { secret: _s, ...before } = w;
      await alertsRepository.addHistory(trx, {
        situationId: s.id,
        entity: 'webhook',
        entityId: id,
        action: 'delete',
        actor: user.email,
        at,
        before,
        after: { ...before, deletedAt: at },
      });
      return { ...before, deletedAt: at };
    });
  }

  async deliveries(slug: string, limit = 100) {
    const s = await this.situation(slug);
    return alertsRepository.listDeliveries(this.db, s.id, Math.min(Math.max(limit, 1), 500));
  }

  async isSubscribed(slug: string, user: AuthUser): Promise<boolean> {
    const s = await this.situation(slug);
    return !!(await alertsRepository.subscription(this.db, s.id, user.id));
  }

  async subscribe(slug: string, user: AuthUser): Promise<{ subscribed: true }> {
    const s = await this.situation(slug);
    await this.db.transaction().execute(async (trx) => {
      const at = this.at();
      const id = await alertsRepository.insertSubscription(trx, s.id, user.id, randomBytes(24).toString('base64url'), at);
      if (id)
        await alertsRepository.addHistory(trx, {
          situationId: s.id,
          entity: 'subscription',
          entityId: id,
          action: 'subscribe',
          actor: user.email,
          at,
          before: null,
          after: { situation: slug, user: user.email },
        });
    });
    return { subscribed: true };
  }

  async unsubscribe(slug: string, user: AuthUser): Promise<{ subscribed: false }> {
    const s = await this.situation(slug);
    const sub = await alertsRepository.subscription(this.db, s.id, user.id);
    if (sub) await this.removeSubscription(s.id, sub.id, slug, user.email);
    return { subscribed: false };
  }

  /** The situation an unsubscribe link is for, or null when the link is unknown (already used). */
  async subscriptionByToken(token: string) {
    if (!/^[A-Za-z0-9_-]{16,64}$/.test(token)) return null;
    return (await alertsRepository.subscriptionByToken(this.db, token)) ?? null;
  }

  async unsubscribeByToken(token: string): Promise<{ slug: string; title: string } | null> {
    const sub = await this.subscriptionByToken(token);
    if (!sub) return null;
    await this.removeSubscription(sub.situation_id, sub.id, sub.slug, sub.email);
    return { slug: sub.slug, title: sub.title };
  }

  private async removeSubscription(situationId: number, id: number, slug: string, email: string) {
    await this.db.transaction().execute(async (trx) => {
      await alertsRepository.deleteSubscription(trx, id);
      await alertsRepository.addHistory(trx, {
        situationId,
        entity: 'subscription',
        entityId: id,
        action: 'unsubscribe',
        actor: email,
        at: this.at(),
        before: { situation: slug, user: email },
        after: null,
      });
    });
  }

  /** The JSON a webhook receives for an alert. */
  payload(a: Alert) {
    const base = this.opts.publicUrl;
    return {
      event: 'alert',
      alert: {
        id: a.id,
        rule: a.ruleId,
        kind: a.kind,
        location: a.location,
        locationName: a.locationName,
        category: a.category,
        value: a.value,
        observedOn: a.observedOn,
        message: a.message,
        detail: a.detail,
        figureIds: a.figureIds,
        triggeredAt: a.triggeredAt,
      },
      situation: { slug: a.situation, title: a.situationTitle },
      url: `${base}/situations/${encodeURIComponent(a.situation)}/alerts#alert-${a.id}`,
    };
  }

  /** Creates the deliveries of new alerts (once per target, whichever instance gets there first) and attempts them. */
  private async dispatch(s: Situation, alerts: Alert[]) {
    const webhooks = await alertsRepository.listWebhooks(this.db, s.id);
    const subscribers = this.opts.mailer ? await alertsRepository.subscribers(this.db, s.id) : [];
    const at = new Date().toISOString();
    const rows = alerts.flatMap((a) => [
      ...webhooks.map((w) => ({ alertId: a.id, situationId: s.id, channel: 'webhook' as const, targetId: w.id, target: w.url, at })),
      ...subscribers.map((x) => ({ alertId: a.id, situationId: s.id, channel: 'email' as const, targetId: x.id, target: x.email, at })),
    ]);
    if (!rows.length) return;
    const ids = await alertsRepository.insertDeliveries(this.db, rows);
    await Promise.all(ids.map((id) => this.attempt(id)));
  }

  /** One attempt of one delivery, if this instance can claim it; schedules the next one on failure (×4 backoff). */
  async attempt(id: number): Promise<void> {
    if (this.stopped) return;
    // Deliveries run on the wall clock: the injectable clock is the rules' notion of today.
    const now = new Date();
    const lease = new Date(now.getTime() + 60_000).toISOString();
    if (!(await alertsRepository.claimDelivery(this.db, id, now.toISOString(), lease))) return;
    const d = (await alertsRepository.delivery(this.db, id))!;
    const alert = (await alertsRepository.getAlert(this.db, d.alert_id))!;
    let result: { ok: boolean; status: number | null; error: string | null };
    if (d.channel === 'webhook') {
      const w = (await alertsRepository.listWebhooks(this.db, d.situation_id, { includeDeleted: true })).find((x) => x.id === d.target_id);
      // The address is checked again: the name may point elsewhere now than when the webhook was made.
      const problem = w && !w.deletedAt ? await this.webhookProblem(w.url) : null;
      result =
        !w || w.deletedAt
          ? { ok: false, status: null, error: 'webhook deleted' }
          : problem
            ? { ok: false, status: null, error: `not sent: ${problem}` }
            : await postWebhook(w.url, w.secret, JSON.stringify(this.payload(alert)), id);
      // Neither a deleted webhook nor a refused address gets better by trying again.
      if (!w || w.deletedAt || problem) return this.finish(id, d.attempts + 1, result, true);
    } else {
      const sub = (await alertsRepository.subscribers(this.db, d.situation_id)).find((x) => x.id === d.target_id);
      if (!sub || !this.opts.mailer) return this.finish(id, d.attempts + 1, { ok: false, status: null, error: sub ? 'SMTP is not configured' : 'unsubscribed' }, true);
      result = await this.sendMail(alert, sub.email, sub.token, sub.locale);
    }
    await this.finish(id, d.attempts + 1, result, false);
  }

  private async finish(id: number, attempts: number, r: { ok: boolean; status: number | null; error: string | null }, final: boolean) {
    const giveUp = final || attempts >= MAX_ATTEMPTS;
    const delay = this.opts.retryBaseMs * 4 ** (attempts - 1);
    const next = r.ok || giveUp ? null : new Date(Date.now() + delay).toISOString();
    await alertsRepository.finishAttempt(this.db, id, {
      status: r.ok ? 'delivered' : giveUp ? 'failed' : 'pending',
      attempts,
      nextAttemptAt: next,
      lastStatus: r.status,
      lastError: r.error?.slice(0, 500) ?? null,
      at: new Date().toISOString(),
    });
    if (next && !this.stopped) {
      // In-process retry; the hourly sweep picks up retries a stopped process left behind.
      this.track(
        new Promise<void>((resolve) => {
          const timer = setTimeout(() => {
            this.timers.delete(timer);
            this.attempt(id)
              .catch((err) => this.opts.logger.warn({ err, delivery: id }, 'alerts: delivery retry failed'))
              .finally(resolve);
          }, delay);
          timer.unref();
          this.timers.set(timer, resolve);
        }),
      );
    }
  }

  private async sendMail(a: Alert, to: string, token: string, locale: string | null) {
    // In the subscriber's language when their profile has one; the stored message is in the instance's.
    const i18n = locale && this.opts.i18nFor ? this.opts.i18nFor(locale) : this.opts.i18n;
    const t = i18n.t;
    const place = async () => {
      const l = await locationsRepository.get(this.db, a.location);
      return l ? i18n.placeName(l) : (a.locationName ?? a.location);
    };
    const message = i18n.lang === this.opts.i18n.lang ? a.message : (alertText(a, await place(), i18n) ?? a.message);
    const base = this.opts.publicUrl;
    const unsubscribeUrl = `${base}/alerts/unsubscribe?token=${encodeURIComponent(token)}`;
    const link = `${base}/situations/${encodeURIComponent(a.situation)}/alerts#alert-${a.id}`;
    try {
      await this.opts.mailer!.send({
        to,
        subject: t('alerts.email.subject', { situation: a.situationTitle, message }).slice(0, 250),
        text: t('alerts.email.body', { message, situation: a.situationTitle, link, unsubscribe: unsubscribeUrl }),
        unsubscribeUrl,
      });
      return { ok: true, status: 250, error: null };
    } catch (err) {
      const e = err as Error & { responseCode?: number };
      return { ok: false, status: e.responseCode ?? null, error: e.message.slice(0, 300) };
    }
  }

  // ---- timers ----

  /** The hourly pass: time-based rules (stale data) of every situation, and deliveries whose retry is due. */
  async runHourly(): Promise<Alert[]> {
    const out: Alert[] = [];
    for (const s of await situationsRepository.list(this.db)) {
      if (this.stopped) break;
      out.push(
        ...(await this.evaluate(s.slug, ['stale']).catch((err) => {
          this.opts.logger.warn({ err, slug: s.slug }, 'alerts: hourly evaluation failed');
          return [];
        })),
      );
    }
    for (const id of await alertsRepository.dueDeliveries(this.db, new Date().toISOString(), 500)) await this.track(this.attempt(id)).catch(() => undefined);
    return out;
  }

  /** Starts the hourly timer (server/main.ts; createApp never starts timers). */
  start(intervalMs = 3_600_000): void {
    if (this.hourly) return;
    this.hourly = setInterval(() => void this.runHourly().catch((err) => this.opts.logger.warn({ err }, 'alerts: hourly pass failed')), intervalMs);
    this.hourly.unref();
  }

  /** Stops timers and retries; evaluations under way finish. */
  stop(): void {
    this.stopped = true;
    if (this.hourly) clearInterval(this.hourly);
    this.hourly = null;
    for (const [t, resolve] of this.timers) {
      clearTimeout(t);
      resolve();
    }
    this.timers.clear();
    this.opts.mailer?.close();
  }
}
