/** Benchmark child: streams the figures export of a situation to a file and prints {ms, rows, maxRssMb} as JSON. */
import fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { openStorage } from '../server/storage/database';
import { AnalysisService } from '../server/analysis/analysis.service';
import { ExportsService } from '../server/exports/exports.service';
import { createI18n } from '../server/i18n/i18n';

async function main() {
  const [file, slug, out] = process.argv.slice(2);
  const storage = await openStorage({ sqlitePath: file });
  const exportsService = new ExportsService(storage, new AnalysisService(storage, { stalenessDays: 14, horizonDays: 30 }), createI18n('en'));
  const t0 = process.hrtime.bigint();
  await pipeline(await exportsService.open(slug, { name: 'figures', hxl: false, bom: false, status: 'all' }), fs.createWriteStream(out));
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  await storage.close();
  process.stdout.write(JSON.stringify({ ms, bytes: fs.statSync(out).size, maxRssMb: process.resourceUsage().maxRSS / 1024 }) + '\n');
}
void main();
