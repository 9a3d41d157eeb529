import fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { runCli } from './common';
import { HttpError } from '../errors';
import { AnalysisService } from '../analysis/analysis.service';
import { ExportsService, EXPORT_NAMES } from '../exports/exports.service';
import { createI18n } from '../i18n/i18n';
import { loadConfig } from '../config';
import type { ExportName } from '../csv/write';
import { CATEGORIES, type Category } from '../figures/figure';

/**
 * npm run export -- <summary|series|projections|figures> --situation <slug> [--out file.csv] [--hxl] [--bom]
 *   [--status all] [--location CODE] [--category new_displacement] [--horizon 30]
 * Writes to --out, or to standard output.
 */
void runCli(
  {
    situation: { type: 'string' },
    out: { type: 'string' },
    hxl: { type: 'boolean' },
    bom: { type: 'boolean' },
    status: { type: 'string' },
    location: { type: 'string' },
    category: { type: 'string' },
    horizon: { type: 'string' },
  },
  async ({ values, positionals, storage }) => {
    const name = positionals[0] as ExportName;
    if (!EXPORT_NAMES.includes(name)) throw new HttpError(400, 'validation_failed', `Name the export: ${EXPORT_NAMES.join(', ')}`);
    if (!values.situation) throw new HttpError(400, 'validation_failed', '--situation <slug> is required');
    if (values.status && values.status !== 'all' && values.status !== 'approved') throw new HttpError(400, 'validation_failed', '--status must be approved or all');
    if (values.category && !(CATEGORIES as readonly string[]).includes(String(values.category)))
      throw new HttpError(400, 'validation_failed', `--category must be one of ${CATEGORIES.join(', ')}`);
    const horizon = values.horizon ? Number(values.horizon) : undefined;
    if (horizon !== undefined && !(Number.isInteger(horizon) && horizon >= 1 && horizon <= 365))
      throw new HttpError(400, 'validation_failed', '--horizon must be a whole number of days from 1 to 365');
    const config = loadConfig();
    const service = new ExportsService(
      storage,
      new AnalysisService(storage, { stalenessDays: config.STALENESS_DAYS, horizonDays: config.PROJECTION_HORIZON_DAYS }),
      createI18n(config.LOCALE),
    );
    const stream = await service.open(String(values.situation), {
      name,
      hxl: !!values.hxl,
      bom: !!values.bom,
      status: values.status === 'all' ? 'all' : 'approved',
      location: values.location as string | undefined,
      category: values.category as Category | undefined,
      horizon,
      accounts: true, // the operator of the machine, as a signed-in user
    });
    await pipeline(stream, values.out ? fs.createWriteStream(String(values.out)) : process.stdout);
    if (values.out) console.error(`Wrote ${values.out}`);
  },
  true,
);
