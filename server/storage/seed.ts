import fs from 'node:fs';
import path from 'node:path';
import { nowIso, type Storage } from './database';
import { locationsRepository, type Location } from '../locations/locations.repository';
import { organisationsRepository } from '../organisations/organisations.repository';
import { situationsRepository } from '../situations/situations.repository';
import { figuresRepository } from '../figures/figures.repository';
import { checkReferences } from '../figures/figures.service';
import { figureCreateSchema } from '../figures/figure.schema';
import { validationFailed } from '../errors';
import { REFERENCE_DIR, SEEDS_DIR } from '../paths';
import { toFieldErrors } from '../validation';
import type { Reliability } from '../figures/figure';

/** Reference locations (data/reference) and seed situations (seeds/), loaded idempotently. */

export const SEED_ACTOR = 'seed@system';

interface SeedFile {
  situation: { slug: string; title: string; country: string; onsetDate: string; description: string };
  locations?: Location[];
  organisations: { shortName: string; name: string; reliability: Reliability }[];
  figures: Record<string, unknown>[];
  scenarios: { location: string; category: string; organisation: string; kind: string; value: number; horizonDate: string | null; publishedOn: string; sourceUrl: string; quote: string; notes: string | null }[];
}

export async function loadReferenceLocations(storage: Storage): Promise<number> {
  const dir = REFERENCE_DIR;
  let n = 0;
  for (const file of fs.readdirSync(dir).filter((f) => f.startsWith('locations-') && f.endsWith('.json')).sort()) {
    const { locations } = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as { locations: Location[] };
    await storage.db.transaction().execute((trx) => locationsRepository.ensure(trx, locations));
    n += locations.length;
  }
  return n;
}

/** Loads every seeds/*.json; adds only what is missing. Returns counts of what was added. */
export async function seed(storage: Storage): Promise<{ situations: number; figures: number; scenarios: number }> {
  await loadReferenceLocations(storage);
  const added = { situations: 0, figures: 0, scenarios: 0 };
  const dir = SEEDS_DIR;
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    const data = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as SeedFile;
    await storage.db.transaction().execute(async (trx) => {
      const at = nowIso();
      if (data.locations) await locationsRepository.ensure(trx, data.locations);
      for (const o of data.organisations)
        if (!(await organisationsRepository.byShortName(trx, o.shortName))) await organisationsRepository.insert(trx, o, at);
      let situation = await situationsRepository.bySlug(trx, data.situation.slug);
      if (!situation) {
        await situationsRepository.insert(trx, { ...data.situation, createdAt: at, updatedAt: at });
        situation = (await situationsRepository.bySlug(trx, data.situation.slug))!;
        added.situations++;
      }
      for (const raw of data.figures) {
        const parsed = figureCreateSchema.safeParse(raw);
        if (!parsed.success) throw new Error(`${file}: figure ${String(raw.externalId)} is invalid: ${toFieldErrors(parsed.error).map((e) => `${e.path} ${e.message}`).join('; ')}`);
        const f = parsed.data;
        if (f.externalId && (await figuresRepository.findByExternalId(trx, situation.id, f.externalId))) continue;
        const { errors, organisationId } = await checkReferences(trx, situation, f);
        if (errors.length) throw validationFailed(errors);
        const created = await figuresRepository.insert(trx, situation, f, organisationId!, { actor: SEED_ACTOR, at, importId: null });
        await figuresRepository.addHistory(trx, created.id, 'create', SEED_ACTOR, at, null, created);
        added.figures++;
      }
      const existing = await trx.selectFrom('scenarios').select(['quote', 'value']).where('situation_id', '=', situation.id).execute();
      for (const sc of data.scenarios) {
        if (existing.some((e) => e.quote === sc.quote && Number(e.value) === sc.value)) continue;
        const org = await organisationsRepository.byShortName(trx, sc.organisation);
        if (!org) throw new Error(`${file}: scenario organisation ${sc.organisation} is not seeded`);
        await trx
          .insertInto('scenarios')
          .values({
            situation_id: situation.id, location_code: sc.location, category: sc.category, organisation_id: org.id, kind: sc.kind, value: sc.value,
            horizon_date: sc.horizonDate, published_on: sc.publishedOn, source_url: sc.sourceUrl, quote: sc.quote, notes: sc.notes,
            created_by: SEED_ACTOR, created_at: at, deleted_at: null,
          })
          .execute();
        added.scenarios++;
      }
      if (added.figures || added.scenarios) await situationsRepository.touch(trx, situation.id, at);
    });
  }
  return added;
}

/** True when the database holds no situation yet (first start). */
export async function isEmpty(storage: Storage): Promise<boolean> {
  const r = await storage.db.selectFrom('situations').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(r.n) === 0;
}
