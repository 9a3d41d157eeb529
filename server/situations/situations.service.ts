import { nowIso, type Storage, type Tx } from '../storage/database';
import { HttpError, notFound, validationFailed } from '../errors';
import { parseOrThrow } from '../validation';
import type { AuthUser } from '../auth/user';
import { locationsRepository } from '../locations/locations.repository';
import { organisationsRepository } from '../organisations/organisations.repository';
import { scenariosRepository } from '../figures/figures.repository';
import { scenarioCreateSchema } from '../figures/figure.schema';
import { situationsRepository } from './situations.repository';
import { situationCreateSchema, type Situation } from './situation';

/** The situation with this slug, or a 404: the one look-up every service uses, inside its transaction if it has one. */
export async function situationOr404(db: Tx, slug: string): Promise<Situation> {
  const s = await situationsRepository.bySlug(db, slug);
  if (!s) throw notFound(`Situation ${slug}`);
  return s;
}

export class SituationsService {
  constructor(
    private readonly storage: Storage,
    private readonly onChange: (slug: string) => void = () => undefined,
  ) {}

  list() {
    return situationsRepository.list(this.storage.db);
  }

  get(slug: string): Promise<Situation> {
    return situationOr404(this.storage.db, slug);
  }

  /** Creates a situation; its country becomes a location (admin 0) when it is not known yet. */
  async create(body: unknown, _user: AuthUser): Promise<Situation> {
    const input = parseOrThrow(situationCreateSchema, body);
    return this.storage.db.transaction().execute(async (trx) => {
      if (await situationsRepository.bySlug(trx, input.slug))
        throw new HttpError(409, 'conflict', `A situation with slug ${input.slug} already exists`);
      const country = await locationsRepository.get(trx, input.country);
      if (country && country.adminLevel !== 0)
        throw validationFailed([{ path: 'country', message: `${input.country} is a location code of admin level ${country.adminLevel}, not a country` }]);
      if (!country)
        await locationsRepository.ensure(trx, [{ code: input.country, name: input.countryName ?? input.country, adminLevel: 0, parentCode: null, country: input.country, isArea: false, pcode: input.country }]);
      const at = nowIso();
      await situationsRepository.insert(trx, { slug: input.slug, title: input.title, country: input.country, onsetDate: input.onsetDate, description: input.description ?? null, createdAt: at, updatedAt: at });
      return (await situationsRepository.bySlug(trx, input.slug))!;
    });
  }

  /** The situation's scenarios; `includeDeleted` (editors) adds the deleted ones, which can be restored. */
  async scenarios(slug: string, opts: { includeDeleted?: boolean } = {}) {
    const s = await this.get(slug);
    return scenariosRepository.list(this.storage.db, s.id, opts);
  }

  async scenarioHistory(slug: string, id: number) {
    const s = await this.get(slug);
    if (!(await scenariosRepository.get(this.storage.db, s.id, id))) throw notFound(`Scenario ${id} of ${slug}`);
    return scenariosRepository.history(this.storage.db, id);
  }

  /** Soft delete: the scenario leaves the analysis and the lists, stays restorable, and the history says who and when. */
  deleteScenario(slug: string, id: number, user: AuthUser) {
    return this.setScenarioDeleted(slug, id, user, true);
  }

  restoreScenario(slug: string, id: number, user: AuthUser) {
    return this.setScenarioDeleted(slug, id, user, false);
  }

  private async setScenarioDeleted(slug: string, id: number, user: AuthUser, deleted: boolean) {
    const result = await this.storage.db.transaction().execute(async (trx) => {
      const s = await situationOr404(trx, slug);
      const before = await scenariosRepository.get(trx, s.id, id);
      if (!before) throw notFound(`Scenario ${id} of ${slug}`);
      if (deleted === !!before.deletedAt)
        throw new HttpError(409, deleted ? 'already_deleted' : 'not_deleted', `Scenario ${id} is ${deleted ? 'already deleted' : 'not deleted'}`, { current: before });
      const at = nowIso();
      await scenariosRepository.setDeleted(trx, id, deleted ? at : null);
      const after = (await scenariosRepository.get(trx, s.id, id))!;
      await scenariosRepository.addHistory(trx, id, deleted ? 'delete' : 'restore', user.email, at, before, after);
      await situationsRepository.touch(trx, s.id, at);
      return after;
    });
    this.onChange(slug);
    return result;
  }

  async createScenario(slug: string, body: unknown, user: AuthUser) {
    const input = parseOrThrow(scenarioCreateSchema, body);
    const created = await this.storage.db.transaction().execute(async (trx) => {
      const s = await situationOr404(trx, slug);
      const locationCode = input.location ?? s.country;
      const location = await locationsRepository.get(trx, locationCode);
      const org = await organisationsRepository.byShortName(trx, input.organisation);
      const errors = [];
      if (!location || location.country !== s.country) errors.push({ path: 'location', message: location ? `${locationCode} is not in ${s.country}` : `unknown location code ${locationCode}` });
      if (!org) errors.push({ path: 'organisation', message: `unknown organisation "${input.organisation}"` });
      if (errors.length) throw validationFailed(errors);
      const at = nowIso();
      const { id } = await trx
        .insertInto('scenarios')
        .values({
          situation_id: s.id, location_code: locationCode, category: input.category, organisation_id: org!.id, kind: input.kind, value: input.value,
          horizon_date: input.horizonDate ?? null, published_on: input.publishedOn, source_url: input.sourceUrl, quote: input.quote,
          notes: input.notes ?? null, created_by: user.email, created_at: at, deleted_at: null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const created = (await scenariosRepository.get(trx, s.id, id))!;
      await scenariosRepository.addHistory(trx, id, 'create', user.email, at, null, created);
      await situationsRepository.touch(trx, s.id, at);
      return created;
    });
    this.onChange(slug);
    return created;
  }
}
