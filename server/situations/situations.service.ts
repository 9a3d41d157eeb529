import type { Storage } from '../storage/database';
import { nowIso } from '../storage/database';
import { HttpError, notFound, validationFailed } from '../errors';
import { parseOrThrow } from '../validation';
import type { AuthUser } from '../auth/user';
import { locationsRepository } from '../locations/locations.repository';
import { organisationsRepository } from '../organisations/organisations.repository';
import { scenariosRepository } from '../figures/figures.repository';
import { scenarioCreateSchema } from '../figures/figure.schema';
import { situationsRepository } from './situations.repository';
import { situationCreateSchema, type Situation } from './situation';

export class SituationsService {
  constructor(
    private readonly storage: Storage,
    private readonly onChange: (slug: string) => void = () => undefined,
  ) {}

  list() {
    return situationsRepository.list(this.storage.db);
  }

  async get(slug: string): Promise<Situation> {
    const s = await situationsRepository.bySlug(this.storage.db, slug);
    if (!s) throw notFound(`Situation ${slug}`);
    return s;
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

  async scenarios(slug: string) {
    const s = await this.get(slug);
    return scenariosRepository.list(this.storage.db, s.id);
  }

  async createScenario(slug: string, body: unknown, user: AuthUser) {
    const input = parseOrThrow(scenarioCreateSchema, body);
    const created = await this.storage.db.transaction().execute(async (trx) => {
      const s = await situationsRepository.bySlug(trx, slug);
      if (!s) throw notFound(`Situation ${slug}`);
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
      await situationsRepository.touch(trx, s.id, at);
      return (await scenariosRepository.list(trx, s.id)).find((x) => x.id === id)!;
    });
    this.onChange(slug);
    return created;
  }
}
