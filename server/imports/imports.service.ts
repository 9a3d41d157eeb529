import { createHash } from 'node:crypto';
import { pipeline, Transform, type Readable } from 'node:stream';
import { nowIso, type Storage, type Tx } from '../storage/database';
import { HttpError, fieldError, notFound } from '../errors';
import { problem } from '../i18n/field-errors';
import { hasRole, type AuthUser } from '../auth/user';
import { situationsRepository } from '../situations/situations.repository';
import { situationOr404 } from '../situations/situations.service';
import { locationsRepository, type Location } from '../locations/locations.repository';
import { organisationsRepository } from '../organisations/organisations.repository';
import type { FigureCreate } from '../figures/figure.schema';
import { checkAgainstSituation } from '../figures/figures.service';
import { figuresRepository } from '../figures/figures.repository';
import { importsRepository, type ImportRecord } from './imports.repository';
import type { Situation } from '../situations/situation';
import { checkedBatches, digest, naturalKey, type FigureKeys } from './checked-rows';
import { checkedBatchesInWorker } from './checked-rows.threads';
import type { LocationCandidate, ReadDefaults, ReadSummary, RowError } from '../csv/candidate';

/** Opens the file: preview and commit each read it once, rather than holding a million rows. */
export type Source = () => Readable;

export interface ImportOptions {
  filename: string;
  map?: Record<string, string>;
  countryFilter?: boolean;
  /** `approved` only for admins who choose it; imported figures are drafts otherwise. */
  status?: 'draft' | 'approved';
  defaults?: Pick<ReadDefaults, 'organisation' | 'sourceUrl' | 'quote' | 'publishedOn' | 'location' | 'category' | 'quantifier' | 'unit'>;
  onProgress?: (rows: number) => void;
  /** Read and validate the file in a worker thread while this thread checks and writes: for large files (callers decide). */
  parallel?: boolean;
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
  /** The first 500 problems, without rows of other countries (those are summed in otherCountries); errorCount has them all. */
  errors: RowError[];
  /** Rows for another country than the situation's, per country: one line each on the page, not one error per row. */
  otherCountries: { country: string; name: string | null; rows: number }[];
  /** Rows left out by countryFilter. */
  skippedOtherCountry: number;
  notes: string[];
  /** The first new figures, for the preview table. */
  sample: FigureCreate[];
  committed: boolean;
  importId: number | null;
}

const MAX_ERRORS = 500;

/** The result of reading a file once: what the report says, plus the new locations and organisations. */
interface Pass {
  summary: ReadSummary;
  sha256: string;
  errors: RowError[];
  errorCount: number;
  otherCountries: Map<string, { rows: number; lastRow: number }>;
  countryNames: Map<string, string>;
  newLocations: Map<string, LocationCandidate>;
  newOrganisations: Set<string>;
  newCount: number;
  duplicates: number;
  sample: FigureCreate[];
}

/** A commit refused because the file has problems; the error carries the whole report (the API shows its first 50). */
export class ImportRejected extends HttpError {
  constructor(readonly report: ImportReport) {
    super(400, 'import_invalid', `The file has ${report.errorCount} problem(s); nothing was imported. Fix them and import again.`, {
      fields: [
        ...report.otherCountries.map((c) => fieldError('country', 'rows_other_country', { rows: c.rows, country: c.name ? `${c.name} (${c.country})` : c.country })),
        ...report.errors.slice(0, 50).map((e) => ({
          path: `row ${e.row}${e.column ? `, ${e.column}` : ''}`,
          message: `${e.message}${e.value ? ` (value: ${e.value.slice(0, 80)})` : ''}`,
          ...(e.code ? { code: e.code, params: e.params } : {}),
        })),
      ],
    });
  }
}

export class ImportsService {
  constructor(
    private readonly storage: Storage,
    private readonly onChange: (slug: string) => void = () => undefined,
  ) {}

