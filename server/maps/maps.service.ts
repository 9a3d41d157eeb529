import { randomUUID } from 'node:crypto';
import { nowIso, type Storage } from '../storage/database';
import { HttpError, notFound, validationFailed, fieldError } from '../errors';
import { parseOrThrow } from '../validation';
import type { AuthUser } from '../auth/user';
import { situationOr404 } from '../situations/situations.service';
import { situationsRepository } from '../situations/situations.repository';
import { locationsRepository, type Location } from '../locations/locations.repository';
import { figuresRepository } from '../figures/figures.repository';
import { mapsRepository } from './maps.repository';
import { guessFields, keepShapes, type ReadBoundary } from './boundary-file';
import { readBoundaryInWorker } from './boundary-file.threads';
import { boundaryOptionsSchema, type Boundary, type BoundaryOptions, type BoundaryReport, type BoundarySummary } from './boundary';
import type { FieldError } from '../errors';

/** Checked files waiting for the admin's confirmation on the upload page: a few, for a while, per instance. */
const MAX_DRAFTS = 20;
const DRAFT_TTL_MS = 30 * 60_000;

interface Draft {
  slug: string;
  read: ReadBoundary;
  filename: string;
  actor: string;
  at: number;
}

const actorOf = (u: AuthUser) => u.email;
const norm = (s: string) => s.trim().toUpperCase();

/**
 * Administrative boundaries of a situation (admins): check a file against the situation's locations, store it
 * simplified (one current file per admin level, older ones kept and restorable), delete and restore, audited.
 * Every change moves the situation's stamp, so cached pages show the map (or stop showing it) at once.
 */
export class MapsService {
  private readonly drafts = new Map<string, Draft>();

  constructor(
    private readonly storage: Storage,
    private readonly onChange: (slug: string) => void = () => undefined,
  ) {}

  /** Parses the options (query string or form); 400 naming the field. */
  options(input: unknown): BoundaryOptions {
    return parseOrThrow(boundaryOptionsSchema, input);
  }

  /** Reads and simplifies a file in a worker thread (400 when it is not a usable boundary file); nothing is stored. */
  read(buffer: Buffer): Promise<ReadBoundary> {
    return readBoundaryInWorker(buffer);
  }

  /** What the file's shapes match among the situation's locations at the chosen level. */
  async check(slug: string, read: ReadBoundary, o: { level: number; pcodeField?: string; nameField?: string; filename: string }): Promise<BoundaryReport> {
    const db = this.storage.db;
    const situation = await situationOr404(db, slug);
    const locations = (await locationsRepository.list(db, situation.country)).filter((l) => l.adminLevel === o.level);
    const withFigures = new Set((await figuresRepository.approvedCombos(db, situation.id)).map((c) => c.location_code));
    return report(read, o, locations, withFigures);
  }

  /** API: checks the file and, with `commit`, stores it when nothing stops it (a 400 listing the problems otherwise). */
  async upload(slug: string, buffer: Buffer, opts: BoundaryOptions, user: AuthUser): Promise<BoundaryReport> {
    const read = await this.read(buffer);
    const filename = opts.filename || 'boundaries.json';
    if (!opts.commit) return this.check(slug, read, { ...opts, filename });
    return this.commit(slug, read, { ...opts, filename }, user);
  }

  /** Stores a checked file as the level's current boundary (the previous one is kept as replaced). */
  async commit(slug: string, read: ReadBoundary, opts: BoundaryOptions & { filename: string }, user: AuthUser): Promise<BoundaryReport> {
    const r = await this.check(slug, read, opts);
    if (r.problems.length) throw validationFailed(r.problems);
    const byPcode = new Map(r.matched.map((m) => [norm(m.pcode), m]));
    const kept = keepShapes(read, (p) => {
      const m = byPcode.get(norm(p[r.pcodeField!] ?? ''));
      return m ? { code: m.pcode, name: (r.nameField ? p[r.nameField] : '') || m.name } : null;
    });
    const boundary = await this.storage.db.transaction().execute(async (trx) => {
      const situation = await situationOr404(trx, slug);
      const at = nowIso();
      const previous = await mapsRepository.current(trx, situation.id, r.level);
      if (previous) await mapsRepository.retire(trx, previous.id, at, actorOf(user), 'replaced');
      const id = await mapsRepository.insert(trx, {
        situationId: situation.id,
        adminLevel: r.level,
        topology: kept.topology,
        projected: read.projected,
        source: opts.source,
        licence: opts.licence,
        pcodeField: r.pcodeField!,
        nameField: r.nameField,
        filename: opts.filename,
        features: kept.features,
        vertices: kept.vertices,
        matched: Object.fromEntries(r.matched.map((m) => [m.pcode, m.location])),
        createdBy: actorOf(user),
        createdAt: at,
      });
      const detail = {
        level: r.level,
        filename: opts.filename,
        source: opts.source,
        licence: opts.licence,
        features: kept.features,
        vertices: kept.vertices,
        replaced: previous?.id ?? null,
      };
      await mapsRepository.addHistory(trx, { situationId: situation.id, boundaryId: id, action: 'upload', actor: actorOf(user), at, detail });
      await situationsRepository.touch(trx, situation.id, at);
      return (await mapsRepository.get(trx, situation.id, id))!;
    });
    this.onChange(slug);
    return { ...r, vertices: kept.vertices, committed: true, boundary };
  }

