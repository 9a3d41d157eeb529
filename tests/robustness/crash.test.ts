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
  for (let i = 0; i < ROWS; i++) body += `${govs[i % govs.length]},new_displacement,2024-11-27,2024-12-0${(i % 6) + 1},${1000 + i},exact,OCHA,https://example.org/crash/${i},2024-12-06,"Row ${i}, verbatim"\n`;
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
          const base = Number((await t.storage.db.selectFrom('figures').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
          const child = spawn(TSX, [path.join(__dirname, 'fixtures', 'import-child.ts'), kind, t.where, SLUG, csv], { stdio: ['ignore', 'pipe', 'pipe'] });
          let out = '';
          child.stdout.on('data', (d) => (out += d));
          // Kill somewhere between start-up and well past the usual end of the import.
          const delay = 300 + Math.floor(Math.random() * 3500);
          const exited = new Promise<void>((r) => child.once('exit', () => r()));
          const timer = setTimeout(() => child.kill('SIGKILL'), delay);
          await exited;
          clearTimeout(timer);
          if (kind === 'sqlite') {
            const rows = await sql<{ integrity_check: string }>`pragma integrity_check`.execute(t.storage.db);
            expect(rows.rows.map((r) => r.integrity_check)).toEqual(['ok']);
          }
          const n = Number((await t.storage.db.selectFrom('figures').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n) - base;
          const history = Number((await t.storage.db.selectFrom('figure_history').select((eb) => eb.fn.countAll().as('n')).where('action', '=', 'import').executeTakeFirstOrThrow()).n);
          const imports = Number((await t.storage.db.selectFrom('imports').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
          expect([0, ROWS]).toContain(n);
          expect(history).toBe(n);
          expect(imports).toBe(n ? 1 : 0);
          if (out.includes('done')) expect(n).toBe(ROWS);
          outcomes.push(`${delay}ms: ${n ? 'present' : 'absent'}`);
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
