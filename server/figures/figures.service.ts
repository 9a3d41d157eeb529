import { nowIso, type Storage, type Tx } from '../storage/database';
import { HttpError, fieldError, notFound, validationFailed, type FieldError } from '../errors';
import { parseOrThrow } from '../validation';
import { hasRole, type AuthUser } from '../auth/user';
import { situationsRepository } from '../situations/situations.repository';
import { situationOr404 } from '../situations/situations.service';
import { locationsRepository } from '../locations/locations.repository';
import { organisationsRepository } from '../organisations/organisations.repository';
import type { Situation } from '../situations/situation';
import { figuresRepository, type FigureRecord } from './figures.repository';
import { importsRepository } from '../imports/imports.repository';
import { figureCreateSchema, figureUpdateSchema, type FigureCreate } from './figure.schema';
import { figureGroup, isFlow, type FigureGroup } from './figure';

/** Figures: create, edit, delete, restore, approve. Every change writes a history row in the same transaction. */

const actorOf = (u: AuthUser) => u.email;

/**
 * Rules that need the situation: a flow without a start counts from the onset, so its end must not be before
 * it (else the stored period would start after it ends). Shared by the API, the forms and imports.
 */
export function checkAgainstSituation(situation: Pick<Situation, 'onsetDate'>, f: Pick<FigureCreate, 'category' | 'periodStart' | 'periodEnd'>): FieldError[] {
  if (isFlow(f.category) && !f.periodStart && f.periodEnd < situation.onsetDate) return [fieldError('periodEnd', 'before_onset', { date: situation.onsetDate })];
  return [];
}

/** Checks against the database that a validated figure can be stored for a situation; returns field errors. */
export async function checkReferences(db: Tx, situation: Situation, f: FigureCreate): Promise<{ errors: FieldError[]; organisationId?: number }> {
  const errors: FieldError[] = checkAgainstSituation(situation, f);
  const location = await locationsRepository.get(db, f.location);
  if (!location) errors.push(fieldError('location', 'unknown_location', { code: f.location }));
  else if (location.country !== situation.country)
    errors.push(fieldError('location', 'location_other_country', { code: f.location, country: location.country, situationCountry: situation.country }));
  const org = await organisationsRepository.byShortName(db, f.organisation);
  if (!org) errors.push(fieldError('organisation', 'unknown_organisation_add', { name: f.organisation }));
  return { errors, organisationId: org?.id };
}

/** The input shape of a stored figure, so an update can merge a patch into it and validate the whole. */
function toInput(r: FigureRecord): Record<string, unknown> {
  return {
    location: r.location,
    locationRole: r.locationRole,
    category: r.category,
    periodStart: r.periodStart,
    periodEnd: r.periodEnd,
    value: r.unit === 'people' ? r.value : undefined,
    valueLow: r.valueLow,
    valueHigh: r.valueHigh,
    quantifier: r.quantifier,
    unit: r.unit,
    reportedValue: r.unit === 'households' ? r.reportedValue : undefined,
    householdSize: r.householdSize,
    organisation: r.organisation,
    sourceUrl: r.sourceUrl,
    sourceTitle: r.sourceTitle,
    publishedOn: r.publishedOn,
    quote: r.quote,
    role: r.role,
    status: r.status,
    notes: r.notes,
    externalId: r.externalId ?? undefined,
    operation: r.operation,
    reportingRound: r.reportingRound,
    assessmentType: r.assessmentType,
  };
}

/** Inserts a validated, reference-checked figure and its history row (the API and seeding create figures this way; imports write in bulk). */
async function insertFigure(trx: Tx, situation: Situation, input: FigureCreate, organisationId: number, actor: string, at: string): Promise<FigureRecord> {
  const created = await figuresRepository.insert(trx, situation, input, organisationId, { actor, at, importId: null });
  await figuresRepository.addHistory(trx, created.id, 'create', actor, at, null, created);
  return created;
}

export interface FigureListFilter {
  location?: string;
  /** Any of these location codes. */
  locations?: string[];
  category?: string;
  /** `approved` when not given; `all` for every status. */
  status?: string;
  /** An organisation's short name; unknown → 400. */
  organisation?: string;
  from?: string;
  to?: string;
  includeDeleted?: boolean;
  afterId?: number;
  /** Newest report first (the pages' list), after a keyset cursor; instead of id order. */
  newestFirst?: { before?: { periodEnd: string; id: number } };
  /** Page size; without it every match (the pages' own views of one location, never a request's choice). */
  limit?: number;
}

