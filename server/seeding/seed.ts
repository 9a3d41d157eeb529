import fs from 'node:fs';
import path from 'node:path';
import type { Storage } from '../storage/database';
import { HttpError, type FieldError } from '../errors';
import { REFERENCE_DIR, SEEDS_DIR } from '../paths';
import type { AuthUser } from '../auth/user';
import type { Location } from '../locations/locations.repository';
import { LocationsService } from '../locations/locations.service';
import { OrganisationsService } from '../organisations/organisations.service';
import { SituationsService } from '../situations/situations.service';
import { FiguresService } from '../figures/figures.service';
import { ScenariosService } from '../scenarios/scenarios.service';

/*
 * Reference locations (data/reference) and seed situations (seeds/), loaded idempotently through the same
 * services as the API, so seeds pass the same validation and leave the same history rows (by SEED_ACTOR).
 */

export const SEED_ACTOR = 'seed@system';
/** Seeds are curated and published as approved, which only an admin may create. */
const SEED_USER: AuthUser = { id: 0, email: SEED_ACTOR, name: 'Seed', role: 'admin' };

interface SeedFile {
  situation: Record<string, unknown> & { slug: string };
  locations?: Location[];
  organisations: (Record<string, unknown> & { shortName: string })[];
  figures: Record<string, unknown>[];
  scenarios: (Record<string, unknown> & { quote: string; value: number })[];
}

const servicesOf = (storage: Storage) => ({
  locations: new LocationsService(storage),
  organisations: new OrganisationsService(storage),
  situations: new SituationsService(storage),
  figures: new FiguresService(storage),
  scenarios: new ScenariosService(storage),
});

export async function loadReferenceLocations(storage: Storage): Promise<number> {
  const locationsService = new LocationsService(storage);
  let n = 0;
  for (const file of fs
    .readdirSync(REFERENCE_DIR)
    .filter((f) => f.startsWith('locations-') && f.endsWith('.json'))
    .sort()) {
    const { locations } = JSON.parse(fs.readFileSync(path.join(REFERENCE_DIR, file), 'utf8')) as { locations: Location[] };
    await locationsService.ensure(locations);
    n += locations.length;
  }
  return n;
}

/** A refused seed entry names the file and the entry, then what the service said. */
async function named<T>(what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (!(err instanceof HttpError)) throw err;
    const fields = (err.details.fields ?? []) as FieldError[];
    throw new Error(`${what} is invalid: ${fields.length ? fields.map((e) => `${e.path} ${e.message}`).join('; ') : err.message}`);
  }
}

/** Loads every seeds/*.json; adds only what is missing. Returns counts of what was added. */
export async function seed(storage: Storage): Promise<{ situations: number; figures: number; scenarios: number }> {
  await loadReferenceLocations(storage);
  const s = servicesOf(storage);
  const added = { situations: 0, figures: 0, scenarios: 0 };
  for (const file of fs
    .readdirSync(SEEDS_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    const data = JSON.parse(fs.readFileSync(path.join(SEEDS_DIR, file), 'utf8')) as SeedFile;
    if (data.locations) await s.locations.ensure(data.locations);
    for (const o of data.organisations) if (!(await s.organisations.byShortName(o.shortName))) await named(`${file}: organisation ${o.shortName}`, () => s.organisations.create(o));
    const slug = data.situation.slug;
    if (!(await s.situations.list()).some((x) => x.slug === slug)) {
      await named(`${file}: situation ${slug}`, () => s.situations.create(data.situation, SEED_USER));
      added.situations++;
    }
    for (const raw of data.figures) {
      const externalId = typeof raw.externalId === 'string' ? raw.externalId : undefined;
      if (externalId && (await s.figures.hasExternalId(slug, externalId))) continue;
      await named(`${file}: figure ${String(raw.externalId)}`, () => s.figures.create(slug, raw, SEED_USER));
      added.figures++;
    }
    const existing = await s.scenarios.list(slug, { includeDeleted: true });
    for (const sc of data.scenarios) {
      if (existing.some((e) => e.quote === sc.quote && e.value === sc.value)) continue;
      // `key` names the entry in the seed file only; the scenario itself has no such field.
      const { key, ...body } = sc;
      await named(`${file}: scenario ${String(key ?? sc.quote.slice(0, 40))}`, () => s.scenarios.create(slug, body, SEED_USER));
      added.scenarios++;
    }
  }
  return added;
}

/** True when the database holds no situation yet (first start). */
export async function isEmpty(storage: Storage): Promise<boolean> {
  return (await new SituationsService(storage).list()).length === 0;
}
