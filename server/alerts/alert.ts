import { z } from 'zod';
import { CATEGORIES, type Category } from '../figures/figure';
import { httpUrl, locationCode, optionalText, requiredText, oneOf, versionField } from '../validation';
import { coded } from '../i18n/field-errors';

/** Domain types and input schemas of alerts. */

export const RULE_KINDS = ['threshold', 'change_7d', 'yearly_high', 'projection', 'stale', 'conflict'] as const;
export type RuleKind = (typeof RULE_KINDS)[number];

/** At most this many rules (and webhooks) per situation: an editor cannot make the server store or evaluate without bound. */
export const MAX_RULES = 50;
export const MAX_WEBHOOKS = 10;

export interface RuleParams {
  threshold?: number;
  people?: number;
  percent?: number;
  days?: number;
  horizonDays?: number;
}

export interface AlertRule {
  id: number;
  situation: string;
  kind: RuleKind;
  location: string;
  category: Category | null;
  params: RuleParams;
  origin: string | null;
  createdBy: string;
  createdAt: string;
  updatedBy: string;
  updatedAt: string;
  version: number;
  deletedAt: string | null;
}

export interface Alert {
  id: number;
  situation: string;
  situationTitle: string;
  ruleId: number;
  kind: RuleKind;
  location: string;
  locationName: string | null;
  category: Category | null;
  value: number | null;
  observedOn: string | null;
  message: string;
  detail: Record<string, unknown>;
  figureIds: number[];
  /** The first triggering figure's source, for lists ("OCHA, 2024-12-06"). */
  source: { figureId: number; organisation: string; sourceUrl: string; publishedOn: string } | null;
  triggeredAt: string;
  acknowledgedBy: string | null;
  acknowledgedAt: string | null;
  acknowledgementNote: string | null;
}

export interface Webhook {
  id: number;
  situation: string;
  url: string;
  createdBy: string;
  createdAt: string;
  deletedAt: string | null;
}

export interface Delivery {
  id: number;
  alertId: number;
  channel: 'webhook' | 'email';
  target: string;
  status: 'pending' | 'sending' | 'delivered' | 'failed';
  attempts: number;
  nextAttemptAt: string | null;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: string;
  updatedAt: string;
}

const count = (max: number) =>
  z
    .number({ error: (i) => (i.input === undefined ? coded('required') : coded('not_number')) })
    .int(coded('not_whole'))
    .min(1, coded('at_least', { min: 1 }))
    .max(max, coded('at_most', { max }));
const percent = () =>
  z
    .number({ error: (i) => (i.input === undefined ? coded('required') : coded('not_number')) })
    .min(0, coded('negative'))
    .max(100_000, coded('at_most', { max: 100000 }));
const category = () => z.enum(CATEGORIES, { error: oneOf(CATEGORIES) });

const base = { location: locationCode().optional().describe('Location code; default the situation country') };

/** One schema per kind: the fields each kind needs, nothing else (unknown fields are a 400 naming them). */
export const ruleCreateSchema = z
  .discriminatedUnion(
    'kind',
    [
      z.strictObject({ kind: z.literal('threshold'), ...base, category: category(), threshold: count(1_000_000_000).describe('People: fires when the level reaches it') }),
      z
        .strictObject({ kind: z.literal('change_7d'), ...base, category: category(), people: count(1_000_000_000).optional(), percent: percent().optional() })
        .refine((r) => r.people != null || r.percent != null, { message: coded('people_or_percent'), path: ['people'] }),
      z.strictObject({ kind: z.literal('yearly_high'), ...base, category: category(), percent: percent().describe('Minimum rise over the lowest level of the previous 365 days') }),
      z.strictObject({
        kind: z.literal('projection'),
        ...base,
        category: category(),
        threshold: count(1_000_000_000),
        horizonDays: z
          .number({ error: coded('not_number') })
          .int(coded('days_not_whole'))
          .min(1, coded('days_at_least', { count: 1 }))
          .max(365, coded('days_at_most', { count: 365 }))
          .optional(),
      }),
      z.strictObject({ kind: z.literal('stale'), ...base, category: category().nullable().optional().describe('Any category when absent'), days: count(3650) }),
      z.strictObject({ kind: z.literal('conflict'), ...base, category: category().nullable().optional().describe('Any category when absent'), percent: percent() }),
    ],
    { error: (i) => (i.code === 'invalid_union' ? `kind must be one of ${RULE_KINDS.join(', ')}` : undefined) },
  )
  .meta({ id: 'AlertRuleCreate' });
export type RuleCreate = z.output<typeof ruleCreateSchema>;

export const ruleUpdateSchema = z
  .looseObject({
    version: versionField(),
  })
  .meta({ id: 'AlertRuleUpdate', description: 'The fields of the rule to change (its kind stays) and the version the change is based on' });

export const acknowledgeSchema = z.strictObject({ note: optionalText(1000) }).meta({ id: 'AlertAcknowledge' });

export const webhookCreateSchema = z
  .strictObject({
    url: httpUrl(),
    secret: requiredText(200).refine((s) => s.length >= 16, coded('too_short', { min: 16 })),
  })
  .meta({ id: 'WebhookCreate' });

/** Splits a validated rule into its stored parts. */
export function ruleParts(r: RuleCreate): { kind: RuleKind; location?: string; category: Category | null; params: RuleParams } {
  const { kind, location, category, ...params } = r as RuleCreate & { category?: Category | null };
  return { kind, location, category: category ?? null, params: params as RuleParams };
}
