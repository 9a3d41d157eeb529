import type { Storage } from '../storage/database';
import { locationsRepository, type Location } from './locations.repository';

/** Reference locations: what the API, the pages and seeding read and add. */
export class LocationsService {
  constructor(private readonly storage: Storage) {}

  /** Every location, or one country's, by admin level then code. */
  list(country?: string): Promise<Location[]> {
    return locationsRepository.list(this.storage.db, country);
  }

  get(code: string): Promise<Location | undefined> {
    return locationsRepository.get(this.storage.db, code);
  }

  /** Adds the locations not known yet, in one transaction; known ones are left as they are. */
  ensure(locations: Location[]): Promise<void> {
    return this.storage.db.transaction().execute((trx) => locationsRepository.ensure(trx, locations));
  }
}
