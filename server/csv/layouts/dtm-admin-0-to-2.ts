/**
 * IOM DTM API file, newer schema with admin levels 0–2 in one file
 * (`global-iom-dtm-from-api-admin-0-to-2_AFG_HTI_TCD.csv`): `adminLevel` 0/1/2, rows split by
 * displacementReason and by IDPs' origin (idpOriginAdmin1*), and rows without `id`.
 *
 * Why it sums: a split row is a part, not a figure. Rows of the same operation, place (the p-code of the
 * row's level), reportingDate, round and assessment type are summed into one `idps` figure; the parts are
 * listed in `notes`. Assessment type stays in the key because DTM reports some rounds twice, as a baseline
 * (BA) and a site (SA) assessment of the same IDPs (Chad round 1: 147,032 in each); adding those would double
 * count, so they stay two figures.
 *
 * Memory: summing needs the whole file, so this layout holds one small aggregate per group (not the rows)
 * until the end of the file and yields the figures then: 6,854 groups for the 13,367-row, 2.4 MB sample.
 *
 * externalId: 'dtm:<operation slug>:<p-code>:<date>:r<round>:<assessment>', e.g.
 * 'dtm:countrywide-monitoring:HTI:2024-12-31:r9:BA'. Locations: admin2 → parent admin1 → parent country.
 *
 * DTM API v3 answers (a saved JSON answer, read by records.ts, or its CSV) have no `adminLevel`: they are split by
 * displacementReason, and the endpoint decides the level. This layout reads them too (they have a reason or an
 * admin 2 column); each row's level is then its deepest p-code (admin2Pcode, else admin1Pcode, else the country).
 */
import type { LocationCandidate, ReadItem } from '../candidate';
import type { RowAccess } from '../fields';
import { parseDate, parseLocationCode } from '../values';
import { countryAllowed, people, skipOtherCountry, type Layout } from './common';
import { DTM_SPECS, dtmFigure, dtmKey, readDtmRow, type DtmRow } from './dtm';

interface Group {
  firstRow: number;
  rows: number;
  d: DtmRow; // value = running sum
  chain: LocationCandidate[];
  place: string;
  reasons: Map<string, number>;
  origins: Set<string>;
  badRows: number[];
}

