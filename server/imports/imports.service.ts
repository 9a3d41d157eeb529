import { createHash } from 'node:crypto';
import { pipeline, Transform, type Readable } from 'node:stream';
import type { Storage } from '../storage/database';
import { nowIso } from '../storage/database';
import { HttpError, notFound } from '../errors';
import { toFieldErrors } from '../validation';
import { hasRole, type AuthUser } from '../auth/user';
import { situationsRepository } from '../situations/situations.repository';
import { locationsRepository, type Location } from '../locations/locations.repository';
import { organisationsRepository } from '../organisations/organisations.repository';
import { toFigure, type Tx } from '../figures/figures.repository';
import { figureCreateSchema, type FigureCreate } from '../figures/figure.schema';
import { toRow } from '../figures/figures.service';
import type { Situation } from '../situations/situation';
import { readFigures } from '../csv/read';
import type { LocationCandidate, ReadSummary, RowError } from '../csv/candidate';

/** Opens the file again for each pass: preview and commit read it twice rather than holding a million rows. */
export type Source = () => Readable;

export interface ImportOptions {
  filename: string;
  map?: Record<string, string>;
  countryFilter?: boolean;
  /** `approved` only for editors who choose it; imported figures are drafts otherwise. */
  status?: 'draft' | 'approved';
  defaults?: { organisation?: string; sourceUrl?: string; quote?: string; publishedOn?: string; location?: string };
  onProgress?: (rows: number) => void;
}

export interface ImportReport {
  filename: string;
  sha256: string;
  layout: string | null;
  hxl: boolean;
  rowsRead: number;
  figuresInFile: number;
  newFigures: number;
  duplicates: number;
  newLocations: LocationCandidate[];
  newOrganisations: string[];
  errorCount: number;
  /** The first 500 problems; errorCount has them all. */
  errors: RowError[];
  notes: string[];
  /** The first new figures, for the preview table. */
  sample: FigureCreate[];
  committed: boolean;
  importId: number | null;
}

const MAX_ERRORS = 500;
// 30 columns × 1,000 rows stays under SQLite's 32,766 bound parameters.
const BATCH = 1000;

// A figure already in the situation, or earlier in the same file: the same external id, or the same source, place, category, date and value.
const naturalKey = (f: { sourceUrl: string; location: string; category: string; periodEnd: string; value: number }) =>
  `${f.sourceUrl}\u0001${f.location}\u0001${f.category}\u0001${f.periodEnd}\u0001${f.value}`;

export class ImportsService {
  constructor(
    private readonly storage: Storage,
    private readonly onChange: (slug: string) => void = () => undefined,
  ) {}

  preview(slug: string, source: Source, opts: ImportOptions, user: AuthUser) {
    return this.run(slug, source, opts, user, false);
  }

  /** All rows or none: any row error, or any failure while writing, leaves the database as it was. */
  commit(slug: string, source: Source, opts: ImportOptions, user: AuthUser) {
    return this.run(slug, source, opts, user, true);
  }

  private async run(slug: string, source: Source, opts: ImportOptions, user: AuthUser, write: boolean): Promise<ImportReport> {
    if (opts.status === 'approved' && !hasRole(user, 'editor')) throw new HttpError(403, 'forbidden', 'Only editors can import figures as approved');
    const situation = await situationsRepository.bySlug(this.storage.db, slug);
    if (!situation) throw notFound(`Situation ${slug}`);

    // Pass 1: read, validate, detect duplicates. Nothing is written.
    const pass = await this.validate(situation, source, opts);
    const report: ImportReport = {
      filename: opts.filename, sha256: pass.sha256, layout: pass.summary.layout, hxl: pass.summary.hxl, rowsRead: pass.summary.rowsRead,
      figuresInFile: pass.summary.figures, newFigures: pass.newCount, duplicates: pass.duplicates, newLocations: [...pass.newLocations.values()],
      newOrganisations: [...pass.newOrganisations], errorCount: pass.errorCount, errors: pass.errors, notes: pass.summary.notes,
      sample: pass.sample, committed: false, importId: null,
    };
    if (!write) return report;
    if (pass.errorCount > 0)
      throw new HttpError(400, 'import_invalid', `The file has ${pass.errorCount} problem(s); nothing was imported. Fix them and import again.`, { fields: pass.errors.slice(0, 50).map((e) => ({ path: `row ${e.row}${e.column ? `, ${e.column}` : ''}`, message: `${e.message}${e.value ? ` (value: ${e.value.slice(0, 80)})` : ''}` })) });

    // Pass 2: read again and write everything in one transaction.
    const actor = user.email;
    const at = nowIso();
    const importId = await this.storage.db.transaction().execute(async (trx) => {
      for (const l of pass.newLocations.values()) await locationsRepository.ensure(trx, [toLocation(l)]);
      for (const name of pass.newOrganisations) await organisationsRepository.insert(trx, { name, shortName: name, reliability: 'medium' }, at);
      const orgList = await organisationsRepository.list(trx);
      const orgIds = new Map(orgList.map((o) => [o.shortName, o.id]));
      const ctx = { slug, orgs: new Map(orgList.map((o) => [o.id, o])) };
      const { id } = await trx
        .insertInto('imports')
        .values({ situation_id: situation.id, filename: opts.filename, sha256: pass.sha256, layout: pass.summary.layout ?? 'unknown', figure_count: pass.newCount, created_by: actor, created_at: at })
        .returning('id')
        .executeTakeFirstOrThrow();
      const seen = await existingKeys(trx, situation.id);
      let batch: ReturnType<typeof toRow>[] = [];
      let written = 0;
      for await (const f of this.candidates(situation, source, opts)) {
        if (isDuplicate(seen, f)) continue;
        batch.push(toRow(situation, f, orgIds.get(f.organisation)!));
        if (batch.length >= BATCH) { written += await insertBatch(trx, batch, id, actor, at, ctx); batch = []; opts.onProgress?.(written); }
      }
      if (batch.length) written += await insertBatch(trx, batch, id, actor, at, ctx);
      if (written !== pass.newCount) throw new HttpError(409, 'import_changed', `The file or the database changed between preview and commit (${written} vs ${pass.newCount} new figures); nothing was imported`);
      await situationsRepository.touch(trx, situation.id, at);
      return id;
    });
    this.onChange(slug);
    return { ...report, committed: true, importId };
  }