// Fields whose change alters what the figure says or where it comes from: changing one of them sends an approved
// figure back to review, and makes the editor who changed it the one who may not approve it.
const SUBSTANTIVE = [
  'location',
  'locationRole',
  'category',
  'periodStart',
  'periodEnd',
  'value',
  'valueLow',
  'valueHigh',
  'quantifier',
  'unit',
  'reportedValue',
  'householdSize',
  'organisation',
  'role',
  'sourceUrl',
  'sourceTitle',
  'publishedOn',
  'quote',
  // Which round a figure belongs to decides whether it counts in totals.
  'operation',
  'reportingRound',
  'assessmentType',
] as const;

/** Four eyes: the last person who changed what a figure says may not approve it, unless an admin. */
export const mayApprove = (f: { changedBy: string }, user: AuthUser) => hasRole(user, 'admin') || (hasRole(user, 'editor') && f.changedBy !== actorOf(user));

/** Figures: list, create, edit, delete, restore, approve, reject. Every change writes a history row in the same transaction. */
export class FiguresService {
  constructor(
    private readonly storage: Storage,
    /** After a committed write; `changed`: the groups of the figures it changed (alert evaluation looks only there). */
    private readonly onChange: (situationSlug: string, changed?: readonly FigureGroup[]) => void = () => undefined,
  ) {}

  private situation(db: Tx, slug: string): Promise<Situation> {
    return situationOr404(db, slug);
  }

  /**
   * A page of a situation's figures in id order, for the API and the pages alike. Approved figures are public;
   * other statuses and deleted figures are for editors (403 otherwise). `nextAfter` is the id to continue after.
   */
  async list(slug: string, filter: FigureListFilter, user: AuthUser | undefined): Promise<{ situation: Situation; figures: FigureRecord[]; nextAfter: number | null }> {
    const situation = await situationOr404(this.storage.db, slug);
    const status = filter.status ?? 'approved';
    if ((status !== 'approved' || filter.includeDeleted) && !hasRole(user, 'editor'))
      throw new HttpError(403, 'forbidden', 'Only editors can list figures that are not approved, or deleted ones');
    let organisationId: number | undefined;
    if (filter.organisation) {
      const org = await organisationsRepository.byShortName(this.storage.db, filter.organisation);
      if (!org) throw validationFailed([fieldError('organisation', 'unknown_organisation', { name: filter.organisation })]);
      organisationId = org.id;
    }
    const limit = filter.limit;
    const rows = await figuresRepository.list(this.storage.db, {
      situationId: situation.id,
      location: filter.location,
      locations: filter.locations,
      category: filter.category,
      status,
      organisationId,
      from: filter.from,
      to: filter.to,
      includeDeleted: filter.includeDeleted,
      afterId: filter.afterId,
      newestFirst: filter.newestFirst,
      limit: limit == null ? undefined : limit + 1,
    });
    if (limit == null || rows.length <= limit) return { situation, figures: rows, nextAfter: null };
    const figures = rows.slice(0, limit);
    return { situation, figures, nextAfter: figures[figures.length - 1].id };
  }

  /** The organisations behind a situation's approved figures (short names, sorted), in every category and place. */
  approvedOrganisations(situation: Situation): Promise<string[]> {
    return figuresRepository.approvedOrganisations(this.storage.db, situation.id);
  }

  async get(id: number, opts: { includeDeleted?: boolean } = {}): Promise<FigureRecord> {
    const f = await figuresRepository.get(this.storage.db, id);
    if (!f || (f.deletedAt && !opts.includeDeleted)) throw notFound(`Figure ${id}`);
    return f;
  }

  /** True when the situation has a figure (deleted ones too) with this external id. */
  async hasExternalId(slug: string, externalId: string): Promise<boolean> {
    const situation = await situationOr404(this.storage.db, slug);
    return (await figuresRepository.findByExternalId(this.storage.db, situation.id, externalId)) != null;
  }

  async create(situationSlug: string, body: unknown, user: AuthUser): Promise<FigureRecord> {
    const input = parseOrThrow(figureCreateSchema, body);
    if (input.status === 'approved' && !hasRole(user, 'admin'))
      throw new HttpError(403, 'forbidden', 'Only an admin can create a figure as approved; save it as a draft and ask another editor to approve it');
    const result = await this.storage.db.transaction().execute(async (trx) => {
      const situation = await this.situation(trx, situationSlug);
      const { errors, organisationId } = await checkReferences(trx, situation, input);
      if (errors.length) throw validationFailed(errors);
      if (input.externalId && (await figuresRepository.findByExternalId(trx, situation.id, input.externalId)))
        throw validationFailed([fieldError('externalId', 'external_id_taken', { externalId: String(input.externalId) })]);
      const at = nowIso();
      const created = await insertFigure(trx, situation, input, organisationId!, actorOf(user), at);
      await situationsRepository.touch(trx, situation.id, at);
      return created;
    });
    this.onChange(situationSlug, [figureGroup(result)]);
    return result;
  }

