import fs from 'node:fs';
import path from 'node:path';
import { SingleBar, Presets } from 'cli-progress';
import { runCli } from './common';
import { parseOrThrow } from '../validation';
import { HttpError } from '../errors';
import { ImportRejected, ImportsService, type ImportReport } from '../imports/imports.service';
import { importOptionsSchema, toImportOptions } from '../imports/import-options';
import type { AuthUser } from '../auth/user';
import { usersRepository } from '../auth/users.repository';

/**
 * npm run import -- <file.csv> --situation <slug> [--commit] [--status draft|approved] [--map column=field ...]
 *   [--country-filter] [--organisation X --source-url U --quote Q --published-on D --location CODE --category C
 *    --quantifier Q --unit U] [--as email]
 * The defaults fill columns a file lacks; without a publication-date column or --published-on, each row is dated by its own date.
 *   (--status approved needs --as naming an admin account)
 * Previews by default (counts and every problem); --commit writes all rows or none.
 */
void runCli(
  {
    situation: { type: 'string' },
    commit: { type: 'boolean' },
    status: { type: 'string' },
    map: { type: 'string', multiple: true },
    'country-filter': { type: 'boolean' },
    organisation: { type: 'string' },
    'source-url': { type: 'string' },
    quote: { type: 'string' },
    'published-on': { type: 'string' },
    location: { type: 'string' },
    category: { type: 'string' },
    quantifier: { type: 'string' },
    unit: { type: 'string' },
    as: { type: 'string' },
  },
  async ({ values, positionals, storage }) => {
    const file = positionals[0];
    if (!file) throw new HttpError(400, 'validation_failed', 'Name the CSV file: npm run import -- <file.csv> --situation <slug>');
    if (!values.situation) throw new HttpError(400, 'validation_failed', '--situation <slug> is required');
    let size: number;
    try {
      size = fs.statSync(file).size;
    } catch {
      throw new HttpError(400, 'validation_failed', `Cannot read ${file}`);
    }
    const opts = parseOrThrow(importOptionsSchema, {
      status: values.status,
      map: values.map,
      countryFilter: values['country-filter'] ? 'true' : undefined,
      organisation: values.organisation,
      sourceUrl: values['source-url'],
      quote: values.quote,
      publishedOn: values['published-on'],
      location: values.location,
      category: values.category,
      quantifier: values.quantifier,
      unit: values.unit,
    });
    // History names the operator. Importing as approved skips the second pair of eyes, so it needs --as naming an
    // active admin account; otherwise the operator imports as an editor would (drafts).
    let user: AuthUser = { id: 0, email: `cli:${process.env.USER ?? 'operator'}`, name: null, role: 'editor' };
    if (values.as) {
      const account = await usersRepository.byEmail(storage.db, String(values.as));
      if (!account) throw new HttpError(400, 'validation_failed', `--as ${values.as}: no active account with this email`);
      user = { id: account.id, email: account.email, name: account.name, role: account.role as AuthUser['role'] };
    }
    if (opts.status === 'approved' && user.role !== 'admin')
      throw new HttpError(403, 'forbidden', '--status approved needs --as <email of an admin account>; without it figures are imported as drafts for another editor to approve');
    const lines = size > 200_000 ? Math.round(size / 120) : 0; // a rough row estimate for the bar; corrected as rows arrive
    const bar =
      lines && process.stderr.isTTY !== undefined
        ? new SingleBar({ format: '{phase} |{bar}| {value}/{total} rows | {speed} rows/s | ETA {eta_formatted}', stream: process.stderr }, Presets.shades_classic)
        : undefined;
    const phase = values.commit ? 'importing' : 'checking';
    const started = Date.now();
    const progress = (n: number) => {
      if (!bar) return;
      const total = Math.max(lines, n);
      bar.setTotal(total);
      bar.update(n, { phase, speed: Math.round(n / Math.max(0.001, (Date.now() - started) / 1000)) });
    };
    bar?.start(lines, 0, { phase, speed: 0 });
    const service = new ImportsService(storage);
    const options = { ...toImportOptions(opts, path.basename(file), size), onProgress: progress };
    const source = () => fs.createReadStream(file);
    // --commit reads, checks and writes in one pass (all rows or none); without it the same pass only checks.
    let report: ImportReport;
    if (values.commit) {
      try {
        report = await service.commit(values.situation as string, source, options, user);
      } catch (err) {
        if (!(err instanceof ImportRejected)) throw err;
        report = err.report;
      }
    } else report = await service.preview(values.situation as string, source, options, user);
    bar?.stop();
    console.log(
      `File ${report.filename} (${report.layout ?? 'unknown layout'}${report.hxl ? ', HXL' : ''}): ${report.rowsRead} rows, ${report.figuresInFile} figures, ${report.newFigures} new, ${report.duplicates} already present.`,
    );
    if (report.newLocations.length)
      console.log(
        `New locations: ${report.newLocations.length} (${report.newLocations
          .slice(0, 5)
          .map((l) => `${l.code} ${l.name}`)
          .join(', ')}${report.newLocations.length > 5 ? ', …' : ''})`,
      );
    if (report.newOrganisations.length) console.log(`New organisations (reliability medium): ${report.newOrganisations.join(', ')}`);
    for (const n of report.notes) console.log(`Note: ${n}`);
    if (report.errorCount) {
      console.log(`${report.errorCount} problem(s)${report.errorCount > report.errors.length ? ` (first ${report.errors.length} shown)` : ''}:`);
      for (const e of report.errors) console.log(`  row ${e.row}${e.column ? `, column ${e.column}` : ''}${e.value ? `, value "${e.value.slice(0, 60)}"` : ''}: ${e.message}`);
      console.log('Nothing was imported.');
      process.exitCode = 2;
    } else if (report.committed) console.log(`Imported ${report.newFigures} figure(s) as ${opts.status ?? 'draft'} (import #${report.importId}).`);
    else console.log('Preview only: run again with --commit to import.');
  },
  true,
);
