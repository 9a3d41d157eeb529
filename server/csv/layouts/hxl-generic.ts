/**
 * Any HXL-tagged CSV using the tags of docs/csv.md, e.g. HDX's UNHCR Ukraine refugee series.
 *
 * Why: HDX publishes many displacement tables with different headers but the same hashtags; reading by tag
 * imports them without a per-publisher recogniser. Each population column whose tag names a category gives
 * one figure per row (a file with #affected+idps and #affected+returnees gives two):
 *   #affected+idps → idps, #affected+displaced → new_displacement, #affected+returnees → returnees,
 *   #affected+refugees → refugees, #affected+returned → return, #affected+outflow → cross_border_outflow
 * (columns that are bounds, projections, sex splits or dates, i.e. tagged +min +max +projected +m +f +date,
 * are not population columns).
 * Other columns: date #date+reported, else #date+end, else any #date, else a column with a +date attribute
 * (HDX's Ukraine file tags its date column #affected+date+refugees), else a header "date"; #date+start
 * (flows only); location #adm2+code > #adm1+code > #adm1+code+origin (locationRole origin) > #loc+code >
 * #country+code > defaults.location > the situation's country; #meta+source → organisation; #meta+url →
 * sourceUrl; #meta+id → externalId; #date+published → publishedOn.
 * Missing provenance comes from `defaults` (and the quantifier: tags count people, so `defaults.unit` does not apply); publishedOn falls back to the figure's date; without
 * defaults.quote the quote states the row ("UNHCR: 85,000 refugees in UKR as of 2022-04-25 (…)") and
 * externalId is 'hxl:<organisation>:<category>:<location>:<date>'.
 */
import { CATEGORIES, isFlow, type Category } from '../../figures/figure';
import { localNames, type FigureCandidate, type LocationCandidate, type ReadItem } from '../candidate';
import { CATEGORY_TAGS } from '../exports';
import type { FieldSpec, FileHeader, RowAccess } from '../fields';
import { tagText } from '../hxl';
import { parseIso3, parseLocationCode } from '../values';
import { CATEGORY_WORDS, compact, countryAllowed, people, skipOtherCountry, type Layout } from './common';
import { problem, type Problem } from '../../i18n/field-errors';

const NOT_A_COUNT = '-min-max-projected-m-f-date-change_7d';

const valueField = (c: Category) => `value:${c}`;

/** The first column carrying a +date attribute on a tag other than #date (a tagging slip seen on HDX). */
function dateAttributeColumn(file: FileHeader, taken: ReadonlySet<number>): number {
  return file.tags.findIndex((t, i) => !!t && !taken.has(i) && t.attributes.includes('date'));
}

const SPECS: FieldSpec[] = [
  ...CATEGORIES.map((c) => ({ field: valueField(c), tags: [`${CATEGORY_TAGS[c]}${NOT_A_COUNT}`] })),
  { field: 'date', tags: ['#date+reported', '#date+end', '#date-start-year-month-published'], find: dateAttributeColumn, headers: ['date'] },
  { field: 'start', tags: ['#date+start'] },
  { field: 'published', tags: ['#date+published'] },
  { field: 'country', tags: ['#country+code'] },
  // The default name column is the one without a language attribute; +i_ar and +i_fr are the Arabic and French names.
  { field: 'countryName', tags: ['#country+name-i_ar-i_fr'] },
  { field: 'countryNameAr', tags: ['#country+name+i_ar'] },
  { field: 'countryNameFr', tags: ['#country+name+i_fr'] },
  { field: 'adm1', tags: ['#adm1+code-origin'] },
  { field: 'adm1Name', tags: ['#adm1+name-origin-i_ar-i_fr'] },
  { field: 'adm1NameAr', tags: ['#adm1+name+i_ar-origin'] },
  { field: 'adm1NameFr', tags: ['#adm1+name+i_fr-origin'] },
  { field: 'adm1Origin', tags: ['#adm1+code+origin'] },
  { field: 'adm1OriginName', tags: ['#adm1+name+origin'] },
  { field: 'adm2', tags: ['#adm2+code'] },
  { field: 'adm2Name', tags: ['#adm2+name-i_ar-i_fr'] },
  { field: 'adm2NameAr', tags: ['#adm2+name+i_ar'] },
  { field: 'adm2NameFr', tags: ['#adm2+name+i_fr'] },
  { field: 'loc', tags: ['#loc+code'] },
  { field: 'source', tags: ['#meta+source', '#org+name'] },
  { field: 'url', tags: ['#meta+url'] },
  { field: 'id', tags: ['#meta+id'] },
];

