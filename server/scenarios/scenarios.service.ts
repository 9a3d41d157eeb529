import { nowIso, type Storage } from '../storage/database';
import { HttpError, notFound, validationFailed, type FieldError, fieldError } from '../errors';
import { parseOrThrow } from '../validation';
import { hasRole, type AuthUser } from '../auth/user';
import { locationsRepository } from '../locations/locations.repository';
import { organisationsRepository } from '../organisations/organisations.repository';
import { situationsRepository } from '../situations/situations.repository';
import { situationOr404 } from '../situations/situations.service';
import { scenarioCreateSchema } from './scenario.schema';
import { scenariosRepository } from './scenarios.repository';

/**
 * Scenarios a source published ("could reach 1.5 million"): create, soft delete, restore. Every change writes a
 * history row and moves the situation's stamp in the same transaction, as figures do.
 */
export class ScenariosService {
  constructor(
    private readonly storage: Storage,
    private readonly onChange: (slug: string) => void = () => undefined,
  ) {}

  /** The situation's scenarios; `includeDeleted` (editors) adds the deleted ones, which can be restored. */
  async list(slug: string, opts: { includeDeleted?: boolean } = {}) {
    const s = await situationOr404(this.storage.db, slug);
    return scenariosRepository.list(this.storage.db, s.id, opts);
  }

  /** A scenario's history; a deleted scenario's only for editors, as the list shows deleted ones only to them. */
  async history(slug: string, id: number, user?: AuthUser) {
    const s = await situationOr404(this.storage.db, slug);
    const scenario = await scenariosRepository.get(this.storage.db, s.id, id);
    if (!scenario || (scenario.deletedAt && !hasRole(user, 'editor'))) throw notFound(`Scenario ${id} of ${slug}`);
    return scenariosRepository.history(this.storage.db, id);
  }

  /** Soft delete: the scenario leaves the analysis and the lists, stays restorable, and the history says who and when. */
  delete(slug: string, id: number, user: AuthUser) {
    return this.setDeleted(slug, id, user, true);
  }

  restore(slug: string, id: number, user: AuthUser) {
    return this.setDeleted(slug, id, user, false);
  }

  private async setDeleted(slug: string, id: number, user: AuthUser, deleted: boolean) {
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

  async create(slug: string, body: unknown, user: AuthUser) {
    const input = parseOrThrow(scenarioCreateSchema, body);
    const created = await this.storage.db.transaction().execute(async (trx) => {
      const s = await situationOr404(trx, slug);
      const locationCode = input.location ?? s.country;
      const location = await locationsRepository.get(trx, locationCode);
      const org = await organisationsRepository.byShortName(trx, input.organisation);
      const errors: FieldError[] = [];
      if (!location || location.country !== s.country)
        errors.push(
          location ? fieldError('location', 'location_not_in', { code: locationCode, country: s.country }) : fieldError('location', 'unknown_location', { code: locationCode }),
        );
      if (!org) errors.push(fieldError('organisation', 'unknown_organisation', { name: input.organisation }));
      if (errors.length) throw validationFailed(errors);
      const at = nowIso();
      const id = await scenariosRepository.insert(trx, s.id, { ...input, location: locationCode }, org!.id, user.email, at);
      const created = (await scenariosRepository.get(trx, s.id, id))!;
      await scenariosRepository.addHistory(trx, id, 'create', user.email, at, null, created);
      await situationsRepository.touch(trx, s.id, at);
      return created;
    });
    this.onChange(slug);
    return created;
  }
}
