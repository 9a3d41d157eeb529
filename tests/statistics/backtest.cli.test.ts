import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import request from 'supertest';
import { migrate, openStorage } from '../../server/storage/database';
import { makeUser, testApp } from '../helpers/db';
import { TSX } from '../helpers/processes';
import { realFile } from '../helpers/fixtures';

const ROOT = path.resolve(__dirname, '..', '..');

// `npm run backtest` is a process of its own (config from the environment), so it runs as one, on a SQLite file
// into which the Sudan DTM weekly file was imported through the API.
describe('npm run backtest (the CLI)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dt-backtest-'));
  const db = path.join(dir, 'bt.db');
  const env = { ...process.env, SQLITE_PATH: db, DATABASE_URL: '', LOG_LEVEL: 'silent' };
  const cli = (args: string[]) => spawnSync(TSX, [path.join(ROOT, 'server/cli/backtest.ts'), ...args], { env, encoding: 'utf8', timeout: 60_000 });
  beforeAll(async () => {
    const storage = await openStorage({ sqlitePath: db });
    await migrate(storage);
    const app = testApp(storage);
    const editor = await makeUser(storage, 'admin'); // importing as approved needs an admin
    await request(app)
      .post('/api/v1/situations')
      .set(editor.auth)
      .send({ slug: 'sudan-2023', title: 'Sudan', country: 'SDN', countryName: 'Sudan', onsetDate: '2023-04-15' })
      .expect(201);
    await request(app)
      .post('/api/v1/situations/sudan-2023/imports')
      .query({ commit: '1', status: 'approved' })
      .set(editor.auth)
      .set('Content-Type', 'text/csv')
      .send(fs.readFileSync(realFile('iom-dtm', 'subset_SDN_armed_clashes_weekly_admin0.csv')))
      .expect(201);
    await storage.close();
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('when the Sudan series is backtested at 14 days, then each past round and the summary against the baselines are printed', () => {
    const out = cli(['--situation', 'sudan-2023', '--category', 'idps', '--horizon', '14']);
    expect(out.stderr).toBe('');
    expect(out.status).toBe(0);
    expect(out.stdout).toContain('sudan-2023 · SDN · idps · horizon 14 days · 45 reports');
    const rows = out.stdout.split('\n').filter((l) => /^\d{4}-\d{2}-\d{2}\s+\d{4}-\d{2}-\d{2}/.test(l));
    expect(rows).toHaveLength(35);
    expect(rows.filter((l) => /\byes$/.test(l))).toHaveLength(30);
    expect(out.stdout).toMatch(/published \(combined\)\s+n\s+35\s+MAPE\s+2\.07%.*held 30\/35 \(86%\)/);
    expect(out.stdout).toMatch(/baseline: last rate \(naive\)\s+n\s+35\s+MAPE\s+3\.49%/);
    expect(out.stdout).toMatch(/baseline: average of last 8 \(drift8\)\s+n\s+35\s+MAPE\s+2\.3%/);
    const csv = cli(['--situation', 'sudan-2023', '--category', 'idps', '--horizon', '14', '--csv']);
    expect(csv.stdout.split('\n')[0]).toBe('date,target,central,low,high,actual,held');
    expect(csv.stdout.trim().split('\n')).toHaveLength(36);
  });

  test('when the horizon is too long for any past test, then it says why and shows dashes, not empty percentages', () => {
    const out = cli(['--situation', 'sudan-2023', '--category', 'idps', '--horizon', '365']);
    expect(out.status).toBe(0);
    expect(out.stdout).toContain('No track record: a test at 365 days needs 8 reports');
    expect(out.stdout).toMatch(/published \(combined\)\s+n\s+0\s+MAPE\s+–\s+MASE\s+–\s+held 0\/0 \(–\)/);
    expect(out.stdout).not.toMatch(/ %|\(%\)/);
  });

  test('when an argument is wrong, then it says which and exits 1', () => {
    const bad = cli(['--situation', 'sudan-2023', '--horizon', 'soon']);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/horizon/);
    expect(cli(['--category', 'idps']).stderr).toMatch(/--situation/);
  });
});
