import type { Storage } from '../storage/database';
import { notFound, validationFailed } from '../errors';
import { situationsRepository } from '../situations/situations.repository';
import { locationsRepository } from '../locations/locations.repository';
import { figuresRepository, scenariosRepository } from '../figures/figures.repository';
import { analyse } from '../statistics';
import type { Category } from '../figures/figure';
import type { Situation } from '../situations/situation';

export type Analysis = ReturnType<typeof analyse>;

export interface AnalysisQuery {
  location?: string;
  category?: Category;
  horizon?: number;
  asOf?: string;
  thresholds?: number[];
}

interface CacheEntry {
  stamp: string;
  results: Map<string, Analysis>;
}

/**
 * Reconciled series, trend and projections for a situation, computed by the pure statistics module.
 * Results are cached per situation and dropped when the situation's `updated_at` stamp moves, which every
 * write to its figures or scenarios does in the same transaction, so several app instances stay correct.
 */
export class AnalysisService {
  private readonly cache = new Map<string, CacheEntry>();

  constructor(
    private readonly storage: Storage,
    private readonly opts: { stalenessDays: number; horizonDays: number },
  ) {}

  async situation(slug: string): Promise<Situation> {
    const s = await situationsRepository.bySlug(this.storage.db, slug);
    if (!s) throw notFound(`Situation ${slug}`);
    return s;
  }

  /** Drops cached results of one situation (writes in this process call it; other processes see the stamp move). */
  invalidate(slug: string) {
    this.cache.delete(slug);
  }

  async analyse(slug: string, q: AnalysisQuery = {}): Promise<{ situation: Situation; analysis: Analysis; location: string; category: Category }> {
    const situation = await this.situation(slug);
    const location = q.location ?? situation.country;
    const category = q.category ?? 'new_displacement';
    const key = JSON.stringify([location, category, q.horizon ?? this.opts.horizonDays, q.asOf ?? null, q.thresholds ?? null]);
    let entry = this.cache.get(slug);
    if (!entry || entry.stamp !== situation.updatedAt) {
      entry = { stamp: situation.updatedAt, results: new Map() };
      this.cache.set(slug, entry);
    }
    const hit = entry.results.get(key);
    if (hit) return { situation, analysis: hit, location, category };

    const locations = await locationsRepository.list(this.storage.db, situation.country);
    if (!locations.some((l) => l.code === location))
      throw validationFailed([{ path: 'location', message: `unknown location ${location} in ${situation.country}` }]);
    // The location and everything under it: roll-up needs the children's figures.
    const codes = new Set([location]);
    for (let grew = true; grew; ) {
      grew = false;
      for (const l of locations) if (l.parentCode && codes.has(l.parentCode) && !codes.has(l.code)) { codes.add(l.code); grew = true; }
    }
    const figures = await figuresRepository.list(this.storage.db, { situationId: situation.id, category, status: 'approved', locations: [...codes] });
    const scenarios = await scenariosRepository.list(this.storage.db, situation.id);
    const analysis = analyse({
      figures,
      scenarios,
      locations,
      onset: situation.onsetDate,
      location,
      category,
      horizonDays: q.horizon ?? this.opts.horizonDays,
      asOf: q.asOf,
      stalenessDays: this.opts.stalenessDays,
      thresholds: q.thresholds,
    });
    if (entry.results.size > 200) entry.results.clear();
    entry.results.set(key, analysis);
    return { situation, analysis, location, category };
  }
}
