import { REAL_DATA } from '../helpers/fixtures';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import request from 'supertest';
import { parse } from 'csv-parse/sync';
import { DATABASES, freshDb, makeUser, testApp, type TestDb } from '../helpers/db';
import { assertStoredFigureValid, FUZZ_RUNS } from '../helpers/hostile';
import { HttpError } from '../../server/errors';
import { ImportsService, type ImportOptions, type ImportReport } from '../../server/imports/imports.service';
import { figureColumns } from '../../server/csv/exports';

/**
 * The CSV importer under generated files: headers from the real layouts (DTM, IDMC, UNHCR, our own export)
 * mixed with junk, cells with quotes, commas, newlines, control characters, BOMs, invalid UTF-8 and huge
 * numbers, split into random chunks. Whatever the file, preview and commit either answer or refuse with an
 * HttpError below 500; a preview with problems means commit stores nothing; every problem has a row and a message.
 */
const DATA = REAL_DATA;
const FILES = [
  'iom-dtm/subset_SDN_armed_clashes_weekly_admin0.csv',
  'iom-dtm/subset_SDN_armed_clashes_weekly_admin1_states.csv',
  'iom-dtm/global-iom-dtm-from-api-admin-0-to-2_AFG_HTI_TCD.csv',
  'idmc/idmc_gidd_conflict_new_and_total_displacements_2009_2024.csv',
  'ukraine/unhcr-refugees-from-ukraine-series-2022-2024.csv',
  'ukraine/unhcr-refugees-from-ukraine-daily-2022.csv',
  'syria-2024/reported-figures-to-2024-12-06.csv',
];

/** The first records of each real file: header, HXL row (when there is one) and a few data rows. */
const REAL = FILES.map((f) => {
  const text = fs.readFileSync(path.join(DATA, f), 'utf8').replace(/^\uFEFF/, '');
  const records = parse(text, { relax_column_count: true, to: 12 }) as string[][];
  const hxl = records[1]?.some((c) => c.startsWith('#')) ? records[1] : null;
  return { header: records[0], hxl, rows: records.slice(hxl ? 2 : 1) };
});
const EXPORT = figureColumns().map((c) => ({ header: String(c.key), hxl: c.hxl ?? '' }));
const HEADERS = [...new Set([...REAL.flatMap((r) => r.header), ...EXPORT.map((c) => c.header)])];
const TAGS = [...new Set([...REAL.flatMap((r) => r.hxl ?? []), ...EXPORT.map((c) => c.hxl)])].filter(Boolean);

const junk = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.constantFrom(
    '',
    ' ',
    '"',
    '""',
    '"a,b"',
    'a"b',
    ',',
    '\n',
    '\r\n',
    '\r',
    '\t',
    '\u0000',
    '\u0007',
    '\u001b[31m',
    '\uFEFF',
    '\uFEFFid',
    '\u200b',
    '𝟘',
    '١٢٣',
    '=1+1',
    '#',
    '#affected',
    '# affected +idps',
    '#date+reported+foo',
  ),
);
const cell = fc.oneof(
  junk,
  fc.constantFrom('2023-04-28T00:00:00', '2023-04-28', '2024-02-30', '2023-13-01', '99999-01-01', '0000-00-00', '2999-12-31', '1900-01-01', 'today'),
  fc.constantFrom(
    '334053',
    '0',
    '-5',
    '1.5',
    '1e21',
    '1,000',
    '1 000',
    '9'.repeat(40),
    '-0',
    'NaN',
    'Infinity',
    '0x10',
    '1_000',
    '٣٣٤٠٥٣',
    String(Number.MAX_SAFE_INTEGER),
    '1000000001',
  ),
  fc.constantFrom(
    'SDN',
    'SYR',
    'HTI',
    'SD01',
    'SD99',
    'SY-HL',
    'XX',
    'sdn',
    'S',
    'Sudan',
    'IOM DTM',
    'https://example.org/x',
    'javascript:alert(1)',
    'idps',
    'new_displacement',
    'approved',
    'draft',
    'households',
    'people',
  ),
  fc.integer().map(String),
  fc.double().map(String),
);

/** One CSV cell as written: properly quoted, raw (which may break the quoting), or with a stray opening quote. */
const written = (v: string, style: 'quoted' | 'raw' | 'stray') => (style === 'quoted' ? `"${v.replace(/"/g, '""')}"` : style === 'raw' ? v : `"${v}`);

/** Often nothing, sometimes a few: so that clean files (which can be committed) are common too. */
const few = <T>(arb: fc.Arbitrary<T>, max: number, weight = 3) =>
  fc.oneof({ arbitrary: fc.constant<T[]>([]), weight }, { arbitrary: fc.array(arb, { minLength: 1, maxLength: max }), weight: 1 });