  /** Keeps a checked file for the confirmation step of the upload page; returns its key. */
  keepDraft(slug: string, read: ReadBoundary, filename: string, user: AuthUser): string {
    const now = Date.now();
    for (const [k, d] of this.drafts) if (now - d.at > DRAFT_TTL_MS) this.drafts.delete(k);
    while (this.drafts.size >= MAX_DRAFTS) this.drafts.delete(this.drafts.keys().next().value!);
    const key = randomUUID();
    this.drafts.set(key, { slug, read, filename, actor: actorOf(user), at: now });
    return key;
  }

  /** The draft kept under `key` for this situation and user, or a 400 asking to upload again. */
  draft(key: unknown, slug: string, user: AuthUser): { read: ReadBoundary; filename: string } {
    const d = typeof key === 'string' ? this.drafts.get(key) : undefined;
    if (!d || d.slug !== slug || d.actor !== actorOf(user) || Date.now() - d.at > DRAFT_TTL_MS) throw validationFailed([fieldError('file', 'boundary_gone')]);
    return d;
  }

  dropDraft(key: string) {
    this.drafts.delete(key);
  }

  /** Every stored version (current ones have no `retiredAt`) and the audit trail. */
  async list(slug: string) {
    const db = this.storage.db;
    const situation = await situationOr404(db, slug);
    const boundaries = await mapsRepository.list(db, situation.id);
    return { boundaries, history: await mapsRepository.history(db, situation.id) };
  }

  /** The current boundary of a level, with its geometry, or undefined. */
  async current(slug: string, level: number): Promise<Boundary | undefined> {
    const situation = await situationOr404(this.storage.db, slug);
    return mapsRepository.current(this.storage.db, situation.id, level);
  }

  /** Admin levels that have a current boundary. */
  async levels(situationId: number): Promise<number[]> {
    const all = await mapsRepository.list(this.storage.db, situationId);
    return [...new Set(all.filter((b) => !b.retiredAt).map((b) => b.adminLevel))].sort();
  }

  /** Retires the current boundary of a level (kept, restorable). */
  async remove(slug: string, level: number, user: AuthUser): Promise<BoundarySummary> {
    const out = await this.storage.db.transaction().execute(async (trx) => {
      const situation = await situationOr404(trx, slug);
      const current = await mapsRepository.current(trx, situation.id, level);
      if (!current) throw notFound(`Boundary of admin level ${level} in ${situation.title}`);
      const at = nowIso();
      await mapsRepository.retire(trx, current.id, at, actorOf(user), 'deleted');
      await mapsRepository.addHistory(trx, { situationId: situation.id, boundaryId: current.id, action: 'delete', actor: actorOf(user), at, detail: { level } });
      await situationsRepository.touch(trx, situation.id, at);
      return (await mapsRepository.get(trx, situation.id, current.id))!;
    });
    this.onChange(slug);
    return out;
  }

