import { ConfigError, loadConfig } from '../server/config';
import { openStorage, StorageError } from '../server/storage/database';

describe('configuration', () => {
  test('when nothing is set, then the defaults apply and the config is frozen', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ PORT: 3000, PUBLIC_READ: true, STALENESS_DAYS: 14, PROJECTION_HORIZON_DAYS: 30 });
    expect(Object.isFrozen(c)).toBe(true);
  });
  test('when variables are malformed, then start-up fails naming each variable', () => {
    expect(() => loadConfig({ PORT: 'abc', PUBLIC_READ: 'maybe', DATABASE_URL: 'mysql://x' })).toThrow(ConfigError);
    try {
      loadConfig({ PORT: 'abc', PUBLIC_READ: 'maybe', DATABASE_URL: 'mysql://x', SESSION_SECRET: 'short' });
    } catch (e) {
      for (const name of ['PORT', 'PUBLIC_READ', 'DATABASE_URL', 'SESSION_SECRET']) expect((e as Error).message).toContain(name);
    }
  });
});

describe('storage errors', () => {
  test('when PostgreSQL is unreachable, then the message says so without the password', async () => {
    const err = await openStorage({ url: 'postgres://user:secret@127.0.0.1:1/db' }).catch((e) => e);
    expect(err).toBeInstanceOf(StorageError);
    expect(err.message).toMatch(/^Cannot reach PostgreSQL at postgres:\/\/user:\*\*\*@127\.0\.0\.1:1\/db/);
    expect(err.message).not.toContain('secret');
  });
  test('when the SQLite file cannot be created, then the message names the file', async () => {
    const err = await openStorage({ sqlitePath: '/etc/passwd/tracker.db' }).catch((e) => e);
    expect(err).toBeInstanceOf(StorageError);
    expect(err.message).toContain('Cannot open the SQLite database file /etc/passwd/tracker.db');
  });
});
