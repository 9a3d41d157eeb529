import { Router } from 'express';
import { z } from 'zod';
import { requireRole } from '../auth/auth.middleware';
import { hasRole } from '../auth/user';
import { HttpError } from '../errors';
import { parseQuery, positiveId } from '../validation';
import type { AlertsService } from './alerts.service';
import { coded } from '../i18n/field-errors';

const listQuery = z.strictObject({
  limit: z.coerce
    .number({ error: coded('not_number') })
    .int(coded('not_whole'))
    .min(1, coded('at_least', { min: 1 }))
    .max(200, coded('at_most', { max: 200 }))
    .optional(),
  before: z.coerce
    .number({ error: coded('not_number') })
    .int(coded('not_whole'))
    .min(1, coded('at_least', { min: 1 }))
    .optional(),
});

/** /api/v1: alert rules, alerts, acknowledgements, webhooks, deliveries and email subscriptions. */
export function alertsApi(alerts: AlertsService): Router {
  const r = Router();
  const slug = (p: unknown) => String(p);

  r.get('/situations/:slug/alert-rules', async (req, res) => {
    const includeDeleted = req.query.includeDeleted === 'true';
    if (includeDeleted && !hasRole(req.user, 'editor')) throw new HttpError(403, 'forbidden', 'Only editors can list deleted alert rules');
    res.json({ data: await alerts.rules(slug(req.params.slug), { includeDeleted }) });
  });
  r.post('/situations/:slug/alert-rules', requireRole('editor'), async (req, res) => res.status(201).json(await alerts.createRule(slug(req.params.slug), req.body, req.user!)));
  r.patch('/situations/:slug/alert-rules/:id', requireRole('editor'), async (req, res) =>
    res.json(await alerts.updateRule(slug(req.params.slug), positiveId(req.params.id), req.body, req.user!)),
  );
  r.delete('/situations/:slug/alert-rules/:id', requireRole('editor'), async (req, res) =>
    res.json(await alerts.setRuleDeleted(slug(req.params.slug), positiveId(req.params.id), req.user!, true)),
  );
  r.post('/situations/:slug/alert-rules/:id/restore', requireRole('editor'), async (req, res) =>
    res.json(await alerts.setRuleDeleted(slug(req.params.slug), positiveId(req.params.id), req.user!, false)),
  );
  r.get('/situations/:slug/alert-rules/:id/history', requireRole('viewer'), async (req, res) =>
    res.json({ data: await alerts.ruleHistory(slug(req.params.slug), positiveId(req.params.id)) }),
  );

  r.get('/situations/:slug/alerts', async (req, res) => {
    const q = parseQuery(listQuery, req.query);
    res.json({ data: await alerts.list({ slug: slug(req.params.slug), limit: q.limit, beforeId: q.before }) });
  });
  r.get('/alerts', async (req, res) => {
    const q = parseQuery(listQuery, req.query);
    res.json({ data: await alerts.list({ limit: q.limit, beforeId: q.before }) });
  });
  r.post('/alerts/:id/acknowledge', requireRole('viewer'), async (req, res) => res.json(await alerts.acknowledge(positiveId(req.params.id), req.body, req.user!)));
  r.get('/alerts/:id/history', requireRole('viewer'), async (req, res) => res.json({ data: await alerts.alertHistory(positiveId(req.params.id)) }));

  r.get('/situations/:slug/webhooks', requireRole('editor'), async (req, res) => res.json({ data: await alerts.webhooks(slug(req.params.slug)) }));
  r.post('/situations/:slug/webhooks', requireRole('editor'), async (req, res) => res.status(201).json(await alerts.createWebhook(slug(req.params.slug), req.body, req.user!)));
  r.delete('/situations/:slug/webhooks/:id', requireRole('editor'), async (req, res) =>
    res.json(await alerts.deleteWebhook(slug(req.params.slug), positiveId(req.params.id), req.user!)),
  );
  r.get('/situations/:slug/alert-deliveries', requireRole('editor'), async (req, res) => {
    const q = parseQuery(listQuery.pick({ limit: true }), req.query);
    res.json({ data: await alerts.deliveries(slug(req.params.slug), q.limit) });
  });

  r.get('/situations/:slug/alert-subscription', requireRole('viewer'), async (req, res) => res.json({ subscribed: await alerts.isSubscribed(slug(req.params.slug), req.user!) }));
  r.put('/situations/:slug/alert-subscription', requireRole('viewer'), async (req, res) => res.json(await alerts.subscribe(slug(req.params.slug), req.user!)));
  r.delete('/situations/:slug/alert-subscription', requireRole('viewer'), async (req, res) => res.json(await alerts.unsubscribe(slug(req.params.slug), req.user!)));
  return r;
}
