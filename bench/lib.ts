/** Shared helpers of the benchmark and soak scripts: child processes, HTTP probes, RSS, formatting. */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '..');
export const TSX_BIN = path.join(ROOT, 'node_modules', '.bin', 'tsx');

/** Node with the tsx loader in the same process (so the pid is the process doing the work, for RSS and profiles). */
export const nodeTsx = (script: string, args: string[], nodeFlags: string[] = []) => ({
  cmd: process.execPath,
  args: [...nodeFlags, '--import', 'tsx', path.join(ROOT, script), ...args],
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs a command to completion; rejects on a non-zero exit or after `timeoutMs` (the child is killed). */
export function run(
  cmd: string,
  args: string[],
  opts: { timeoutMs?: number; stdoutFile?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<{ stdout: string; stderr: string; ms: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const out = opts.stdoutFile ? fs.createWriteStream(opts.stdoutFile) : null;
    const child = spawn(cmd, args, { cwd: ROOT, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    if (out) child.stdout.pipe(out);
    else child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 600_000);
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const ms = performance.now() - t0;
      const done = () =>
        code === 0
          ? resolve({ stdout, stderr, ms })
          : reject(new Error(`${path.basename(cmd)} ${args.slice(0, 3).join(' ')} … exited with ${code ?? signal}: ${stderr.slice(-800)}`));
      if (out) out.end(done);
      else done();
    });
  });
}

/** The last JSON line a benchmark child printed. */
export const lastJson = <T>(stdout: string): T =>
  JSON.parse(
    stdout
      .trim()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .at(-1)!,
  ) as T;

export interface Served {
  port: number;
  pid: number;
  pages: { path: string; bytes: number; firstMs: number }[];
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Starts bench/serve-child.ts over a SQLite file; resolves when it has warmed the given pages. */
export function serve(db: string, pages: string[], opts: { nodeFlags?: string[]; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<Served> {
  const timeoutMs = opts.timeoutMs ?? 180_000;
  const { cmd, args } = nodeTsx('bench/serve-child.ts', [db, ...pages], opts.nodeFlags ?? []);
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: ROOT, env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not warm up in ${timeoutMs} ms: ${err.slice(-500)}`));
    }, timeoutMs);
    child.stderr!.on('data', (d) => (err += d));
    child.stdout!.on('data', (d) => {
      out += d;
      if (!out.includes('\n')) return;
      clearTimeout(timer);
      const info = JSON.parse(out.split('\n')[0]) as Omit<Served, 'child' | 'stop'>;
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      resolve({
        ...info,
        child,
        stop: async () => {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          const t = setTimeout(() => child.kill('SIGKILL'), 15_000);
          await exited;
          clearTimeout(t);
        },
      });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}: ${err.slice(-800)}`));
    });
  });
}

/** Resident memory of a process in MB, from /proc/<pid>/status (VmRSS, or VmHWM for the peak). */
export function rssMb(pid: number, field: 'VmRSS' | 'VmHWM' = 'VmRSS'): number | null {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  headerBytes: number;
  bodyBytes: number;
  body: Buffer;
}

/** One GET on 127.0.0.1 that counts the bytes as sent (no decompression); header bytes are the status line and raw headers. */
export function rawGet(port: number, p: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: p, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const raw = res.rawHeaders;
        let headerBytes = `HTTP/1.1 ${res.statusCode} ${res.statusMessage}\r\n`.length + 2;
        for (let i = 0; i < raw.length; i += 2) headerBytes += raw[i].length + 2 + Buffer.byteLength(raw[i + 1]) + 2;
        const body = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, headerBytes, bodyBytes: body.length, body });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.setTimeout(120_000, () => req.destroy(new Error(`GET ${p} timed out`)));
  });
}

/** Polls a URL until it answers 200; resolves with the milliseconds since `t0`, or null at the deadline. */
export async function firstOk(port: number, p: string, t0: number, deadlineMs: number): Promise<number | null> {
  while (performance.now() - t0 < deadlineMs) {
    try {
      const r = await rawGet(port, p);
      if (r.status === 200) return performance.now() - t0;
    } catch {
      // not listening yet
    }
    await sleep(10);
  }
  return null;
}

export const fmt = (n: number | null | undefined, digits = 0) =>
  n == null || !Number.isFinite(n) ? '–' : n.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits });
export const kb = (bytes: number) => `${fmt(bytes / 1024, 1)} KB`;
export const ratio = (x: number | null, base: number | null) => (x == null || !base ? null : x / base);
