import { z } from 'zod';
import { requiredText } from '../validation';
import { LANGUAGES } from '../i18n/negotiate';

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
  email: z.string().trim().toLowerCase().pipe(z.email('must be an email address')),
  name: requiredText(200).optional(),
  role: z.enum(ROLES, { error: `must be one of ${ROLES.join(', ')}` }),
  password: z.string().min(10, 'must be at least 10 characters').max(200, 'must be at most 200 characters'),
});

/** The account page's language choice: a language with a catalogue, or '' to follow the browser. */
export const languageSchema = z.object({
  language: z.enum(['', ...LANGUAGES.map((l) => l.code)], { error: `must be one of ${LANGUAGES.map((l) => l.code).join(', ')} or empty` }),
});

/** What a new token is called and how long it lives (API, token page). `label` is the older name of `name`. */
export const tokenOptionsSchema = z.strictObject({
  name: requiredText(100).optional(),
  label: requiredText(100).optional(),
  expiresInDays: z.coerce
    .number({ error: 'must be a number of days' })
    .int('must be a whole number of days')
    .min(1, 'must be at least 1 day')
    .max(5 * 365, `must be at most ${5 * 365} days`)
    .optional()
    .describe('Days until the token stops working; default 365'),
});

export const tokenRequestSchema = tokenOptionsSchema
  .extend({
    email: z.string().trim().toLowerCase().pipe(z.email('must be an email address')),
    password: z.string().min(1, 'is required').max(200),
  })
  .meta({ id: 'TokenRequest' });

export const disableUserSchema = z.strictObject({ email: z.string().trim().toLowerCase().pipe(z.email('must be an email address')) });

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      user?: AuthUser;
    }
  }
}
