import type { Tx } from '../storage/database';
import { nowIso } from '../storage/database';
import { hashPassword, newToken, tokenHash, verifyPassword } from './passwords';
import type { AuthUser, Role } from './user';

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
  async createToken(db: Tx, userId: number, label: string | null): Promise<string> {
    const token = newToken('dt');
    await db.insertInto('api_tokens').values({ user_id: userId, token_hash: tokenHash(token), label, created_at: nowIso() }).execute();
    return token;
  },
  async byToken(db: Tx, token: string): Promise<AuthUser | undefined> {
    const r = await db
      .selectFrom('api_tokens as t')
      .innerJoin('users as u', 'u.id', 't.user_id')
      .select(['u.id', 'u.email', 'u.name', 'u.role'])
      .where('t.token_hash', '=', tokenHash(token))
      .where('t.revoked_at', 'is', null)
      .where('u.disabled_at', 'is', null)
      .executeTakeFirst();
    return r ? toUser(r) : undefined;
  },
};
