import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import ts from 'typescript';
import Ajv2020 from 'ajv/dist/2020';
import { DATABASES, freshDb, makeUser, testApp, type TestDb } from '../helpers/db';

// Loaded by path, not imported: the client is type-checked against generated types by the test below, not by `npm run typecheck`
// (tsconfig.json excludes it, since ./api exists only in the test's temporary directory).
interface TaskResults {
  slugs: string[];
  latest: { periodEnd: string; value: number; organisation: string }[];
  nextCursor: string | null;
  figureId: number;
  draftStatus?: string;
  approvedStatus?: string;
  approvedVersion: number;
  projection: { date: string; low: number; central: number; high: number } | null;
  refusedStatus: number;
  refusedFields: string[];
  importPreview: { newFigures: number; errorCount: number; committed: boolean };
  responses: Record<'listSituations' | 'createFigure' | 'approveFigure' | 'getProjections' | 'importFigures', unknown>;
}
const { integratorTasks } = require(path.join(__dirname, 'typed-client', 'client')) as {
  integratorTasks: (baseUrl: string, tokens: { editor: string; admin: string }, slug: string) => Promise<TaskResults>;
};

const ROOT = path.resolve(__dirname, '..', '..');
const SLUG = 'syria-2024-offensive';

type Doc = { paths: Record<string, Record<string, { operationId: string; responses: Record<string, { content?: Record<string, unknown> }> }>> };

/** Types from the served document (the openapi-typescript CLI, an ES module; fields with a default stay optional in request bodies), beside a copy of the client; the TypeScript compiler's diagnostics. */
function typeCheckClient(doc: unknown, dir: string): string[] {
  fs.writeFileSync(path.join(dir, 'openapi.json'), JSON.stringify(doc));
  const gen = spawnSync(path.join(ROOT, 'node_modules', '.bin', 'openapi-typescript'), ['openapi.json', '--output', 'api.ts', '--default-non-nullable', 'false'], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (gen.status !== 0) return [`openapi-typescript: ${gen.stderr}`];
  fs.copyFileSync(path.join(__dirname, 'typed-client', 'client.ts'), path.join(dir, 'client.ts'));
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  const program = ts.createProgram([path.join(dir, 'client.ts')], {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    esModuleInterop: true,
    skipLibCheck: true,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    types: [],
  });
  return ts.getPreEmitDiagnostics(program).map((d) => `${d.file ? path.basename(d.file.fileName) : ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
}

/** Validates a real answer against the document's schema for that operation and status (the document must not promise what handlers do not give). */
function responseValidator(doc: Doc) {
  const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
  ajv.addSchema(doc as object, 'doc');
  const where = new Map<string, string>();
  for (const [p, item] of Object.entries(doc.paths))
    for (const [method, o] of Object.entries(item)) where.set(o.operationId, `${p.replace(/~/g, '~0').replace(/\//g, '~1')}/${method}`);
  return (operationId: string, status: number, body: unknown) => {
    const at = where.get(operationId);
    if (!at) return [`no operation ${operationId}`];
    const validate = ajv.compile({ $ref: `doc#/paths/${at}/responses/${status}/content/application~1json/schema` });
    return validate(body) ? [] : (validate.errors ?? []).map((e) => `${operationId} ${status} ${e.instancePath} ${e.message}`);
  };
}

// The document does not depend on the database: the types are generated and the client compiled once.
describe('a typed client generated from the OpenAPI document', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dt-client-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('when types are generated from /api/v1/openapi.json, then the client compiles against them', async () => {
    const t = await freshDb('sqlite');
    try {
      const server = testApp(t.storage).listen(0, '127.0.0.1');
      await new Promise((r) => server.once('listening', r));
      const doc = await (await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/openapi.json`)).json();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      expect(typeCheckClient(doc, dir)).toEqual([]);
    } finally {
      await t.cleanup();
    }
  });
});

describe.each(DATABASES)('the typed client against a test server on %s', (kind) => {
  let t: TestDb;
  let server: Server;
  let base: string;

  beforeAll(async () => {
    t = await freshDb(kind, { seed: true });
    server = testApp(t.storage).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections(); // fetch keeps connections alive
    await new Promise((r) => server.close(r));
    await t.cleanup();
  });

  test('when the client lists situations, posts and approves a figure and reads projections, then each step works and every answer matches the document', async () => {
    const doc = (await (await fetch(`${base}/api/v1/openapi.json`)).json()) as Doc;

    const editor = await makeUser(t.storage, 'editor');
    const admin = await makeUser(t.storage, 'admin');
    const r = await integratorTasks(base, { editor: editor.token, admin: admin.token }, SLUG);
    expect(r.slugs).toContain(SLUG);
    expect(r.latest).toContainEqual({ periodEnd: '2024-12-06', value: 370000, organisation: 'OCHA' });
    expect(r.latest.every((f) => f.periodEnd >= '2024-12-01')).toBe(true);
    expect(r.nextCursor).toBeNull();
    expect(r.draftStatus).toBe('draft');
    expect(r.approvedStatus).toBe('approved');
    expect(r.approvedVersion).toBe(2);
    expect(r.projection).toEqual({ date: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/), low: expect.any(Number), central: expect.any(Number), high: expect.any(Number) });
    expect(r.projection!.central).toBeGreaterThanOrEqual(640000); // a running total never projects below its last report
    expect(r.refusedStatus).toBe(400);
    expect(r.refusedFields).toEqual(['quote']);
    expect(r.importPreview).toEqual({ newFigures: 1, errorCount: 0, committed: false });

    const check = responseValidator(doc);
    expect(check('getSituation', 200, { id: 'one', slug: SLUG })).not.toEqual([]); // the check can fail
    const problems = [
      ...check('listSituations', 200, r.responses.listSituations),
      ...check('createFigure', 201, r.responses.createFigure),
      ...check('approveFigure', 200, r.responses.approveFigure),
      ...check('getProjections', 200, r.responses.getProjections),
      ...check('importFigures', 200, r.responses.importFigures),
    ];
    // The other reads an integrator makes, and an error answer, against their documented shapes.
    const get = async (url: string, token?: string) => {
      const res = await fetch(`${base}${url}`, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
      return { status: res.status, body: await res.json() };
    };
    const reads: [string, string, string?][] = [
      ['getSituation', `/api/v1/situations/${SLUG}`],
      ['listFigures', `/api/v1/situations/${SLUG}/figures?limit=5`],
      ['getFigure', `/api/v1/figures/${r.figureId}`],
      ['getFigureHistory', `/api/v1/figures/${r.figureId}/history`, editor.token],
      ['listScenarios', `/api/v1/situations/${SLUG}/scenarios`],
      ['getScenarioHistory', `/api/v1/situations/${SLUG}/scenarios/1/history`, editor.token],
      ['getSeries', `/api/v1/situations/${SLUG}/series`],
      ['getTrend', `/api/v1/situations/${SLUG}/trend`],
      ['listLocations', '/api/v1/locations?country=SYR'],
      ['listOrganisations', '/api/v1/organisations'],
      ['getCurrentUser', '/api/v1/me', editor.token],
      ['getHealth', '/healthz'],
    ];
    for (const [op, url, token] of reads) {
      const res = await get(url, token);
      expect([op, res.status]).toEqual([op, 200]);
      problems.push(...check(op, 200, res.body));
    }
    const missing = await get('/api/v1/situations/no-such-situation');
    expect(missing.status).toBe(404);
    problems.push(...check('getSituation', 404, missing.body));
    expect(problems).toEqual([]);
  });
});
