import { CATEGORIES, SCENARIO_KINDS } from '../figures/figure';
import { enumOf, httpUrl, isoDate, locationCode, optionalText, people, requiredText } from '../validation';
import { z } from 'zod';
import { coded, type FieldErrorCode, type FieldErrorParams } from '../i18n/field-errors';

/** A scenario as a client sends it: a projection someone published, quoted with its source. */
export const scenarioCreateSchema = z
  .strictObject({
    location: locationCode().optional().describe('Defaults to the situation country'),
    category: enumOf(CATEGORIES).default('new_displacement'),
    organisation: requiredText(120),
    kind: enumOf(SCENARIO_KINDS),
    value: people(),
    horizonDate: isoDate().nullable().optional(),
    publishedOn: isoDate({ notFuture: true }),
    sourceUrl: httpUrl(),
    quote: requiredText(5000, { multiline: true }),
    notes: optionalText(5000, { multiline: true }),
  })
  // A scenario looks ahead from when it was published, and not past what a humanitarian plan covers.
  .superRefine((s, ctx) => {
    if (!s.horizonDate) return;
    const add = (code: FieldErrorCode, params?: FieldErrorParams) => ctx.addIssue({ code: 'custom', path: ['horizonDate'], message: coded(code, params) });
    if (s.horizonDate < s.publishedOn) add('horizon_before_published', { publishedOn: s.publishedOn });
    else if (s.horizonDate > addYearsIso(s.publishedOn, MAX_HORIZON_YEARS)) add('horizon_too_far', { years: MAX_HORIZON_YEARS });
  })
  .meta({ id: 'ScenarioCreate' });

/** Furthest a scenario's horizon may lie after its publication. */
export const MAX_HORIZON_YEARS = 10;
const addYearsIso = (iso: string, years: number) => `${String(Number(iso.slice(0, 4)) + years).padStart(4, '0')}${iso.slice(4)}`;
export type ScenarioCreate = z.output<typeof scenarioCreateSchema>;