export const dtmAdmin0to2: Layout = {
  name: 'dtm-admin-0-to-2',
  specs: [
    ...DTM_SPECS,
    { field: 'adminLevel', tags: ['#adm+level'], headers: ['adminLevel'] },
    { field: 'admin2Name', tags: ['#adm2+name'], headers: ['admin2Name'] },
    { field: 'admin2Pcode', tags: ['#adm2+code'], headers: ['admin2Pcode'] },
    { field: 'reason', tags: ['#cause+type'], headers: ['displacementReason'] },
    { field: 'origin', tags: ['#adm1+name+origin'], headers: ['idpOriginAdmin1Name'] },
  ],
  detect: (c) => ['country', 'value', 'date'].every((f) => c.has(f)) && (c.has('adminLevel') || c.has('reason') || c.has('admin2Pcode')),
  create(ctx) {
    const groups = new Map<string, Group>();
    let partRows = 0;
    const group = (key: string, row: number, d: DtmRow, chain: LocationCandidate[], place: string): Group => {
      let g = groups.get(key);
      if (!g) {
        g = { firstRow: row, rows: 0, d: { ...d, value: 0 }, chain, place, reasons: new Map(), origins: new Set(), badRows: [] };
        groups.set(key, g);
      }
      return g;
    };
    /** A part with errors spoils its sum: find its group from the raw cells so the sum is not imported short. */
    const taint = (r: RowAccess, level: string | undefined) => {
      const country = r.text('country');
      const date = parseDate(r.text('date') ?? '');
      const pcode = level === '0' ? country : level === '1' ? r.text('admin1Pcode') : level === '2' ? r.text('admin2Pcode') : undefined;
      if (!country || !date.ok || !pcode) return;
      const d: DtmRow = { country, countryName: country, value: 0, date: date.value, round: r.text('round'), assessment: r.text('assessment'), operation: r.text('operation') };
      group(dtmKey(d, pcode), r.row, d, [], pcode).badRows.push(r.row);
    };
    return {
      row(r: RowAccess): ReadItem[] | 'skipped' {
        if (skipOtherCountry(r, 'country', ctx)) return 'skipped';
        const level = r.has('adminLevel') ? r.oneOf('adminLevel', ['0', '1', '2'] as const, true) : r.text('admin2Pcode') ? '2' : r.text('admin1Pcode') ? '1' : '0';
        const d = readDtmRow(r);
        const a1 = level === '1' || level === '2' ? r.parse('admin1Pcode', parseLocationCode, true) : undefined;
        const a2 = level === '2' ? r.parse('admin2Pcode', parseLocationCode, true) : undefined;
        if (!d || level === undefined || r.errors.length) {
          taint(r, level);
          return [];
        }
        const allowed = countryAllowed(r, 'country', d.country, ctx, d.countryName);
        if (allowed !== true) return allowed === 'skipped' ? 'skipped' : [];
        const chain: LocationCandidate[] = [{ code: d.country, name: d.countryName, adminLevel: 0, parentCode: null, country: d.country }];
        const names = [d.countryName];
        if (a1 !== undefined) {
          const name = r.text('admin1Name') ?? a1;
          chain.push({ code: a1, name, adminLevel: 1, parentCode: d.country, country: d.country });
          names.unshift(name);
        }
        if (a2 !== undefined && a1 !== undefined) {
          const name = r.text('admin2Name') ?? a2;
          chain.push({ code: a2, name, adminLevel: 2, parentCode: a1, country: d.country });
          names.unshift(name);
        }
        const pcode = chain[chain.length - 1]!.code;
        const g = group(dtmKey(d, pcode), r.row, d, chain, names.join(', '));
        g.rows++;
        partRows++;
        g.d.value += d.value;
        const reason = r.text('reason') ?? 'reason not given';
        g.reasons.set(reason, (g.reasons.get(reason) ?? 0) + d.value);
        const origin = r.text('origin');
        if (origin) g.origins.add(origin);
        return [];
      },
      end(): ReadItem[] {
        const items: ReadItem[] = [];
        for (const [key, g] of groups) {
          if (g.badRows.length) {
            const row = g.badRows[0]!;
            const message = `the figure for ${g.place} on ${g.d.date} (round ${g.d.round ?? '?'}) was not imported: it is the sum of ${g.rows + g.badRows.length} rows and ${g.badRows.length === 1 ? 'this row has' : `rows ${g.badRows.join(', ')} have`} errors, so the sum would be short`;
            items.push({ type: 'row', row, errors: [{ row, column: '', value: '', message }] });
            continue;
          }
          const reasons = [...g.reasons].map(([k, v]) => `${k} ${people(v)}`).join('; ');
          const origins = [...g.origins];
          const notes =
            g.rows === 1
              ? `Displacement reason: ${reasons}.${origins.length ? ` Origin: ${origins[0]}.` : ''}`
              : `Sum of ${g.rows} DTM rows split by displacement reason (${reasons})` + (origins.length > 1 ? ` and by IDPs' origin (${origins.join(', ')})` : '') + '.';
          const suffix = g.rows > 1 ? ` (sum of ${g.rows} rows by displacement reason${origins.length > 1 ? ' and origin' : ''})` : '';
          items.push(...ctx.locations.items(g.firstRow, g.chain, dtmFigure(ctx, g.d, g.chain[g.chain.length - 1]!.code, g.place, key, { quoteSuffix: suffix, notes })));
        }
        ctx.notes.push(`${partRows} DTM rows summed into ${groups.size} figures (one per operation, place, date, round and assessment type)`);
        groups.clear();
        return items;
      },
    };
  },
};
