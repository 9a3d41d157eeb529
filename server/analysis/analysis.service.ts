import type { Storage } from '../storage/database';
import { situationsRepository } from '../situations/situations.repository';
import { situationOr404 } from '../situations/situations.service';
import type { Category } from '../figures/figure';
import { headlineCategoryOf, type Situation } from '../situations/situation';
import { analysisRepository } from './analysis.repository';
import { analysisCacheRepository } from './analysis-cache.repository';
import { analysisScope, computeAnalysis, type Analysis, type ComputeRequest } from './analysis.compute';
import { computeInWorker } from './analysis.threads';

export type { Analysis };

export interface AnalysisQuery {
  location?: string;
  category?: Category;
  horizon?: number;
  asOf?: string;
  thresholds?: number[];
}

export interface AnalysisOptions {
  stalenessDays: number;
  horizonDays: number;
  /** Results that took at least this long to compute are also stored in the database (analysis_cache); default 50 ms. */
  persistMs?: number;
  /**
   * An analysis that reads more figures than this is large: it is computed in a worker thread (when `threads` is on
   * and the database is not in memory), and `analyseOrDefer` does not wait for it; default 20,000.
   */
  inlineFigures?: number;
  /** Compute large situations' analyses in a worker thread; default true. */
  threads?: boolean;
  /** Told about a failed background computation or cache write (the next request computes again). */
  onError?: (err: unknown, what: string) => void;
}

export interface Analysed {
  situation: Situation;
  analysis: Analysis;
  location: string;
  category: Category;
}

interface CacheEntry {
  stamp: string;
  results: Map<string, Analysis>;
  /** Sum of the results' JSON sizes: the memory cache of one situation stays under MAX_MEMORY_BYTES. */
  bytes: number;
}

/**
 * Bounds on what one query can make this service keep: a result larger than MAX_RESULT_BYTES as JSON is
 * answered but neither stored in analysis_cache nor kept in memory; a situation's memory cache starts again past
 * MAX_MEMORY_BYTES. The statistics bound a result's size (MAX_CURVE_DAYS), so these only guard against surprises.
 */
export const MAX_RESULT_BYTES = 4 * 1024 * 1024;
export const MAX_MEMORY_BYTES = 32 * 1024 * 1024;

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Reconciled series, trend and projections for a situation, computed by the pure statistics module.
 *
 * Results are cached per situation and query, valid while the situation's `updated_at` stamp is unchanged: every
 * write to its figures or scenarios moves the stamp in the same transaction, so no instance ever serves an
 * analysis of older data. Two levels: this process's memory, and the database (analysis_cache, for results that
 * took at least `persistMs`), which a restarted instance and the other instances on the same PostgreSQL database
 * read instead of computing again. A write in this process also drops both at once (`invalidate`).
 * An analysis that reads many figures (more than `inlineFigures`) takes seconds of synchronous work; it runs in
 * a worker thread (analysis.worker.ts) so the server keeps answering meanwhile.
 */
export class AnalysisService {
  private readonly cache = new Map<string, CacheEntry>();
  private readonly headlines = new Map<string, { stamp: string; category: Category }>();
  /** Computations under way, by situation, stamp and query: concurrent requests share one. */
  private readonly running = new Map<string, Promise<Analysis>>();
  private readonly persistMs: number;
  private readonly inlineFigures: number;

  constructor(
    private readonly storage: Storage,
    private readonly opts: AnalysisOptions,
  ) {
    this.persistMs = opts.persistMs ?? 50;
    this.inlineFigures = opts.inlineFigures ?? 20_000;
  }

  situation(slug: string): Promise<Situation> {
    return situationOr404(this.storage.db, slug);
  }

  /** Drops cached results of one situation, in memory and in the database (other processes see the stamp move). */
  invalidate(slug: string) {
    this.cache.delete(slug);
    situationsRepository
      .bySlug(this.storage.db, slug)
      .then((s) => (s ? analysisCacheRepository.drop(this.storage.db, s.id) : undefined))
      .catch((err) => this.opts.onError?.(err, `dropping stored analyses of ${slug}`));
  }

  async analyse(slug: string, q: AnalysisQuery = {}): Promise<Analysed> {
    const situation = await this.situation(slug);
    const { location, category, key } = await this.resolve(situation, q);
    const analysis = (await this.cached(situation, key)) ?? (await this.compute(situation, key, location, category, q));
    return { situation, analysis, location, category };
  }

  /**
   * The default analysis (the dashboard's, at `horizon` days or the service default) when it is cached or cheap to compute. When it is large and not cached
   * it starts the computation in the background and returns null at once, so a page listing
   * every situation answers in milliseconds instead of waiting many seconds for one of them.
   */
  async analyseOrDefer(slug: string, horizon?: number): Promise<Analysed | null> {
    const situation = await this.situation(slug);
    const q: AnalysisQuery = horizon === undefined ? {} : { horizon };
    const { location, category, key } = await this.resolve(situation, q);
    const hit = await this.cached(situation, key);
    if (hit) return { situation, analysis: hit, location, category };
    if (!(await this.isLarge(situation, location, category))) return { situation, analysis: await this.compute(situation, key, location, category, q), location, category };
    setImmediate(() => this.compute(situation, key, location, category, q).catch((err) => this.opts.onError?.(err, `analysing ${slug}`)));
    return null;
  }

