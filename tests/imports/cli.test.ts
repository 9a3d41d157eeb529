import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import BetterSqlite3 from 'better-sqlite3';
import { TSX } from '../helpers/processes';
import { realFile } from '../helpers/fixtures';
import { openStorage } from '../../server/storage/database';
import { SituationsService } from '../../server/situations/situations.service';

const ROOT = path.resolve(__dirname, '..', '..');
const header = 'location,category,periodStart,periodEnd,value,quantifier,organisation,sourceUrl,publishedOn,quote\n';
const rows = (n: number) =>
  Array.from(
    { length: n },
    (_, i) => `SY-HL,new_displacement,2024-11-27,2024-12-0${(i % 6) + 1},${5000 + i},exact,OCHA,https://example.org/cli/${i},2024-12-06,"Row ${i}, verbatim"\n`,
  ).join('');

// The CLI is a process of its own (config from the environment, exit codes), so it is run as one, on SQLite.
describe('npm run import (the CLI)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dt-cli-'));
  const db = path.join(dir, 'cli.db');
  const env = { ...process.env, SQLITE_PATH: db, DATABASE_URL: '', LOG_LEVEL: 'silent' };
  const cli = (script: string, args: string[]) => spawnSync(TSX, [path.join(ROOT, 'server/cli', script), ...args], { env, encoding: 'utf8', timeout: 60_000 });
  const count = () => {
    const sqlite = new BetterSqlite3(db, { readonly: true });
    try {
      return (sqlite.prepare("select count(*) as n from figures where source_url like 'https://example.org/cli/%'").get() as { n: number }).n;
    } finally {
      sqlite.close();
    }
  };
  beforeAll(() => expect(cli('seed.ts', []).status).toBe(0));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('when a file is imported without --commit, then it is checked and nothing is stored; with --commit all rows arrive once', () => {
    const file = path.join(dir, 'good.csv');
    fs.writeFileSync(file, header + rows(30));
    const preview = cli('import.ts', [file, '--situation', 'syria-2024-offensive']);
    expect(preview.status).toBe(0);
    expect(preview.stdout).toContain('30 rows, 30 figures, 30 new, 0 already present');
    expect(preview.stdout).toContain('Preview only');
    expect(count()).toBe(0);
    // Importing as approved skips the second pair of eyes: the CLI needs --as naming an admin account.
    const refused = cli('import.ts', [file, '--situation', 'syria-2024-offensive', '--commit', '--status', 'approved']);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/--status approved needs --as/);
    expect(count()).toBe(0);
    const add = (email: string, role: string) =>
      spawnSync(TSX, [path.join(ROOT, 'server/cli/user-add.ts'), '--email', email, '--role', role, '--password-stdin'], {
        env,
        encoding: 'utf8',
        input: 'a long enough password\n',
        timeout: 60_000,
      });
    expect(add('cli-editor@example.org', 'editor').status).toBe(0);
    expect(add('cli-admin@example.org', 'admin').status).toBe(0);
    const asEditor = cli('import.ts', [file, '--situation', 'syria-2024-offensive', '--commit', '--status', 'approved', '--as', 'cli-editor@example.org']);
    expect(asEditor.status).toBe(1);
    expect(count()).toBe(0);
    const commit = cli('import.ts', [file, '--situation', 'syria-2024-offensive', '--commit', '--status', 'approved', '--as', 'cli-admin@example.org']);
    expect(commit.status).toBe(0);
    expect(commit.stdout).toMatch(/Imported 30 figure\(s\) as approved \(import #\d+\)/);
    expect(count()).toBe(30);
    const again = cli('import.ts', [file, '--situation', 'syria-2024-offensive', '--commit']);
    expect(again.stdout).toContain('0 new, 30 already present');
    expect(count()).toBe(30);
  });

  test('when a committed file has bad rows, then every problem is listed by row and column, the exit code is 2 and nothing is stored', () => {
    const file = path.join(dir, 'bad.csv');
    fs.writeFileSync(
      file,
      header + rows(5).replace('5002', '-3').replace('2024-12-04', '2024-13-04') + 'SY-HL,sideways,,2024-12-01,10,exact,OCHA,https://example.org/cli/x,2024-12-06,"q"\n',
    );
    const before = count();
    const res = cli('import.ts', [file, '--situation', 'syria-2024-offensive', '--commit']);
    expect(res.status).toBe(2);
    expect(res.stdout).toContain('3 problem(s)');
    expect(res.stdout).toMatch(/row 4, column value, value "-3": /);
    expect(res.stdout).toMatch(/row 5, column periodEnd, value "2024-13-04": /);
    expect(res.stdout).toMatch(/row 7, column category, value "sideways": must be one of/);
    expect(res.stdout).toContain('Nothing was imported.');
    expect(count()).toBe(before);
  });

  test('when the UNHCR daily file is imported with flags only, then 95 refugee figures arrive, each published on its own date', async () => {
    const storage = await openStorage({ sqlitePath: db });
    try {
      await new SituationsService(storage).create(
        { slug: 'ukraine-2022', title: 'Ukraine 2022', country: 'UKR', countryName: 'Ukraine', onsetDate: '2022-02-24' },
        { id: 0, email: 'test', name: null, role: 'admin' },
      );
    } finally {
      await storage.close();
    }
    const res = cli('import.ts', [
      realFile('ukraine', 'unhcr-refugees-from-ukraine-daily-2022.csv'),
      '--situation',
      'ukraine-2022',
      '--map',
      'data_date=periodEnd',
      '--map',
      'individuals=value',
      '--category',
      'refugees',
      '--organisation',
      'UNHCR',
      '--source-url',
      'https://data.unhcr.org/en/situations/ukraine',
      '--quantifier',
      'exact',
      '--unit',
      'people',
      '--commit',
    ]);
    expect(res.stderr).toBe('');
    expect(res.stdout).toContain('95 rows, 95 figures, 95 new, 0 already present');
    const sqlite = new BetterSqlite3(db, { readonly: true });
    try {
      const rows = sqlite
        .prepare(
          "select period_end, value, published_on, category, quantifier, unit from figures where source_url = 'https://data.unhcr.org/en/situations/ukraine' order by period_end",
        )
        .all() as { period_end: string; value: number; published_on: string }[];
      expect(rows).toHaveLength(95);
      expect(rows[0]).toEqual({ period_end: '2022-02-24', value: 79209, published_on: '2022-02-24', category: 'refugees', quantifier: 'exact', unit: 'people' });
      expect(rows[94]).toMatchObject({ period_end: '2022-05-29', value: 6801987, published_on: '2022-05-29' });
    } finally {
      sqlite.close();
    }
  });

  test('when the situation or the file is missing, then the CLI says which and exits 1', () => {
    const none = cli('import.ts', [path.join(dir, 'nope.csv'), '--situation', 'syria-2024-offensive']);
    expect(none.status).toBe(1);
    expect(none.stderr).toContain('Cannot read');
    const noSituation = cli('import.ts', [path.join(dir, 'good.csv')]);
    expect(noSituation.status).toBe(1);
    expect(noSituation.stderr).toContain('--situation <slug> is required');
  });
});
