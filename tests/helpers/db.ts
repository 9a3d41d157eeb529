import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import pino from 'pino';
import { migrate, openStorage, SCHEMA_DDL_LOCK, type Storage } from '../../server/storage/database';
import { loadConfig, type Config } from '../../server/config';
import { createApp } from '../../server/app';
import { usersRepository } from '../../server/auth/users.repository';
import type { Role } from '../../server/auth/user';
import { seed } from '../../server/seeding/seed';

/** The databases every storage and API test runs on: SQLite always, PostgreSQL when TEST_DATABASE_URL is set. */
export const DATABASES: ('sqlite' | 'postgres')[] = process.env.TEST_DATABASE_URL ? ['sqlite', 'postgres'] : ['sqlite'];

export interface TestDb {
  storage: Storage;
  /** For PostgreSQL: the schema; for SQLite: the file. */
  where: string;
  cleanup(): Promise<void>;
}

/** A fresh, migrated database: a temporary SQLite file, or a new PostgreSQL schema dropped afterwards. */
export async function freshDb(kind: 'sqlite' | 'postgres', opts: { seed?: boolean } = {}): Promise<TestDb> {
  let t: TestDb;
  if (kind === 'postgres') {
    const url = process.env.TEST_DATABASE_URL!;
    const schema = `t_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`create schema ${schema}`);
    await admin.end();
    const storage = await openStorage({ url, pgSchema: schema, pgPoolSize: 4 });
    t = {
      storage,
      where: schema,
      cleanup: async () => {
        await storage.close();
        const c = new pg.Client({ connectionString: url });
        await c.connect();
        // Never while a migration elsewhere scans the catalog (see SCHEMA_DDL_LOCK); the lock ends with the session.
        await c.query(`select pg_advisory_lock(${SCHEMA_DDL_LOCK})`);
        await c.query(`drop schema if exists ${schema} cascade`);
        await c.end();
      },
    };
  } else {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dt-test-'));
    const file = path.join(dir, 'test.db');
    const storage = await openStorage({ sqlitePath: file });
    t = {
      storage,
      where: file,
      cleanup: async () => {
        await storage.close();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  await migrate(t.storage);
  if (opts.seed) await seed(t.storage);
  return t;
}

export const testConfig = (env: Record<string, string> = {}): Config =>
  loadConfig({
    LOG_LEVEL: 'silent',
    SESSION_SECRET: 'test-secret-test-secret',
    // The tests' webhook receivers listen on 127.0.0.1 (tests/alerts/webhook-address.test.ts turns this off).
    WEBHOOK_PRIVATE_ADDRESSES: 'true',
    ...env,
  });

export function testApp(storage: Storage, env: Record<string, string> = {}) {
  return createApp({ storage, config: testConfig(env), logger: pino({ level: 'silent' }) });
}

let counter = 0;
/** A user of the given role and a bearer token for it. */
export async function makeUser(storage: Storage, role: Role, password = 'correct horse battery') {
  const email = `${role}${++counter}-${randomBytes(3).toString('hex')}@example.org`;
  const user = await usersRepository.create(storage.db, { email, role, password });
  const token = await usersRepository.createToken(storage.db, user.id, 'test');
  return { user, token, auth: { Authorization: `Bearer ${token}` }, password };
}
