/**
 * The data the charts are drawn from, as one JSON document. The server builds it (payload.ts); the browser
 * reads it from a `<script type="application/json">` element and the PNG renderer uses it directly, and both
 * hand it to the same builder (config.ts), so the page and the PNG cannot drift apart.
 */
import type { Messages } from '../i18n/format';

export const CHART_IDS = ['series', 'locations', 'changes'] as const;
export type ChartId = (typeof CHART_IDS)[number];

export interface ReportedPoint {
  id: number;
  date: string;
  value: number;
  valueLow: number | null;
  valueHigh: number | null;
  quantifier: string;
  organisation: string;
  role: string;
  quote: string;
}

export interface ChartPayload {
  /** Locale for Intl number and date formatting. */
  locale: string;
  /** Translated chart text (chart.*, quantifier.*, category.* keys). */
  messages: Messages;
  /** Heading drawn on PNGs (the page has its own HTML heading). */
  title: string;
  /** Subtitle of each chart on PNGs: what that chart shows and as of when (the page has its own captions). */
  subtitles: Record<ChartId, string | string[]>;
  /** Organisations behind the numbers each chart plots, for the source line under a PNG. */
  sources: Record<ChartId, string[]>;
  /** Organisation short names in colour order, so a source keeps its colour across charts and pages. */
  organisations: string[];
  series: {
    reported: ReportedPoint[];
    reconciled: { date: string; value: number; kind: string; bound: string }[];
    band: { date: string; low: number; high: number }[];
    /** The published projection: central and 80% range per day from the last report to the horizon. */
    projection: { points: { date: string; low: number; central: number; high: number }[] } | null;
    /** Scenario curves beside the range (exponential growth, S-curve to a ceiling), with their translated labels. */
    curves: { kind: string; label: string; points: { date: string; value: number }[] }[];
    /** Quoted agency scenarios: flat labelled lines. */
    scenarios: { organisation: string; kind: string; value: number; horizonDate: string | null }[];
    /** What we said then: each past report's projection for `target` (the horizon later), and what was reported there. */
    past: { date: string; target: string; low: number; central: number; high: number; actual: number; held: boolean }[];
  };
  locations: { code: string; name: string; origin: number | null; destination: number | null; unknown: number | null }[];
  changes: { from: string; to: string; days: number; change: number; perDay: number }[];
}
