import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import {
  CompiledQuery,
  Kysely,
  sql,
  type Transaction,
  Migrator,
  PostgresDialect,
  SqliteDialect,
  type DatabaseConnection,
  type Driver,
  type Migration,
  type MigrationProvider,
} from 'kysely';
import type pg from 'pg';
import type { Database } from './schema';
import { initial } from './migrations/001-initial';
import { analysisCache } from './migrations/002-analysis-cache';
import { scenarioHistory } from './migrations/003-scenario-history';
import { trust } from './migrations/004-trust';
import { situationEdit } from './migrations/005-situation-edit';
import { alerts } from './migrations/006-alerts';
import { dtmRounds } from './migrations/007-dtm-rounds';
import { languages } from './migrations/008-languages';
import { boundaries } from './migrations/009-boundaries';
import { alertGroups } from './migrations/010-alert-groups';

export type Dialect = 'sqlite' | 'postgres';
export type Db = Kysely<Database>;
/** The database handle or a transaction on it: repositories take either, so a service decides what runs in one transaction. */
export type Tx = Db | Transaction<Database>;

export interface Storage {
  db: Db;
  dialect: Dialect;
  /** PostgreSQL schema the tables live in, when not the default search path. */
  schema?: string;
  /** A human description without secrets, for logs. */
  describe: string;
  /**
   * Runs a SELECT and yields its rows as arrays (columns in select order), `batchSize` at a time, from one
   * consistent snapshot, without holding the result in memory or the query layer's connection: what exports of
   * a million rows read. SQLite: a read-only connection of its own; PostgreSQL: a cursor in a read-only transaction.
   */
  streamRows(query: CompiledQuery, batchSize?: number): AsyncGenerator<unknown[][]>;
  /** How it was opened: another thread (server/analysis/analysis.worker.ts) opens the same database with these. */
  options: OpenOptions;
  close(): Promise<void>;
}

export class StorageError extends Error {}

export interface OpenOptions {
  /** postgres://… for PostgreSQL; otherwise a SQLite file path (or ':memory:'). */
  url?: string;
  sqlitePath?: string;
  /** PostgreSQL schema to use (tests give each file its own). */
  pgSchema?: string;
  pgPoolSize?: number;
}

const redact = (url: string) => url.replace(/\/\/([^:@/]+)(:[^@/]*)?@/, '//$1:***@');

// pg returns int8 and numeric as strings; our counts and values fit in a double.
const pgTypes = (types: typeof pg.types) => ({
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === 20 || oid === 1700) return (v: string) => (v === null ? null : Number(v));
    return types.getTypeParser(oid, format as 'text');
  },
});

/**
 * SQLite transactions start with BEGIN IMMEDIATE: they take the write lock up front, so two processes editing the same
 * file queue on busy_timeout instead of failing with SQLITE_BUSY when a read transaction tries to become a write.
 */
class ImmediateSqliteDialect extends SqliteDialect {
  override createDriver(): Driver {
    const driver = super.createDriver();
    driver.beginTransaction = async (connection: DatabaseConnection) => {
      await connection.executeQuery(CompiledQuery.raw('begin immediate'));
    };
    return driver;
  }
}

/**
 * Kysely asks better-sqlite3 to prepare every statement it runs; preparing a 500-row INSERT costs as much as running
 * it. Statements that return no rows (writes) are kept by their text and run again; statements that return rows are
 * not, because one being iterated by a stream cannot run a second time meanwhile.
 */
function withStatementCache(sqlite: BetterSqlite3.Database) {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sql: string) {
      const hit = cache.get(sql);
      if (hit) return hit;
      const statement = sqlite.prepare(sql);
      if (!statement.reader) {
        if (cache.size >= 100) cache.delete(cache.keys().next().value!);
        cache.set(sql, statement);
      }
      return statement;
    },
  };
}

/** Opens SQLite (default) or PostgreSQL behind one Kysely query layer. */
export async function openStorage(opts: OpenOptions): Promise<Storage> {
  const url = opts.url;
  if (url && /^postgres(ql)?:\/\//.test(url)) {
    // Loaded only here: pg (and the fetch implementation it touches) cost about 70 ms of every SQLite start-up.
    const { default: pg } = await import('pg');
    const pool = new pg.Pool({
      connectionString: url,
      max: opts.pgPoolSize ?? 10,
      types: pgTypes(pg.types) as never,
      options: opts.pgSchema ? `-c search_path=${opts.pgSchema}` : undefined,
      connectionTimeoutMillis: 5000,
    });
    try {
      const client = await pool.connect();
      client.release();
    } catch (err) {
      await pool.end().catch(() => undefined);
      throw new StorageError(`Cannot reach PostgreSQL at ${redact(url)}: ${(err as Error).message}`);
    }
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return {
      db,
      dialect: 'postgres',
      schema: opts.pgSchema,
      describe: `PostgreSQL ${redact(url)}`,
      options: opts,
      streamRows: (q, n) => pgRows(pool, q, n),
      close: () => db.destroy(),
    };
  }
  const file = url ? url.replace(/^(file|sqlite):(\/\/)?/, '') : (opts.sqlitePath ?? ':memory:');
  let sqlite: BetterSqlite3.Database;
  try {
    if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    sqlite = new BetterSqlite3(file);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('synchronous = NORMAL');
    // 32 MB of page cache (default 2 MB): index pages of a large figures table stay in memory during imports.
    sqlite.pragma('cache_size = -32768');
  } catch (err) {
    throw new StorageError(`Cannot open the SQLite database file ${file}: ${(err as Error).message}`);
  }
  const db = new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database: withStatementCache(sqlite) }) });
  return {
    db,
    dialect: 'sqlite',
    describe: `SQLite ${file}`,
    options: opts,
    streamRows: (q, n) => sqliteRows(file === ':memory:' ? sqlite : file, q, n),
    close: () => db.destroy(),
  };
}

