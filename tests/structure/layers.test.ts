import { execFile } from 'node:child_process';
import path from 'node:path';

/**
 * The layer rules of docs/architecture.md are ESLint rules (eslint.config.mjs, run by `npm run lint`). These
 * cases lint small modules as if they sat at the given path, and expect the rule to refuse them, so a rule that
 * stops matching (a renamed folder, a plugin update) fails here rather than letting the layers drift.
 */
const ROOT = path.resolve(__dirname, '../..');
const SCRIPT = path.join(__dirname, 'lint-texts.mjs');

type Linted = { filename: string; messages: { ruleId: string | null; message: string }[] };

/** Lints every module in one ESLint process (loading it costs seconds). */
function lintAll(files: { filename: string; code: string }[]): Promise<Linted[]> {
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, [SCRIPT], { cwd: ROOT, maxBuffer: 10 * 1024 * 1024 }, (err, stdout, stderr) =>
      err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(JSON.parse(stdout) as Linted[]),
    );
    child.stdin!.end(JSON.stringify(files));
  });
}

const cases: [string, string, string, RegExp][] = [
  [
    'a pure statistics module imports storage',
    'server/statistics/uses-storage.ts',
    "import { openStorage } from '../storage/database';\nexport const x = openStorage;\n",
    /statistics\/ is pure/,
  ],
  ['a csv module imports express', 'server/csv/uses-express.ts', "import express from 'express';\nexport const x = express;\n", /csv\/ are pure/],
  ['a csv module imports a page', 'server/csv/uses-pages.ts', "import { figurePages } from '../pages/figures.routes';\nexport const x = figurePages;\n", /csv\/ is pure/],
  [
    'a repository imports a service',
    'server/figures/uses-service.repository.ts',
    "import { FiguresService } from './figures.service';\nexport const x = FiguresService;\n",
    /repository imports no service/,
  ],
  [
    'storage imports a feature',
    'server/storage/uses-feature.ts',
    "import { figuresRepository } from '../figures/figures.repository';\nexport const x = figuresRepository;\n",
    /storage\/ imports no feature/,
  ],
  [
    'a page router imports an API router',
    'server/pages/uses-api.routes.ts',
    "import { figuresApi } from '../figures/figures.routes';\nexport const x = figuresApi;\n",
    /page router never imports an API router/,
  ],
  [
    'a service builds a query',
    'server/figures/other.service.ts',
    "import type { Db } from '../storage/database';\nexport const x = (db: Db) => db.selectFrom('figures').selectAll().execute();\n",
    /SQL belongs in a \*\.repository\.ts/,
  ],
  [
    'a route runs an SQL template',
    'server/health/other.routes.ts',
    "import { sql } from 'kysely';\nimport type { Db } from '../storage/database';\nexport const x = (db: Db) => sql`select 1`.execute(db);\n",
    /SQL belongs in a \*\.repository\.ts/,
  ],
];

const good = [
  {
    filename: 'server/figures/other.repository.ts',
    code: "import type { Tx } from '../storage/database';\nexport const x = (db: Tx) => db.selectFrom('figures').select('id').execute();\n",
  },
  {
    filename: 'server/pages/other.routes.ts',
    code: "import type { FiguresService } from '../figures/figures.service';\nimport { figurePages } from './figures.routes';\nexport const x = (f: FiguresService) => [f, figurePages];\n",
  },
];

describe('layer rules (eslint.config.mjs)', () => {
  let results: Map<string, Linted['messages']>;
  beforeAll(async () => {
    const linted = await lintAll([...cases.map(([, filename, code]) => ({ filename, code })), ...good]);
    results = new Map(linted.map((r) => [r.filename, r.messages]));
  }, 120_000);

  test.each(cases)('when %s, then lint fails naming the rule', (_what, filename, _code, message) => {
    const messages = results.get(filename)!;
    expect(messages.length).toBeGreaterThan(0);
    expect(messages.map((m) => m.message).join('\n')).toMatch(message);
  });

  test('when modules follow the layers (a repository with SQL, a page using a service), then lint passes', () => {
    for (const { filename } of good) expect(results.get(filename)).toEqual([]);
  });
});
