import { nowIso, type Storage, type Tx } from '../storage/database';
import { HttpError, notFound, validationFailed, fieldError } from '../errors';
import { parseOrThrow } from '../validation';
import type { AuthUser } from '../auth/user';
import { locationsRepository } from '../locations/locations.repository';
import { situationsRepository } from './situations.repository';
import { situationCreateSchema, situationUpdateSchema, type Situation } from './situation';

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

  /** Creates a situation; its country becomes a location (admin 0) when it is not known yet. Audited. */
  async create(body: unknown, user: AuthUser): Promise<Situation> {
    const input = parseOrThrow(situationCreateSchema, body);
    const created = await this.storage.db.transaction().execute(async (trx) => {
      if (await situationsRepository.bySlug(trx, input.slug)) throw new HttpError(409, 'conflict', `A situation with slug ${input.slug} already exists`);
      const country = await locationsRepository.get(trx, input.country);
      if (country && country.adminLevel !== 0) throw validationFailed([fieldError('country', 'not_a_country', { code: input.country, level: country.adminLevel })]);
      if (!country)
        await locationsRepository.ensure(trx, [
          { code: input.country, name: input.countryName ?? input.country, adminLevel: 0, parentCode: null, country: input.country, isArea: false, pcode: input.country },
        ]);
      const at = nowIso();
      const id = await situationsRepository.insert(trx, {
        slug: input.slug,
        title: input.title,
        country: input.country,
        onsetDate: input.onsetDate,
        description: input.description ?? null,
        headlineCategory: input.headlineCategory ?? null,
        createdAt: at,
        updatedAt: at,
      });
      const created = (await situationsRepository.bySlug(trx, input.slug))!;
      await situationsRepository.addHistory(trx, id, 'create', user.email, at, null, created);
      return created;
    });
    // Listeners set the new situation up (its default alert rules).
    this.onChange(input.slug);
    return created;
  }

  /**
   * Edits title, onset, description or headline category. `version` must be the stored one (else 409 with the
   * current record, as for figures); the change is audited and moves the situation's stamp, so caches follow.
   */
  async update(slug: string, body: unknown, user: AuthUser): Promise<Situation> {
    const input = parseOrThrow(situationUpdateSchema, body);
    const updated = await this.storage.db.transaction().execute(async (trx) => {
      const before = await situationsRepository.bySlug(trx, slug);
      if (!before) throw notFound(`Situation ${slug}`);
      const stale = () =>
        new HttpError(409, 'version_conflict', `Situation ${slug} was changed by someone else (version ${before.version}, yours ${input.version})`, { current: before });
      if (before.version !== input.version) throw stale();
      const next = {
        title: input.title ?? before.title,
        onsetDate: input.onsetDate ?? before.onsetDate,
        description: input.description === undefined ? before.description : input.description,
        headlineCategory: input.headlineCategory === undefined ? before.headlineCategory : input.headlineCategory,
      };
      if (!(await situationsRepository.updateIfVersion(trx, before.id, before.version, next))) throw stale();
      const at = nowIso();
      await situationsRepository.touch(trx, before.id, at);
      const after = (await situationsRepository.bySlug(trx, slug))!;
      await situationsRepository.addHistory(trx, before.id, 'update', user.email, at, before, after);
      return after;
    });
    this.onChange(slug);
    return updated;
  }

  /** Every create and edit of the situation, oldest first, with the record before and after. */
  async history(slug: string) {
    const s = await this.get(slug);
    return situationsRepository.history(this.storage.db, s.id);
  }
}
