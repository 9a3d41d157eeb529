import type { Generated } from 'kysely';

/** Table types for Kysely. Dates and timestamps are ISO text on both databases; booleans are 0/1 integers. */
export interface SituationsTable {
  id: Generated<number>;
  slug: string;
  title: string;
  country: string;
  onset_date: string;
  description: string | null;
  headline_category: string | null;
  version: Generated<number>;
  created_at: string;
  updated_at: string;
}
export interface SituationHistoryTable {
  id: Generated<number>;
  situation_id: number;
  action: string;
  actor: string;
  at: string;
  before: string | null;
  after: string | null;
}
export interface LocationsTable {
  code: string;
  name: string;
  admin_level: number;
  parent_code: string | null;
  country: string;
  is_area: number;
  pcode: string | null;
  /** Names in Arabic and French (migration 008); null: pages show `name`. */
  name_ar: string | null;
  name_fr: string | null;
}
export interface OrganisationsTable {
  id: Generated<number>;
  name: string;
  short_name: string;
  reliability: string;
  created_at: string;
}
export interface UsersTable {
  id: Generated<number>;
  email: string;
  name: string | null;
  role: string;
  password_hash: string;
  created_at: string;
  disabled_at: string | null;
  /** Preferred interface language (en, fr, ar); null: the browser's and the instance's choice. */
  locale: string | null;
}
export interface ApiTokensTable {
  id: Generated<number>;
  user_id: number;
  token_hash: string;
  label: string | null;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
  /** Null: a token made before migration 004, valid until revoked. */
  expires_at: string | null;
}
export interface SessionsTable {
  id: string;
  user_id: number;
  created_at: string;
  expires_at: string;
}
export interface FiguresTable {
  id: Generated<number>;
  situation_id: number;
  location_code: string;
  location_role: string;
  category: string;
  period_start: string | null;
  period_end: string;
  value: number;
  value_low: number | null;
  value_high: number | null;
  quantifier: string;
  unit: string;
  reported_value: number;
  household_size: number | null;
  organisation_id: number;
  source_url: string;
  source_title: string | null;
  published_on: string;
  quote: string;
  role: string;
  status: string;
  notes: string | null;
  external_id: string | null;
  import_id: number | null;
  created_by: string;
  created_at: string;
  updated_by: string;
  updated_at: string;
  version: number;
  deleted_at: string | null;
  /** Who last changed what the figure says; null: its creator (migration 004). */
  changed_by: string | null;
  /** DTM round information (migration 007); null for sources without rounds. */
  operation: string | null;
  reporting_round: number | null;
  assessment_type: string | null;
}
export interface FigureHistoryTable {
  id: Generated<number>;
  figure_id: number;
  action: string;
  actor: string;
  at: string;
  before: string | null;
  after: string | null;
}
export interface ScenarioHistoryTable {
  id: Generated<number>;
  scenario_id: number;
  action: string;
  actor: string;
  at: string;
  before: string | null;
  after: string | null;
}
export interface ScenariosTable {
  id: Generated<number>;
  situation_id: number;
  location_code: string;
  category: string;
  organisation_id: number;
  kind: string;
  value: number;
  horizon_date: string | null;
  published_on: string;
  source_url: string;
  quote: string;
  notes: string | null;
  created_by: string;
  created_at: string;
  deleted_at: string | null;
}
/** A computed analysis (JSON) per situation and query key, valid while the situation's updated_at equals `stamp`. */
export interface AnalysisCacheTable {
  situation_id: number;
  key: string;
  stamp: string;
  result: string;
  compute_ms: number;
  created_at: string;
}
export interface ImportsTable {
  id: Generated<number>;
  situation_id: number;
  filename: string;
  sha256: string;
  layout: string;
  figure_count: number;
  created_by: string;
  created_at: string;
}
/** Alerts (migration 006): rules, fired alerts, webhooks, email subscriptions, deliveries, and their audit trail. */
export interface AlertRulesTable {
  id: Generated<number>;
  situation_id: number;
  kind: string;
  location_code: string;
  category: string | null;
  /** JSON of the kind's parameters. */
  params: string;
  /** 'default-threshold' | 'default-stale' for the rules created with a situation; null for editors' rules. */
  origin: string | null;
  /** Projection rules: the crossing under way (null once the condition has cleared). */
  open_key: string | null;
  created_by: string;
  created_at: string;
  updated_by: string;
  updated_at: string;
  version: number;
  deleted_at: string | null;
}
export interface AlertsTable {
  id: Generated<number>;
  situation_id: number;
  rule_id: number;
  crossing_key: string;
  kind: string;
  location_code: string;
  category: string | null;
  value: number | null;
  observed_on: string | null;
  message: string;
  detail: string;
  figure_ids: string;
  triggered_at: string;
  acknowledged_by: string | null;
  acknowledged_at: string | null;
  acknowledgement_note: string | null;
}
export interface AlertWebhooksTable {
  id: Generated<number>;
  situation_id: number;
  url: string;
  secret: string;
  created_by: string;
  created_at: string;
  deleted_at: string | null;
}
export interface AlertSubscriptionsTable {
  id: Generated<number>;
  situation_id: number;
  user_id: number;
  token: string;
  created_at: string;
}
export interface AlertDeliveriesTable {
  id: Generated<number>;
  alert_id: number;
  situation_id: number;
  channel: string;
  target_id: number;
  target: string;
  status: string;
  attempts: number;
  next_attempt_at: string | null;
  last_status: number | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
}
export interface AlertHistoryTable {
  id: Generated<number>;
  situation_id: number;
  entity: string;
  entity_id: number;
  action: string;
  actor: string;
  at: string;
  before: string | null;
  after: string | null;
}
/** Boundaries (migration 009): uploaded admin boundaries per situation and level, every version kept, and their audit trail. */
export interface BoundariesTable {
  id: Generated<number>;
  situation_id: number;
  admin_level: number;
  /** Simplified, quantized TopoJSON; each geometry's properties are { code, name }. */
  topology: string;
  /** 1: planar coordinates (drawn with an identity projection); 0: longitude/latitude. */
  projected: number;
  source: string;
  licence: string;
  pcode_field: string;
  name_field: string | null;
  filename: string;
  feature_count: number;
  vertex_count: number;
  /** JSON: { pcode: location code } of the shapes that matched a location. */
  matched: string;
  created_by: string;
  created_at: string;
  retired_at: string | null;
  retired_by: string | null;
  /** 'replaced' | 'deleted' */
  retired_reason: string | null;
}
export interface BoundaryHistoryTable {
  id: Generated<number>;
  situation_id: number;
  boundary_id: number;
  action: string;
  actor: string;
  at: string;
  detail: string | null;
}

export interface Database {
  situations: SituationsTable;
  locations: LocationsTable;
  organisations: OrganisationsTable;
  users: UsersTable;
  api_tokens: ApiTokensTable;
  sessions: SessionsTable;
  figures: FiguresTable;
  figure_history: FigureHistoryTable;
  scenarios: ScenariosTable;
  scenario_history: ScenarioHistoryTable;
  situation_history: SituationHistoryTable;
  imports: ImportsTable;
  analysis_cache: AnalysisCacheTable;
  alert_rules: AlertRulesTable;
  alerts: AlertsTable;
  alert_webhooks: AlertWebhooksTable;
  alert_subscriptions: AlertSubscriptionsTable;
  alert_deliveries: AlertDeliveriesTable;
  alert_history: AlertHistoryTable;
  boundaries: BoundariesTable;
  boundary_history: BoundaryHistoryTable;
}