  /** Reads and checks the whole file; nothing is stored. */
  async preview(slug: string, source: Source, opts: ImportOptions, user: AuthUser): Promise<ImportReport> {
    const situation = await this.situationFor(slug, opts, user);
    return report(opts, await this.pass(this.storage.db, situation, source, opts), null);
  }

  /**
   * Reads, checks and writes in one pass inside one transaction: all rows or none. Any row error, or any failure
   * while reading or writing, rolls the transaction back and leaves the database as it was.
   */
  async commit(slug: string, source: Source, opts: ImportOptions, user: AuthUser): Promise<ImportReport> {
    const situation = await this.situationFor(slug, opts, user);
    const actor = user.email;
    const at = nowIso();
    const { pass, importId } = await this.storage.db.transaction().execute(async (trx) => {
      const id = await importsRepository.create(trx, situation.id, opts.filename, actor, at);
      const writer = new FigureWriter(trx, situation, id, actor, at);
      const pass = await this.pass(trx, situation, source, opts, writer);
      if (pass.errorCount > 0) throw new ImportRejected(report(opts, pass, null));
      await writer.flush();
      if (writer.written !== pass.newCount) throw new Error(`import wrote ${writer.written} figures but counted ${pass.newCount}`);
      await importsRepository.finish(trx, id, { sha256: pass.sha256, layout: pass.summary.layout ?? 'unknown', figureCount: pass.newCount });
      await situationsRepository.touch(trx, situation.id, at);
      return { pass, importId: id };
    });
    this.onChange(slug);
    return report(opts, pass, importId);
  }

  private async situationFor(slug: string, opts: ImportOptions, user: AuthUser): Promise<Situation> {
    // Four eyes: figures imported as approved are public at once, so only an admin may do it; an editor's import
    // lands as drafts for a second editor to approve ("approve all from this import").
    if (opts.status === 'approved' && !hasRole(user, 'admin'))
      throw new HttpError(403, 'forbidden', 'status: only an admin can import figures as approved; import them as drafts and ask another editor to approve the import', {
        fields: [fieldError('status', 'approved_needs_admin')],
      });
    return situationOr404(this.storage.db, slug);
  }

  /** A committed import of the situation, with how many of its figures are in each status now. */
  async record(slug: string, id: number): Promise<{ situation: Situation; record: ImportRecord; counts: Record<string, number> }> {
    const situation = await situationOr404(this.storage.db, slug);
    const record = await importsRepository.get(this.storage.db, situation.id, id);
    if (!record) throw notFound(`Import ${id} of ${situation.title}`);
    return { situation, record, counts: await importsRepository.statusCounts(this.storage.db, id) };
  }