const csvFile = fc
  .record({
    base: fc.option(fc.integer({ min: 0, max: REAL.length - 1 }), { nil: undefined, freq: 6 }),
    rowCount: fc.integer({ min: 0, max: 8 }),
    randomRows: fc.array(fc.array(cell, { maxLength: 12 }), { maxLength: 6 }),
    extraHeaders: few(fc.oneof(fc.constantFrom(...HEADERS), junk), 3),
    dropColumns: few(fc.nat(), 3),
    hxl: fc.constantFrom<'keep' | 'none' | 'random'>('keep', 'keep', 'none', 'random'),
    randomTags: fc.array(fc.oneof(fc.constantFrom(...TAGS), junk), { maxLength: 12 }),
    edits: few(fc.tuple(fc.nat(), fc.nat(), cell), 5),
    renumber: fc.option(fc.nat(), { nil: undefined }),
    breaks: few(fc.tuple(fc.nat(), fc.constantFrom<'raw' | 'stray'>('raw', 'raw', 'stray')), 2),
    eol: fc.constantFrom('\n', '\r\n', '\r'),
    bom: fc.boolean(),
    badBytes: few(fc.tuple(fc.nat(), fc.constantFrom([0xff], [0xc3, 0x28], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0x00])), 2, 6),
    chunks: fc.array(fc.nat(), { maxLength: 4 }),
  })
  .map((g) => {
    // Columns: a real layout's (some dropped) or random real headers and junk; plus extras.
    const real = g.base === undefined ? null : REAL[g.base];
    const randomHeader = g.randomRows[0] ?? [];
    let header = real ? [...real.header] : randomHeader.length ? randomHeader : ['x'];
    let tags = real?.hxl ? [...real.hxl] : header.map(() => '');
    const keep = header.map(() => true);
    for (const d of g.dropColumns) keep[d % keep.length] = false;
    if (!keep.some(Boolean)) keep[0] = true;
    header = header.filter((_, i) => keep[i]);
    tags = tags.filter((_, i) => keep[i]);
    header = [...header, ...g.extraHeaders];
    tags = [...tags, ...g.extraHeaders.map((h) => EXPORT.find((c) => c.header === h)?.hxl ?? '')];
    if (g.hxl === 'random') tags = header.map((_, i) => g.randomTags[i] ?? '');
    // Rows: the real file's rows (cycled, same columns kept), or random ones; then a few cells replaced.
    const rows: string[][] = real
      ? Array.from({ length: g.rowCount }, (_, i) => [...real.rows[i % real.rows.length].filter((_, j) => keep[j] ?? true), ...g.extraHeaders.map(() => '')])
      : g.randomRows.slice(1).map((r) => [...r]);
    // New numbers in the count columns, so a clean file is often new (not all duplicates of an earlier run).
    if (g.renumber !== undefined)
      rows.forEach((row, i) =>
        header.forEach((h, j) => {
          if (/IdpInd|displacement$|refugees|individuals|^value$/i.test(h)) row[j] = String(((g.renumber! + 1) * (i + 7919)) % 9_000_000);
        }),
      );
    for (const [r, c, v] of g.edits)
      if (rows.length) {
        const row = rows[r % rows.length];
        row[c % Math.max(1, row.length + 1)] = v;
      }
    const cells = [header, ...(g.hxl !== 'none' && tags.some(Boolean) ? [tags] : []), ...rows];
    const total = cells.reduce((n, r) => n + r.length, 0);
    const broken = new Map(g.breaks.map(([i, style]) => [i % Math.max(1, total), style]));
    let k = 0;
    const lines = cells.map((r) => r.map((v) => written(v ?? '', broken.get(k++) ?? 'quoted')).join(','));
    let buf = Buffer.from((g.bom ? '\uFEFF' : '') + lines.join(g.eol) + (rows.length % 2 ? g.eol : ''), 'utf8');
    for (const [at, bytes] of g.badBytes) {
      const i = at % (buf.length + 1);
      buf = Buffer.concat([buf.subarray(0, i), Buffer.from(bytes), buf.subarray(i)]);
    }
    // Random chunk boundaries, also inside multi-byte characters.
    const cuts = [...new Set(g.chunks.map((c) => c % (buf.length + 1)))].sort((a, b) => a - b);
    const chunks: Buffer[] = [];
    let prev = 0;
    for (const c of [...cuts, buf.length]) {
      if (c > prev) chunks.push(buf.subarray(prev, c));
      prev = c;
    }
    return { buf, chunks, description: `${real ? FILES[g.base!] : 'random headers'}, ${buf.length} bytes: ${JSON.stringify(buf.toString('latin1').slice(0, 300))}` };
  });

