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
  /** Subtitle on PNGs: where the numbers come from and as of when. */
  subtitle: string;
  /** Organisation short names in colour order, so a source keeps its colour across charts and pages. */
  organisations: string[];
  series: {
    reported: ReportedPoint[];
    reconciled: { date: string; value: number; kind: string; bound: string }[];
    band: { date: string; low: number; high: number }[];
    /** The central method's projection with its 80% and 95% ranges. */
    fan: { method: string; name: string; points: { date: string; central: number; lo80: number; hi80: number; lo95: number; hi95: number }[] } | null;
    /** The high end of the published scenario range when it comes from an accelerating method. */
    high: { label: string; points: { date: string; value: number }[] } | null;
    scenarios: { organisation: string; kind: string; value: number; horizonDate: string | null }[];
  };
  locations: { code: string; name: string; origin: number | null; destination: number | null; unknown: number | null }[];
  changes: { from: string; to: string; days: number; change: number; perDay: number }[];
}
