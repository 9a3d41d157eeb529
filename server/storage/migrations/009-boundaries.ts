import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../database';

/**
 * Administrative boundaries uploaded by admins, per situation and admin level, for the server-drawn map.
 *
 * Every upload is a row and stays one: the current boundary of a level is the one row that is not retired;
 * an upload retires the one it replaces ('replaced'), a delete retires it ('deleted'), and a restore brings an
 * older row back (retiring the current one). `boundary_history` is the audit trail (never the geometry).
 *
 * The Syrian governorates of the reference data get their OCHA COD-AB p-codes (SY01…SY14) where none is
 * recorded yet, so a COD-AB file from HDX matches them in databases seeded before the reference file had them.
 */
export function boundaries(dialect: Dialect) {
  const id = dialect === 'sqlite' ? 'integer' : 'serial';
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('boundaries')
        .addColumn('id', id, (c) => c.primaryKey().$call((b) => (dialect === 'sqlite' ? b.autoIncrement() : b)))
        .addColumn('situation_id', 'integer', (c) => c.notNull().references('situations.id'))
        .addColumn('admin_level', 'integer', (c) => c.notNull())
        .addColumn('topology', 'text', (c) => c.notNull())
        .addColumn('projected', 'integer', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('licence', 'text', (c) => c.notNull())
        .addColumn('pcode_field', 'text', (c) => c.notNull())
        .addColumn('name_field', 'text')
        .addColumn('filename', 'text', (c) => c.notNull())
        .addColumn('feature_count', 'integer', (c) => c.notNull())
        .addColumn('vertex_count', 'integer', (c) => c.notNull())
        .addColumn('matched', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('retired_at', 'text')
        .addColumn('retired_by', 'text')
        .addColumn('retired_reason', 'text')
        .execute();
      await db.schema.createIndex('boundaries_situation_level').on('boundaries').columns(['situation_id', 'admin_level', 'id']).execute();
      await db.schema
        .createTable('boundary_history')
        .addColumn('id', id, (c) => c.primaryKey().$call((b) => (dialect === 'sqlite' ? b.autoIncrement() : b)))
        .addColumn('situation_id', 'integer', (c) => c.notNull().references('situations.id'))
        .addColumn('boundary_id', 'integer', (c) => c.notNull().references('boundaries.id'))
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('detail', 'text')
        .execute();
      await db.schema.createIndex('boundary_history_situation').on('boundary_history').columns(['situation_id', 'id']).execute();
      const pcodes: Record<string, string> = {
        'SY-DI': 'SY01',
        'SY-HL': 'SY02',
        'SY-RD': 'SY03',
        'SY-HI': 'SY04',
        'SY-HM': 'SY05',
        'SY-LA': 'SY06',
        'SY-ID': 'SY07',
        'SY-TA': 'SY08',
        'SY-RA': 'SY09',
        'SY-DY': 'SY10',
        'SY-HA': 'SY11',
        'SY-SU': 'SY12',
        'SY-QU': 'SY13',
        'SY-DR': 'SY14',
      };
      for (const [code, pcode] of Object.entries(pcodes)) await sql`update locations set pcode = ${pcode} where code = ${code} and pcode is null`.execute(db);
    },
    async down(db: Kysely<unknown>) {
      for (const t of ['boundary_history', 'boundaries']) await db.schema.dropTable(t).execute();
    },
  };
}
