/**
 * The catalogues stay complete and in step: every English key has its French and Arabic text with the same
 * placeholders and the plural forms each language needs, no catalogue keeps a key no code uses, and no template
 * prints interface text that bypasses the catalogue.
 */
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const load = (lang: string) => JSON.parse(fs.readFileSync(path.join(ROOT, 'server/i18n', `${lang}.json`), 'utf8')) as Record<string, string>;
const en = load('en');
const LANGS = ['fr', 'ar'] as const;

/** Keys whose French is the English word (source, version, organisation…) or only placeholders. */
const SAME_IN_EVERY_LANGUAGE = new Set([
  'alertField.secret',
  'alertField.version',
  'alerts.channel.webhook',
  'alerts.webhooksTitle',
  'chart.quantified.exact',
  'chart.series.projectionZone',
  'col.action',
  'col.organisation',
  'col.source',
  'col.sources',
  'csvReadable.sources',
  'dashboard.scope',
  'dashboard.title',
  'downloads.csv',
  'downloads.png',
  'downloads.projectionsJson',
  'export.projections',
  'field.notes',
  'field.organisation',
  'field.situation',
  'field.version',
  'figure.reliability',
  'figure.source',
  'figure.version',
  'figureForm.source',
  'figureRole.triangulation',
  'figures.sourceLink',
  'filter.organisation',
  'form.errorItem',
  'import.options',
  'importField.organisation',
  'quantifier.exact',
  'scenarioField.notes',
  'scenarioField.organisation',
  'scenarios.actions',
  'series.title',
  'sitrep.source',
  'situationField.description',
  'situationField.version',
]);

/** Key prefixes completed from data that the scan cannot see (a category, a reason code, an action). */
const DYNAMIC_PREFIXES = ['reason.', 'done.', 'role.', 'csvReadable.', 'export.', 'method.', 'error.title.', 'sitrep.latest.', 'sitrep.scenario.', 'chart.series.scenario.'];

/** The plain English error page for errors raised before the page middleware (it has no catalogue then). */
const TEMPLATE_TEXT_ALLOWED = new Set(['error.ejs: · Displacement tracker', 'error.ejs: Back to the dashboard']);

const PLURAL = /\.(zero|one|two|few|many|other)$/;
/** English keys with plural forms (`key.one` and `key.other`), by base. */
const pluralBases = new Set(Object.keys(en).flatMap((k) => (k.endsWith('.other') && `${k.slice(0, -6)}.one` in en ? [k.slice(0, -6)] : [])));
const baseOf = (k: string) => (PLURAL.test(k) && pluralBases.has(k.replace(PLURAL, '')) ? k.replace(PLURAL, '') : null);
const placeholders = (s: string) => [...new Set([...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]))].sort();

function files(dir: string, ext: RegExp): string[] {
  const out: string[] = [];
  const walk = (d: string) =>
    fs.readdirSync(d, { withFileTypes: true }).forEach((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : ext.test(e.name) && out.push(path.join(d, e.name))));
  walk(path.join(ROOT, dir));
  return out;
}

