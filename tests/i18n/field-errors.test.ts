/**
 * Field errors as codes (issue 15): every code the server can produce has its text in the three catalogues, no
 * zod check or hand-made field error in server/ carries raw English, and the codes read back into the API's
 * English message and into the reader's language with numbers and dates formatted for it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { FIELD_ERROR_CODES, coded, decode, localMessage, problem } from '../../server/i18n/field-errors';
import { createI18n } from '../../server/i18n/i18n';
import { isoDate, requiredText, toFieldErrors } from '../../server/validation';
import { fieldError, uploadError } from '../../server/errors';

const ROOT = path.resolve(__dirname, '../..');
const load = (lang: string) => JSON.parse(fs.readFileSync(path.join(ROOT, 'server/i18n', `${lang}.json`), 'utf8')) as Record<string, string>;

function files(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) =>
    fs.readdirSync(d, { withFileTypes: true }).forEach((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : e.name.endsWith('.ts') && out.push(path.join(d, e.name))));
  walk(path.join(ROOT, dir));
  return out;
}

describe.each(['en', 'fr', 'ar'])('the %s catalogue', (lang) => {
  const cat = load(lang);
  test('when every field error code is looked up, then each has its text (or its plural forms)', () => {
    const missing = FIELD_ERROR_CODES.filter((c) => cat[`validation.${c}`] === undefined && cat[`validation.${c}.other`] === undefined);
    expect(missing).toEqual([]);
  });
});

test('when the English catalogue lists validation texts, then each is for a code of the list (no text for a code the server never gives)', () => {
  const codes = new Set<string>(FIELD_ERROR_CODES);
  const stray = Object.keys(load('en'))
    .filter((k) => k.startsWith('validation.'))
    .map((k) => k.slice('validation.'.length).replace(/\.(one|other)$/, ''))
    .filter((c) => !codes.has(c));
  expect(stray).toEqual([]);
});

/**
 * Raw English where a code belongs: a string literal as a zod check's message or `error`, as a refine/addIssue
 * message, or as the message of a hand-made field error ({ path: 'x', message: '…' }). server/config.ts is left
 * out on purpose: its messages are for the operator starting the server, in the log, never on a page.
 */
