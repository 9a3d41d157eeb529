import { z } from 'zod';
import { httpUrl, isoDate, locationCode, requiredText, oneOf } from '../validation';
import { CATEGORIES, QUANTIFIERS, UNITS } from '../figures/figure';
import { coded } from '../i18n/field-errors';

/** The largest CSV an upload may carry (API body or the import form's file). */
export const MAX_UPLOAD_BYTES = 200 * 1024 * 1024;

/** Import options as the API query string, the import form and the CLI give them; one schema for all three. */
export const importOptionsSchema = z.strictObject({
  commit: z
    .enum(['true', 'false', '1', '0'])
    .transform((v) => v === 'true' || v === '1')
    .optional(),
  status: z.enum(['draft', 'approved'], { error: coded('one_of', { values: 'draft, approved' }) }).optional(),
  countryFilter: z
    .enum(['true', 'false', '1', '0'])
    .transform((v) => v === 'true' || v === '1')
    .optional(),
  map: z
    .union([z.string(), z.array(z.string())])
    .transform((v) => (Array.isArray(v) ? v : [v]))
    .pipe(z.array(z.string().regex(/^[^=]+=[A-Za-z]+$/, coded('map_format'))))
    .transform((pairs) =>
      Object.fromEntries(
        pairs.map((p) => {
          const i = p.lastIndexOf('=');
          return [p.slice(0, i), p.slice(i + 1)];
        }),
      ),
    )
    .optional(),
  organisation: requiredText(120).optional(),
  sourceUrl: httpUrl().optional(),
  quote: requiredText(5000, { multiline: true }).optional(),
  publishedOn: isoDate({ notFuture: true }).optional(),
  location: locationCode().optional(),
  category: z.enum(CATEGORIES, { error: oneOf(CATEGORIES) }).optional(),
  quantifier: z.enum(QUANTIFIERS, { error: oneOf(QUANTIFIERS) }).optional(),
  unit: z.enum(UNITS, { error: oneOf(UNITS) }).optional(),
  filename: requiredText(255).optional(),
});
export type ImportOptionsInput = z.output<typeof importOptionsSchema>;

/** Files from this size on are read and validated in a worker thread beside the writes (about 11,000 rows of the figures export). */
export const PARALLEL_BYTES = 4 * 1024 * 1024;

export const toImportOptions = (o: ImportOptionsInput, filename: string, bytes: number) => ({
  filename: o.filename ?? filename,
  parallel: bytes >= PARALLEL_BYTES,
  status: o.status,
  countryFilter: o.countryFilter,
  map: o.map,
  // Defaults for what a file lacks; publishedOn set here dates every row, otherwise a file without the column takes each row's own date.
  defaults: {
    organisation: o.organisation,
    sourceUrl: o.sourceUrl,
    quote: o.quote,
    publishedOn: o.publishedOn,
    location: o.location,
    category: o.category,
    quantifier: o.quantifier,
    unit: o.unit,
  },
});
