/**
 * Benchmark child: imports a CSV into a situation as `npm run import -- --commit` does (one pass that reads, checks and
 * writes in one transaction), after a separate preview (one pass that reads and checks), and prints
 * {ms (the commit), previewMs, figures, maxRssMb}.
 */
import fs from 'node:fs';
import { openStorage } from '../server/storage/database';
import { ImportsService } from '../server/imports/imports.service';

async function main() {
  const [file, slug, csv] = process.argv.slice(2);
  const storage = await openStorage({ sqlitePath: file });
  const service = new ImportsService(storage);
  const user = { id: 0, email: 'bench@example.org', name: null, role: 'admin' as const };
  const source = () => fs.createReadStream(csv);
  const opts = { filename: 'bench.csv', status: 'approved' as const };
  let t0 = process.hrtime.bigint();
  const preview = await service.preview(slug, source, opts, user);
  if (preview.errorCount) throw new Error(`bench import has errors: ${JSON.stringify(preview.errors.slice(0, 3))}`);
  const previewMs = Number(process.hrtime.bigint() - t0) / 1e6;
  t0 = process.hrtime.bigint();
  const report = await service.commit(slug, source, opts, user);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  await storage.close();
  process.stdout.write(JSON.stringify({ ms, previewMs, figures: report.newFigures, maxRssMb: process.resourceUsage().maxRSS / 1024 }) + '\n');
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