  async update(id: number, body: unknown, user: AuthUser): Promise<FigureRecord> {
    const patch = parseOrThrow(figureUpdateSchema, body);
    const result = await this.storage.db.transaction().execute(async (trx) => {
      const current = await figuresRepository.get(trx, id);
      if (!current || current.deletedAt) throw notFound(`Figure ${id}`);
      if (patch.version !== current.version)
        throw new HttpError(
          409,
          'version_conflict',
          `Figure ${id} was changed by someone else (your version ${patch.version}, current ${current.version}); review the current record and apply your change again`,
          { current },
        );
      const { version: _v, ...changes } = patch;
      const given = Object.fromEntries(Object.entries(body as Record<string, unknown>).filter(([k]) => k !== 'version'));
      if ('status' in given && given.status === 'approved' && current.status !== 'approved') throw validationFailed([fieldError('status', 'approve_separately')]);
      const base = toInput(current);
      // A new value in people replaces the stored one; households recompute it.
      if ('value' in given && current.unit === 'people') delete base.reportedValue;
      if ('unit' in given && given.unit === 'people') {
        delete base.reportedValue;
        delete base.householdSize;
      }
      if ('unit' in given && given.unit === 'households') delete base.value;
      const merged = parseOrThrow(figureCreateSchema, { ...base, ...Object.fromEntries(Object.keys(given).map((k) => [k, (changes as Record<string, unknown>)[k]])) });
      const situation = await this.situation(trx, current.situation);
      const { errors, organisationId } = await checkReferences(trx, situation, merged);
      if (errors.length) throw validationFailed(errors);
      if (merged.externalId && merged.externalId !== current.externalId && (await figuresRepository.findByExternalId(trx, situation.id, merged.externalId)))
        throw validationFailed([fieldError('externalId', 'external_id_taken', { externalId: String(merged.externalId) })]);
      const row = figuresRepository.toRow(situation, merged, organisationId!);
      const after: Record<string, unknown> = {
        location: row.location_code,
        locationRole: row.location_role,
        category: row.category,
        periodStart: row.period_start,
        periodEnd: row.period_end,
        value: row.value,
        valueLow: row.value_low,
        valueHigh: row.value_high,
        quantifier: row.quantifier,
        unit: row.unit,
        reportedValue: row.reported_value,
        householdSize: row.household_size,
        organisation: merged.organisation,
        role: row.role,
        sourceUrl: row.source_url,
        sourceTitle: row.source_title,
        publishedOn: row.published_on,
        quote: row.quote,
        operation: row.operation,
        reportingRound: row.reporting_round,
        assessmentType: row.assessment_type,
      };
      const changedSubstance = SUBSTANTIVE.some((k) => (current[k] ?? null) !== (after[k] ?? null));
      // An admin's change may stay approved: an admin may approve on their own.
      if (current.status === 'approved' && changedSubstance && !hasRole(user, 'admin')) row.status = 'draft';
      const at = nowIso();
      if (!(await figuresRepository.updateIfVersion(trx, id, current.version, { ...row, ...(changedSubstance ? { changed_by: actorOf(user) } : {}) }, actorOf(user), at))) {
        const now = await figuresRepository.get(trx, id);
        throw new HttpError(409, 'version_conflict', `Figure ${id} was changed by someone else while you were editing it`, { current: now });
      }
      const updated = (await figuresRepository.get(trx, id))!;
      await figuresRepository.addHistory(trx, id, 'update', actorOf(user), at, current, updated);
      await situationsRepository.touch(trx, situation.id, at);
      return { updated, before: current };
    });
    this.onChange(result.updated.situation, [figureGroup(result.before), figureGroup(result.updated)]);
    return result.updated;
  }

  /** Soft delete, restore, approve, reject: one version step each, with history. */
  private async transition(
    id: number,
    user: AuthUser,
    action: 'delete' | 'restore' | 'approve' | 'reject',
    version: number | undefined,
    apply: (f: FigureRecord) => { deleted_at?: string | null; status?: string },
  ): Promise<FigureRecord> {
    const result = await this.storage.db.transaction().execute(async (trx) => {
      const current = await figuresRepository.get(trx, id);
      if (!current) throw notFound(`Figure ${id}`);
      if (version != null && version !== current.version)
        throw new HttpError(409, 'version_conflict', `Figure ${id} was changed by someone else (your version ${version}, current ${current.version})`, { current });
      const set = apply(current);
      const at = nowIso();
      if (!(await figuresRepository.updateIfVersion(trx, id, current.version, set, actorOf(user), at)))
        throw new HttpError(409, 'version_conflict', `Figure ${id} was changed by someone else at the same moment`, { current: await figuresRepository.get(trx, id) });
      const after = (await figuresRepository.get(trx, id))!;
      await figuresRepository.addHistory(trx, id, action, actorOf(user), at, current, after);
      const situation = await this.situation(trx, current.situation);
      await situationsRepository.touch(trx, situation.id, at);
      return after;
    });
    this.onChange(result.situation, [figureGroup(result)]);
    return result;
  }