  /** Valid, de-duplicated figure inputs of a file, in file order. */
  private async *candidates(situation: Situation, source: Source, opts: ImportOptions): AsyncGenerator<FigureCreate> {
    for await (const ev of readFigures(source(), { situationCountry: situation.country, countryFilter: opts.countryFilter, map: opts.map, defaults: opts.defaults })) {
      if (ev.type === 'summary') {
        if (ev.fileErrors.length) throw new HttpError(400, 'import_failed', `Reading the file failed during the import; nothing was imported: ${ev.fileErrors.join('; ')}`);
        return;
      }
      if (!ev.figure || ev.errors.length) continue;
      const parsed = figureCreateSchema.safeParse({ ...ev.figure, status: opts.status ?? 'draft' });
      if (parsed.success) yield parsed.data;
    }
  }

  private async validate(situation: Situation, source: Source, opts: ImportOptions) {
    const hash = createHash('sha256');
    // Hash while reading, through a pass-through: a 'data' listener would start the flow before the reader is attached.
    const stream = new Transform({ transform(chunk: Buffer, _enc, cb) { hash.update(chunk); cb(null, chunk); } });
    pipeline(source(), stream, () => undefined);
    const errors: RowError[] = [];
    let errorCount = 0;
    const addError = (e: RowError) => { errorCount++; if (errors.length < MAX_ERRORS) errors.push(e); };
    const known = new Map((await locationsRepository.list(this.storage.db)).map((l) => [l.code, l]));
    const newLocations = new Map<string, LocationCandidate>();
    const orgs = new Set((await organisationsRepository.list(this.storage.db)).map((o) => o.shortName));
    const newOrganisations = new Set<string>();
    const seen = await existingKeys(this.storage.db, situation.id);
    let newCount = 0;
    let duplicates = 0;
    let rows = 0;
    const sample: FigureCreate[] = [];
    let summary: ReadSummary | undefined;
    for await (const ev of readFigures(stream, { situationCountry: situation.country, countryFilter: opts.countryFilter, map: opts.map, defaults: opts.defaults })) {
      if (ev.type === 'summary') { summary = ev; break; }
      if (++rows % 5000 === 0) opts.onProgress?.(rows);
      ev.errors.forEach(addError);
      if (ev.location) {
        const l = ev.location;
        const existing = known.get(l.code);
        if (existing && existing.country !== l.country) addError({ row: ev.row, column: 'location', value: l.code, message: `location ${l.code} exists in ${existing.country}, not ${l.country}` });
        else if (!existing && !newLocations.has(l.code)) {
          if (l.country !== situation.country) addError({ row: ev.row, column: 'location', value: l.code, message: `location ${l.code} is in ${l.country}, not in the situation's country ${situation.country}` });
          else if (!l.name) addError({ row: ev.row, column: 'location', value: l.code, message: `unknown location ${l.code} and the file gives no name for it` });
          else if (l.parentCode && !known.has(l.parentCode) && !newLocations.has(l.parentCode)) addError({ row: ev.row, column: 'location', value: l.code, message: `parent location ${l.parentCode} of ${l.code} is unknown` });
          else newLocations.set(l.code, l);
        }
      }
      if (!ev.figure || ev.errors.length) continue;
      const parsed = figureCreateSchema.safeParse({ ...ev.figure, status: opts.status ?? 'draft' });
      if (!parsed.success) {
        for (const fe of toFieldErrors(parsed.error)) addError({ row: ev.row, column: fe.path, value: cellText((ev.figure as unknown as Record<string, unknown>)[fe.path]), message: fe.message });
        continue;
      }
      const f = parsed.data;
      const loc = known.get(f.location) ?? newLocations.get(f.location);
      if (!loc) addError({ row: ev.row, column: 'location', value: f.location, message: `unknown location code ${f.location}; add a name column or create the location first` });
      else if (loc.country !== situation.country) addError({ row: ev.row, column: 'location', value: f.location, message: `${f.location} is in ${loc.country}, not in the situation's country ${situation.country}` });
      if (!orgs.has(f.organisation)) newOrganisations.add(f.organisation);
      if (isDuplicate(seen, f)) { duplicates++; continue; }
      newCount++;
      if (sample.length < 20) sample.push(f);
    }
    if (!summary) throw new Error('CSV reader ended without a summary');
    for (const fe of summary.fileErrors) addError({ row: 1, column: '', value: '', message: fe });
    if (!summary.fileErrors.length && summary.rowsRead === 0) addError({ row: 1, column: '', value: '', message: 'the file has no data rows' });
    return { summary, errors, errorCount, newLocations, newOrganisations, newCount, duplicates, sample, sha256: hash.digest('hex') };
  }
}