  /** One read of the file: every problem with its row, duplicates, and (with a writer) the new figures written as they come. */
  private async pass(db: Tx, situation: Situation, source: Source, opts: ImportOptions, writer?: FigureWriter): Promise<Pass> {
    const fileHash = createHash('sha256');
    // Hash while reading, through a pass-through: a 'data' listener would start the flow before the reader is attached.
    const stream = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        fileHash.update(chunk);
        cb(null, chunk);
      },
    });
    pipeline(source(), stream, () => undefined);
    const errors: RowError[] = [];
    let errorCount = 0;
    const otherCountries = new Map<string, { rows: number; lastRow: number }>();
    const namesFromFile = new Map<string, string>();
    const addError = (e: RowError) => {
      errorCount++;
      if (e.otherCountry) {
        // One line per country ("45 rows are for Sudan"), counting rows, not the checks a row failed.
        const c = otherCountries.get(e.otherCountry) ?? { rows: 0, lastRow: -1 };
        if (c.lastRow !== e.row) c.rows++;
        c.lastRow = e.row;
        otherCountries.set(e.otherCountry, c);
        if (e.otherCountryName) namesFromFile.set(e.otherCountry, e.otherCountryName);
      } else if (errors.length < MAX_ERRORS) errors.push(e);
    };
    const known = new Map((await locationsRepository.list(db)).map((l) => [l.code, l]));
    const newLocations = new Map<string, LocationCandidate>();
    const orgs = new Map((await organisationsRepository.list(db)).map((o) => [o.shortName, o.id]));
    const newOrganisations = new Set<string>();
    const seen = await existingKeys(db, situation.id);
    let newCount = 0;
    let duplicates = 0;
    let rows = 0;
    const sample: FigureCreate[] = [];
    let summary: ReadSummary | undefined;
    const check = {
      read: { situationCountry: situation.country, countryFilter: opts.countryFilter, map: opts.map, defaults: opts.defaults },
      status: opts.status ?? 'draft',
    } as const;
    for await (const batch of opts.parallel ? checkedBatchesInWorker(stream, check) : checkedBatches(stream, check)) {
      for (const ev of batch) {
        if (ev.type === 'summary') {
          summary = ev;
          break;
        }
        rows++;
        ev.errors.forEach(addError);
        if (ev.location) {
          const l = ev.location;
          const existing = known.get(l.code);
          if (existing && existing.country !== l.country)
            addError({ row: ev.row, column: 'location', value: l.code, ...problem('location_exists_elsewhere', { code: l.code, country: existing.country, given: l.country }) });
          else if (!existing && !newLocations.has(l.code)) {
            if (l.country !== situation.country)
              addError({
                row: ev.row,
                column: 'location',
                value: l.code,
                ...problem('import_location_other_country', { code: l.code, country: l.country, situationCountry: situation.country }),
                otherCountry: l.country,
              });
            else if (!l.name) addError({ row: ev.row, column: 'location', value: l.code, ...problem('unknown_location_no_name', { code: l.code }) });
            else if (l.parentCode && !known.has(l.parentCode) && !newLocations.has(l.parentCode))
              addError({ row: ev.row, column: 'location', value: l.code, ...problem('unknown_parent', { parent: l.parentCode, code: l.code }) });
            else {
              newLocations.set(l.code, l);
              writer?.location(toLocation(l));
            }
          }
        }
        const f = ev.figure;
        if (!f) continue;
        for (const e of checkAgainstSituation(situation, f)) addError({ row: ev.row, column: e.path, value: f.periodEnd, message: e.message, code: e.code, params: e.params });
        const loc = known.get(f.location) ?? newLocations.get(f.location);
        if (!loc) addError({ row: ev.row, column: 'location', value: f.location, ...problem('unknown_location_add_name', { code: f.location }) });
        else if (loc.country !== situation.country)
          addError({
            row: ev.row,
            column: 'location',
            value: f.location,
            ...problem('location_other_country', { code: f.location, country: loc.country, situationCountry: situation.country }),
            otherCountry: loc.country,
          });
        if (!orgs.has(f.organisation) && !newOrganisations.has(f.organisation)) {
          newOrganisations.add(f.organisation);
          if (writer) orgs.set(f.organisation, await organisationsRepository.insert(db, { name: f.organisation, shortName: f.organisation, reliability: 'medium' }, writer.at));
        }
        if (isDuplicate(seen, ev.keys!)) {
          duplicates++;
          continue;
        }
        newCount++;
        if (sample.length < 20) sample.push(f);
        // Once a row has failed nothing will be kept, so writing stops; reading goes on to report every problem.
        if (writer && errorCount === 0) await writer.add(f, orgs.get(f.organisation)!);
      }
      opts.onProgress?.(rows);
    }
    if (!summary) throw new Error('CSV reader ended without a summary');
    for (const fe of summary.fileErrors) addError({ row: 1, column: '', value: '', ...fe });
    if (!summary.fileErrors.length && summary.rowsRead === 0) addError({ row: 1, column: '', value: '', ...problem('no_data_rows') });
    // Country names for the summary lines: known admin-0 locations, or the ones this file introduces.
    const countryNames = new Map<string, string>();
    for (const code of otherCountries.keys()) {
      const name = known.get(code)?.name ?? namesFromFile.get(code);
      if (name) countryNames.set(code, name);
    }
    return { summary, errors, errorCount, otherCountries, countryNames, newLocations, newOrganisations, newCount, duplicates, sample, sha256: fileHash.digest('hex') };
  }
}