  /** Makes a stored, retired version current again (the current one of its level is kept as replaced). */
  async restore(slug: string, id: number, user: AuthUser): Promise<BoundarySummary> {
    const out = await this.storage.db.transaction().execute(async (trx) => {
      const situation = await situationOr404(trx, slug);
      const target = await mapsRepository.get(trx, situation.id, id);
      if (!target) throw notFound(`Boundary ${id} in ${situation.title}`);
      if (!target.retiredAt) throw new HttpError(409, 'conflict', `Boundary ${id} is already the current one of admin level ${target.adminLevel}`);
      const at = nowIso();
      const current = await mapsRepository.current(trx, situation.id, target.adminLevel);
      if (current) await mapsRepository.retire(trx, current.id, at, actorOf(user), 'replaced');
      await mapsRepository.reinstate(trx, id);
      await mapsRepository.addHistory(trx, {
        situationId: situation.id,
        boundaryId: id,
        action: 'restore',
        actor: actorOf(user),
        at,
        detail: { level: target.adminLevel, replaced: current?.id ?? null },
      });
      await situationsRepository.touch(trx, situation.id, at);
      return (await mapsRepository.get(trx, situation.id, id))!;
    });
    this.onChange(slug);
    return out;
  }
}

/** How many p-codes a problem message lists before "and N more". */
const LIST = 30;
const listed = (xs: string[]) => (xs.length > LIST ? `${xs.slice(0, LIST).join(', ')} and ${xs.length - LIST} more` : xs.join(', '));

/** Matches a read file's shapes to locations (by p-code, else by location code, ignoring case). */
function report(
  read: ReadBoundary,
  o: { level: number; pcodeField?: string; nameField?: string; filename: string },
  locations: Location[],
  withFigures: Set<string>,
): BoundaryReport {
  const names = read.fields.map((f) => f.name);
  const guess = guessFields(names, o.level);
  const problems: FieldError[] = [];
  const has = (f: string | undefined) => f !== undefined && names.includes(f);
  if (o.pcodeField && !has(o.pcodeField)) problems.push(fieldError('pcodeField', 'not_a_property', { field: o.pcodeField, names: listed(names) }));
  if (o.nameField && !has(o.nameField)) problems.push(fieldError('nameField', 'not_a_property', { field: o.nameField, names: listed(names) }));
  const pcodeField = has(o.pcodeField) ? o.pcodeField! : o.pcodeField ? null : guess.pcode;
  const nameField = has(o.nameField) ? o.nameField! : o.nameField ? null : guess.name;
  if (!pcodeField && !o.pcodeField) problems.push(fieldError('pcodeField', 'pcode_field_required', { property: `ADM${o.level}_PCODE`, names: listed(names) }));

  const byKey = new Map<string, Location>();
  for (const l of locations) byKey.set(norm(l.code), l);
  for (const l of locations) if (l.pcode) byKey.set(norm(l.pcode), l);
  const matched = new Map<string, { pcode: string; location: string; name: string }>();
  const unknown = new Map<string, { pcode: string; name: string }>();
  let withoutPcode = 0;
  if (pcodeField)
    for (const g of read.topology.objects.areas.geometries) {
      const p: Record<string, string> = g.properties ?? {};
      const pcode = (p[pcodeField] ?? '').trim();
      const name = (nameField ? p[nameField] : '') ?? '';
      if (!pcode) withoutPcode++;
      else if (byKey.has(norm(pcode))) {
        const l = byKey.get(norm(pcode))!;
        matched.set(norm(pcode), { pcode, location: l.code, name: name || l.name });
      } else unknown.set(norm(pcode), { pcode, name });
    }
  const shaped = new Set([...matched.values()].map((m) => m.location));
  const withoutShape = locations.filter((l) => withFigures.has(l.code) && !shaped.has(l.code)).map((l) => ({ code: l.code, name: l.name, pcode: l.pcode }));
  if (pcodeField && !problems.length && matched.size === 0) {
    const known = locations.map((l) => l.pcode ?? l.code);
    problems.push(
      fieldError('file', 'no_matching_shapes', {
        field: pcodeField,
        level: o.level,
        pcodes: listed([...unknown.values()].map((u) => u.pcode)) || '–',
        known: listed(known) || '–',
      }),
    );
  }
  return {
    level: o.level,
    filename: o.filename,
    features: read.features,
    verticesBefore: read.verticesBefore,
    vertices: read.vertices,
    projected: read.projected,
    fields: read.fields,
    pcodeField,
    nameField,
    matched: [...matched.values()].sort((a, b) => a.pcode.localeCompare(b.pcode)),
    unknownInFile: [...unknown.values()].sort((a, b) => a.pcode.localeCompare(b.pcode)),
    withoutPcode,
    withoutShape,
    problems,
    committed: false,
  };
}
