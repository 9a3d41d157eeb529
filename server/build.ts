/**
 * The production build: the browser assets (server/assets/build.ts) and the server bundles, so production runs
 * compiled JavaScript with plain `node` instead of tsx. esbuild bundles server/main.ts and each CLI entry point
 * (server/cli/*.ts except common.ts) into dist/ (dist/main.js, dist/cli/<name>.js), and the worker threads
 * (dist/analysis-worker.js, dist/import-worker.js, dist/boundary-worker.js): platform node, CommonJS,
 * linked source maps. Pure-JavaScript dependencies are bundled too: resolving and reading the hundreds of small
 * files of express, zod, kysely, date-fns and @stdlib one by one took about a third of the start-up (by hand on
 * the 1M database: /healthz 650 ms with every package external, 400 ms bundled). Left external, loaded from
 * node_modules as usual: native addons, packages that load files or workers at run time, and the chart
 * renderer's modules (loaded on the first PNG request only). Files are located from the project root
 * (server/paths.ts), never from `__dirname`, so the bundles find views/, seeds/ and the rest.
 *
 * `tsx server/build.ts` builds everything; `--if-stale` skips a part whose inputs are not newer than its last
 * build (what `npm start` and the CLI scripts run, so a second start does not rebuild).
 *
 * @example tsx server/build.ts --if-stale && node dist/main.js
 */
import fs from 'node:fs';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { assetsStale, buildAssets } from './assets/build';
import { DIST_DIR, ROOT } from './paths';

export const SERVER_ENTRY = path.join(DIST_DIR, 'main.js');
const META = path.join(DIST_DIR, 'meta.json');
/** Not bundled (see above); their subpaths neither. */
const EXTERNAL = ['better-sqlite3', 'pg', 'pino', 'pino-http', 'ejs', '@napi-rs/canvas', 'chart.js', 'chartjs-adapter-date-fns', 'esbuild', 'tsx', 'nodemailer'];

interface Meta {
  /** Output files, relative to the project root. */
  outputs: string[];
  /** Source files the bundles read, relative to the project root (plus package.json, tsconfig.json and this script). */
  inputs: string[];
}

/** Entry points: server/main.ts, the worker threads and the CLI commands, by output name (relative to dist/, without .js). */
function entryPoints(): Record<string, string> {
  const cli = fs
    .readdirSync(path.join(ROOT, 'server', 'cli'))
    .filter((f) => f.endsWith('.ts') && f !== 'common.ts')
    .map((f) => [`cli/${path.basename(f, '.ts')}`, path.join(ROOT, 'server', 'cli', f)]);
  return {
    main: path.join(ROOT, 'server', 'main.ts'),
    'analysis-worker': path.join(ROOT, 'server', 'analysis', 'analysis.worker.ts'),
    'import-worker': path.join(ROOT, 'server', 'imports', 'checked-rows.worker.ts'),
    'boundary-worker': path.join(ROOT, 'server', 'maps', 'boundary-file.worker.ts'),
    ...Object.fromEntries(cli),
  };
}

export async function buildServer(opts: { log?: (msg: string) => void } = {}): Promise<Meta> {
  const log = opts.log ?? (() => undefined);
  const t0 = performance.now();
  const result = await esbuild.build({
    entryPoints: entryPoints(),
    outdir: DIST_DIR,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: EXTERNAL.flatMap((p) => [p, `${p}/*`]),
    sourcemap: 'linked',
    sourcesContent: false,
    metafile: true,
    logLevel: 'silent',
    absWorkingDir: ROOT,
  });
  for (const w of result.warnings) log(`server build warning: ${w.text}`);
  const outputs = Object.keys(result.metafile.outputs).map((o) => path.relative(ROOT, path.resolve(ROOT, o)));
  const inputs = [...Object.keys(result.metafile.inputs).map((i) => path.relative(ROOT, path.resolve(ROOT, i))), 'package.json', 'tsconfig.json', path.relative(ROOT, __filename)];
  const meta: Meta = { outputs, inputs };
  const tmp = `${META}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(meta, null, 2));
  fs.renameSync(tmp, META);
  log(`server: ${outputs.filter((o) => o.endsWith('.js')).join(', ')} (${Math.round(performance.now() - t0)} ms)`);
  return meta;
}

/** True when there is no server build, an output is missing, or a source it read changed since. */
export function serverStale(): boolean {
  if (!fs.existsSync(META)) return true;
  const built = fs.statSync(META).mtimeMs;
  const m = JSON.parse(fs.readFileSync(META, 'utf8')) as Meta;
  if (m.outputs.some((o) => !fs.existsSync(path.join(ROOT, o)))) return true;
  return m.inputs.some((i) => !fs.existsSync(path.join(ROOT, i)) || fs.statSync(path.join(ROOT, i)).mtimeMs > built);
}

async function cli() {
  const ifStale = process.argv.includes('--if-stale');
  // Standard error: `npm run export` writes the CSV to standard output after this.
  const log = (m: string) => console.error(m);
  if (!ifStale || assetsStale()) await buildAssets({ log });
  if (!ifStale || serverStale()) await buildServer({ log });
}

if (require.main === module) {
  cli().catch((err) => {
    console.error(`build failed: ${err.message ?? err}`);
    process.exit(1);
  });
}
