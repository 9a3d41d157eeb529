import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Worker } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';
import { buildServer, SERVER_ENTRY, serverStale } from '../../server/build';
import { DIST_DIR, ROOT } from '../../server/paths';

/** The production build (server/build.ts): the bundles `npm start` and the CLI scripts run with plain node. */

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
    s.once('error', reject);
  });

async function get(port: number, p: string): Promise<{ status: number; body: string } | null> {
  try {
    const r = await fetch(`http://127.0.0.1:${port}${p}`);
    return { status: r.status, body: await r.text() };
  } catch {
    return null; // not listening yet
  }
}

describe('compiled server', () => {
  let dir: string;
  beforeAll(async () => {
    if (serverStale()) await buildServer();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dt-build-'));
  }, 60000);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('when the bundle is started with node on a new SQLite file, then it migrates, seeds and answers /healthz and the dashboard', async () => {
    const port = await freePort();
    const env = { ...process.env, SQLITE_PATH: path.join(dir, 'tracker.db'), PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', DATABASE_URL: '' };
    // From another directory: the bundle must find views/, seeds/ and data/reference from the project root, not the cwd.
    const child = spawn(process.execPath, [SERVER_ENTRY], { cwd: os.tmpdir(), env, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr!.on('data', (d) => (err += d));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    try {
      let health: Awaited<ReturnType<typeof get>> = null;
      for (const t0 = Date.now(); !health && Date.now() - t0 < 30000 && child.exitCode === null;) {
        health = await get(port, '/healthz');
        if (!health) await new Promise((r) => setTimeout(r, 50));
      }
      expect({ health: health?.status, stderr: err }).toEqual({ health: 200, stderr: '' });
      const dashboard = await get(port, '/');
      expect(dashboard?.status).toBe(200);
      expect(dashboard?.body).toContain('/situations/syria-2024-offensive');
    } finally {
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
  }, 60000);

  test('when the analysis worker bundle runs on the seeded database, then it posts the Syria series back', async () => {
    const file = path.join(dir, 'tracker.db'); // created and seeded by the first test
    const db = new BetterSqlite3(file, { readonly: true });
    const s = db.prepare(`select id, country, onset_date from situations where slug = 'syria-2024-offensive'`).get() as { id: number; country: string; onset_date: string };
    db.close();
    const request = { situation: { id: s.id, country: s.country, onsetDate: s.onset_date }, location: 'SYR', category: 'new_displacement', horizonDays: 30, stalenessDays: 14 };
    const worker = new Worker(path.join(DIST_DIR, 'analysis-worker.js'), { workerData: { open: { sqlitePath: file }, request } });
    const m = await new Promise<{ json?: string; error?: { message: string } }>((resolve, reject) => worker.once('message', resolve).once('error', reject));
    expect(m.error).toBeUndefined();
    expect(JSON.parse(m.json!).series.points.map((p: { value: number }) => p.value)).toEqual([14000, 48500, 178000, 370000]);
  }, 60000);

  test('when the boundary worker bundle reads a boundary file, then it posts the simplified shapes back, or the 400 naming the problem', async () => {
    const ask = (bytes: Uint8Array) => {
      const worker = new Worker(path.join(DIST_DIR, 'boundary-worker.js'), { workerData: bytes });
      return new Promise<{ read?: { features: number; fields: { name: string }[] }; error?: { status?: number; message: string } }>((resolve, reject) =>
        worker.once('message', resolve).once('error', reject),
      );
    };
    const good = await ask(new Uint8Array(fs.readFileSync(path.join(ROOT, 'tests', 'fixtures', 'maps', 'syria-adm1-squares.geojson'))));
    expect(good.error).toBeUndefined();
    expect(good.read!.features).toBeGreaterThan(3);
    expect(good.read!.fields.map((f) => f.name)).toContain('ADM1_PCODE');
    const bad = await ask(new Uint8Array(Buffer.from('{"type": "FeatureCollection", ')));
    expect(bad.error).toMatchObject({ status: 400, message: expect.stringMatching(/file: is not valid JSON/) });
  }, 60000);

  test('when a CLI bundle runs, then it finds the reference data from the project root', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [path.join(ROOT, 'dist', 'cli', 'migrate.js')], {
      cwd: os.tmpdir(),
      env: { ...process.env, SQLITE_PATH: path.join(dir, 'cli.db'), DATABASE_URL: '' },
    });
    expect(stdout).toMatch(/is up to date; \d+ reference locations checked/);
  }, 60000);

  test('when the import bundle gets a file over 4 MB, then it reads it in the bundled worker thread and stores every row', async () => {
    const csv = path.join(dir, 'large.csv');
    const header = 'location,category,periodStart,periodEnd,value,quantifier,organisation,sourceUrl,publishedOn,quote\n';
    const quote = 'A quote long enough to make the file large: '.padEnd(300, 'x');
    const rows = Array.from(
      { length: 12000 },
      (_, i) => `SY-HL,new_displacement,2024-11-27,2024-12-0${(i % 6) + 1},${1000 + i},exact,OCHA,https://example.org/large/${i},2024-12-06,"${quote} ${i}"\n`,
    );
    fs.writeFileSync(csv, header + rows.join(''));
    expect(fs.statSync(csv).size).toBeGreaterThan(4 * 1024 * 1024);
    const env = { ...process.env, SQLITE_PATH: path.join(dir, 'tracker.db'), DATABASE_URL: '' };
    const { stdout } = await promisify(execFile)(process.execPath, [path.join(DIST_DIR, 'cli', 'import.js'), csv, '--situation', 'syria-2024-offensive', '--commit'], {
      cwd: os.tmpdir(),
      env,
    });
    expect(stdout).toMatch(/Imported 12000 figure\(s\) as draft/);
    const db = new BetterSqlite3(path.join(dir, 'tracker.db'), { readonly: true });
    const stored = db.prepare(`select count(*) as n, sum(value) as total from figures where source_url like 'https://example.org/large/%'`).get() as { n: number; total: number };
    db.close();
    expect(stored).toEqual({ n: 12000, total: 12000 * 1000 + (12000 * 11999) / 2 });
  }, 60000);
});
