/* Domain types for figures and scenarios (docs/data-model.md). Dates are ISO `YYYY-MM-DD` strings throughout. */

export const FLOW_CATEGORIES = ['new_displacement', 'return', 'cross_border_outflow'] as const;
export const STOCK_CATEGORIES = ['idps', 'returnees', 'refugees'] as const;
export const CATEGORIES = [...FLOW_CATEGORIES, ...STOCK_CATEGORIES] as const;
export type Category = (typeof CATEGORIES)[number];
export const isFlow = (c: Category): boolean => (FLOW_CATEGORIES as readonly string[]).includes(c);

export const QUANTIFIERS = ['exact', 'approximately', 'more_than', 'less_than'] as const;
export type Quantifier = (typeof QUANTIFIERS)[number];

export const LOCATION_ROLES = ['origin', 'destination', 'unknown'] as const;
export type LocationRole = (typeof LOCATION_ROLES)[number];

export const UNITS = ['people', 'households'] as const;
export type Unit = (typeof UNITS)[number];

export const FIGURE_ROLES = ['recommended', 'triangulation'] as const;
export type FigureRole = (typeof FIGURE_ROLES)[number];

export const STATUSES = ['draft', 'approved', 'rejected'] as const;
export type Status = (typeof STATUSES)[number];

export const RELIABILITIES = ['low', 'medium', 'high'] as const;
export type Reliability = (typeof RELIABILITIES)[number];

export const SCENARIO_KINDS = ['ceiling', 'planning_figure', 'expected'] as const;
export type ScenarioKind = (typeof SCENARIO_KINDS)[number];

/**
 * The group a figure belongs to: its place, category, date and location role. A write names the groups of the
 * figures it changed (before and after), so alert evaluation looks only there (server/alerts).
 */
export interface FigureGroup {
  location: string;
  category: Category;
  periodEnd: string;
  role: string;
}

export const figureGroup = (f: Pick<Figure, 'location' | 'category' | 'periodEnd' | 'locationRole'>): FigureGroup => ({
  location: f.location,
  category: f.category,
  periodEnd: f.periodEnd,
  role: f.locationRole,
});

/** One number as one source published it. `value` is always in people. */
export interface Figure {
  id: number;
  situation: string; // situation slug
  location: string; // location code
  locationRole: LocationRole;
  category: Category;
  periodStart: string | null; // flows: start of the counted period; stocks: null
  periodEnd: string; // flows: end of period; stocks: as-of date
  value: number;
  valueLow: number | null;
  valueHigh: number | null;
  quantifier: Quantifier;
  unit: Unit;
  reportedValue: number; // the number as published (households when unit = households)
  householdSize: number | null;
  organisation: string; // organisation short name
  organisationReliability: Reliability;
  sourceUrl: string;
  sourceTitle: string | null;
  publishedOn: string;
  quote: string;
  role: FigureRole;
  status: Status;
  notes: string | null;
  /** DTM round information, when the source reports in rounds: within one operation only the latest round counts. */
  operation: string | null;
  reportingRound: number | null;
  /** e.g. BA (baseline assessment), SA (site assessment). */
  assessmentType: string | null;
  createdBy: string;
  createdAt: string;
  updatedBy: string;
  updatedAt: string;
  version: number;
  deletedAt: string | null;
}

/** A projection published by someone else; never an observation. */
export interface Scenario {
  id: number;
  situation: string;
  location: string;
  category: Category;
  organisation: string;
  kind: ScenarioKind;
  value: number;
  horizonDate: string | null;
  publishedOn: string;
  sourceUrl: string;
  quote: string;
  notes: string | null;
  createdBy: string;
  createdAt: string;
  /** Set when the scenario was deleted (restorable); deleted scenarios never reach the analysis. */
  deletedAt: string | null;
}
