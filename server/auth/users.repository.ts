import type { Tx } from '../storage/database';
import { nowIso } from '../storage/database';
import { hashPassword, newToken, tokenHash, verifyPassword } from './passwords';
import type { AuthUser, Role } from './user';

/** Tokens last a year unless their owner asks for less (or more, up to MAX_TOKEN_DAYS). */
export const DEFAULT_TOKEN_DAYS = 365;
export const MAX_TOKEN_DAYS = 5 * 365;
export const defaultTokenExpiry = (days = DEFAULT_TOKEN_DAYS, now = Date.now()) => new Date(now + days * 86_400_000).toISOString();

export interface TokenInfo {
  id: number;
  name: string | null;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
}

const toUser = (r: { id: number; email: string; name: string | null; role: string }): AuthUser => ({
  id: r.id,
  email: r.email,
  name: r.name,
  role: r.role as Role,
});

export const usersRepository = {
  async create(db: Tx, u: { email: string; name?: string | null; role: Role; password: string }): Promise<AuthUser> {
    const r = await db
      .insertInto('users')
      .values({ email: u.email, name: u.name ?? null, role: u.role, password_hash: await hashPassword(u.password), created_at: nowIso() })
      .returning(['id', 'email', 'name', 'role'])
      .executeTakeFirstOrThrow();
    return toUser(r);
  },
  async byEmail(db: Tx, email: string) {
    return db.selectFrom('users').selectAll().where('email', '=', email.toLowerCase()).where('disabled_at', 'is', null).executeTakeFirst();
  },
  async byId(db: Tx, id: number): Promise<AuthUser | undefined> {
    const r = await db.selectFrom('users').select(['id', 'email', 'name', 'role']).where('id', '=', id).where('disabled_at', 'is', null).executeTakeFirst();
    return r ? toUser(r) : undefined;
  },
  /** The user when the password matches; the same undefined for an unknown email and a wrong password. */
  async verify(db: Tx, email: string, password: string): Promise<AuthUser | undefined> {
    const r = await this.byEmail(db, email);
    // Hash anyway on unknown emails so response time does not reveal which emails exist.
    const ok = await verifyPassword(password, r?.password_hash ?? 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
    return r && ok ? toUser(r) : undefined;
  },
  /** A new token for the user, valid until `expiresAt` (ISO timestamp); only its SHA-256 is stored. */
  async createToken(db: Tx, userId: number, label: string | null, expiresAt: string = defaultTokenExpiry()): Promise<string> {
    const token = newToken('dt');
    await db
      .insertInto('api_tokens')
      .values({ user_id: userId, token_hash: tokenHash(token), label, created_at: nowIso(), expires_at: expiresAt })
      .execute();
    return token;
  },
  /** The user of a live token: not revoked, not expired (tokens made before expiry existed have none), user not disabled. */
  async byToken(db: Tx, token: string, now = nowIso()): Promise<AuthUser | undefined> {
    const r = await db
      .selectFrom('api_tokens as t')
      .innerJoin('users as u', 'u.id', 't.user_id')
      .select(['u.id', 'u.email', 'u.name', 'u.role'])
      .where('t.token_hash', '=', tokenHash(token))
      .where('t.revoked_at', 'is', null)
      .where((eb) => eb.or([eb('t.expires_at', 'is', null), eb('t.expires_at', '>', now)]))
      .where('u.disabled_at', 'is', null)
      .executeTakeFirst();
    return r ? toUser(r) : undefined;
  },
  /** The user's tokens, newest first, without their hashes. */
  async tokens(db: Tx, userId: number): Promise<TokenInfo[]> {
    const rows = await db
      .selectFrom('api_tokens')
      .select(['id', 'label', 'created_at', 'expires_at', 'revoked_at'])
      .where('user_id', '=', userId)
      .orderBy('id', 'desc')
      .limit(500)
      .execute();
    return rows.map((r) => ({ id: r.id, name: r.label, createdAt: r.created_at, expiresAt: r.expires_at, revokedAt: r.revoked_at }));
  },
  /** Revokes one of the user's own live tokens; false when there is no such token of this user. */
  async revokeToken(db: Tx, userId: number, id: number, at = nowIso()): Promise<boolean> {
    const res = await db.updateTable('api_tokens').set({ revoked_at: at }).where('id', '=', id).where('user_id', '=', userId).where('revoked_at', 'is', null).executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  },
  /** Sets the user's preferred interface language (null: follow the browser). */
  async setLocale(db: Tx, userId: number, locale: string | null): Promise<void> {
    await db.updateTable('users').set({ locale }).where('id', '=', userId).execute();
  },
  /** Disables a user: no sign-in, every token revoked, every session ended. Returns the user, or undefined when unknown. */
  async disable(db: Tx, email: string, at = nowIso()): Promise<{ id: number; email: string; alreadyDisabled: boolean } | undefined> {
    const u = await db.selectFrom('users').select(['id', 'email', 'disabled_at']).where('email', '=', email.toLowerCase()).executeTakeFirst();
    if (!u) return undefined;
    if (!u.disabled_at) await db.updateTable('users').set({ disabled_at: at }).where('id', '=', u.id).execute();
    await db.updateTable('api_tokens').set({ revoked_at: at }).where('user_id', '=', u.id).where('revoked_at', 'is', null).execute();
    await db.deleteFrom('sessions').where('user_id', '=', u.id).execute();
    return { id: u.id, email: u.email, alreadyDisabled: !!u.disabled_at };
  },
};