  delete(id: number, user: AuthUser, version?: number) {
    return this.transition(id, user, 'delete', version, (f) => {
      if (f.deletedAt) throw notFound(`Figure ${id}`);
      return { deleted_at: nowIso() };
    });
  }

  restore(id: number, user: AuthUser) {
    return this.transition(id, user, 'restore', undefined, (f) => {
      if (!f.deletedAt) throw new HttpError(409, 'not_deleted', `Figure ${id} is not deleted`);
      return { deleted_at: null };
    });
  }

  approve(id: number, user: AuthUser, version?: number) {
    return this.transition(id, user, 'approve', version, (f) => {
      if (f.deletedAt) throw notFound(`Figure ${id}`);
      if (f.status === 'approved') throw new HttpError(409, 'already_approved', `Figure ${id} is already approved`);
      if (!mayApprove(f, user))
        throw new HttpError(
          403,
          'forbidden',
          'A figure must be approved by an editor other than the last person who changed what it says (its author until someone edits it), or by an admin',
        );
      return { status: 'approved' };
    });
  }

  reject(id: number, user: AuthUser, version?: number) {
    return this.transition(id, user, 'reject', version, (f) => {
      if (f.deletedAt) throw notFound(`Figure ${id}`);
      if (f.status === 'rejected') throw new HttpError(409, 'already_rejected', `Figure ${id} is already rejected`);
      return { status: 'rejected' };
    });
  }

  /**
   * "Approve all from this import": every draft of the import that this user may approve (four eyes: not the
   * importer, nor the last person who changed the figure, unless an admin), with a history row each, in one
   * transaction. The rest stay drafts and are counted.
   */
  async approveImport(situationSlug: string, importId: number, user: AuthUser): Promise<{ approved: number; skipped: number }> {
    const result = await this.storage.db.transaction().execute(async (trx) => {
      const situation = await this.situation(trx, situationSlug);
      const record = await importsRepository.get(trx, situation.id, importId);
      if (!record) throw notFound(`Import ${importId} of ${situationSlug}`);
      const at = nowIso();
      let approved = 0;
      let skipped = 0;
      const groups = new Map<string, FigureGroup>();
      for (let after = 0; ;) {
        // Batches of 500: memory stays flat whatever the import's size.
        const batch = await figuresRepository.importDrafts(trx, importId, after, 500);
        if (!batch.length) break;
        after = batch[batch.length - 1].id;
        const mine = batch.filter((f) => mayApprove(f, user));
        skipped += batch.length - mine.length;
        for (const f of mine) groups.set(`${f.location}|${f.category}|${f.periodEnd}|${f.locationRole}`, figureGroup(f));
        approved += await figuresRepository.approveMany(
          trx,
          mine.map((f) => f.id),
          actorOf(user),
          at,
        );
        await figuresRepository.addHistoryMany(
          trx,
          mine.map((f) => ({
            figureId: f.id,
            action: 'approve',
            actor: actorOf(user),
            at,
            before: f,
            after: { ...f, status: 'approved', updatedBy: actorOf(user), updatedAt: at, version: f.version + 1 },
          })),
        );
      }
      if (approved) await situationsRepository.touch(trx, situation.id, at);
      return { approved, skipped, groups: [...groups.values()] };
    });
    if (result.approved) this.onChange(situationSlug, result.groups);
    return { approved: result.approved, skipped: result.skipped };
  }

  /**
   * A figure as this reader may see it, else 404 (not 403: a hidden figure's existence is not told): readers see
   * approved figures that are not deleted; editors also drafts and rejected ones, and deleted ones when they ask.
   */
  async visible(id: number, user: AuthUser | undefined, opts: { includeDeleted?: boolean } = {}): Promise<FigureRecord> {
    const editor = hasRole(user, 'editor');
    const f = await this.get(id, { includeDeleted: editor && opts.includeDeleted });
    if (!editor && f.status !== 'approved') throw notFound(`Figure ${id}`);
    return f;
  }

  /** A figure's history, under the same rule as the figure itself (editors see deleted figures' history, to restore them). */
  async history(id: number, user: AuthUser | undefined) {
    await this.visible(id, user, { includeDeleted: true });
    return figuresRepository.history(this.storage.db, id);
  }
}