function report(opts: ImportOptions, pass: Pass, importId: number | null): ImportReport {
  return {
    filename: opts.filename,
    sha256: pass.sha256,
    layout: pass.summary.layout,
    hxl: pass.summary.hxl,
    rowsRead: pass.summary.rowsRead,
    figuresInFile: pass.summary.figures,
    newFigures: pass.newCount,
    duplicates: pass.duplicates,
    newLocations: [...pass.newLocations.values()],
    newOrganisations: [...pass.newOrganisations],
    errorCount: pass.errorCount,
    errors: pass.errors,
    notes: pass.summary.notes,
    otherCountries: [...pass.otherCountries].map(([country, c]) => ({ country, name: pass.countryNames.get(country) ?? null, rows: c.rows })),
    skippedOtherCountry: pass.summary.skippedOtherCountry,
    sample: pass.sample,
    committed: importId != null,
    importId,
  };
}

/**
 * Writes an import's figures in statements of 500 rows, new locations first. An imported figure gets no history
 * row of its own: its history starts with the import record (who, when, which file), and its state at import is
 * the row itself until the first edit, whose history row keeps it as `before` (figuresRepository.history).
 */
class FigureWriter {
  private locations: Location[] = [];
  private readonly insert: ReturnType<typeof figuresRepository.bulkInsert>;

  constructor(
    private readonly trx: Tx,
    private readonly situation: Situation,
    importId: number,
    actor: string,
    readonly at: string,
  ) {
    this.insert = figuresRepository.bulkInsert(trx, { import_id: importId, created_by: actor, created_at: at, updated_by: actor, updated_at: at, version: 1, deleted_at: null });
  }

  get written() {
    return this.insert.written;
  }

  location(l: Location) {
    this.locations.push(l);
  }

  async add(f: FigureCreate, organisationId: number) {
    // A new location's row goes in before any figure that refers to it.
    if (this.locations.length) await this.flush();
    await this.insert.add(figuresRepository.toRow(this.situation, f, organisationId));
  }

  async flush() {
    await this.insert.flush();
    if (this.locations.length) await locationsRepository.ensure(this.trx, this.locations.splice(0));
  }
}

const toLocation = (l: LocationCandidate): Location => ({
  code: l.code,
  name: l.name,
  adminLevel: l.adminLevel,
  parentCode: l.parentCode,
  country: l.country,
  isArea: false,
  pcode: l.code,
  nameAr: l.nameAr ?? null,
  nameFr: l.nameFr ?? null,
});

interface Keys {
  external: Set<string>;
  natural: Set<string>;
}

/** Keys of the situation's figures (deleted ones too: a deleted figure is restored, not imported again). */
async function existingKeys(db: Tx, situationId: number): Promise<Keys> {
  const keys: Keys = { external: new Set(), natural: new Set() };
  for await (const rows of figuresRepository.keyRows(db, situationId))
    for (const r of rows) {
      if (r.external_id) keys.external.add(digest(r.external_id));
      keys.natural.add(naturalKey({ sourceUrl: r.source_url, location: r.location_code, category: r.category, periodEnd: r.period_end, value: Number(r.value) }));
    }
  return keys;
}

/** True when the figure is already there; otherwise remembers it, so a file's own repeats count once. */
function isDuplicate(keys: Keys, k: FigureKeys): boolean {
  if ((k.external && keys.external.has(k.external)) || keys.natural.has(k.natural)) return true;
  if (k.external) keys.external.add(k.external);
  keys.natural.add(k.natural);
  return false;
}