async function* sqliteRows(where: string | BetterSqlite3.Database, query: CompiledQuery, batchSize = 2000): AsyncGenerator<unknown[][]> {
  // An in-memory database has no file to open twice; its rows come from the one connection, all at once.
  if (typeof where !== 'string') {
    const rows = where
      .prepare(query.sql)
      .raw(true)
      .all(...query.parameters) as unknown[][];
    for (let i = 0; i < rows.length; i += batchSize) yield rows.slice(i, i + batchSize);
    return;
  }
  const conn = new BetterSqlite3(where, { readonly: true, fileMustExist: true });
  const it = conn
    .prepare(query.sql)
    .raw(true)
    .iterate(...query.parameters) as IterableIterator<unknown[]>;
  try {
    for (;;) {
      const rows: unknown[][] = [];
      for (let r = it.next(); !r.done; r = rows.length < batchSize ? it.next() : { done: true, value: undefined }) rows.push(r.value);
      if (rows.length) yield rows;
      if (rows.length < batchSize) return;
    }
  } finally {
    it.return?.();
    conn.close();
  }
}

async function* pgRows(pool: pg.Pool, query: CompiledQuery, batchSize = 2000): AsyncGenerator<unknown[][]> {
  const client = await pool.connect();
  let failed = false;
  try {
    await client.query('begin isolation level repeatable read read only');
    await client.query({ text: `declare rows_out no scroll cursor for ${query.sql}`, values: query.parameters as unknown[] });
    for (;;) {
      const { rows } = await client.query<unknown[]>({ text: `fetch ${batchSize} from rows_out`, rowMode: 'array' });
      if (rows.length) yield rows;
      if (rows.length < batchSize) break;
    }
  } catch (err) {
    failed = true;
    throw err;
  } finally {
    // Also when the reader stops early (a dropped download): end the transaction before the client goes back.
    await client.query('rollback').catch(() => (failed = true));
    client.release(failed);
  }
}

/** All migrations in order; names sort lexically. */
function migrations(dialect: Dialect): Record<string, Migration> {
  return {
    '001-initial': initial(dialect),
    '002-analysis-cache': analysisCache(),
    '003-scenario-history': scenarioHistory(dialect),
    '004-trust': trust(),
    '005-situation-edit': situationEdit(dialect),
    '006-alerts': alerts(dialect),
    '007-dtm-rounds': dtmRounds(),
    '008-languages': languages(),
    '009-boundaries': boundaries(dialect),
    '010-alert-groups': alertGroups(),
  };
}

/**
 * Advisory lock key: migrations hold it shared, whoever drops a schema of this database holds it exclusive. Kysely's
 * migrator reads the tables of every schema through the catalog (pg_get_serial_sequence, has_schema_privilege by
 * name), which fails with 'relation "other.users" does not exist' if another schema is dropped during the scan.
 */
export const SCHEMA_DDL_LOCK = 7_291_004_113;

/** Runs pending migrations; throws with the failing migration's name. */
export async function migrate(storage: Storage): Promise<string[]> {
  if (storage.dialect !== 'postgres') return runMigrations(storage);
  return storage.db.connection().execute(async (conn) => {
    await sql`select pg_advisory_lock_shared(${sql.lit(SCHEMA_DDL_LOCK)})`.execute(conn);
    try {
      return await runMigrations(storage);
    } finally {
      await sql`select pg_advisory_unlock_shared(${sql.lit(SCHEMA_DDL_LOCK)})`.execute(conn);
    }
  });
}

async function runMigrations(storage: Storage): Promise<string[]> {
  const provider: MigrationProvider = { getMigrations: async () => migrations(storage.dialect) };
  // Name the schema: otherwise Kysely may find another schema's migration tables through the catalog.
  const migrator = new Migrator({ db: storage.db, provider, migrationTableSchema: storage.schema });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new StorageError(`Migration ${failed?.migrationName ?? '?'} failed: ${(error as Error).message ?? String(error)}`);
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** One database round trip (the health check). */
export async function ping(db: Db): Promise<void> {
  await sql`select 1`.execute(db);
}

export const nowIso = () => new Date().toISOString();