  private async resolve(situation: Situation, q: AnalysisQuery) {
    const location = q.location ?? situation.country;
    const category = q.category ?? (await this.headlineCategory(situation));
    const key = JSON.stringify([location, category, q.horizon ?? this.opts.horizonDays, q.asOf ?? null, q.thresholds ?? null]);
    return { location, category, key };
  }

  /** The situation's headline category, worked out once per data version (situation stamp). */
  async headlineCategory(situation: Situation): Promise<Category> {
    if (situation.headlineCategory) return situation.headlineCategory;
    const hit = this.headlines.get(situation.slug);
    if (hit && hit.stamp === situation.updatedAt) return hit.category;
    const category = headlineCategoryOf(situation, await situationsRepository.latestApprovedByCategory(this.storage.db, situation.id));
    if (this.headlines.size > 1000) this.headlines.clear();
    this.headlines.set(situation.slug, { stamp: situation.updatedAt, category });
    return category;
  }

  private remember(situation: Situation, key: string, analysis: Analysis, bytes: number) {
    if (bytes > MAX_RESULT_BYTES) return;
    let entry = this.cache.get(situation.slug);
    if (entry && entry.stamp > situation.updatedAt) return; // computed from data older than what is cached now
    if (!entry || entry.stamp !== situation.updatedAt) {
      entry = { stamp: situation.updatedAt, results: new Map(), bytes: 0 };
      this.cache.set(situation.slug, entry);
    }
    if (entry.results.size > 200 || entry.bytes + bytes > MAX_MEMORY_BYTES) {
      entry.results.clear();
      entry.bytes = 0;
    }
    entry.results.set(key, analysis);
    entry.bytes += bytes;
  }

  /** From memory, else from the database (then kept in memory); only results computed at the situation's current stamp. */
  private async cached(situation: Situation, key: string): Promise<Analysis | undefined> {
    const entry = this.cache.get(situation.slug);
    if (entry && entry.stamp === situation.updatedAt) {
      const hit = entry.results.get(key);
      if (hit) return hit;
    }
    const stored = await analysisCacheRepository.get(this.storage.db, situation.id, key, situation.updatedAt);
    if (stored === undefined) return undefined;
    const analysis = JSON.parse(stored) as Analysis;
    this.remember(situation, key, analysis, stored.length);
    return analysis;
  }

  private compute(situation: Situation, key: string, location: string, category: Category, q: AnalysisQuery): Promise<Analysis> {
    const id = `${situation.id}\u0000${situation.updatedAt}\u0000${key}`;
    let p = this.running.get(id);
    if (!p) {
      p = this.run(situation, key, location, category, q).finally(() => this.running.delete(id));
      this.running.set(id, p);
    }
    return p;
  }

  /** More than `inlineFigures` figures to read (400 for an unknown location). */
  private async isLarge(situation: Situation, location: string, category: Category): Promise<boolean> {
    const { codes } = await analysisScope(this.storage.db, situation.country, location);
    const n = await analysisRepository.countUpTo(this.storage.db, { situationId: situation.id, category, locations: codes }, this.inlineFigures + 1);
    return n > this.inlineFigures;
  }

  /** A large analysis, with threads on and a database another thread can open (not SQLite :memory:). */
  private async offThread(situation: Situation, location: string, category: Category): Promise<boolean> {
    const o = this.storage.options;
    const memory = !o.url && (o.sqlitePath ?? ':memory:') === ':memory:';
    return this.opts.threads !== false && !memory && (await this.isLarge(situation, location, category));
  }

  private async run(situation: Situation, key: string, location: string, category: Category, q: AnalysisQuery): Promise<Analysis> {
    const t0 = performance.now();
    const request: ComputeRequest = {
      situation: { id: situation.id, country: situation.country, onsetDate: situation.onsetDate },
      location,
      category,
      horizonDays: q.horizon ?? this.opts.horizonDays,
      asOf: q.asOf,
      thresholds: q.thresholds,
      stalenessDays: this.opts.stalenessDays,
    };
    let analysis: Analysis;
    let json: string | undefined;
    // offThread checks the location first: an unknown one answers 400 from here, as when computed in this thread.
    if (await this.offThread(situation, location, category)) {
      json = await computeInWorker(this.storage.options, request);
      analysis = JSON.parse(json) as Analysis;
    } else {
      analysis = await computeAnalysis(this.storage.db, request);
    }
    const ms = performance.now() - t0;
    json ??= JSON.stringify(analysis);
    this.remember(situation, key, analysis, json.length);
    if (ms >= this.persistMs && json.length <= MAX_RESULT_BYTES) {
      // Stored as JSON: what is read back is the same value (the statistics return JSON-serialisable results).
      await yieldToEventLoop();
      await analysisCacheRepository
        .put(this.storage.db, situation.id, key, situation.updatedAt, json, ms)
        .catch((err) => this.opts.onError?.(err, `storing the analysis of ${situation.slug}`));
    }
    return analysis;
  }
}