describe.each(LANGS)('the %s catalogue', (lang) => {
  const cat = load(lang);
  const categories = new Intl.PluralRules(lang).resolvedOptions().pluralCategories as string[];

  test('when compared with English, then it has every key and no other', () => {
    const missing: string[] = [];
    for (const k of Object.keys(en)) {
      const base = baseOf(k);
      if (!base) {
        if (!(k in cat)) missing.push(k);
      } else if (k.endsWith('.other')) {
        // Every form the language's plural rules can pick (Arabic: zero, one, two, few, many, other).
        for (const c of categories) if (c !== 'many' || lang === 'ar') if (!(`${base}.${c}` in cat)) missing.push(`${base}.${c}`);
      }
    }
    const extra = Object.keys(cat).filter((k) => !(k in en) && !(baseOf(k) && pluralBases.has(k.replace(PLURAL, ''))));
    expect({ missing, extra }).toEqual({ missing: [], extra: [] });
  });

  test('when a text has placeholders, then they are the English ones (a plural form may leave out {count})', () => {
    const wrong: string[] = [];
    for (const [k, text] of Object.entries(cat)) {
      const base = baseOf(k) ?? (PLURAL.test(k) && pluralBases.has(k.replace(PLURAL, '')) ? k.replace(PLURAL, '') : null);
      const english = base ? en[`${base}.other`] : en[k];
      if (english === undefined) continue;
      const want = placeholders(english);
      const got = placeholders(text);
      const ok = base ? JSON.stringify(got.filter((p) => p !== 'count')) === JSON.stringify(want.filter((p) => p !== 'count')) : JSON.stringify(got) === JSON.stringify(want);
      if (!ok) wrong.push(`${k}: ${got.join(',')} ≠ ${want.join(',')}`);
    }
    expect(wrong).toEqual([]);
  });

  test('when a text is translated, then it is not left in English (a few words are the same in every language)', () => {
    const same = Object.keys(en).filter((k) => cat[k] === en[k] && /[a-z]{4,}/.test(en[k]) && !SAME_IN_EVERY_LANGUAGE.has(k));
    expect(same).toEqual([]);
  });

  test('when the keys are listed, then they follow the English order (merges stay line by line)', () => {
    const order = (keys: string[]) => [...new Set(keys.map((k) => baseOf(k) ?? k))];
    expect(order(Object.keys(cat))).toEqual(order(Object.keys(en)));
  });
});

describe('the keys the code uses', () => {
  const sources = [...files('server', /\.ts$/), ...files('views', /\.ejs$/), ...files('public/src', /\.ts$/)].map((f) => fs.readFileSync(f, 'utf8')).join('\n');
  // Keys built from data: t(`prefix.${…}`), t('prefix.' + …), label('prefix', …), and field labels of the error summary.
  const dynamic = new Set([
    ...[...sources.matchAll(/\bt\(\s*`([a-zA-Z0-9_.]+\.)\$\{/g)].map((m) => m[1]),
    ...[...sources.matchAll(/\bt\(\s*'([a-zA-Z0-9_.]+\.)'\s*\+/g)].map((m) => m[1]),
    ...[...sources.matchAll(/\blabel\(\s*'([a-zA-Z0-9_.]+)'/g)].map((m) => `${m[1]}.`),
    ...[...sources.matchAll(/labelPrefix: '([a-zA-Z]+)'/g)].map((m) => `${m[1]}.`),
    ...DYNAMIC_PREFIXES,
  ]);

  test('when every catalogue key is looked for in server/, views/ and public/src/, then each is used', () => {
    const quoted = (k: string) => sources.includes(`'${k}'`) || sources.includes(`"${k}"`) || sources.includes(`\`${k}\``) || sources.includes(`\`${k}.\${`);
    const unused = Object.keys(en).filter((k) => !quoted(k) && !(baseOf(k) && quoted(baseOf(k)!)) && ![...dynamic].some((p) => k.startsWith(p)));
    expect(unused).toEqual([]);
  });

  test('when the templates are read, then no literal text between tags bypasses the catalogue', () => {
    const found: string[] = [];
    for (const f of files('views', /\.ejs$/)) {
      const html = fs
        .readFileSync(f, 'utf8')
        .replace(/<%[\s\S]*?%>/g, ' ')
        .replace(/<!--[\s\S]*?-->/g, ' ')
        .replace(/<(script|style)[\s\S]*?<\/\1>/g, ' ');
      for (const m of html.matchAll(/>([^<>]*)</g)) {
        const text = m[1].trim();
        // Punctuation, numbers and symbols (·, –, “) need no translation.
        if (text && /\p{L}/u.test(text) && !TEMPLATE_TEXT_ALLOWED.has(`${path.basename(f)}: ${text}`)) found.push(`${path.relative(ROOT, f)}: ${text}`);
      }
      for (const m of html.matchAll(/\s(?:title|alt|aria-label|placeholder)="([^"]*)"/g)) if (/\p{L}/u.test(m[1])) found.push(`${path.relative(ROOT, f)}: ${m[1]}`);
    }
    expect(found).toEqual([]);
  });
});
