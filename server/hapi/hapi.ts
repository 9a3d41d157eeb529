import { z } from 'zod';
import { isoDate } from '../validation';
import { coded } from '../i18n/field-errors';

/**
 * HDX HAPI's shape for affected people: the field names of HAPI's
 * `/api/v2/affected-people/idps` (and refugees, returnees), so tools written for HAPI read this server too.
 */
export const HAPI_CATEGORIES = { idps: 'idps', refugees: 'refugees', returnees: 'returnees' } as const;
export type HapiTheme = keyof typeof HAPI_CATEGORIES;

export const hapiQuerySchema = z.strictObject({
  location_code: z
    .string()
    .regex(/^[A-Za-z]{3}$/, coded('iso3', { example: 'SDN' }))
    .transform((s) => s.toUpperCase())
    .optional(),
  admin1_code: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{1,39}$/, coded('admin1_pcode'))
    .optional(),
  admin2_code: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{1,39}$/, coded('admin2_pcode'))
    .optional(),
  admin_level: z
    .enum(['0', '1', '2'], { error: coded('one_of', { values: '0, 1, 2' }) })
    .transform(Number)
    .optional(),
  start_date: isoDate().optional(),
  end_date: isoDate().optional(),
  output_format: z.enum(['json', 'csv'], { error: coded('one_of', { values: 'json, csv' }) }).default('json'),
  limit: z.coerce
    .number({ error: coded('not_number') })
    .int(coded('not_whole'))
    .min(1, coded('at_least', { min: 1 }))
    .max(10_000, coded('at_most', { max: 10000 }))
    .default(10_000),
  offset: z.coerce
    .number({ error: coded('not_number') })
    .int(coded('not_whole'))
    .min(0, coded('negative'))
    .max(100_000_000, coded('at_most', { max: 100000000 }))
    .default(0),
  // HAPI asks callers to identify their application; accepted and not used here.
  app_identifier: z
    .string()
    .max(500, coded('too_long', { max: 500 }))
    .optional(),
});
export type HapiQuery = z.output<typeof hapiQuerySchema>;

/** One row, in HAPI's field order, then this server's provenance. */
export interface HapiRow {
  location_code: string;
  location_name: string | null;
  admin1_code: string | null;
  admin1_name: string | null;
  admin2_code: string | null;
  admin2_name: string | null;
  admin_level: number;
  provider_admin1_name: string | null;
  provider_admin2_name: string | null;
  operation: string | null;
  reporting_round: number | null;
  assessment_type: string | null;
  population: number;
  reference_period_start: string;
  reference_period_end: string;
  source_organisation: string;
  source_url: string;
  published_on: string;
}

/** Field, HXL hashtag (HAPI's where it has one) and meaning: the CSV header and hashtag rows, the README and OpenAPI. */
export const HAPI_FIELDS = (theme: HapiTheme): { field: keyof HapiRow; hxl: string; description: string }[] => [
  { field: 'location_code', hxl: '#country+code', description: 'ISO 3166 alpha-3 code of the country' },
  { field: 'location_name', hxl: '#country+name', description: 'Country name' },
  { field: 'admin1_code', hxl: '#adm1+code', description: 'Admin 1 p-code (empty at admin level 0)' },
  { field: 'admin1_name', hxl: '#adm1+name', description: 'Admin 1 name' },
  { field: 'admin2_code', hxl: '#adm2+code', description: 'Admin 2 p-code (empty at admin levels 0 and 1)' },
  { field: 'admin2_name', hxl: '#adm2+name', description: 'Admin 2 name' },
  { field: 'admin_level', hxl: '#adm+level', description: 'Administrative level of the figure: 0, 1 or 2' },
  {
    field: 'provider_admin1_name',
    hxl: '#adm1+name+provider',
    description: "Admin 1 name as the source gave it (this server keeps its locations' names, so the same as admin1_name)",
  },
  { field: 'provider_admin2_name', hxl: '#adm2+name+provider', description: 'Admin 2 name as the source gave it (as above)' },
  { field: 'operation', hxl: '#operation+name', description: 'DTM operation the figure belongs to (empty for sources without rounds)' },
  { field: 'reporting_round', hxl: '#round+code', description: 'DTM reporting round within the operation (empty for sources without rounds)' },
  { field: 'assessment_type', hxl: '#assessment+type', description: 'DTM assessment type, e.g. BA (baseline) or SA (site assessment); empty when not given' },
  { field: 'population', hxl: `#affected+${theme}`, description: `People (${theme}) at the reference date` },
  { field: 'reference_period_start', hxl: '#date+start', description: 'Start of the reference period: the as-of date of the stock figure' },
  { field: 'reference_period_end', hxl: '#date+end', description: 'End of the reference period: the as-of date of the stock figure' },
  { field: 'source_organisation', hxl: '#meta+source', description: 'Organisation that published the figure (this server)' },
  { field: 'source_url', hxl: '#meta+url', description: 'Where it was published (this server)' },
  { field: 'published_on', hxl: '#date+published', description: 'When it was published (this server)' },
];
