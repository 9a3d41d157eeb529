import { z } from 'zod';
import { requiredText, oneOf } from '../validation';
import { LANGUAGES } from '../i18n/negotiate';
import { coded } from '../i18n/field-errors';

export const ROLES = ['viewer', 'editor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface AuthUser {
  id: number;
  email: string;
  name: string | null;
  role: Role;
  /** Preferred interface language (null or absent: the browser's and the instance's choice). */
  locale?: string | null;
}

const rank: Record<Role, number> = { viewer: 0, editor: 1, admin: 2 };
export const hasRole = (user: AuthUser | undefined, role: Role) => !!user && rank[user.role] >= rank[role];

/** Fields that name accounts (emails): shown to signed-in users only. */
export const ACCOUNT_FIELDS = ['createdBy', 'updatedBy', 'changedBy'] as const;

/** The record as this reader may see it: without account emails when nobody is signed in. */
export function forReader<T extends object>(record: T, user: AuthUser | undefined): T {
  if (user) return record;
  const copy = { ...record } as Record<string, unknown>;
  for (const k of ACCOUNT_FIELDS) delete copy[k];
  return copy as T;
}

export const userCreateSchema = z.strictObject({
  email: z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.email(coded('email'))),
  name: requiredText(200).optional(),
  role: z.enum(ROLES, { error: oneOf(ROLES) }),
  password: z
    .string()
    .min(10, coded('too_short', { min: 10 }))
    .max(200, coded('too_long', { max: 200 })),
});

/** The account page's language choice: a language with a catalogue, or '' to follow the browser. */
export const languageSchema = z.object({
  language: z.enum(['', ...LANGUAGES.map((l) => l.code)], { error: coded('one_of_or_empty', { values: LANGUAGES.map((l) => l.code).join(', ') }) }),
});

/** What a new token is called and how long it lives (API, token page). `label` is the older name of `name`. */
export const tokenOptionsSchema = z.strictObject({
  name: requiredText(100).optional(),
  label: requiredText(100).optional(),
  expiresInDays: z.coerce
    .number({ error: coded('days_not_number') })
    .int(coded('days_not_whole'))
    .min(1, coded('days_at_least', { count: 1 }))
    .max(5 * 365, coded('days_at_most', { count: 5 * 365 }))
    .optional()
    .describe('Days until the token stops working; default 365'),
});

export const tokenRequestSchema = tokenOptionsSchema
  .extend({
    email: z
      .string()
      .trim()
      .toLowerCase()
      .pipe(z.email(coded('email'))),
    password: z.string().min(1, coded('required')).max(200),
  })
  .meta({ id: 'TokenRequest' });

export const disableUserSchema = z.strictObject({
  email: z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.email(coded('email'))),
});

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      user?: AuthUser;
    }
  }
}
