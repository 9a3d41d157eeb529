import type { Db } from '../storage/database';
import { locationsRepository, type Location } from '../locations/locations.repository';
import { scenariosRepository } from '../scenarios/scenarios.repository';
import { analyse } from '../statistics';
import { validationFailed, fieldError } from '../errors';
import type { Category } from '../figures/figure';
import type { Situation } from '../situations/situation';
import { analysisRepository } from './analysis.repository';

export type Analysis = ReturnType<typeof analyse>;

export interface ComputeRequest {
  situation: Pick<Situation, 'id' | 'country' | 'onsetDate'>;
  location: string;
  category: Category;
  horizonDays: number;
  asOf?: string;
  thresholds?: number[];
  stalenessDays: number;
}

/** The country's locations and the codes of `location` and everything under it (roll-up needs the children's figures); 400 for an unknown location. */
export async function analysisScope(db: Db, country: string, location: string): Promise<{ locations: Location[]; codes: string[] }> {
  const locations = await locationsRepository.list(db, country);
  if (!locations.some((l) => l.code === location)) throw validationFailed([fieldError('location', 'unknown_location_in', { code: location, country })]);
  const codes = new Set([location]);
  for (let grew = true; grew;) {
    grew = false;
    for (const l of locations)
      if (l.parentCode && codes.has(l.parentCode) && !codes.has(l.code)) {
        codes.add(l.code);
        grew = true;
      }
  }
  return { locations, codes: [...codes] };
}

/**
 * One analysis from the database: the location's subtree, its approved figures of the category (only the columns
 * reconciliation uses) and the situation's scenarios, through the pure statistics module. No cache; run in the
 * request's thread or in server/analysis/analysis.worker.ts.
 */
export async function computeAnalysis(db: Db, r: ComputeRequest): Promise<Analysis> {
  const { locations, codes } = await analysisScope(db, r.situation.country, r.location);
  const figures = await analysisRepository.figures(db, { situationId: r.situation.id, category: r.category, locations: codes });
  // The analysis is public and cached for everyone: it carries no account emails.
  const scenarios = (await scenariosRepository.list(db, r.situation.id)).map(({ createdBy: _by, ...s }) => s);
  return analyse({
    figures,
    scenarios,
    locations,
    onset: r.situation.onsetDate,
    location: r.location,
    category: r.category,
    horizonDays: r.horizonDays,
    asOf: r.asOf,
    stalenessDays: r.stalenessDays,
    thresholds: r.thresholds,
  });
}
