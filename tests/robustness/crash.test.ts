import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { sql } from 'kysely';
import { DATABASES, freshDb } from '../helpers/db';
import { TSX } from '../helpers/processes';

const TRIALS = Number(process.env.CRASH_TRIALS ?? 5);
const ROWS = 8000;
const SLUG = 'syria-2024-offensive';

/** A valid figures file of ROWS rows for the Syria situation. */
function writeCsv(file: string) {
  const header = 'location,category,periodStart,periodEnd,value,quantifier,organisation,sourceUrl,publishedOn,quote\n';
  const govs = ['SY-HL', 'SY-HM', 'SY-HI', 'SY-ID', 'SY-RA', 'SY-RD'];
  let body = '';
  for (let i = 0; i < ROWS; i++)
    body += `${govs[i % govs.length]},new_displacement,2024-11-27,2024-12-0${(i % 6) + 1},${1000 + i},exact,OCHA,https://example.org/crash/${i},2024-12-06,"Row ${i}, verbatim"\n`;
  fs.writeFileSync(file, header + body);
}

describe.each(DATABASES)('an import killed with SIGKILL on %s', (kind) => {
  test(`when the import process is killed at random moments (${TRIALS} trials), then the database is intact and the import is wholly present or wholly absent`, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dt-crash-'));
    const csv = path.join(dir, 'crash.csv');
    writeCsv(csv);
    const outcomes: string[] = [];
    try {
      for (let trial = 0; trial < TRIALS; trial++) {
        const t = await freshDb(kind, { seed: true });
        try {
          const base = Number(
            (
              await t.storage.db
                .selectFrom('figures')
                .select((eb) => eb.fn.countAll().as('n'))
                .executeTakeFirstOrThrow()
            ).n,
          );
          // Every other trial reads the file in a worker thread, as large imports do.
          const mode = trial % 2 ? 'parallel' : 'one-thread';
          const child = spawn(TSX, [path.join(__dirname, 'fixtures', 'import-child.ts'), kind, t.where, SLUG, csv, mode], { stdio: ['ignore', 'pipe', 'pipe'] });
          let out = '';
          child.stdout.on('data', (d) => (out += d));
          // Kill once the import has read a random number of rows; past ROWS, up to 400 ms after the last row, while it writes, commits or has finished.
          const target = Math.floor(Math.random() * ROWS * 1.3);
          const late = target > ROWS ? Math.floor(Math.random() * 400) : 0;
          let armed = false;
          child.stdout.on('data', () => {
            const seen = [...out.matchAll(/rows (\d+)/g)].map((m) => Number(m[1]));
            if (armed || !seen.length || Math.max(...seen) < Math.min(target, ROWS)) return;
            armed = true;
            setTimeout(() => child.kill('SIGKILL'), late);
          });
          const exited = new Promise<void>((r) => child.once('exit', () => r()));
          await exited;
          if (kind === 'sqlite') {
            const rows = await sql<{ integrity_check: string }>`pragma integrity_check`.execute(t.storage.db);
            expect(rows.rows.map((r) => r.integrity_check)).toEqual(['ok']);
          }
          const n =
            Number(
              (
                await t.storage.db
                  .selectFrom('figures')
                  .select((eb) => eb.fn.countAll().as('n'))
                  .executeTakeFirstOrThrow()
              ).n,
            ) - base;
          const imported = Number(
            (
              await t.storage.db
                .selectFrom('figures')
                .select((eb) => eb.fn.countAll().as('n'))
                .where('import_id', 'is not', null)
                .executeTakeFirstOrThrow()
            ).n,
          );
          const imports = await t.storage.db.selectFrom('imports').select(['figure_count', 'sha256']).execute();
          expect([0, ROWS]).toContain(n);
          expect(imported).toBe(n);
          expect(imports).toEqual(n ? [{ figure_count: ROWS, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) }] : []);
          if (out.includes('done')) expect(n).toBe(ROWS);
          outcomes.push(`${mode}, after ${Math.min(target, ROWS)} rows${late ? ` + ${late} ms` : ''}: ${n ? 'present' : 'absent'}`);
        } finally {
          await t.cleanup();
        }
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    console.log(`crash trials on ${kind}: ${outcomes.join(', ')}`);
  });
});
