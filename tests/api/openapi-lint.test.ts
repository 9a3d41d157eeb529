import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import request from 'supertest';
import { freshDb, testApp, type TestDb } from '../helpers/db';

const ROOT = path.resolve(__dirname, '..', '..');

interface Layer {
  name: string;
  rawPath?: unknown;
  route?: { path: string; methods: Record<string, boolean> };
  handle: { stack?: Layer[] };
}

/** Every route of an Express 5 app as "METHOD /path" (":param" → "{param}"), walking mounted routers. */
function routesOf(stack: Layer[], prefix = ''): string[] {
  return stack.flatMap((l) => {
    if (l.route)
      return Object.keys(l.route.methods)
        .filter((m) => m !== '_all')
        .map((m) => `${m.toUpperCase()} ${prefix}${l.route!.path}`.replace(/:(\w+)/g, '{$1}'));
    if (l.name === 'router' && l.handle.stack) return routesOf(l.handle.stack, typeof l.rawPath === 'string' && l.rawPath !== '/' ? prefix + l.rawPath : prefix);
    return [];
  });
}

/** Whether a documented path template covers a route: same segments, a {param} matching any one segment. */
const covers = (template: string, route: string) => {
  const a = template.split('/');
  const b = route.split('/');
  return a.length === b.length && a.every((seg, i) => seg === b[i] || (seg.startsWith('{') && !!b[i]));
};
const REDOCLY = path.join(ROOT, 'node_modules', '.bin', 'redocly');

// The document as the server serves it, linted by Redocly CLI with the recommended ruleset (redocly.yaml) and the
// committed, reasoned exceptions (.redocly.lint-ignore.yaml): 0 errors and 0 warnings, or CI fails.
describe('the OpenAPI document', () => {
  let t: TestDb;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dt-openapi-'));
  beforeAll(async () => {
    t = await freshDb('sqlite', { seed: true });
  });
  afterAll(async () => {
    await t.cleanup();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test("when the served document is linted with Redocly's recommended rules, then it has no error and no warning", async () => {
    const res = await request(testApp(t.storage)).get('/api/v1/openapi.json').expect(200);
    fs.writeFileSync(path.join(dir, 'openapi.json'), JSON.stringify(res.body, null, 2));
    for (const f of ['redocly.yaml', '.redocly.lint-ignore.yaml']) fs.copyFileSync(path.join(ROOT, f), path.join(dir, f));
    const run = spawnSync(REDOCLY, ['lint', 'openapi.json', '--format=json'], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' },
    });
    const out = JSON.parse(run.stdout) as {
      totals: { errors: number; warnings: number; ignored: number };
      problems: { ruleId: string; message: string; location: { pointer: string }[] }[];
    };
    const problems = out.problems.map((p) => `${p.ruleId} at ${p.location[0]?.pointer}: ${p.message}`);
    expect(problems).toEqual([]);
    expect(out.totals).toEqual({ errors: 0, warnings: 0, ignored: 1 });
    expect(run.status).toBe(0);
  });

  test("when the app's routes are listed, then every API route is documented and every documented operation is a route", async () => {
    const app = testApp(t.storage);
    const doc = (await request(app).get('/api/v1/openapi.json').expect(200)).body as { paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(doc.paths).flatMap(([p, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${p}`));
    const routes = routesOf((app as unknown as { router: { stack: Layer[] } }).router.stack);
    // The document does not describe itself (GET /api/v1/openapi.json).
    const api = routes.filter((r) => / \/api\/v1\/|^GET \/healthz$/.test(r) && r !== 'GET /api/v1/openapi.json');
    expect(api.length).toBeGreaterThan(25);
    const undocumented = api.filter((r) => !documented.some((d) => d.split(' ')[0] === r.split(' ')[0] && covers(d.split(' ')[1]!, r.split(' ')[1]!)));
    expect(undocumented).toEqual([]);
    const unrouted = documented.filter((d) => !routes.some((r) => r.split(' ')[0] === d.split(' ')[0] && covers(d.split(' ')[1]!, r.split(' ')[1]!)));
    expect(unrouted).toEqual([]);
  });

  test('when an operation is looked up by its client name, then it exists with security and error answers', async () => {
    const doc = (await request(testApp(t.storage)).get('/api/v1/openapi.json').expect(200)).body as {
      paths: Record<string, Record<string, { operationId: string; security: unknown[]; responses: Record<string, unknown> }>>;
    };
    const ops = Object.values(doc.paths).flatMap((p) => Object.values(p));
    const byId = new Map(ops.map((o) => [o.operationId, o]));
    expect(byId.size).toBe(ops.length);
    expect(byId.get('approveFigure')).toMatchObject({
      security: [{ bearerAuth: [] }],
      responses: expect.objectContaining({ '401': expect.anything(), '403': expect.anything(), '409': expect.anything() }),
    });
    expect(byId.get('listFigures')!.security).toEqual([{}, { bearerAuth: [] }]);
    expect(Object.keys(byId.get('createToken')!.responses)).toEqual(expect.arrayContaining(['201', '400', '401', '413', '429']));
  });
});
