import { createI18n, type I18n } from './i18n';

/**
 * Field errors as codes (issue 15): every problem with an input field has a stable `code` and its `params`
 * (e.g. `too_long` with `{ max: 200 }`). The API keeps its English `message` beside them (other tools read it);
 * pages show the text of `validation.<code>` in the reader's language. The English catalogue is the one source
 * of the English text, so the API message and the English page never drift apart.
 */
export const FIELD_ERROR_CODES = [
  // Building blocks (server/validation.ts) and zod's own checks.
  'required',
  'not_text',
  'too_long',
  'too_short',
  'control_chars',
  'control_chars_or_breaks',
  'bidi_chars',
  'date_format',
  'not_calendar_date',
  'date_not_real',
  'date_before_min',
  'date_in_future',
  'horizon_before_published',
  'horizon_too_far',
  'not_number',
  'not_whole',
  'negative',
  'at_most',
  'at_least',
  'http_url',
  'slug',
  'iso3',
  'iso3_unknown',
  'one_of',
  'one_of_or_empty',
  'location_code',
  'unknown_fields',
  'unknown_parameter',
  'repeated_parameter',
  'positive_whole',
  'email',
  'wrong_type',
  'invalid',
  'days_not_number',
  'days_not_whole',
  'days_at_least',
  'days_at_most',
  'pixels_not_number',
  'pixels_not_whole',
  'pixels_between',
  // Feature rules.
  'slug_reserved',
  'version_required',
  'not_a_country',
  'own_account',
  'household_size_required',
  'reported_value_required',
  'value_product',
  'household_size_empty',
  'reported_equals_value',
  'at_most_value',
  'at_least_value',
  'low_above_high',
  'after_publication',
  'start_after_end',
  'start_for_stock',
  'before_onset',
  'unknown_location',
  'location_other_country',
  'location_not_in',
  'unknown_organisation',
  'unknown_organisation_add',
  'external_id_taken',
  'approve_separately',
  'not_a_cursor',
  'page_cursor',
  'page_cursor_range',
  'approved_needs_admin',
  'map_format',
  'admin1_pcode',
  'admin2_pcode',
  'thresholds_count',
  'thresholds_format',
  'thresholds_range',
  'people_or_percent',
  'kind_one_of',
  'too_many_rules',
  'too_many_webhooks',
  'url_credentials',
  'url_port',
  'url_private',
  'url_unresolvable',
  'kind_fixed',
  // Uploads (server/errors.ts) and boundary files (server/maps).
  'file_too_large',
  'upload_file_count',
  'upload_unexpected_file',
  'upload_part_count',
  'upload_field_key',
  'upload_field_value',
  'upload_field_count',
  'upload_missing_field_name',
  'upload_unreadable',
  'boundary_gone',
  'not_a_property',
  'pcode_field_required',
  'no_matching_shapes',
  'not_geojson',
  'no_features_list',
  'topology_no_objects',
  'topology_no_collection',
  'topology_too_many',
  'topology_unreadable',
  'shape_not_feature',
  'shape_no_geometry',
  'shape_bad_polygon',
  'shape_bad_multipolygon',
  'shape_not_area',
  // CSV import rows (server/csv, server/imports).
  'required_no_column',
  'required_people',
  'required_at_level',
  'required_admin1_parent',
  'required_hxl_location',
  'too_large',
  'thousands_separators',
  'whole_number_example',
  'greater_than_zero',
  'decimal_format',
  'location_code_csv',
  'dtm_round',
  'idmc_area',
  'year',
  'row_width',
  'row_width_line_break',
  'location_exists_elsewhere',
  'import_location_other_country',
  'unknown_location_no_name',
  'unknown_parent',
  'unknown_location_add_name',
  'unknown_location_in',
  'country_mismatch',
  'rows_other_country',
  'no_data_rows',
  'households_too_many',
  'round_needs_operation',
  'boundary_wrong_type',
  'not_json',
  'no_shapes',
  'too_many_points',
  // Whole-file import problems (server/csv/read.ts, records.ts, utf8.ts).
  'file_empty',
  'file_blank',
  'header_unreadable',
  'layout_unknown',
  'header_no_data',
  'not_utf8',
  'csv_unreadable',
  'json_unreadable',
  'json_failed',
  'json_no_records',
  'hxl_no_source',
  'hxl_no_url',
  'hxl_no_location',
  'column_missing',
  'column_duplicate',
  'map_field_unknown',
  'map_column_missing',
] as const;

export type FieldErrorCode = (typeof FIELD_ERROR_CODES)[number];
export type FieldErrorParams = Record<string, string | number>;

/** What a field error says, in every language: the English message, its code and parameters. */
export interface Problem {
  message: string;
  code: FieldErrorCode;
  params?: FieldErrorParams;
}

const KNOWN = new Set<string>(FIELD_ERROR_CODES);
const english = () => createI18n('en');

/**
 * `validation.<code>` with its parameters formatted for the page: numbers with the locale's digits and grouping.
 * Dates stay `YYYY-MM-DD`, as the fields take them, so the reader finds the value they typed.
 */
function render(code: string, params: FieldErrorParams | undefined, i18n: I18n): string {
  const shown: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(params ?? {}))
    // `count` stays a number so the catalogue picks its plural form (the translator groups it).
    shown[k] = typeof v === 'number' ? (k === 'count' ? v : i18n.number(v, 2)) : v;
  return i18n.t(`validation.${code}`, shown);
}

/** A problem with its English message (the API's). */
export function problem(code: FieldErrorCode, params?: FieldErrorParams): Problem {
  return params ? { message: render(code, params, english()), code, params } : { message: render(code, undefined, english()), code };
}

// A zod message carrying a code: "@too_long{"max":200}". toFieldErrors reads it back; nothing else shows it.
const CODED = /^@([a-z0-9_]+)(\{.*\})?$/s;

/** The message to give a zod check: its code and parameters, which toFieldErrors turns into a FieldError. */
export function coded(code: FieldErrorCode, params?: FieldErrorParams): string {
  return params ? `@${code}${JSON.stringify(params)}` : `@${code}`;
}

/** The code and parameters of a zod message made by `coded`, or null for any other message. */
export function decode(message: string): { code: FieldErrorCode; params?: FieldErrorParams } | null {
  const m = CODED.exec(message);
  if (!m || !KNOWN.has(m[1])) return null;
  return m[2] ? { code: m[1] as FieldErrorCode, params: JSON.parse(m[2]) as FieldErrorParams } : { code: m[1] as FieldErrorCode };
}

/** A field error (or an import row problem) in the reader's language; one without a code keeps its message. */
export function localMessage(e: { message: string; code?: string; params?: FieldErrorParams } | string | null | undefined, i18n: I18n): string {
  if (e == null) return '';
  if (typeof e === 'string') return e;
  if (!e.code || !KNOWN.has(e.code)) return e.message;
  return render(e.code, e.params, i18n);
}
