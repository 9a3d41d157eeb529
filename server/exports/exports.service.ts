import { Readable } from 'node:stream';
import type { Storage } from '../storage/database';

import { todayIso } from '../validation';
import type { Category } from '../figures/figure';
import { ACCOUNT_FIELDS } from '../auth/user';
import { figuresRepository } from '../figures/figures.repository';
import { locationsRepository } from '../locations/locations.repository';
import { organisationsRepository } from '../organisations/organisations.repository';
import type { AnalysisService } from '../analysis/analysis.service';
import { changeBetweenReports } from '../statistics';
import {
  csvChunks,
  csvStream,
  figureColumns,
  projectionColumns,
  readableSummaryColumns,
  seriesColumns,
  summaryColumns,
  EXPORTS,
  type CellValue,
  type ExportName,
  type ProjectionExportRow,
  type ReadableText,
  type SeriesExportRow,
  type SummaryExportRow,
} from '../csv/write';

export interface ExportRequest {
  name: ExportName;
  hxl: boolean;
  bom: boolean;
  /** figures: 'approved' (everyone), or 'all', 'draft', 'rejected' (editors). */
  status: 'approved' | 'all' | 'draft' | 'rejected';
  location?: string;
  category?: Category;
  horizon?: number;
  /** figures: the filters of the figures list, so a download holds exactly the rows shown. */
  organisation?: string;
  from?: string;
  to?: string;
  /** Include the columns naming accounts (createdBy, updatedBy): signed-in readers only. */
  accounts?: boolean;
  /** The reader's interface text (the readable summary's headers and words); default: the instance's. */
  text?: ReadableText;
}

/** CSV downloads of a situation: rows stream from the database or the analysis through the CSV writer (server/csv/record.ts). */
export class ExportsService {
  constructor(
    private readonly storage: Storage,
    private readonly analysis: AnalysisService,
    /** The instance's interface text: the readable summary's headers and words, and README.txt. */
    readonly text: ReadableText,
  ) {}

  /** A dated file name such as syria-2024-offensive-figures-2026-11-25.csv; the HXL variant says so (…-figures-hxl-…). */
  fileName(slug: string, name: ExportName, hxl = false) {
    return `${slug}-${name}${hxl ? '-hxl' : ''}-${todayIso()}.csv`;
  }

