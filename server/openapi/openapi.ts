import { z } from 'zod';
import { figureCreateSchema, figureFields, figureUpdateSchema } from '../figures/figure.schema';
import { scenarioCreateSchema } from '../scenarios/scenario.schema';
import { situationCreateSchema } from '../situations/situation';
import { organisationCreateSchema } from '../organisations/organisations.repository';
import { tokenRequestSchema } from '../auth/user';
import { RELIABILITIES } from '../figures/figure';

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
  void [figureCreateSchema, figureUpdateSchema, figureOut, errorOut, situationCreateSchema, scenarioCreateSchema, organisationCreateSchema, tokenRequestSchema];
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
      '/api/v1/locations': { get: { summary: 'Locations', parameters: [q('country', 'ISO3')], responses: { '200': { description: 'locations' } } } },
      '/api/v1/organisations': {
        get: { summary: 'Organisations with reliability', responses: { '200': { description: 'organisations' } } },
        post: { summary: 'Add an organisation', security: [{ bearer: [] }], requestBody: json(ref('OrganisationCreate')), responses: { '201': { description: 'created' }, ...errors } },
      },
    },
  };
}
