/**
 * Summarises a V8 .cpuprofile (node --cpu-prof): the functions with the most self time, and self time by file,
 * so BENCHMARKS.md can say what stands in the way of a missed target.
 */
import fs from 'node:fs';
import path from 'node:path';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface Profile {
  nodes: Node[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileLine {
  name: string;
  where: string;
  ms: number;
  share: number;
}
export interface ProfileSummary {
  totalMs: number;
  functions: ProfileLine[];
  files: ProfileLine[];
}

const ROOT = path.resolve(__dirname, '..');

const shortUrl = (url: string) => {
  const p = url.replace(/^file:\/\//, '');
  if (!p) return '(native)';
  const nm = p.lastIndexOf('node_modules/');
  if (nm >= 0) return p.slice(nm + 'node_modules/'.length);
  return p.startsWith(ROOT) ? path.relative(ROOT, p) : p;
};

export function summariseProfile(file: string, top = 12): ProfileSummary {
  const prof = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  // Each sample's time is the delta to the next one.
  for (let i = 0; i < prof.samples.length; i++) self.set(prof.samples[i], (self.get(prof.samples[i]) ?? 0) + (prof.timeDeltas[i + 1] ?? 0) / 1000);
  const totalMs = [...self.values()].reduce((a, b) => a + b, 0);
  const fn = new Map<string, ProfileLine>();
  const files = new Map<string, ProfileLine>();
  for (const [id, ms] of self) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    const name = functionName || '(anonymous)';
    // Lines of TypeScript files are those of tsx's transpiled output, not of the source: show the file only.
    const where = url ? (/\.tsx?$/.test(url) ? shortUrl(url) : `${shortUrl(url)}:${lineNumber + 1}`) : '';
    const k = `${name}@${where}`;
    const e = fn.get(k) ?? { name, where, ms: 0, share: 0 };
    e.ms += ms;
    fn.set(k, e);
    const fk = url ? shortUrl(url) : name.startsWith('(') ? name : '(native)';
    const f = files.get(fk) ?? { name: fk, where: '', ms: 0, share: 0 };
    f.ms += ms;
    files.set(fk, f);
  }
  const rank = (m: Map<string, ProfileLine>) =>
    [...m.values()]
      .sort((a, b) => b.ms - a.ms)
      .slice(0, top)
      .map((l) => ({ ...l, share: totalMs ? l.ms / totalMs : 0 }));
  return { totalMs, functions: rank(fn), files: rank(files) };
}

/**
 * The main thread's .cpuprofile in a directory. Node writes one per thread, named CPU.<date>.<time>.<pid>.<thread>.<n>;
 * with `--import tsx` the loader hooks run in a worker thread whose profile is mostly idle, so thread 0 is taken.
 */
export function newestProfile(dir: string): string | null {
  const all = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')) : [];
  const main = all.filter((f) => f.split('.')[4] === '0');
  const pick = (main.length ? main : all).map((f) => path.join(dir, f)).sort((a, b) => fs.statSync(b).size - fs.statSync(a).size);
  return pick[0] ?? null;
}

export function profileMarkdown(s: ProfileSummary, top = 10): string {
  const rows = s.functions.slice(0, top).map((l) => `| ${(l.share * 100).toFixed(1)}% | ${l.ms.toFixed(0)} | \`${l.name}\` | ${l.where} |`);
  const files = s.files
    .slice(0, 6)
    .map((l) => `${l.name} ${(l.share * 100).toFixed(0)}%`)
    .join('; ');
  return [`Sampled ${(s.totalMs / 1000).toFixed(1)} s of CPU. Self time by file: ${files}.`, '', '| self | ms | function | where |', '|---:|---:|---|---|', ...rows].join('\n');
}

if (require.main === module) {
  const file = process.argv[2];
  const s = summariseProfile(fs.statSync(file).isDirectory() ? newestProfile(file)! : file, Number(process.argv[3] ?? 15));
  console.log(profileMarkdown(s, Number(process.argv[3] ?? 15)));
}