const cellText = (v: unknown) => (v == null ? '' : typeof v === 'string' ? v : JSON.stringify(v));

const toLocation = (l: LocationCandidate): Location => ({ code: l.code, name: l.name, adminLevel: l.adminLevel, parentCode: l.parentCode, country: l.country, isArea: false, pcode: l.code });

interface Keys { external: Set<string>; natural: Set<string> }

/** Keys of the situation's figures (deleted ones too: a deleted figure is restored, not imported again). */
async function existingKeys(db: Tx, situationId: number): Promise<Keys> {
  const keys: Keys = { external: new Set(), natural: new Set() };
  let after = 0;
  for (;;) {
    const rows = await db
      .selectFrom('figures')
      .select(['id', 'external_id', 'source_url', 'location_code', 'category', 'period_end', 'value'])
      .where('situation_id', '=', situationId)
      .where('id', '>', after)
      .orderBy('id')
      .limit(20000)
      .execute();
    for (const r of rows) {
      if (r.external_id) keys.external.add(r.external_id);
      keys.natural.add(naturalKey({ sourceUrl: r.source_url, location: r.location_code, category: r.category, periodEnd: r.period_end, value: Number(r.value) }));
    }
    if (rows.length < 20000) return keys;
    after = rows[rows.length - 1].id;
  }
}

/** True when the figure is already there; otherwise remembers it, so a file's own repeats count once. */
function isDuplicate(keys: Keys, f: FigureCreate): boolean {
  const value = f.unit === 'households' ? Math.round((f.reportedValue ?? 0) * (f.householdSize ?? 0)) : (f.value ?? 0);
  const nk = naturalKey({ sourceUrl: f.sourceUrl, location: f.location, category: f.category, periodEnd: f.periodEnd, value });
  if ((f.externalId && keys.external.has(f.externalId)) || keys.natural.has(nk)) return true;
  if (f.externalId) keys.external.add(f.externalId);
  keys.natural.add(nk);
  return false;
}

/** Inserts figures and their history rows, several hundred per statement; the history's record is built from the row, not read back. */
async function insertBatch(trx: Tx, rows: ReturnType<typeof toRow>[], importId: number, actor: string, at: string, ctx: { slug: string; orgs: Map<number, { shortName: string; reliability: string }> }): Promise<number> {
  const full = rows.map((r) => ({ ...r, import_id: importId, created_by: actor, created_at: at, updated_by: actor, updated_at: at, version: 1, deleted_at: null }));
  const inserted = await trx.insertInto('figures').values(full).returning('id').execute();
  await trx
    .insertInto('figure_history')
    .values(
      full.map((r, i) => {
        const org = ctx.orgs.get(r.organisation_id)!;
        return {
          figure_id: inserted[i].id, action: 'import', actor, at, before: null,
          after: JSON.stringify(toFigure({ ...r, id: inserted[i].id, situation_slug: ctx.slug, organisation_short_name: org.shortName, organisation_reliability: org.reliability } as never)),
        };
      }),
    )
    .execute();
  return inserted.length;
}