const options = fc.record({
  countryFilter: fc.option(fc.constantFrom(true, true, false), { nil: undefined }),
  status: fc.option(fc.constantFrom<'draft' | 'approved'>('draft', 'approved'), { nil: undefined }),
  map: fc.option(
    fc.dictionary(
      fc.oneof(fc.constantFrom(...HEADERS), fc.string({ minLength: 1, maxLength: 8 })),
      fc.constantFrom('value', 'periodEnd', 'location', 'organisation', 'category', 'quote', 'bogus', 'Value'),
      { maxKeys: 3 },
    ),
    { nil: undefined },
  ),
  defaults: fc.option(
    fc.record({
      organisation: fc.option(fc.constantFrom('IOM DTM', 'Fuzz Org', 'UNHCR'), { nil: undefined }),
      sourceUrl: fc.option(fc.constantFrom('https://example.org/fuzz', 'https://dtm.iom.int/'), { nil: undefined }),
      quote: fc.option(fc.constantFrom('Generated for a fuzz test.'), { nil: undefined }),
      publishedOn: fc.option(fc.constantFrom('2024-01-01', '2023-06-30'), { nil: undefined }),
      location: fc.option(fc.constantFrom('SDN', 'SYR', 'SD01'), { nil: undefined }),
    }),
    { nil: undefined },
  ),
});

describe.each(DATABASES)('generated CSV files through the importer on %s', (kind) => {
  let t: TestDb;
  let app: ReturnType<typeof testApp>;
  let service: ImportsService;
  let editor: Awaited<ReturnType<typeof makeUser>>;
  const SITUATIONS = ['syria-2024-offensive', 'sudan-fuzz'];

  beforeAll(async () => {
    t = await freshDb(kind, { seed: true });
    app = testApp(t.storage);
    service = new ImportsService(t.storage);
    editor = await makeUser(t.storage, 'editor');
    await request(app)
      .post('/api/v1/situations')
      .set(editor.auth)
      .send({ slug: 'sudan-fuzz', title: 'Sudan', country: 'SDN', countryName: 'Sudan', onsetDate: '2023-04-15' })
      .expect(201);
  });
  afterAll(() => t.cleanup());

  const count = async () =>
    Number(
      (
        await t.storage.db
          .selectFrom('figures')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  /** Runs one step; anything thrown must be an HttpError below 500. */
  const attempt = async (what: string, step: () => Promise<ImportReport>): Promise<ImportReport | HttpError> => {
    try {
      return await step();
    } catch (err) {
      if (!(err instanceof HttpError) || err.status >= 500)
        throw new Error(`${what} threw ${err instanceof HttpError ? `HttpError ${err.status}` : String((err as Error)?.stack ?? err)}`);
      return err;
    }
  };

  const checkReport = (r: ImportReport) => {
    expect(r.errorCount).toBeGreaterThanOrEqual(r.errors.length);
    expect(r.errors.length).toBeLessThanOrEqual(500);
    for (const e of r.errors) {
      if (!(Number.isInteger(e.row) && e.row >= 1) || typeof e.message !== 'string' || !e.message.trim()) throw new Error(`bad problem ${JSON.stringify(e)}`);
    }
    expect(r.newFigures + r.duplicates).toBeLessThanOrEqual(r.figuresInFile);
  };

  test('when generated files are previewed and committed, then only HttpErrors below 500, problems block the commit, and every problem has a row and a message', async () => {
    await fc.assert(
      fc.asyncProperty(csvFile, options, fc.constantFrom(SITUATIONS[0], SITUATIONS[1], SITUATIONS[1]), fc.boolean(), async (file, opts, slug, chunked) => {
        const source = () => (chunked ? Readable.from(file.chunks) : Readable.from([file.buf]));
        const o: ImportOptions = { filename: 'fuzz.csv', ...opts };
        const preview = await attempt(`preview (${file.description})`, () => service.preview(slug, source, o, editor.user));
        if (!(preview instanceof HttpError)) checkReport(preview);
        const before = await count();
        const commit = await attempt(`commit (${file.description})`, () => service.commit(slug, source, o, editor.user));
        const after = await count();
        if (commit instanceof HttpError) expect(after).toBe(before);
        else {
          checkReport(commit);
          expect(commit.committed).toBe(true);
          expect(after).toBe(before + commit.newFigures);
        }
        if (!(preview instanceof HttpError) && preview.errorCount > 0) {
          expect(commit).toBeInstanceOf(HttpError);
          expect(after).toBe(before);
        }
        if (!(preview instanceof HttpError) && !(commit instanceof HttpError)) expect(commit.newFigures).toBe(preview.newFigures);
      }),
      { numRuns: FUZZ_RUNS },
    );
    // Whatever got in is a valid figure.
    for (const slug of SITUATIONS) {
      const res = await request(app).get(`/api/v1/situations/${slug}/figures?status=all&limit=1000`).set(editor.auth).expect(200);
      for (const f of res.body.data) assertStoredFigureValid(f);
    }
  });
});