  async open(slug: string, req: ExportRequest): Promise<Readable> {
    const situation = await this.analysis.situation(slug);
    const opts = { hxl: req.hxl, bom: req.bom };

    if (req.name === 'figures') {
      const columns = figureColumns().filter((c) => req.accounts || !(ACCOUNT_FIELDS as readonly string[]).includes(c.key));
      let organisationId: number | undefined;
      if (req.organisation) {
        const org = await organisationsRepository.byShortName(this.storage.db, req.organisation);
        // An organisation with no record has no figures: an empty file, as the list shows none.
        organisationId = org?.id ?? -1;
      }
      const filter = { situationId: situation.id, status: req.status, location: req.location, category: req.category, organisationId, from: req.from, to: req.to };
      const query = figuresRepository.exportQuery(
        this.storage.db,
        filter,
        columns.map((c) => c.key),
      );
      // 200 rows a batch: one batch's rows and text then die young; larger batches were no faster (1,000 rows: ~10%
      // slower on 100,000 rows) and, at 2,000, outlived the young generation (~80 MB more memory).
      return Readable.from(csvChunks(columns, opts, this.storage.streamRows(query, 200) as AsyncIterable<CellValue[][]>));
    }

    // The figures export joins location names in SQL; the others look them up here.
    const locations = new Map((await locationsRepository.list(this.storage.db, situation.country)).map((l) => [l.code, l]));
    const level = (code: string) => Math.min(2, locations.get(code)?.adminLevel ?? 0) as 0 | 1 | 2;

    if (req.name === 'series' || req.name === 'projections') {
      const { analysis, location, category } = await this.analysis.analyse(slug, { location: req.location, category: req.category, horizon: req.horizon });
      const tags = { category, adminLevel: level(location) };
      if (req.name === 'series') {
        const band = new Map(analysis.series.band.map((b) => [b.date, b]));
        const rows: SeriesExportRow[] = analysis.series.points.map((p) => ({
          date: p.date,
          location,
          category,
          value: p.value,
          quantifier: p.derived ? null : p.quantifier,
          bandLow: band.get(p.date)?.low ?? null,
          bandHigh: band.get(p.date)?.high ?? null,
          derived: p.derived,
          sources: [...new Set([...p.sources, ...(band.get(p.date)?.sources ?? [])].map((s) => s.organisation))],
        }));
        return csvStream(seriesColumns(tags), opts, rows);
      }
      const pr = analysis.projections;
      const rows: ProjectionExportRow[] = [];
      for (const p of pr.range.points ?? []) rows.push({ kind: 'published', method: 'combined', date: p.date, central: p.central, low80: p.low, high80: p.high });
      const tr = pr.range.trackRecord;
      const track = (method: string, s: { n: number; mape: number | null; mase: number | null; coverage: number | null }) =>
        rows.push({ kind: 'trackRecord', method, date: null, horizonDays: tr.horizonDays, n: s.n, mape: s.mape, mase: s.mase, coverage80: s.coverage });
      track('combined', tr);
      track('naive', tr.baselines.naive);
      track('drift8', tr.baselines.drift8);
      for (const m of Object.values(pr.backtest.methods ?? {})) track(m.method, { n: m.n, mape: m.mape, mase: m.mase, coverage: m.coverage80 });
      for (const p of pr.backtest.past)
        rows.push({ kind: 'past', method: 'combined', date: p.date, target: p.target, central: p.central, low80: p.low, high80: p.high, actual: p.actual, held: p.held });
      for (const s of pr.scenarios) {
        if (s.points) for (const p of s.points) rows.push({ kind: 'scenario', method: s.kind, date: p.date, central: p.value });
        else rows.push({ kind: 'scenario', method: s.kind, date: s.horizonDate ?? null, central: s.value ?? null });
      }
      for (const [method, m] of Object.entries(pr.methods))
        for (const p of m.points ?? []) rows.push({ kind: 'curve', method, date: p.date, central: p.central, low80: p.lo80, high80: p.hi80, low95: p.lo95, high95: p.hi95 });
      return csvStream(projectionColumns(tags), opts, rows);
    }

    // summary: every location × category with approved figures, with its headline numbers.
    const combos = await figuresRepository.approvedCombos(this.storage.db, situation.id);
    const analysis = this.analysis;
    const rows = async function* (): AsyncGenerator<SummaryExportRow> {
      for (const c of combos) {
        const category = c.category as Category;
        const { analysis: a } = await analysis.analyse(slug, { location: c.location_code, category, horizon: req.horizon });
        const last = a.series.points.at(-1);
        const end = a.projections.range.points?.at(-1);
        const between = changeBetweenReports(a.series.points);
        yield {
          location: c.location_code,
          locationName: locations.get(c.location_code)?.name ?? null,
          category,
          latestValue: last?.value ?? null,
          latestQuantifier: last && !last.derived ? last.quantifier : null,
          latestDate: last?.date ?? null,
          change7d: a.trend.sevenDayRate.value == null ? null : Math.round(a.trend.sevenDayRate.value * 7),
          changeBetweenReports: between ? Math.round(between.change) : null,
          changeFromDate: between?.from.date ?? null,
          changeToDate: between?.to.date ?? null,
          projectedLow: end ? Math.round(end.low) : null,
          projectedCentral: end ? Math.round(end.central) : null,
          projectedHigh: end ? Math.round(end.high) : null,
          horizonDate: end?.date ?? null,
          centralMethod: end ? a.projections.range.method : null,
          trackRecordN: a.projections.range.trackRecord.n,
          trackRecordHeld: a.projections.range.trackRecord.held,
          trackRecordMape: a.projections.range.trackRecord.mape,
          sourceCount: Number(c.sources),
        };
      }
    };
    if (req.name === 'summary-readable') return csvStream(readableSummaryColumns(req.text ?? this.text), { ...opts, hxl: false }, rows());
    return csvStream(summaryColumns({}), opts, rows());
  }
}

export const EXPORT_NAMES = Object.keys(EXPORTS) as ExportName[];
