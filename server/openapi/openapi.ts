import { z } from 'zod';
import { figureCreateSchema, figureFields, figureUpdateSchema } from '../figures/figure.schema';
import { scenarioCreateSchema } from '../scenarios/scenario.schema';
import { situationCreateSchema } from '../situations/situation';
import { organisationCreateSchema } from '../organisations/organisations.repository';
import { tokenRequestSchema } from '../auth/user';
import { RELIABILITIES } from '../figures/figure';
import { acknowledgeSchema, ruleCreateSchema, ruleUpdateSchema, webhookCreateSchema } from '../alerts/alert';
import { HAPI_FIELDS } from '../hapi/hapi';

/* The OpenAPI 3.1 document, generated from the same zod schemas the handlers validate with, so the two cannot drift. */

const figureOut = figureFields
  .extend({
    id: z.number().int(),
    situation: z.string(),
    value: z.number().int(),
    reportedValue: z.number().int(),
    organisationReliability: z.enum(RELIABILITIES),
    createdBy: z.string(), createdAt: z.string(), updatedBy: z.string(), updatedAt: z.string(),
    version: z.number().int(),
    deletedAt: z.string().nullable(),
  })
  .meta({ id: 'Figure' });

const errorOut = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    fields: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    current: z.unknown().optional().describe('On 409: the current record'),
  }),
}).meta({ id: 'Error' });

