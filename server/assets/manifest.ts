import fs from 'node:fs';
import path from 'node:path';
import express, { type RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { Manifest } from './build';
import { ASSETS_BUILD_DIR as BUILD_DIR, ASSETS_MANIFEST as MANIFEST } from '../paths';

/**
 * Fingerprinted asset URLs for templates, and the static handler that serves them with a year-long,
 * immutable cache: a changed file gets a new name, so a cached one is never stale.
 */
export function assets(logger: Logger) {
  let manifest: Manifest | null = null;
  let warned = false;
  const load = (): Manifest | null => {
    if (manifest) return manifest;
    try {
      manifest = JSON.parse(fs.readFileSync(MANIFEST, 'utf8')) as Manifest;
    } catch {
      // Pages still work without scripts and styles; say once how to fix it.
      if (!warned) logger.warn('public/build/manifest.json is missing: run `npm run build:assets`; pages are served without styles and charts');
      warned = true;
    }
    return manifest;
  };
  const url = (name: string): string | null => {
    const file = load()?.files[name];
    return file ? `/assets/${file}` : null;
  };
  const serve: RequestHandler = express.static(BUILD_DIR, {
    index: false,
    immutable: true,
    maxAge: '365d',
    fallthrough: true,
    setHeaders: (res, file) => {
      if (path.basename(file) === 'manifest.json') res.setHeader('Cache-Control', 'no-store');
    },
  });
  // The manifest and half-written files are not assets. Compared on the decoded, normalised path, as the static
  // handler resolves it: `/%6danifest.json` and `//manifest.json` name the same file.
  const hidden = (urlPath: string) => {
    let p: string;
    try {
      p = path.posix.normalize(decodeURIComponent(urlPath));
    } catch {
      return true; // malformed escapes: nothing to serve
    }
    const name = path.posix.basename(p);
    return name === 'manifest.json' || name.endsWith('.tmp');
  };
  const guarded: RequestHandler = (req, res, next) => (hidden(req.path) ? next() : serve(req, res, next));
  return { url, serve: guarded };
}
