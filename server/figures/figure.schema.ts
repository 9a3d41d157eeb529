import { z } from 'zod';
import { CATEGORIES, FIGURE_ROLES, LOCATION_ROLES, QUANTIFIERS, STATUSES, UNITS, isFlow, type Category } from './figure';
import { MAX_PEOPLE, enumOf, httpUrl, isoDate, locationCode, optionalText, people, requiredText, oneOf, versionField } from '../validation';
import { coded, type FieldErrorCode, type FieldErrorParams } from '../i18n/field-errors';

/** People per household: published averages run from about 2 to 12; outside 1–30 it is a typo, not a household. */
export const MIN_HOUSEHOLD_SIZE = 1;
export const MAX_HOUSEHOLD_SIZE = 30;
/** DTM operations run a few rounds a year; a round number in the thousands is a typo (or a year in the wrong column). */
export const MAX_ROUND = 999;

/** Fields of a figure as a client sends them. Cross-field rules live in `checkFigure`, shared by create, update and import. */
export const figureFields = z.strictObject({
  location: locationCode(),
  locationRole: enumOf(LOCATION_ROLES).default('unknown'),
  category: enumOf(CATEGORIES),
  periodStart: isoDate({ notFuture: true }).nullable().optional(),
  periodEnd: isoDate({ notFuture: true }),
  value: people().optional(),
  valueLow: people().nullable().optional(),
  valueHigh: people().nullable().optional(),
  quantifier: enumOf(QUANTIFIERS).default('exact'),
  unit: enumOf(UNITS).default('people'),
  reportedValue: people().optional().describe('The number as published, in `unit`; required for households'),
  householdSize: z
    .number({ error: coded('not_number') })
    .min(MIN_HOUSEHOLD_SIZE, coded('at_least', { min: MIN_HOUSEHOLD_SIZE }))
    .max(MAX_HOUSEHOLD_SIZE, coded('at_most', { max: MAX_HOUSEHOLD_SIZE }))
    .nullable()
    .optional(),
  organisation: requiredText(120).describe('Short name of a known organisation, e.g. WFP'),
  sourceUrl: httpUrl(),
  sourceTitle: optionalText(500),
  publishedOn: isoDate({ notFuture: true }),
  quote: requiredText(5000, { multiline: true }).describe('The verbatim sentence the number comes from'),
  role: enumOf(FIGURE_ROLES).default('recommended'),
  status: enumOf(STATUSES).default('draft'),
  notes: optionalText(5000, { multiline: true }),
  externalId: optionalText(200),
  operation: optionalText(200).describe('DTM operation, e.g. "Sudan — Mobility tracking"; with reportingRound, only its latest round counts in totals'),
  reportingRound: z
    .number({ error: coded('not_whole') })
    .int(coded('not_whole'))
    // DTM numbers some first assessments round 0 (Afghanistan, Chad in the DTM API files), so 0 is a round.
    .min(0, coded('negative'))
    .max(MAX_ROUND, coded('at_most', { max: MAX_ROUND }))
    .nullable()
    .optional()
    .describe('DTM reporting round (0, 1, 2, …) within the operation'),
  assessmentType: optionalText(40).describe('DTM assessment type, e.g. BA (baseline assessment) or SA (site assessment)'),
});
export type FigureFields = z.output<typeof figureFields>;

/** The cross-field rules of a figure (docs/data-model.md#figure-figures-figure_history); adds issues to ctx (path = field name). */
export function checkFigure(f: FigureFields, ctx: z.RefinementCtx): void {
  const add = (path: string, code: FieldErrorCode, params?: FieldErrorParams) => ctx.addIssue({ code: 'custom', path: [path], message: coded(code, params) });
  if (f.unit === 'households') {
    if (f.householdSize == null) add('householdSize', 'household_size_required');
    if (f.reportedValue == null) add('reportedValue', 'reported_value_required');
    if (f.householdSize != null && f.reportedValue != null) {
      const computed = Math.round(f.reportedValue * f.householdSize);
      // The people value is what is stored and counted: the same maximum as a value given directly.
      // (A household size out of range is already reported on its own field.)
      const sizeOk = f.householdSize >= MIN_HOUSEHOLD_SIZE && f.householdSize <= MAX_HOUSEHOLD_SIZE;
      if (computed > MAX_PEOPLE && sizeOk) add('reportedValue', 'households_too_many', { people: computed, max: MAX_PEOPLE });
      else if (sizeOk && f.value != null && f.value !== computed) add('value', 'value_product', { value: computed });
    }
  } else {
    if (f.value == null) add('value', 'required');
    if (f.householdSize != null) add('householdSize', 'household_size_empty');
    if (f.reportedValue != null && f.value != null && f.reportedValue !== f.value) add('reportedValue', 'reported_equals_value');
  }
  const value = peopleValue(f);
  if (f.valueLow != null && value != null && f.valueLow > value) add('valueLow', 'at_most_value', { value });
  if (f.valueHigh != null && value != null && f.valueHigh < value) add('valueHigh', 'at_least_value', { value });
  if (f.valueLow != null && f.valueHigh != null && f.valueLow > f.valueHigh) add('valueLow', 'low_above_high');
  // A source cannot have counted days after it published: such a date is a typo (or a projection, which is a scenario).
  if (f.publishedOn && f.periodEnd && f.periodEnd > f.publishedOn) add('periodEnd', 'after_publication', { date: f.publishedOn });
  // A round only orders figures within its operation: without one it cannot decide which round is the latest.
  if (f.reportingRound != null && !f.operation) add('reportingRound', 'round_needs_operation');
  if (isFlow(f.category as Category)) {
    if (f.periodStart && f.periodStart > f.periodEnd) add('periodStart', 'start_after_end');
  } else if (f.periodStart) {
    add('periodStart', 'start_for_stock');
  }
}

/** The people value stored for a figure: households × size, rounded, or the value itself. */
export function peopleValue(f: Pick<FigureFields, 'unit' | 'value' | 'reportedValue' | 'householdSize'>): number | undefined {
  if (f.unit === 'households') {
    return f.reportedValue != null && f.householdSize != null ? Math.round(f.reportedValue * f.householdSize) : undefined;
  }
  return f.value;
}

export const figureCreateSchema = figureFields.superRefine(checkFigure).meta({ id: 'FigureCreate' });
export type FigureCreate = z.output<typeof figureCreateSchema>;

/** PATCH: any subset of the fields plus the version the edit was based on. */
export const figureUpdateSchema = figureFields
  .partial()
  .extend({
    version: versionField(),
  })
  .meta({ id: 'FigureUpdate' });
export type FigureUpdate = z.output<typeof figureUpdateSchema>;

export const figureListQuery = z.strictObject({
  location: locationCode().optional(),
  category: enumOf(CATEGORIES).optional(),
  status: z.enum([...STATUSES, 'all'] as const, { error: oneOf([...STATUSES, 'all']) }).optional(),
  organisation: requiredText(120).optional(),
  from: isoDate().optional(),
  to: isoDate().optional(),
  includeDeleted: z.enum(['true', 'false']).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z.string().max(200).optional(),
});
