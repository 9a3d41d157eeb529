import { nowIso, type Storage } from '../storage/database';
import { HttpError } from '../errors';
import { parseOrThrow } from '../validation';
import { organisationCreateSchema, organisationsRepository, type Organisation } from './organisations.repository';

/** Organisations that publish figures: listed for forms and filters, added by editors (API) and seeding. */
export class OrganisationsService {
  constructor(private readonly storage: Storage) {}

  list(): Promise<Organisation[]> {
    return organisationsRepository.list(this.storage.db);
  }

  byShortName(shortName: string): Promise<Organisation | undefined> {
    return organisationsRepository.byShortName(this.storage.db, shortName);
  }

  /** Adds an organisation; its short name must be new (409 otherwise). */
  async create(body: unknown): Promise<Organisation> {
    const input = parseOrThrow(organisationCreateSchema, body);
    if (await organisationsRepository.byShortName(this.storage.db, input.shortName))
      throw new HttpError(409, 'conflict', `An organisation with short name ${input.shortName} already exists`);
    await organisationsRepository.insert(this.storage.db, input, nowIso());
    return (await organisationsRepository.byShortName(this.storage.db, input.shortName))!;
  }
}
