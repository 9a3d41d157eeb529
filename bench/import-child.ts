/** Benchmark child: imports a CSV into a situation (preview + commit, as the CLI does) and prints {ms, figures, maxRssMb}. */
import fs from 'node:fs';
import { openStorage } from '../server/storage/database';
import { ImportsService } from '../server/imports/imports.service';

async function main() {
  const [file, slug, csv] = process.argv.slice(2);
  const storage = await openStorage({ sqlitePath: file });
  const service = new ImportsService(storage);
  const user = { id: 0, email: 'bench@example.org', name: null, role: 'admin' as const };
  const source = () => fs.createReadStream(csv);
  const t0 = process.hrtime.bigint();
  const preview = await service.preview(slug, source, { filename: 'bench.csv', status: 'approved' }, user);
  if (preview.errorCount) throw new Error(`bench import has errors: ${JSON.stringify(preview.errors.slice(0, 3))}`);
  const tp = Number(process.hrtime.bigint() - t0) / 1e6;
  const report = await service.commit(slug, source, { filename: 'bench.csv', status: 'approved' }, user);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  await storage.close();
  process.stdout.write(JSON.stringify({ ms, previewMs: tp, figures: report.newFigures, maxRssMb: process.resourceUsage().maxRSS / 1024 }) + '\n');
}
main().catch((e) => { console.error(e); process.exit(1); });
