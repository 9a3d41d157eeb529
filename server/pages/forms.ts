import { HttpError, type FieldError } from '../errors';

/**
 * HTML forms send strings. These helpers turn them into the JSON shapes the services validate, leaving
 * anything unparseable as it was typed so the schema reports it ("must be a number") and the form shows
 * the user's own text back.
 */
export type FormBody = Record<string, unknown>;

const str = (v: unknown) => (typeof v === 'string' ? v.trim() : '');

/** "280,000" or "280 000" → 280000; "" → undefined; anything else stays a string for the validator to reject. */
export function numberField(v: unknown): number | string | undefined {
  const s = str(v);
  if (!s) return undefined;
  const compact = s.replace(/[\s,_'\u00a0\u202f]/g, '');
  return /^-?\d+(\.\d+)?$/.test(compact) ? Number(compact) : s;
}

const NUMBER_FIELDS = ['value', 'valueLow', 'valueHigh', 'reportedValue', 'householdSize', 'reportingRound'] as const;
const REQUIRED_TEXT = new Set(['location', 'periodEnd', 'organisation', 'sourceUrl', 'publishedOn', 'quote', 'quantifier']);
const NULLABLE = new Set(['valueLow', 'valueHigh', 'householdSize', 'periodStart', 'sourceTitle', 'notes', 'horizonDate', 'operation', 'reportingRound', 'assessmentType']);

/** The fields of the figure form, in form order. */
export const FIGURE_FORM_FIELDS = [
  'location',
  'locationRole',
  'category',
  'periodStart',
  'periodEnd',
  'unit',
  'value',
  'reportedValue',
  'householdSize',
  'quantifier',
  'valueLow',
  'valueHigh',
  'organisation',
  'sourceUrl',
  'sourceTitle',
  'publishedOn',
  'quote',
  'operation',
  'reportingRound',
  'assessmentType',
  'role',
  'status',
  'notes',
] as const;

/**
 * Form → figure input. Empty optional fields become null (cleared); empty required ones are left out so the
 * schema says "is required". `status` only on create (approval has its own button).
 */
export function figureInput(body: FormBody, mode: 'create' | 'update'): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of FIGURE_FORM_FIELDS) {
    if (k === 'status' && mode === 'update') continue;
    const raw = body[k];
    const v = (NUMBER_FIELDS as readonly string[]).includes(k) ? numberField(raw) : str(raw) || undefined;
    if (v === undefined) {
      if (NULLABLE.has(k)) out[k] = null;
      // An empty required text or date goes through as "", so the schema answers "is required" (not "expected string").
      else if (REQUIRED_TEXT.has(k)) out[k] = '';
      continue;
    }
    out[k] = v;
  }
  // A people figure has no household fields; sending them empty would read as "changed".
  if (out.unit !== 'households') {
    delete out.reportedValue;
    if (out.householdSize == null) out.householdSize = null;
  } else if (out.value === undefined) delete out.value;
  return out;
}

export const SCENARIO_FORM_FIELDS = ['location', 'category', 'organisation', 'kind', 'value', 'horizonDate', 'publishedOn', 'sourceUrl', 'quote', 'notes'] as const;

export function scenarioInput(body: FormBody): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of SCENARIO_FORM_FIELDS) {
    const v = k === 'value' ? numberField(body[k]) : str(body[k]) || undefined;
    if (v === undefined) {
      if (NULLABLE.has(k)) out[k] = null;
      else if (k !== 'value' && k !== 'kind' && k !== 'location' && k !== 'category') out[k] = '';
      continue;
    }
    out[k] = v;
  }
  return out;
}

/** The string values to put back into a re-rendered form: exactly what the user typed. */
export function echo(body: FormBody, fields: readonly string[]): Record<string, string> {
  return Object.fromEntries(fields.map((k) => [k, typeof body[k] === 'string' ? (body[k] as string) : '']));
}

/** Field errors of a validation failure, or null for any other error (which the caller rethrows). */
export function fieldErrors(err: unknown): FieldError[] | null {
  if (err instanceof HttpError && err.status === 400 && err.details.fields) return err.details.fields;
  return null;
}

/** Each field's error, for the message beside it (the page shows it in its language with `fieldMessage`). */
export const byField = (errors: FieldError[]): Record<string, FieldError> => Object.fromEntries(errors.map((e) => [e.path.split('.')[0], e]));