const RAW_MESSAGE = [
  /\.(min|max|int|regex|refine|length|email|url|positive|nonnegative|gte|lte|gt|lt)\([^()\n]*(\([^()\n]*\))?[^()\n]*,\s*['"`]/,
  /(\(|,\s*)\{\s*error:\s*['"`]/,
  /\bmessage:\s*['"`][a-z]/,
  /\bpath:\s*['"`][A-Za-z.()]+['"`],\s*message:\s*['"`][a-z]/,
  /\bfail\(\s*['"`][^'"`]*\s/,
  /\br\.error\([^,]+,\s*['"`]/,
];
// The OpenAPI document's example answer shows the English message on purpose.
const NOT_FIELD_ERRORS = ['server/config.ts', 'server/openapi/openapi.ts', 'server/alerts/feed.ts', 'server/alerts/mailer.ts'];

test('when server/ is scanned, then no zod check or field error is written as raw English (each goes through a code)', () => {
  const found: string[] = [];
  for (const f of files('server')) {
    const rel = path.relative(ROOT, f);
    if (NOT_FIELD_ERRORS.includes(rel) || rel.startsWith('server/statistics/') || rel.startsWith('server/i18n/')) continue;
    fs.readFileSync(f, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (!/^\s*(\/\/|\*|\/\*)/.test(line) && RAW_MESSAGE.some((re) => re.test(line))) found.push(`${rel}:${i + 1}: ${line.trim().slice(0, 120)}`);
      });
  }
  expect(found).toEqual([]);
});

test('when the scan meets the old English forms, then it finds them (the scan can fail)', () => {
  const old = [
    '.max(max, `must be at most ${max} characters`)',
    "z.number({ error: 'must be a number' })",
    "throw validationFailed([{ path: 'version', message: 'must be a positive whole number' }]);",
    "ctx.addIssue({ code: 'custom', message: 'is required' })",
    "r.error('round', 'must be a whole number from 0 to 999', round)",
    "return fail('must be greater than 0');",
  ];
  expect(old.filter((line) => !RAW_MESSAGE.some((re) => re.test(line)))).toEqual([]);
  expect([".max(max, coded('too_long', { max }))", "fieldError('version', 'positive_whole')"].filter((line) => RAW_MESSAGE.some((re) => re.test(line)))).toEqual([]);
});

describe('codes in zod messages', () => {
  test('when a coded message is decoded, then its code and parameters come back; other text is not a code', () => {
    expect(decode(coded('too_long', { max: 200 }))).toEqual({ code: 'too_long', params: { max: 200 } });
    expect(decode(coded('required'))).toEqual({ code: 'required' });
    expect(decode('must be at most 200 characters')).toBeNull();
    expect(decode('@not_a_code')).toBeNull();
  });

  test('when a text is too long and a date is missing, then the field errors carry English, code and params', () => {
    const schema = z.strictObject({ title: requiredText(10), onset: isoDate(), extra: z.string().optional() });
    const r = schema.safeParse({ title: 'x'.repeat(11), onset: '2024-02-30', other: 1 });
    expect(r.success).toBe(false);
    expect(toFieldErrors(r.error!)).toEqual([
      { path: 'title', message: 'must be at most 10 characters', code: 'too_long', params: { max: 10 } },
      { path: 'onset', message: 'is not a real calendar date', code: 'not_calendar_date' },
      { path: '(body)', message: 'unknown field(s): other', code: 'unknown_fields', params: { fields: 'other' } },
    ]);
  });

  test('when a check was written without a message, then zod’s issue still maps to a code', () => {
    const r = z.object({ n: z.number().int().min(3), s: z.string().max(2) }).safeParse({ n: 1, s: 'abc' });
    expect(toFieldErrors(r.error!)).toEqual([
      { path: 'n', message: 'must be at least 3', code: 'at_least', params: { min: 3 } },
      { path: 's', message: 'must be at most 2 characters', code: 'too_long', params: { max: 2 } },
    ]);
  });

  test('when an upload has too many files, then its field error has a code too', () => {
    expect(uploadError({ name: 'MulterError', code: 'LIMIT_FILE_COUNT', field: 'file' })!.details.fields).toEqual([
      { path: 'file', message: 'send one file only, in the field "file"', code: 'upload_file_count' },
    ]);
  });
});

describe('field errors in the reader’s language', () => {
  test('when a too-long name is shown in French and Arabic, then the limit is written with the page’s digits', () => {
    const e = fieldError('title', 'too_long', { max: 1200 });
    expect(e.message).toBe('must be at most 1,200 characters');
    expect(localMessage(e, createI18n('fr'))).toBe(`ne doit pas dépasser ${new Intl.NumberFormat('fr').format(1200)} caractères`);
    expect(localMessage(e, createI18n('ar', { arabicDigits: 'arab' }))).toBe('يجب ألا يتجاوز ١٬٢٠٠ حرفاً');
    expect(localMessage(e, createI18n('ar'))).toBe('يجب ألا يتجاوز 1,200 حرفاً');
  });

  test('when a date is a parameter, then it stays YYYY-MM-DD as the fields take it, in every language', () => {
    const p = problem('date_before_min', { min: '1900-01-01' });
    expect(p.message).toBe('must not be before 1900-01-01');
    expect(localMessage(p, createI18n('fr'))).toBe('ne doit pas être antérieure au 1900-01-01');
    expect(localMessage(problem('date_not_real', { date: '2023-13-14' }), createI18n('fr'))).toBe('2023-13-14 n’est pas une date qui existe dans le calendrier');
    expect(localMessage(problem('date_not_real', { date: '2023-02-30' }), createI18n('ar'))).toBe('2023-02-30 ليس تاريخاً موجوداً في التقويم');
  });

  test('when a count of days is a parameter, then the plural form follows the language', () => {
    expect(problem('days_at_least', { count: 1 }).message).toBe('must be at least 1 day');
    expect(problem('days_at_most', { count: 365 }).message).toBe('must be at most 365 days');
    expect(localMessage(problem('days_at_least', { count: 1 }), createI18n('ar'))).toBe('يجب ألا يقل عن يوم واحد');
    expect(localMessage(problem('days_at_most', { count: 365 }), createI18n('ar'))).toBe('يجب ألا يتجاوز 365 يوماً');
  });

  test('when an error has no code (a page text already translated), then it is shown as it is', () => {
    expect(localMessage({ message: 'déjà traduit' }, createI18n('fr'))).toBe('déjà traduit');
    expect(localMessage('texte', createI18n('fr'))).toBe('texte');
  });
});