/** Every schema registered with a `.meta({ id })`, as OpenAPI components; references between them become $refs. */
function componentSchemas(): Record<string, unknown> {
  void [figureCreateSchema, figureUpdateSchema, figureOut, errorOut, situationCreateSchema, scenarioCreateSchema, organisationCreateSchema, tokenRequestSchema, ruleCreateSchema, ruleUpdateSchema, acknowledgeSchema, webhookCreateSchema];
  const { schemas } = z.toJSONSchema(z.globalRegistry, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12', uri: (id) => `#/components/schemas/${id}` }) as { schemas: Record<string, Record<string, unknown>> };
  return Object.fromEntries(Object.entries(schemas).map(([k, v]) => { const { $schema: _s, $id: _i, ...rest } = v; return [k, rest]; }));
}

const json = (s: unknown) => ({ content: { 'application/json': { schema: s } } });
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const errors = {
  '400': { description: 'Validation failed; `fields` names each bad field', ...json(ref('Error')) },
  '401': { description: 'No or unknown token', ...json(ref('Error')) },
  '403': { description: 'Role too low', ...json(ref('Error')) },
  '404': { description: 'Not found', ...json(ref('Error')) },
};
const slug = { name: 'slug', in: 'path', required: true, schema: { type: 'string' } };
const id = { name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } };
const q = (name: string, description: string, s: unknown = { type: 'string' }) => ({ name, in: 'query', required: false, description, schema: s });
const ruleId = { name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 }, description: 'alert rule id' };
const page = [q('limit', '1–200, default 50', { type: 'integer' }), q('before', 'only alerts with a smaller id (the next page)', { type: 'integer' })];
/** HAPI's query parameters and row fields (server/hapi/hapi.ts), described once for the three themes. */
function hapiPath(theme: 'idps' | 'refugees' | 'returnees') {
  const fields = HAPI_FIELDS(theme);
  return {
    get: {
      summary: `HDX HAPI-shaped ${theme} (as HAPI's /api/v2/affected-people/${theme}): approved, recommended stock figures, one row each`,
      description: `Fields and HXL hashtags (CSV second row): ${fields.map((f) => `\`${f.field}\` ${f.hxl} — ${f.description}`).join('; ')}.`,
      parameters: [
        q('location_code', 'ISO3 country code'), q('admin1_code', 'admin 1 p-code: its rows and those of its admin 2 places'), q('admin2_code', 'admin 2 p-code'),
        q('admin_level', '0, 1 or 2', { type: 'integer', enum: [0, 1, 2] }), q('start_date', 'reference period end on or after', { type: 'string', format: 'date' }),
        q('end_date', 'reference period end on or before', { type: 'string', format: 'date' }), q('output_format', 'json (default) or csv (with the HXL row)', { type: 'string', enum: ['json', 'csv'] }),
        q('limit', '1–10000, default 10000', { type: 'integer' }), q('offset', 'rows to skip, default 0', { type: 'integer' }), q('app_identifier', 'accepted as HAPI does; not used'),
      ],
      responses: {
        '200': {
          description: '`{ data: [...] }` or CSV',
          content: {
            'application/json': { schema: { type: 'object', properties: { data: { type: 'array', items: { type: 'object', properties: Object.fromEntries(fields.map((f) => [f.field, { description: `${f.description} (${f.hxl})` }])) } } } } },
            'text/csv': { schema: { type: 'string' } },
          },
        },
        ...errors,
      },
    },
  };
}
const analysisQuery = [q('location', 'Location code; defaults to the situation country'), q('category', 'Category; defaults to new_displacement')];

export function openApiDocument(): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Displacement tracker API',
      version: '1',
      description: 'Sourced displacement figures, reconciled series, trends and projection ranges. Writes need `Authorization: Bearer <token>` of an editor or admin.',
    },
    servers: [{ url: '/' }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: componentSchemas(),
    },
    paths: {
      '/healthz': { get: { summary: 'Health, including a database round trip', responses: { '200': { description: 'ok' }, '503': { description: 'database unreachable' } } } },
      '/api/v1/auth/tokens': { post: { summary: 'Create a personal API token from email and password', requestBody: json(ref('TokenRequest')), responses: { '201': { description: 'token (shown once)' }, ...errors } } },
      '/api/v1/situations': {
        get: { summary: 'List situations', responses: { '200': { description: 'situations' } } },
        post: { summary: 'Create a situation', security: [{ bearer: [] }], requestBody: json(ref('SituationCreate')), responses: { '201': { description: 'created' }, ...errors } },
      },
      '/api/v1/situations/{slug}': { get: { summary: 'One situation', parameters: [slug], responses: { '200': { description: 'situation' }, ...errors } } },
      '/api/v1/situations/{slug}/figures': {
        get: {
          summary: 'Figures of a situation (approved only unless you are an editor), in id order with cursor pagination',
          parameters: [slug, q('location', 'location code'), q('category', 'category'), q('status', 'draft|approved|rejected|all (editors)'), q('organisation', 'organisation short name'), q('from', 'periodEnd on or after', { type: 'string', format: 'date' }), q('to', 'periodEnd on or before', { type: 'string', format: 'date' }), q('limit', '1–1000, default 100', { type: 'integer' }), q('cursor', 'nextCursor of the previous page')],
          responses: { '200': { description: '{ data: Figure[], nextCursor }', ...json({ type: 'object', properties: { data: { type: 'array', items: ref('Figure') }, nextCursor: { type: ['string', 'null'] } } }) }, ...errors },
        },
        post: { summary: 'Add a figure (editor)', security: [{ bearer: [] }], parameters: [slug], requestBody: json(ref('FigureCreate')), responses: { '201': { description: 'created', ...json(ref('Figure')) }, ...errors } },
      },
      '/api/v1/figures/{id}': {
        get: { summary: 'One figure', parameters: [id], responses: { '200': { description: 'figure', ...json(ref('Figure')) }, ...errors } },
        patch: { summary: 'Edit a figure; send the version you based the edit on (stale → 409 with the current record)', security: [{ bearer: [] }], parameters: [id], requestBody: json(ref('FigureUpdate')), responses: { '200': { description: 'updated', ...json(ref('Figure')) }, '409': { description: 'stale version', ...json(ref('Error')) }, ...errors } },
        delete: { summary: 'Soft-delete a figure (restorable)', security: [{ bearer: [] }], parameters: [id], responses: { '200': { description: 'deleted record' }, ...errors } },
      },
      '/api/v1/figures/{id}/restore': { post: { summary: 'Restore a deleted figure', security: [{ bearer: [] }], parameters: [id], responses: { '200': { description: 'restored' }, ...errors } } },
      '/api/v1/figures/{id}/approve': { post: { summary: 'Approve (an editor other than the author, or an admin)', security: [{ bearer: [] }], parameters: [id], responses: { '200': { description: 'approved' }, ...errors } } },
      '/api/v1/figures/{id}/reject': { post: { summary: 'Reject a figure', security: [{ bearer: [] }], parameters: [id], responses: { '200': { description: 'rejected' }, ...errors } } },
      '/api/v1/figures/{id}/history': { get: { summary: 'Every change: who, when, before, after', security: [{ bearer: [] }], parameters: [id], responses: { '200': { description: 'history' }, ...errors } } },
      '/api/v1/situations/{slug}/scenarios': {
        get: { summary: 'Quoted projections (never observations)', parameters: [slug, q('includeDeleted', 'true: also deleted ones (editors)')], responses: { '200': { description: 'scenarios' }, ...errors } },
        post: { summary: 'Add a quoted scenario', security: [{ bearer: [] }], parameters: [slug], requestBody: json(ref('ScenarioCreate')), responses: { '201': { description: 'created' }, ...errors } },
      },
      '/api/v1/situations/{slug}/scenarios/{id}': { delete: { summary: 'Soft-delete a scenario (restorable; it leaves the projection range)', security: [{ bearer: [] }], parameters: [slug, id], responses: { '200': { description: 'deleted record' }, '409': { description: 'already deleted', ...json(ref('Error')) }, ...errors } } },
      '/api/v1/situations/{slug}/scenarios/{id}/restore': { post: { summary: 'Restore a deleted scenario', security: [{ bearer: [] }], parameters: [slug, id], responses: { '200': { description: 'restored' }, '409': { description: 'not deleted', ...json(ref('Error')) }, ...errors } } },
      '/api/v1/situations/{slug}/scenarios/{id}/history': { get: { summary: 'Who created, deleted or restored the scenario, when, before and after', security: [{ bearer: [] }], parameters: [slug, id], responses: { '200': { description: 'history' }, ...errors } } },
      '/api/v1/situations/{slug}/series': { get: { summary: 'Reconciled series with triangulation band', parameters: [slug, ...analysisQuery], responses: { '200': { description: 'series' }, ...errors } } },
      '/api/v1/situations/{slug}/trend': { get: { summary: 'Change per day, 7-day rate, growth rate and doubling time', parameters: [slug, ...analysisQuery], responses: { '200': { description: 'trend' }, ...errors } } },
      '/api/v1/situations/{slug}/projections': {
        get: { summary: 'The published projection (range: combined rule, 80%, with its track record at the horizon), scenarios beside it, time to threshold, alternative methods and their backtest', parameters: [slug, ...analysisQuery, q('horizon', 'days ahead, default 30', { type: 'integer' }), q('asOf', 'use only figures dated and published on or before', { type: 'string', format: 'date' })], responses: { '200': { description: 'projections' }, ...errors } },
      },
      '/api/v1/situations/{slug}/backtest': {
        get: { summary: 'Track record of the published projection at the horizon: each past report\'s projection against what was reported, MAPE / MASE / coverage against the naive and drift8 baselines, and every alternative method\'s scores', parameters: [slug, ...analysisQuery, q('horizon', 'days ahead, default 30', { type: 'integer' }), q('asOf', 'use only figures dated and published on or before', { type: 'string', format: 'date' })], responses: { '200': { description: 'backtest' }, ...errors } },
      },
      '/api/v1/situations/{slug}/alert-rules': {
        get: { summary: 'Alert rules (the defaults are created with the situation); includeDeleted=true for editors', parameters: [slug, q('includeDeleted', 'true: also deleted ones (editors)')], responses: { '200': { description: 'rules' }, ...errors } },
        post: { summary: 'Add an alert rule (editor); kinds: threshold, change_7d, yearly_high, projection, stale, conflict', security: [{ bearer: [] }], parameters: [slug], requestBody: json(ref('AlertRuleCreate')), responses: { '201': { description: 'created' }, ...errors } },
      },
      '/api/v1/situations/{slug}/alert-rules/{id}': {
        patch: { summary: 'Change a rule (not its kind); send the version you based the change on', security: [{ bearer: [] }], parameters: [slug, ruleId], requestBody: json(ref('AlertRuleUpdate')), responses: { '200': { description: 'updated' }, '409': { description: 'stale version', ...json(ref('Error')) }, ...errors } },
        delete: { summary: 'Soft-delete a rule (restorable)', security: [{ bearer: [] }], parameters: [slug, ruleId], responses: { '200': { description: 'deleted' }, ...errors } },
      },
      '/api/v1/situations/{slug}/alert-rules/{id}/restore': { post: { summary: 'Restore a deleted rule', security: [{ bearer: [] }], parameters: [slug, ruleId], responses: { '200': { description: 'restored' }, ...errors } } },
      '/api/v1/situations/{slug}/alert-rules/{id}/history': { get: { summary: 'Who created, changed, deleted or restored the rule', security: [{ bearer: [] }], parameters: [slug, ruleId], responses: { '200': { description: 'history' }, ...errors } } },
      '/api/v1/situations/{slug}/alerts': { get: { summary: "The situation's alerts, newest first, with the first triggering figure's source", parameters: [slug, ...page], responses: { '200': { description: '{ data: Alert[] }' }, ...errors } } },
      '/api/v1/alerts': { get: { summary: 'Alerts of every situation, newest first', parameters: page, responses: { '200': { description: '{ data: Alert[] }' }, ...errors } } },
      '/api/v1/alerts/{id}/acknowledge': { post: { summary: 'Acknowledge an alert with an optional note (any signed-in user; once)', security: [{ bearer: [] }], parameters: [id], requestBody: json(ref('AlertAcknowledge')), responses: { '200': { description: 'acknowledged' }, '409': { description: 'already acknowledged', ...json(ref('Error')) }, ...errors } } },
      '/api/v1/alerts/{id}/history': { get: { summary: 'The alert fired, and who acknowledged it', security: [{ bearer: [] }], parameters: [id], responses: { '200': { description: 'history' }, ...errors } } },
      '/api/v1/situations/{slug}/webhooks': {
        get: { summary: 'Webhooks (editors; secrets are never shown)', security: [{ bearer: [] }], parameters: [slug], responses: { '200': { description: 'webhooks' }, ...errors } },
        post: { summary: 'Register a webhook: each alert is POSTed as JSON with X-Alert-Signature: sha256=HMAC-SHA256(secret, body), retried with backoff', security: [{ bearer: [] }], parameters: [slug], requestBody: json(ref('WebhookCreate')), responses: { '201': { description: 'created' }, ...errors } },
      },
      '/api/v1/situations/{slug}/webhooks/{id}': { delete: { summary: 'Delete a webhook', security: [{ bearer: [] }], parameters: [slug, id], responses: { '200': { description: 'deleted' }, ...errors } } },
      '/api/v1/situations/{slug}/alert-deliveries': { get: { summary: 'Delivery log: webhook and email deliveries, attempts, last answer (editors)', security: [{ bearer: [] }], parameters: [slug, q('limit', '1–200', { type: 'integer' })], responses: { '200': { description: 'deliveries' }, ...errors } } },
      '/api/v1/situations/{slug}/alert-subscription': {
        get: { summary: 'Whether you receive alert emails for the situation', security: [{ bearer: [] }], parameters: [slug], responses: { '200': { description: '{ subscribed }' }, ...errors } },
        put: { summary: 'Receive alert emails (with an unsubscribe link)', security: [{ bearer: [] }], parameters: [slug], responses: { '200': { description: '{ subscribed: true }' }, ...errors } },
        delete: { summary: 'Stop alert emails', security: [{ bearer: [] }], parameters: [slug], responses: { '200': { description: '{ subscribed: false }' }, ...errors } },
      },
      '/api/v1/hapi/affected-people/idps': hapiPath('idps'),
      '/api/v1/hapi/affected-people/refugees': hapiPath('refugees'),
      '/api/v1/hapi/affected-people/returnees': hapiPath('returnees'),
      '/api/v1/locations': { get: { summary: 'Locations', parameters: [q('country', 'ISO3')], responses: { '200': { description: 'locations' } } } },
      '/api/v1/organisations': {
        get: { summary: 'Organisations with reliability', responses: { '200': { description: 'organisations' } } },
        post: { summary: 'Add an organisation', security: [{ bearer: [] }], requestBody: json(ref('OrganisationCreate')), responses: { '201': { description: 'created' }, ...errors } },
      },
    },
  };
}
