import type { Tx } from '../storage/database';
import { newToken, tokenHash } from './passwords';
import type { AuthUser, Role } from './user';

/** How long a browser session lasts from sign-in. */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

/** The sessions table: only a SHA-256 of each session id is stored. */
export const sessionsRepository = {
  async create(db: Tx, userId: number, now = new Date()): Promise<{ id: string; expiresAt: Date }> {
    const id = newToken('ses');
    const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
    await db
      .insertInto('sessions')
      .values({ id: tokenHash(id), user_id: userId, created_at: now.toISOString(), expires_at: expiresAt.toISOString() })
      .execute();
    return { id, expiresAt };
  },
  /** The signed-in user of a live session; undefined when the session is unknown, expired or the user is disabled. */
  async user(db: Tx, id: string, now = new Date()): Promise<AuthUser | undefined> {
    const r = await db
      .selectFrom('sessions as s')
      .innerJoin('users as u', 'u.id', 's.user_id')
      .select(['u.id', 'u.email', 'u.name', 'u.role', 'u.locale'])
      .where('s.id', '=', tokenHash(id))
      .where('s.expires_at', '>', now.toISOString())
      .where('u.disabled_at', 'is', null)
      .executeTakeFirst();
    return r ? { id: r.id, email: r.email, name: r.name, role: r.role as Role, locale: r.locale } : undefined;
  },
  async delete(db: Tx, id: string): Promise<void> {
    await db.deleteFrom('sessions').where('id', '=', tokenHash(id)).execute();
  },
  async purgeExpired(db: Tx, now = new Date()): Promise<void> {
    await db.deleteFrom('sessions').where('expires_at', '<=', now.toISOString()).execute();
  },
};
