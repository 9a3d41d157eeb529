import type { Storage } from '../storage/database';
import { HttpError, notFound, fieldError } from '../errors';
import { parseOrThrow } from '../validation';
import { disableUserSchema, languageSchema, tokenOptionsSchema, type AuthUser } from './user';
import { defaultTokenExpiry, DEFAULT_TOKEN_DAYS, usersRepository, type TokenInfo } from './users.repository';

/**
 * Personal API tokens and disabling accounts: a token has a name and an expiry (default a year); its
 * owner lists and revokes their own; an admin disables a user, which revokes every token and ends every session.
 * Shared by the API, the token page and `npm run user:disable`.
 */
export class TokensService {
  constructor(private readonly storage: Storage) {}

  /** Keeps the user's interface language in their profile ('' or absent: follow the browser); a 400 names a bad value. */
  async setLanguage(user: AuthUser, input: unknown): Promise<string | null> {
    const { language } = parseOrThrow(languageSchema, input);
    await usersRepository.setLocale(this.storage.db, user.id, language || null);
    return language || null;
  }

  /** A new token for `user` from validated options; the token itself is returned once and never stored. */
  async create(user: AuthUser, options: unknown): Promise<{ token: string; expiresAt: string; name: string | null }> {
    const o = parseOrThrow(tokenOptionsSchema, options);
    const name = o.name ?? o.label ?? null;
    const expiresAt = defaultTokenExpiry(o.expiresInDays ?? DEFAULT_TOKEN_DAYS);
    const token = await usersRepository.createToken(this.storage.db, user.id, name, expiresAt);
    return { token, expiresAt, name };
  }

  /** The user's tokens (never the secrets), with whether each still works. */
  async list(user: AuthUser): Promise<(TokenInfo & { active: boolean })[]> {
    const now = new Date().toISOString();
    return (await usersRepository.tokens(this.storage.db, user.id)).map((t) => ({ ...t, active: !t.revokedAt && (!t.expiresAt || t.expiresAt > now) }));
  }

  /** Revokes one of the user's own tokens; 404 for another user's or an unknown one. */
  async revoke(user: AuthUser, id: number): Promise<void> {
    if (!(await usersRepository.revokeToken(this.storage.db, user.id, id))) throw notFound(`Token ${id}`);
  }

  /** Admin (or the CLI): the account can no longer sign in; its tokens are revoked and its sessions ended. */
  async disableUser(input: unknown, by: AuthUser | 'cli'): Promise<{ email: string; alreadyDisabled: boolean }> {
    const { email } = parseOrThrow(disableUserSchema, input);
    if (by !== 'cli' && by.email === email)
      throw new HttpError(400, 'validation_failed', 'email: an admin cannot disable their own account', { fields: [fieldError('email', 'own_account')] });
    const done = await this.storage.db.transaction().execute((trx) => usersRepository.disable(trx, email));
    if (!done) throw notFound(`User ${email}`);
    return { email: done.email, alreadyDisabled: done.alreadyDisabled };
  }
}
