import { nowIso, type Storage, type Tx } from '../storage/database';
import { HttpError, notFound, validationFailed } from '../errors';
import { parseOrThrow } from '../validation';
import type { AuthUser } from '../auth/user';
import { locationsRepository } from '../locations/locations.repository';
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
    const created = await this.storage.db.transaction().execute(async (trx) => {
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
    // Listeners set the new situation up (its default alert rules).
    this.onChange(input.slug);
    return created;
  }
}
