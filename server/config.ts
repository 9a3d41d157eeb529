import path from 'node:path';
import { z } from 'zod';
import { ROOT } from './paths';

/** Configuration, read from the environment once, validated, frozen. A bad value stops start-up naming the variable. */
const boolean = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

/** `*` (any site may read the public API), `off`, or a comma-separated list of origins such as https://dashboard.example.org. */
const corsOrigins = z.string().transform((raw, ctx): '*' | false | readonly string[] => {
  const v = raw.trim();
  if (v === '*') return '*';
  if (v === 'off') return false;
  const list = v
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  const bad = list.find((o) => !/^https?:\/\/[a-z0-9.-]+(:\d{1,5})?$/i.test(o));
  if (bad !== undefined || !list.length) {
    ctx.addIssue({
      code: 'custom',
      message: `must be *, off, or origins separated by commas such as https://dashboard.example.org (scheme, host and port, no path)${bad ? `; "${bad}" is not one` : ''}`,
    });
    return z.NEVER;
  }
  return Object.freeze(list);
});

const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATABASE_URL: z
    .string()
    .regex(/^(postgres(ql)?:\/\/|file:|sqlite:)/, 'must start with postgres://, postgresql://, file: or sqlite:')
    .optional(),
  SQLITE_PATH: z
    .string()
    .min(1)
    .default(path.join(ROOT, 'data', 'tracker.db')),
  PUBLIC_READ: boolean.default(true),
  CORS_ORIGINS: corsOrigins.default('*'),
  SEED_ON_START: boolean.default(true),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  STALENESS_DAYS: z.coerce.number().int().min(1).max(365).default(14),
  PROJECTION_HORIZON_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  SESSION_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  TRUST_PROXY: boolean.default(false),
  LOCALE: z.string().default('en'),
  /** Digits on Arabic pages and charts: latn (0-9, the default) or arab (Arabic-Indic ٠-٩). */
  ARABIC_DIGITS: z.enum(['latn', 'arab'], { error: 'must be latn (Western digits) or arab (Arabic-Indic digits)' }).default('latn'),
  /** smtp://user:pass@host:587 or smtps://…; unset: no alert email (feeds, pages and webhooks still work). */
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/[^\s]+$/, 'must be an smtp:// or smtps:// URL')
    .optional(),
  SMTP_FROM: z
    .string()
    .regex(/^[^\r\n]{3,200}$/, 'must be a sender address such as "Alerts <alerts@example.org>"')
    .default('Displacement tracker <alerts@localhost>'),
  /** Base URL of the site in links sent out (emails, feeds, webhooks), e.g. https://tracker.example.org. */
  PUBLIC_URL: z
    .string()
    .regex(/^https?:\/\/[^\s/]+(\/[^\s]*)?$/, 'must be an http(s) URL such as https://tracker.example.org')
    .transform((u) => u.replace(/\/+$/, ''))
    .optional(),
  /** The instance's name in source lines ("compiled by …") under chart PNGs and in sitreps; unset: the app's name. */
  INSTANCE_NAME: z
    .string()
    .trim()
    .regex(/^[^\u0000-\u001f\u007f-\u009f]{1,80}$/, 'must be 1 to 80 characters without control characters, such as "OCHA Syria information management"')
    .optional(),
  /** Webhooks may reach loopback, private and link-local addresses (a receiver on the instance's own network). */
  WEBHOOK_PRIVATE_ADDRESSES: boolean.default(false),
  /** First retry of a failed alert delivery after this many ms; each next one waits 4× longer (6 attempts in all). */
  ALERT_RETRY_BASE_MS: z.coerce.number().int().min(10).max(3_600_000).default(30_000),
  /** Milliseconds after start before the first hourly alert pass (stale rules, due retries), so a restart answers first. */
  ALERT_FIRST_PASS_DELAY_MS: z.coerce.number().int().min(0).max(3_600_000).default(60_000),
});

export type Config = Readonly<z.infer<typeof schema>>;

export class ConfigError extends Error {}

/** Parses an environment (process.env by default). Throws ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = schema.safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration: ${lines.join('; ')}`);
  }
  return Object.freeze(result.data);
}