export const hxlGeneric: Layout = {
  name: 'hxl',
  specs: SPECS,
  detect: (c, file) => !!file.hashtags && c.has('date') && CATEGORIES.some((cat) => c.has(valueField(cat))),
  check: (c, options) => {
    const d = options.defaults ?? {};
    const out: (Problem & { column: string })[] = [];
    if (!c.has('source') && !d.organisation) out.push({ column: 'organisation', ...problem('hxl_no_source') });
    if (!c.has('url') && !d.sourceUrl) out.push({ column: 'sourceUrl', ...problem('hxl_no_url') });
    if (!['adm2', 'adm1', 'adm1Origin', 'loc', 'country'].some((f) => c.has(f)) && !d.location && !options.situationCountry)
      out.push({ column: 'location', ...problem('hxl_no_location') });
    return out;
  },
  create(ctx) {
    const d = ctx.options.defaults ?? {};
    const categories = CATEGORIES.filter((c) => ctx.columns.has(valueField(c)));
    const tagOf = (field: string) => {
      const t = ctx.file.tags[ctx.columns.get(field) ?? -1];
      return t ? tagText(t) : field;
    };
    return {
      row(r: RowAccess): ReadItem[] | 'skipped' {
        if (skipOtherCountry(r, 'country', ctx)) return 'skipped';
        const date = r.date('date', true);
        const start = r.date('start');
        const published = r.date('published');
        const country = r.parse('country', parseIso3);
        const adm1 = r.parse('adm1', parseLocationCode);
        const adm1Origin = r.parse('adm1Origin', parseLocationCode);
        const adm2 = r.parse('adm2', parseLocationCode);
        const loc = r.parse('loc', parseLocationCode);
        const organisation = r.required('source', d.organisation);
        const sourceUrl = r.required('url', d.sourceUrl);
        const values = categories.map((c) => [c, r.count(valueField(c))] as const);
        if (r.errors.length || date === undefined || organisation === undefined || sourceUrl === undefined) return [];
        if (country) {
          const allowed = countryAllowed(r, 'country', country, ctx);
          if (allowed !== true) return allowed === 'skipped' ? 'skipped' : [];
        }
        const location = adm2 ?? adm1 ?? adm1Origin ?? loc ?? country ?? d.location ?? ctx.options.situationCountry;
        if (!location) {
          r.error('location', problem('required_hxl_location'), '');
          return [];
        }
        const chain: LocationCandidate[] = [];
        const countryName = r.text('countryName');
        const names = (level: 'country' | 'adm1' | 'adm2') => localNames(r.text(`${level}NameAr`), r.text(`${level}NameFr`));
        if (country && countryName) chain.push({ code: country, name: countryName, adminLevel: 0, parentCode: null, country, ...names('country') });
        const a1 = adm1 ?? adm1Origin;
        const a1Name = adm1 ? r.text('adm1Name') : r.text('adm1OriginName');
        if (country && a1 && a1Name && chain.length) chain.push({ code: a1, name: a1Name, adminLevel: 1, parentCode: country, country, ...(adm1 ? names('adm1') : {}) });
        const a2Name = r.text('adm2Name');
        if (country && a1 && adm2 && a2Name && chain.length === 2) chain.push({ code: adm2, name: a2Name, adminLevel: 2, parentCode: a1, country, ...names('adm2') });
        const ownChain = chain.length && chain[chain.length - 1]!.code === location ? chain : [];
        const role = adm2 || adm1 ? undefined : adm1Origin ? 'origin' : undefined;
        const items: ReadItem[] = [];
        for (const [category, value] of values) {
          if (value === undefined) {
            ctx.counters.skippedEmptyValues++;
            continue;
          }
          const flow = isFlow(category);
          const period = flow && start ? `between ${start} and ${date}` : `as of ${date}`;
          const f = compact<FigureCandidate>({
            externalId: r.text('id') ?? `hxl:${organisation}:${category}:${location}:${date}`,
            location,
            locationRole: role ?? d.locationRole,
            category,
            periodStart: flow ? (start ?? null) : null,
            periodEnd: date,
            value,
            quantifier: d.quantifier,
            organisation,
            sourceUrl,
            sourceTitle: d.sourceTitle ?? null,
            publishedOn: published ?? d.publishedOn ?? date,
            quote: d.quote ?? `${organisation}: ${people(value)} ${CATEGORY_WORDS[category]} in ${location} ${period} (HXL file row ${r.row}, ${tagOf(valueField(category))})`,
          });
          items.push(...(items.length ? [{ type: 'row' as const, row: r.row, figure: f, errors: [] }] : ctx.locations.items(r.row, ownChain, f)));
        }
        return items;
      },
    };
  },
};
