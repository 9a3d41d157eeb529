/**
 * Builds the browser assets with esbuild: the chart bundle (only the Chart.js parts the charts use, the
 * date-fns adapter and the shared config builder), the stylesheet and the icon, each with a content hash in
 * its name so it can be cached for a year (`immutable`). public/build/manifest.json maps logical names to
 * hashed ones; pages link through it. Run by `npm run build:assets` (and so by `npm start`); tests call
 * `ensureAssets()`, which rebuilds only when a source is newer than the manifest.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import * as esbuild from 'esbuild';

import { ASSETS_BUILD_DIR as BUILD_DIR, ASSETS_MANIFEST as MANIFEST, ASSETS_SRC_DIR as SRC, ROOT } from '../paths';

export { BUILD_DIR, MANIFEST };

export interface Manifest {
  /** Logical name (charts.js, site.css, favicon.svg) → file name in public/build. */
  files: Record<string, string>;
  /** Source files the build read, relative to the project root: a newer one makes the build stale. */
  inputs: string[];
}

const hashed = (name: string, content: Buffer | string) => {
  const ext = path.extname(name);
  return `${path.basename(name, ext)}-${createHash('sha256').update(content).digest('hex').slice(0, 12)}${ext}`;
};

export async function buildAssets(opts: { log?: (msg: string) => void } = {}): Promise<Manifest> {
  const log = opts.log ?? (() => undefined);
  const result = await esbuild.build({
    entryPoints: { charts: path.join(SRC, 'charts.ts'), site: path.join(SRC, 'site.css') },
    bundle: true,
    minify: true,
    format: 'iife',
    target: ['es2022', 'chrome100', 'firefox100', 'safari15.4'],
    write: false,
    metafile: true,
    outdir: BUILD_DIR,
    legalComments: 'none',
    logLevel: 'silent',
  });
  fs.mkdirSync(BUILD_DIR, { recursive: true });
  const files: Record<string, string> = {};
  const write = (logical: string, content: Buffer | Uint8Array | string) => {
    const name = hashed(logical, Buffer.from(content));
    const target = path.join(BUILD_DIR, name);
    // Write then rename: a concurrent build (two test workers) or a running server never sees half a file.
    const tmp = `${target}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, content);
    fs.renameSync(tmp, target);
    files[logical] = name;
    log(`assets: ${logical} → ${name} (${Buffer.byteLength(content as Buffer)} bytes)`);
  };
  for (const out of result.outputFiles) write(path.basename(out.path), out.contents);
  write('favicon.svg', fs.readFileSync(path.join(SRC, 'favicon.svg')));
  const inputs = [...Object.keys(result.metafile.inputs).filter((i) => !i.includes('node_modules')), 'public/src/favicon.svg'].map((i) => path.relative(ROOT, path.resolve(i)));
  const manifest: Manifest = { files, inputs };
  const tmp = `${MANIFEST}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(manifest, null, 2));
  fs.renameSync(tmp, MANIFEST);
  // Drop files of earlier builds; hashed names of this build stay.
  const keep = new Set([...Object.values(files), 'manifest.json']);
  for (const f of fs.readdirSync(BUILD_DIR)) if (!keep.has(f) && !f.endsWith('.tmp')) fs.rmSync(path.join(BUILD_DIR, f), { force: true });
  return manifest;
}

/** True when there is no build or a source it read has changed since. */
export function assetsStale(): boolean {
  if (!fs.existsSync(MANIFEST)) return true;
  const built = fs.statSync(MANIFEST).mtimeMs;
  const m = JSON.parse(fs.readFileSync(MANIFEST, 'utf8')) as Manifest;
  if (Object.values(m.files).some((f) => !fs.existsSync(path.join(BUILD_DIR, f)))) return true;
  return m.inputs.some((i) => !fs.existsSync(path.join(ROOT, i)) || fs.statSync(path.join(ROOT, i)).mtimeMs > built);
}

export async function ensureAssets(): Promise<void> {
  if (assetsStale()) await buildAssets();
}

if (require.main === module) {
  buildAssets({ log: (m) => console.log(m) }).catch((err) => {
    console.error(`assets: build failed: ${err.message ?? err}`);
    process.exit(1);
  });
}
