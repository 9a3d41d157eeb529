/**
 * P1's second baseline: the same page bytes served as static files by nginx (Debian's package), pre-gzipped, with
 * the page's own headers. The bench starts its own nginx on 127.0.0.1 with a config file in a temporary directory
 * (`-p prefix -c conf`, `daemon off`, pid, logs and temp paths in that directory) and stops it afterwards; nothing of
 * the machine's nginx setup is read or touched.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { rawGet } from './lib';

export const NGINX_BIN = '/usr/sbin/nginx';
export const nginxInstalled = () => fs.existsSync(NGINX_BIN);
/** "1.22.1", from `nginx -v` (which prints to standard error). */
export const nginxVersion = () => /nginx\/([\d.]+)/.exec(spawnSync(NGINX_BIN, ['-v']).stderr?.toString() ?? '')?.[1] ?? null;

export interface StaticPage {
  /** File name under the web root, e.g. page-0.html. */
  name: string;
  /** The body as the app sends it gzipped (served as is, through gzip_static). */
  gzip: Buffer;
  /** The uncompressed body (for a client that does not accept gzip; the bench always asks for gzip). */
  plain: Buffer;
  /** Response headers to repeat, as the app sent them (content type, cache control, ETag, security headers). */
  headers: Record<string, string>;
}

// Headers nginx sets itself (or that describe the connection), and the content type, which it takes from `types`.
const OWN = new Set(['date', 'content-length', 'content-encoding', 'content-type', 'connection', 'keep-alive', 'transfer-encoding', 'set-cookie', 'x-request-id', 'server']);

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });

const quoteValue = (v: string) => `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

export interface Nginx {
  port: number;
  /** Worker processes (one, like the app's one Node process). */
  workers: number;
  stop(): Promise<void>;
}

/** Starts nginx serving `pages` at /<name>; resolves once the first page answers 200. */
export async function startNginx(pages: StaticPage[]): Promise<Nginx> {
  const prefix = fs.mkdtempSync(path.join(os.tmpdir(), 'dt-bench-nginx-'));
  // The workers run as an unprivileged user when the bench runs as root: they must be able to read the web root.
  fs.chmodSync(prefix, 0o755);
  const www = path.join(prefix, 'www');
  fs.mkdirSync(www, { mode: 0o755 });
  fs.mkdirSync(path.join(prefix, 'temp'), { mode: 0o755 });
  for (const p of pages) {
    fs.writeFileSync(path.join(www, p.name), p.plain, { mode: 0o644 });
    fs.writeFileSync(path.join(www, `${p.name}.gz`), p.gzip, { mode: 0o644 });
  }
  const port = await freePort();
  const locations = pages.map((p) => {
    const type = p.headers['content-type'] ?? 'text/html; charset=utf-8';
    const add = Object.entries(p.headers)
      .filter(([k]) => !OWN.has(k) && k !== 'etag')
      .map(([k, v]) => `      add_header ${k} ${quoteValue(v)} always;`);
    // The app's ETag instead of nginx's own (the same validator a revalidating reader would send back).
    if (p.headers.etag) add.push(`      add_header ETag ${quoteValue(p.headers.etag)} always;`);
    return [`    location = /${p.name} {`, `      types { }`, `      default_type ${quoteValue(type)};`, `      etag off;`, ...add, `    }`].join('\n');
  });
  const t = (n: string) => path.join(prefix, 'temp', n);
  const conf = `daemon off;
worker_processes 1;
pid ${path.join(prefix, 'nginx.pid')};
error_log ${path.join(prefix, 'error.log')} warn;
events { worker_connections 1024; }
http {
  access_log off;
  server_tokens off;
  sendfile on;
  tcp_nopush on;
  tcp_nodelay on;
  keepalive_timeout 65;
  keepalive_requests 1000000;
  client_body_temp_path ${t('body')};
  proxy_temp_path ${t('proxy')};
  fastcgi_temp_path ${t('fastcgi')};
  uwsgi_temp_path ${t('uwsgi')};
  scgi_temp_path ${t('scgi')};
  gzip off;
  gzip_static on;
  server {
    listen 127.0.0.1:${port};
    root ${www};
${locations.join('\n')}
  }
}
`;
  const confFile = path.join(prefix, 'nginx.conf');
  fs.writeFileSync(confFile, conf);
  const child: ChildProcess = spawn(NGINX_BIN, ['-p', prefix, '-c', confFile, '-e', path.join(prefix, 'error.log')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGQUIT'); // graceful: workers finish, then exit
    const k = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(k);
    fs.rmSync(prefix, { recursive: true, force: true });
  };
  const t0 = performance.now();
  for (;;) {
    if (child.exitCode !== null) {
      const log = fs.existsSync(path.join(prefix, 'error.log')) ? fs.readFileSync(path.join(prefix, 'error.log'), 'utf8') : '';
      fs.rmSync(prefix, { recursive: true, force: true });
      throw new Error(`nginx exited with ${child.exitCode}: ${(err + log).slice(-600)}`);
    }
    try {
      const r = await rawGet(port, `/${pages[0].name}`, { 'accept-encoding': 'gzip' });
      if (r.status === 200 && r.headers['content-encoding'] === 'gzip' && r.body.equals(pages[0].gzip)) break;
      if (r.status) throw new Error(`nginx answered ${r.status} ${r.headers['content-encoding'] ?? 'identity'} (${r.bodyBytes} bytes) for /${pages[0].name}`);
    } catch (e) {
      if (!/ECONNREFUSED/.test(String(e))) {
        await stop();
        throw e;
      }
    }
    if (performance.now() - t0 > 10_000) {
      await stop();
      throw new Error(`nginx did not answer in 10 s: ${err.slice(-400)}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return { port, workers: 1, stop };
}
