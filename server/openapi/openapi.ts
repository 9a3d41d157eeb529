import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { figureCreateSchema, figureFields, figureUpdateSchema } from '../figures/figure.schema';
import { scenarioCreateSchema } from '../scenarios/scenario.schema';
import { situationCreateSchema, situationUpdateSchema } from '../situations/situation';
import { organisationCreateSchema } from '../organisations/organisations.repository';
import { tokenRequestSchema } from '../auth/user';
import { CATEGORIES, RELIABILITIES, SCENARIO_KINDS } from '../figures/figure';
import { SEEDS_DIR } from '../paths';
import { FIELD_ERROR_CODES } from '../i18n/field-errors';
import { acknowledgeSchema, ruleCreateSchema, ruleUpdateSchema, webhookCreateSchema } from '../alerts/alert';
import { HAPI_FIELDS } from '../hapi/hapi';

/**
 * The OpenAPI 3.1 document, generated from the same zod schemas the handlers validate with, so the two cannot
 * drift; response shapes the handlers build are described below and checked against real answers by
 * tests/api/typed-client.test.ts. It lints clean with Redocly's recommended rules (tests/api/openapi-lint.test.ts).
 *
 * Each operation is one `op()` line: an operationId named for a generated client, a tag, who may call it
 * (`access`), the 4xx answers its handler can give besides those `access` and a body imply, and its success.
 */

const figureOut = figureFields
  .required() // an answer always carries every field (null where empty), defaults applied
  .extend({
    id: z.number().int(),
    situation: z.string(),
    value: z.number().int(),
    reportedValue: z.number().int(),
    organisationReliability: z.enum(RELIABILITIES),
    // Account emails: present for signed-in users only.
    createdBy: z.string().optional(),
    createdAt: z.string(),
    updatedBy: z.string().optional(),
    updatedAt: z.string(),
    changedBy: z.string().optional().describe('Who last changed what the figure says; approval needs someone else (or an admin)'),
    version: z.number().int(),
    deletedAt: z.string().nullable(),
  })
  .meta({ id: 'Figure' });

const errorOut = z
  .object({
    error: z.object({
      code: z.string().describe('Stable machine code, e.g. validation_failed, unauthenticated, forbidden, not_found, version_conflict, too_large, rate_limited'),
      message: z.string(),
      fields: z
        .array(
          z.object({
            path: z.string(),
            message: z.string().describe('What is wrong, in English'),
            code: z
              .enum(FIELD_ERROR_CODES)
              .optional()
              .describe(
                "Stable code of the problem, e.g. required, too_long, date_format, one_of; the pages show `validation.<code>` from the message catalogue in the reader's language",
              ),
            params: z
              .record(z.string(), z.union([z.string(), z.number()]))
              .optional()
              .describe('The values the message names, e.g. { "max": 200 } for too_long or { "values": "draft, approved" } for one_of'),
          }),
        )
        .optional()
        .describe('On 400: each bad field and what is wrong with it'),
      current: z.unknown().optional().describe('On 409: the current record'),
    }),
  })
  .meta({ id: 'Error' });

/** Every schema registered with a `.meta({ id })`, as OpenAPI components; references between them become $refs. */
function zodSchemas(): Record<string, unknown> {
  void [
    figureCreateSchema,
    figureUpdateSchema,
    figureOut,
    errorOut,
    situationCreateSchema,
    situationUpdateSchema,
    scenarioCreateSchema,
    organisationCreateSchema,
    tokenRequestSchema,
    ruleCreateSchema,
    ruleUpdateSchema,
    acknowledgeSchema,
    webhookCreateSchema,
  ];
  const { schemas } = z.toJSONSchema(z.globalRegistry, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12', uri: (id) => `#/components/schemas/${id}` }) as {
    schemas: Record<string, Record<string, unknown>>;
  };
  return Object.fromEntries(
    Object.entries(schemas).map(([k, v]) => {
      const { $schema: _s, $id: _i, ...rest } = v;
      return [k, rest];
    }),
  );
}

// JSON Schema helpers for the shapes handlers build (not validated input, so not zod).
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const str = { type: 'string' } as const;
const int = { type: 'integer' } as const;
const num = { type: 'number' } as const;
const date = { type: 'string', format: 'date' } as const;
const nullable = (s: Record<string, unknown>) => ({ ...s, type: [s.type as string, 'null'] });
const obj = (properties: Record<string, unknown>, required: string[] = Object.keys(properties)) => ({ type: 'object', properties, required });
const list = (items: unknown) => obj({ data: { type: 'array', items } });
const reasonValue = obj({ value: nullable(num), reason: nullable(str) });

const outSchemas = {
  Situation: obj({
    id: int,
    slug: str,
    title: str,
    country: str,
    onsetDate: date,
    description: nullable(str),
    headlineCategory: { type: ['string', 'null'], enum: [...CATEGORIES, null], description: 'The category pages open on; null: the category with the most recent approved figure' },
    version: { ...int, description: 'Send it back with an edit (PATCH); a stale one answers 409' },
    createdAt: str,
    updatedAt: str,
  }),
  SituationList: list(ref('Situation')),
  FigurePage: obj({
    data: { type: 'array', items: ref('Figure') },
    nextCursor: { ...nullable(str), description: 'Pass as `cursor` for the next page; also sent as `Link: <…>; rel="next"`' },
  }),
  // importId only on figures (the import a figure came from); scenario history has no imports.
  HistoryEntry: obj(
    {
      id: int,
      action: str,
      actor: str,
      at: str,
      importId: nullable(int),
      before: { description: 'The record before the change (null on create or import)' },
      after: { description: 'The record after the change' },
    },
    ['id', 'action', 'actor', 'at', 'before', 'after'],
  ),
  HistoryList: list(ref('HistoryEntry')),
  Scenario: obj(
    {
      id: int,
      situation: str,
      location: str,
      category: { enum: [...CATEGORIES] },
      organisation: str,
      kind: { enum: [...SCENARIO_KINDS] },
      value: int,
      horizonDate: nullable(date),
      publishedOn: date,
      sourceUrl: str,
      quote: str,
      notes: nullable(str),
      createdBy: str,
      createdAt: str,
      deletedAt: nullable(str),
    },
    ['id', 'situation', 'location', 'category', 'organisation', 'kind', 'value', 'publishedOn', 'sourceUrl', 'quote'],
  ),
  ScenarioList: list(ref('Scenario')),
  Location: obj({
    code: str,
    name: str,
    adminLevel: { enum: [0, 1, 2] },
    parentCode: nullable(str),
    country: str,
    isArea: { type: 'boolean' },
    pcode: nullable(str),
    nameAr: nullable(str),
    nameFr: nullable(str),
  }),
  LocationList: list(ref('Location')),
  Organisation: obj({ id: int, name: str, shortName: str, reliability: { enum: [...RELIABILITIES] } }),
  OrganisationList: list(ref('Organisation')),
  User: obj({ id: int, email: str, name: nullable(str), role: { enum: ['viewer', 'editor', 'admin'] } }),
  Token: obj({ token: { ...str, description: 'Send as `Authorization: Bearer <token>`; shown once, stored hashed' }, user: ref('User') }),
  Series: obj(
    {
      situation: str,
      location: str,
      category: { enum: [...CATEGORIES] },
      points: {
        type: 'array',
        items: obj({ date, value: num, kind: str, derived: { type: 'boolean' }, sources: { type: 'array', items: { type: 'object' } } }, ['date', 'value']),
      },
      band: { type: 'array', items: obj({ date, low: num, high: num }, ['date', 'low', 'high']) },
      warnings: { type: 'array', description: 'QA warnings; at most 50 of each code, dated ones newest first' },
      warningsOmitted: { ...int, description: 'warnings left out of `warnings`' },
    },
    ['situation', 'location', 'category', 'points', 'band', 'warnings'],
  ),
  Trend: obj({
    situation: str,
    location: str,
    category: { enum: [...CATEGORIES] },
    changes: { type: 'array', items: obj({ from: date, to: date, days: num, change: num, perDay: num }) },
    sevenDayRate: reasonValue,
    growthRate: reasonValue,
    doublingTimeDays: reasonValue,
  }),
  Projections: obj(
    {
      situation: str,
      location: str,
      category: { enum: [...CATEGORIES] },
      asOf: nullable(date),
      range: {
        type: 'object',
        description: 'The published range per day: low, central, high',
        properties: { points: { type: 'array', items: obj({ date, low: num, central: num, high: num }) } },
        required: ['points'],
      },
      methods: { type: 'object', description: 'Each method’s curve with 80% and 95% bounds', additionalProperties: { type: 'object' } },
      thresholds: { type: 'array', description: 'When the range and each scenario cross each threshold', items: { type: 'object' } },
      backtest: { type: 'object', description: 'Track record of each method at the horizon' },
      scenarios: {
        type: 'array',
        description: 'Named scenarios beside the range (quoted ceilings and planning figures, accelerating curves); they never widen it',
        items: { type: 'object', properties: { label: str } },
      },
    },
    ['situation', 'location', 'category', 'asOf', 'range'],
  ),
  Backtest: {
    type: 'object',
    description: "The published projection's past projections against what was reported, with MAPE, MASE and coverage",
    properties: { situation: str, location: str, category: { enum: [...CATEGORIES] } },
    required: ['situation', 'location', 'category'],
  },
  ImportReport: obj({
    filename: str,
    sha256: str,
    layout: nullable(str),
    hxl: { type: 'boolean' },
    rowsRead: int,
    figuresInFile: int,
    newFigures: int,
    duplicates: int,
    newLocations: { type: 'array', items: { type: 'object' } },
    newOrganisations: { type: 'array', items: str },
    errorCount: int,
    errors: {
      type: 'array',
      items: obj(
        { row: int, column: str, value: str, message: str, code: { ...str, description: 'Stable code of the problem (as in Error.fields)' }, params: { type: 'object' } },
        ['row', 'column', 'value', 'message'],
      ),
    },
    notes: { type: 'array', items: str },
    sample: { type: 'array', items: { type: 'object' } },
    committed: { type: 'boolean' },
    importId: nullable(int),
  }),
  Health: obj({ status: { enum: ['ok', 'unavailable'] }, database: str, error: str }, ['status', 'database']),
};

/** The seeded Syria case, for examples: the same file `npm run db:seed` loads. */
interface SeedFile {
  situation: Record<string, unknown>;
  figures: Record<string, unknown>[];
  scenarios: Record<string, unknown>[];
}
let seedCache: SeedFile | null | undefined;
function seedExample(): SeedFile | null {
  if (seedCache === undefined) {
    try {
      seedCache = JSON.parse(fs.readFileSync(path.join(SEEDS_DIR, 'syria-2024-offensive.json'), 'utf8')) as SeedFile;
    } catch {
      seedCache = null; // a deployment without seeds/ serves the document without examples
    }
  }
  return seedCache;
}

function examples() {
  const s = seedExample();
  if (!s) return {};
  const { countryName: _c, ...situationFields } = s.situation as Record<string, unknown>;
  const situation = {
    id: 1,
    ...situationFields,
    description: situationFields.description ?? null,
    headlineCategory: situationFields.headlineCategory ?? null,
    version: 1,
    createdAt: '2024-12-06T18:00:00.000Z',
    updatedAt: '2024-12-06T18:00:00.000Z',
  };
  // OCHA's 370,000 of 6 December 2024 (recommended), and the figure an editor would post: WFP's 280,000+ of 5 December.
  const recommended = s.figures.find((f) => f.value === 370000) ?? s.figures[0]!;
  const posted = s.figures.find((f) => f.value === 280000) ?? s.figures[0]!;
  const { externalId: _e, status: _st, ...create } = posted;
  const figure = {
    id: 9,
    situation: (situation as { slug?: unknown }).slug,
    valueLow: null,
    valueHigh: null,
    unit: 'people',
    householdSize: null,
    sourceTitle: null,
    notes: null,
    externalId: null,
    operation: null,
    reportingRound: null,
    assessmentType: null,
    ...recommended,
    reportedValue: recommended.value,
    organisationReliability: 'high',
    createdBy: 'seed@system',
    createdAt: '2024-12-06T18:00:00.000Z',
    updatedBy: 'seed@system',
    updatedAt: '2024-12-06T18:00:00.000Z',
    version: 1,
    deletedAt: null,
  };
  const { key: _k, ...scenario } = s.scenarios[0] ?? {};
  return {
    situation: { value: situation },
    situations: { value: { data: [situation] } },
    figureCreate: { value: create },
    figure: { value: figure },
    scenarioCreate: { value: scenario },
  };
}

type Access = 'none' | 'public' | 'viewer' | 'editor';
type Tag = 'Situations' | 'Figures' | 'Scenarios' | 'Analysis' | 'Reference data' | 'Imports' | 'Exports' | 'Alerts' | 'Maps' | 'HAPI' | 'Auth' | 'Health';

const ERROR_TEXT: Record<number, string> = {
  400: 'Invalid input: `error.fields` names each bad field and the problem',
  401: 'No token where one is needed, or an unknown, revoked or malformed token (also any read when the server runs with PUBLIC_READ=false)',
  403: 'Your role is too low for this (editors and admins write)',
  404: 'No such situation, figure, scenario or route',
  409: 'Conflict: a stale `version` (the answer carries the current record), a duplicate, or a state change already made',
  413: 'The request body is too large (JSON 1 MB; CSV 200 MB)',
  429: 'Too many requests: wait the seconds in `Retry-After`; `RateLimit` and `RateLimit-Policy` tell the quota',
};
const errorResponse = (status: number) => ({
  description: ERROR_TEXT[status]!,
  ...(status === 429
    ? {
        headers: {
          'Retry-After': { $ref: '#/components/headers/RetryAfter' },
          RateLimit: { $ref: '#/components/headers/RateLimit' },
          'RateLimit-Policy': { $ref: '#/components/headers/RateLimitPolicy' },
        },
      }
    : {}),
  content: {
    'application/json': {
      schema: ref('Error'),
      ...(status === 400
        ? {
            examples: {
              validation: {
                value: {
                  error: {
                    code: 'validation_failed',
                    message: 'value: must be a whole number',
                    fields: [{ path: 'value', message: 'must be a whole number', code: 'not_whole' }],
                  },
                },
              },
            },
          }
        : {}),
    },
  },
});

interface OpSpec {
  id: string;
  tag: Tag;
  summary: string;
  access: Access;
  params?: unknown[];
  body?: Record<string, unknown>;
  /** 4xx answers beyond 401 (from access), 403 (editor), 400 and 413 (from a body). */
  errors?: number[];
  ok: Record<string, unknown>;
  description?: string;
}

const SECURITY: Record<Access, unknown[]> = {
  none: [],
  // Anyone may read (unless PUBLIC_READ=false); with a token, editors also see drafts.
  public: [{}, { bearerAuth: [] }],
  viewer: [{ bearerAuth: [] }],
  editor: [{ bearerAuth: [] }],
};

function op(o: OpSpec): Record<string, unknown> {
  const codes = new Set(o.errors ?? []);
  if (o.access !== 'none') codes.add(401);
  if (o.access === 'editor') codes.add(403);
  if (o.body) {
    codes.add(400);
    codes.add(413);
  }
  const errors = Object.fromEntries([...codes].sort().map((c) => [String(c), errorResponse(c)]));
  return {
    operationId: o.id,
    tags: [o.tag],
    summary: o.summary,
    ...(o.description ? { description: o.description } : {}),
    security: SECURITY[o.access],
    ...(o.params?.length ? { parameters: o.params } : {}),
    ...(o.body ? { requestBody: { required: true, ...o.body } } : {}),
    responses: { ...o.ok, ...errors },
  };
}

const jsonBody = (schema: string, example?: unknown) => ({ content: { 'application/json': { schema: ref(schema), ...(example ? { examples: { seed: example } } : {}) } } });
const okJson = (status: string, description: string, schema: string, example?: unknown, headers?: Record<string, unknown>) => ({
  [status]: { description, ...(headers ? { headers } : {}), content: { 'application/json': { schema: ref(schema), ...(example ? { examples: { seed: example } } : {}) } } },
});
const etag = { ETag: { $ref: '#/components/headers/ETag' } };

const slug = { name: 'slug', in: 'path', required: true, description: 'Situation slug, e.g. syria-2024-offensive', schema: { type: 'string' }, example: 'syria-2024-offensive' };
const id = { name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } };
const q = (name: string, description: string, schema: unknown = { type: 'string' }) => ({ name, in: 'query', required: false, description, schema });
const categoryQ = q('category', 'Category; defaults to new_displacement', { enum: [...CATEGORIES] });
const analysisQuery = [
  q('location', 'Location code; defaults to the situation country'),
  categoryQ,
  q('asOf', 'Use only figures dated and published on or before this date', date),
  q('thresholds', 'Whole numbers separated by commas, e.g. 500000,1000000'),
];
const version = q('version', 'The version your change is based on (stale → 409); may also be sent in the JSON body', { type: 'integer', minimum: 1 });
const EXPORT_FILES = ['summary.csv', 'series.csv', 'projections.csv', 'figures.csv', 'README.txt'];
const exportParams = [
  slug,
  {
    name: 'file',
    in: 'path',
    required: true,
    description: 'summary.csv, series.csv, projections.csv, figures.csv, or README.txt (the column definitions)',
    schema: { enum: EXPORT_FILES },
  },
  q('hxl', '1: add the HXL hashtag row under the header', { enum: ['1', '0', 'true', 'false'] }),
  q('bom', '1: start with a UTF-8 byte-order mark (for Excel)', { enum: ['1', '0', 'true', 'false'] }),
  q('status', 'figures.csv: all = every status (editors)', { enum: ['approved', 'all'] }),
  q('location', 'series.csv: location code'),
  categoryQ,
  q('horizon', 'Days ahead for the projected columns', { type: 'integer', minimum: 1, maximum: 365 }),
  q('lang', 'summary-readable.csv and README.txt: language of the headers and words (default: the dt_lang cookie, Accept-Language, then the instance language)', {
    enum: ['en', 'fr', 'ar'],
  }),
];
const csvOk = {
  '200': {
    description: 'CSV (or README.txt as text/plain), dated file name in Content-Disposition',
    content: { 'text/csv': { schema: { type: 'string' } }, 'text/plain': { schema: { type: 'string' } } },
  },
};
const ruleId = { name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 }, description: 'alert rule id' };
const alertPage = [q('limit', '1–200, default 50', { type: 'integer' }), q('before', 'only alerts with a smaller id (the next page)', { type: 'integer' })];
const okAny = (status: string, description: string) => ({ [status]: { description, content: { 'application/json': { schema: { type: 'object' } } } } });
/** HAPI's query parameters and row fields (server/hapi/hapi.ts), described once for the three themes. */
function hapiPath(theme: 'idps' | 'refugees' | 'returnees') {
  const fields = HAPI_FIELDS(theme);
  return {
    get: op({
      id: `getHapi${theme[0].toUpperCase()}${theme.slice(1)}`,
      tag: 'HAPI',
      access: 'public',
      errors: [400],
      summary: `HDX HAPI-shaped ${theme} (as HAPI's /api/v2/affected-people/${theme}): approved, recommended stock figures, one row each`,
      description: `Fields and HXL hashtags (CSV second row): ${fields.map((f) => `\`${f.field}\` ${f.hxl} — ${f.description}`).join('; ')}.`,
      params: [
        q('location_code', 'ISO3 country code'),
        q('admin1_code', 'admin 1 p-code: its rows and those of its admin 2 places'),
        q('admin2_code', 'admin 2 p-code'),
        q('admin_level', '0, 1 or 2', { type: 'integer', enum: [0, 1, 2] }),
        q('start_date', 'reference period end on or after', { type: 'string', format: 'date' }),
        q('end_date', 'reference period end on or before', { type: 'string', format: 'date' }),
        q('output_format', 'json (default) or csv (with the HXL row)', { type: 'string', enum: ['json', 'csv'] }),
        q('limit', '1–10000, default 10000', { type: 'integer' }),
        q('offset', 'rows to skip, default 0', { type: 'integer' }),
        q('app_identifier', 'accepted as HAPI does; not used'),
      ],
      ok: {
        '200': {
          description: '`{ data: [...] }` or CSV',
          content: {
            'application/json': {
              schema: {
                type: 'object',
                properties: {
                  data: { type: 'array', items: { type: 'object', properties: Object.fromEntries(fields.map((f) => [f.field, { description: `${f.description} (${f.hxl})` }])) } },
                },
              },
            },
            'text/csv': { schema: { type: 'string' } },
          },
        },
      },
    }),
  };
}

export function openApiDocument(): Record<string, unknown> {
  const ex = examples();
  return {
    openapi: '3.1.0',
    info: {
      title: 'Displacement tracker API',
      version: '1',
      description:
        'Sourced displacement figures, reconciled series, trends and projection ranges, under `/api/v1`. Reads are public unless the server runs with ' +
        '`PUBLIC_READ=false`; writes need `Authorization: Bearer <token>` of an editor or admin (create one with `POST /api/v1/auth/tokens`). ' +
        'Within v1, fields and operations may be added but are never removed or renamed, and a field never changes its type or meaning. ' +
        'GET answers carry an ETag (send `If-None-Match` for a 304); paged lists give `nextCursor` and a `Link: <…>; rel="next"` header; ' +
        'public reads and CSV downloads allow cross-origin GET (CORS) unless configured otherwise.',
      license: { name: 'MIT', identifier: 'MIT' },
      contact: { name: 'The team running this displacement tracker (see the Integrate section of its README)' },
    },
    servers: [{ url: '/', description: 'This server' }],
    tags: [
      { name: 'Situations', description: 'Crises being tracked' },
      { name: 'Figures', description: 'Numbers as sources published them, with provenance, review status and history' },
      { name: 'Scenarios', description: 'Projections published by others (ceilings, planning figures), never observations' },
      { name: 'Analysis', description: 'Reconciled series, trend and projection ranges with their track record' },
      { name: 'Reference data', description: 'Locations and organisations' },
      { name: 'Imports', description: 'CSV imports: DTM, IDMC, HXL-tagged and mapped files' },
      { name: 'Exports', description: 'CSV downloads' },
      { name: 'Alerts', description: 'Alert rules, alerts, acknowledgements, webhooks and email subscriptions' },
      { name: 'Maps', description: 'Administrative boundaries for the server-drawn map' },
      { name: 'HAPI', description: 'The figures in HDX HAPI affected-people shape (field names and HXL as HAPI)' },
      { name: 'Auth', description: 'Personal API tokens' },
      { name: 'Health', description: 'For load balancers and monitoring' },
    ],
    components: {
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', description: 'A personal API token from POST /api/v1/auth/tokens' },
        sessionCookie: {
          type: 'apiKey',
          in: 'cookie',
          name: 'dt_session',
          description: 'The browser session of the pages (sign-in form); only the page-side CSV downloads read it',
        },
      },
      headers: {
        ETag: { description: 'Send it back as If-None-Match to get 304 Not Modified when nothing changed', schema: { type: 'string' } },
        RetryAfter: { description: 'Seconds to wait before retrying', schema: { type: 'integer' } },
        RateLimit: { description: 'Remaining quota and seconds to reset (IETF draft 8), e.g. `"20-in-15min"; r=19; t=900`', schema: { type: 'string' } },
        RateLimitPolicy: { description: 'The quota and its window (IETF draft 8), e.g. `"20-in-15min"; q=20; w=900`', schema: { type: 'string' } },
        Link: { description: '`<url>; rel="next"` when there is a next page', schema: { type: 'string' } },
      },
      schemas: { ...zodSchemas(), ...outSchemas },
    },
    paths: {
      '/healthz': {
        get: op({
          id: 'getHealth',
          tag: 'Health',
          summary: 'Health, including a database round trip',
          access: 'none',
          ok: {
            ...okJson('200', 'ok', 'Health'),
            '503': {
              description: 'Database unreachable',
              headers: { 'Retry-After': { $ref: '#/components/headers/RetryAfter' } },
              content: { 'application/json': { schema: ref('Health') } },
            },
          },
        }),
      },
      '/api/v1/auth/tokens': {
        get: op({ id: 'listTokens', tag: 'Auth', summary: 'Your own tokens: name, created, expires, revoked (never the secret)', access: 'viewer', ok: okAny('200', 'tokens') }),
        post: op({
          id: 'createToken',
          tag: 'Auth',
          summary: 'Create a personal API token from email and password',
          access: 'none',
          body: jsonBody('TokenRequest'),
          errors: [401, 429],
          ok: okJson('201', 'The token (shown once) and its user', 'Token', undefined, {
            RateLimit: { $ref: '#/components/headers/RateLimit' },
            'RateLimit-Policy': { $ref: '#/components/headers/RateLimitPolicy' },
          }),
        }),
      },
      '/api/v1/auth/tokens/{id}': {
        delete: op({
          id: 'revokeToken',
          tag: 'Auth',
          summary: 'Revoke one of your own tokens',
          access: 'viewer',
          params: [id],
          errors: [400, 404],
          ok: { '204': { description: 'revoked' } },
        }),
      },
      '/api/v1/users/disable': {
        post: op({
          id: 'disableUser',
          tag: 'Auth',
          summary: 'Admins: disable an account (its tokens revoked, its sessions ended)',
          access: 'editor',
          body: { content: { 'application/json': { schema: { type: 'object', required: ['email'], properties: { email: { type: 'string', format: 'email' } } } } } },
          errors: [404],
          ok: okAny('200', 'disabled'),
        }),
      },
      '/api/v1/situations/{slug}/imports/{id}/approve': {
        post: op({
          id: 'approveImport',
          tag: 'Imports',
          summary: "A second editor approves every draft of an editor's import (four eyes: figures the caller changed or imported are skipped)",
          access: 'editor',
          params: [slug, id],
          errors: [404],
          ok: okAny('200', '{ approved, skipped }'),
        }),
      },
      '/api/v1/me': {
        get: op({ id: 'getCurrentUser', tag: 'Auth', summary: 'The user the token belongs to', access: 'viewer', ok: okJson('200', 'user', 'User') }),
      },
      '/api/v1/situations': {
        get: op({ id: 'listSituations', tag: 'Situations', summary: 'List situations', access: 'public', ok: okJson('200', 'situations', 'SituationList', ex.situations, etag) }),
        post: op({
          id: 'createSituation',
          tag: 'Situations',
          summary: 'Create a situation (editor); its country becomes a location when new',
          access: 'editor',
          body: jsonBody('SituationCreate'),
          errors: [409],
          ok: okJson('201', 'created', 'Situation', ex.situation),
        }),
      },
      '/api/v1/situations/{slug}': {
        get: op({
          id: 'getSituation',
          tag: 'Situations',
          summary: 'One situation',
          access: 'public',
          params: [slug],
          errors: [404],
          ok: okJson('200', 'situation', 'Situation', ex.situation, etag),
        }),
        patch: op({
          id: 'updateSituation',
          tag: 'Situations',
          summary: 'Edit title, onset, description or headline category (editor); send the version you based the edit on (stale → 409 with the current record)',
          access: 'editor',
          params: [slug],
          body: jsonBody('SituationUpdate'),
          errors: [404, 409],
          ok: okJson('200', 'updated', 'Situation'),
        }),
      },
      '/api/v1/situations/{slug}/history': {
        get: op({
          id: 'getSituationHistory',
          tag: 'Situations',
          summary: 'Who created or edited the situation, when, before and after',
          access: 'viewer',
          params: [slug],
          errors: [404],
          ok: okJson('200', 'history', 'HistoryList'),
        }),
      },
      '/api/v1/situations/{slug}/figures': {
        get: op({
          id: 'listFigures',
          tag: 'Figures',
          summary: 'Figures of a situation in id order, with cursor pagination',
          access: 'public',
          errors: [400, 403, 404],
          description: 'Approved figures only, unless an editor asks for another status. Follow `nextCursor` (or the `Link` header) until it is null.',
          params: [
            slug,
            q('location', 'Location code'),
            categoryQ,
            q('status', 'draft, approved (default), rejected or all: anything but approved needs an editor', { enum: ['draft', 'approved', 'rejected', 'all'] }),
            q('organisation', 'Organisation short name'),
            q('from', 'periodEnd on or after', date),
            q('to', 'periodEnd on or before', date),
            q('limit', '1–1000, default 100', { type: 'integer', minimum: 1, maximum: 1000 }),
            q('cursor', 'nextCursor of the previous page'),
            q('includeDeleted', 'true: also soft-deleted figures (editors)', { enum: ['true', 'false'] }),
          ],
          ok: okJson('200', 'A page of figures', 'FigurePage', undefined, { ...etag, Link: { $ref: '#/components/headers/Link' } }),
        }),
        post: op({
          id: 'createFigure',
          tag: 'Figures',
          summary: 'Add a figure (editor); it starts as a draft unless you set status',
          access: 'editor',
          params: [slug],
          body: jsonBody('FigureCreate', ex.figureCreate),
          errors: [404],
          ok: okJson('201', 'created', 'Figure', ex.figure),
        }),
      },
      '/api/v1/figures/{id}': {
        get: op({
          id: 'getFigure',
          tag: 'Figures',
          summary: 'One figure (drafts only for editors)',
          access: 'public',
          params: [id],
          errors: [400, 404],
          ok: okJson('200', 'figure', 'Figure', ex.figure, etag),
        }),
        patch: op({
          id: 'updateFigure',
          tag: 'Figures',
          summary: 'Edit a figure; send the version you based the edit on',
          access: 'editor',
          params: [id],
          body: jsonBody('FigureUpdate'),
          errors: [404, 409],
          ok: okJson('200', 'updated', 'Figure'),
        }),
        delete: op({
          id: 'deleteFigure',
          tag: 'Figures',
          summary: 'Soft-delete a figure (restorable)',
          access: 'editor',
          params: [id, version],
          errors: [400, 404, 409],
          ok: okJson('200', 'The deleted record', 'Figure'),
        }),
      },
      '/api/v1/figures/{id}/restore': {
        post: op({
          id: 'restoreFigure',
          tag: 'Figures',
          summary: 'Restore a deleted figure',
          access: 'editor',
          params: [id],
          errors: [400, 404, 409],
          ok: okJson('200', 'restored', 'Figure'),
        }),
      },
      '/api/v1/figures/{id}/approve': {
        post: op({
          id: 'approveFigure',
          tag: 'Figures',
          summary: 'Approve a figure (someone other than the last person who changed what it says, or an admin)',
          access: 'editor',
          params: [id, version],
          errors: [400, 404, 409],
          ok: okJson('200', 'approved', 'Figure'),
        }),
      },
      '/api/v1/figures/{id}/reject': {
        post: op({
          id: 'rejectFigure',
          tag: 'Figures',
          summary: 'Reject a figure',
          access: 'editor',
          params: [id, version],
          errors: [400, 404, 409],
          ok: okJson('200', 'rejected', 'Figure'),
        }),
      },
      '/api/v1/figures/{id}/history': {
        get: op({
          id: 'getFigureHistory',
          tag: 'Figures',
          summary: 'Every change: who, when, before, after',
          access: 'viewer',
          params: [id],
          errors: [400, 404],
          ok: okJson('200', 'history', 'HistoryList'),
        }),
      },
      '/api/v1/situations/{slug}/scenarios': {
        get: op({
          id: 'listScenarios',
          tag: 'Scenarios',
          summary: 'Quoted projections of others (never observations)',
          access: 'public',
          params: [slug, q('includeDeleted', 'true: also deleted ones (editors)', { enum: ['true', 'false'] })],
          errors: [403, 404],
          ok: okJson('200', 'scenarios', 'ScenarioList', undefined, etag),
        }),
        post: op({
          id: 'createScenario',
          tag: 'Scenarios',
          summary: 'Add a quoted scenario (editor)',
          access: 'editor',
          params: [slug],
          body: jsonBody('ScenarioCreate', ex.scenarioCreate),
          errors: [404],
          ok: okJson('201', 'created', 'Scenario'),
        }),
      },
      '/api/v1/situations/{slug}/scenarios/{id}': {
        delete: op({
          id: 'deleteScenario',
          tag: 'Scenarios',
          summary: 'Soft-delete a scenario (restorable; it leaves the projection)',
          access: 'editor',
          params: [slug, id],
          errors: [400, 404, 409],
          ok: okJson('200', 'The deleted record', 'Scenario'),
        }),
      },
      '/api/v1/situations/{slug}/scenarios/{id}/restore': {
        post: op({
          id: 'restoreScenario',
          tag: 'Scenarios',
          summary: 'Restore a deleted scenario',
          access: 'editor',
          params: [slug, id],
          errors: [400, 404, 409],
          ok: okJson('200', 'restored', 'Scenario'),
        }),
      },
      '/api/v1/situations/{slug}/scenarios/{id}/history': {
        get: op({
          id: 'getScenarioHistory',
          tag: 'Scenarios',
          summary: 'Who created, deleted or restored the scenario, when, before and after',
          access: 'viewer',
          params: [slug, id],
          errors: [400, 404],
          ok: okJson('200', 'history', 'HistoryList'),
        }),
      },
      '/api/v1/situations/{slug}/series': {
        get: op({
          id: 'getSeries',
          tag: 'Analysis',
          summary: 'Reconciled series with its triangulation band',
          access: 'public',
          params: [slug, ...analysisQuery],
          errors: [400, 404],
          ok: okJson('200', 'series', 'Series', undefined, etag),
        }),
      },
      '/api/v1/situations/{slug}/trend': {
        get: op({
          id: 'getTrend',
          tag: 'Analysis',
          summary: 'Change per day, 7-day rate, growth rate and doubling time',
          access: 'public',
          params: [slug, ...analysisQuery],
          errors: [400, 404],
          ok: okJson('200', 'trend', 'Trend', undefined, etag),
        }),
      },
      '/api/v1/situations/{slug}/projections': {
        get: op({
          id: 'getProjections',
          tag: 'Analysis',
          summary: 'The published projection (combined rule, 80% range, track record at the horizon), scenarios beside it, time to threshold, alternative methods',
          access: 'public',
          params: [slug, ...analysisQuery, q('horizon', 'Days ahead, default 30', { type: 'integer', minimum: 1, maximum: 365 })],
          errors: [400, 404],
          ok: okJson('200', 'projections', 'Projections', undefined, etag),
        }),
      },
      '/api/v1/situations/{slug}/backtest': {
        get: op({
          id: 'getBacktest',
          tag: 'Analysis',
          summary: "Track record of the published projection at the horizon against the naive and drift8 baselines, and every alternative method's scores",
          access: 'public',
          params: [slug, ...analysisQuery, q('horizon', 'Days ahead, default 30', { type: 'integer', minimum: 1, maximum: 365 })],
          errors: [400, 404],
          ok: okJson('200', 'backtest', 'Backtest', undefined, etag),
        }),
      },
      '/api/v1/locations': {
        get: op({
          id: 'listLocations',
          tag: 'Reference data',
          summary: 'Locations (p-codes, ISO codes) with their parents',
          access: 'public',
          params: [q('country', 'ISO3, e.g. SYR')],
          errors: [400],
          ok: okJson('200', 'locations', 'LocationList', undefined, etag),
        }),
      },
      '/api/v1/situations/{slug}/alert-rules': {
        get: op({
          id: 'listAlertRules',
          tag: 'Alerts',
          access: 'public',
          summary: 'Alert rules (the defaults are created with the situation); includeDeleted=true for editors',
          params: [slug, q('includeDeleted', 'true: also deleted ones (editors)')],
          errors: [400, 403, 404],
          ok: okAny('200', 'rules'),
        }),
        post: op({
          id: 'createAlertRule',
          tag: 'Alerts',
          access: 'editor',
          summary: 'Add an alert rule; kinds: threshold, change_7d, yearly_high, projection, stale, conflict',
          params: [slug],
          body: jsonBody('AlertRuleCreate'),
          errors: [404, 409],
          ok: okAny('201', 'created'),
        }),
      },
      '/api/v1/situations/{slug}/alert-rules/{id}': {
        patch: op({
          id: 'updateAlertRule',
          tag: 'Alerts',
          access: 'editor',
          summary: 'Change a rule (not its kind); send the version you based the change on',
          params: [slug, ruleId],
          body: jsonBody('AlertRuleUpdate'),
          errors: [404, 409],
          ok: okAny('200', 'updated'),
        }),
        delete: op({
          id: 'deleteAlertRule',
          tag: 'Alerts',
          access: 'editor',
          summary: 'Soft-delete a rule (restorable)',
          params: [slug, ruleId],
          errors: [404, 409],
          ok: okAny('200', 'deleted'),
        }),
      },
      '/api/v1/situations/{slug}/alert-rules/{id}/restore': {
        post: op({
          id: 'restoreAlertRule',
          tag: 'Alerts',
          access: 'editor',
          summary: 'Restore a deleted rule',
          params: [slug, ruleId],
          errors: [404, 409],
          ok: okAny('200', 'restored'),
        }),
      },
      '/api/v1/situations/{slug}/alert-rules/{id}/history': {
        get: op({
          id: 'getAlertRuleHistory',
          tag: 'Alerts',
          access: 'viewer',
          summary: 'Who created, changed, deleted or restored the rule',
          params: [slug, ruleId],
          errors: [404],
          ok: okAny('200', 'history'),
        }),
      },
      '/api/v1/situations/{slug}/alerts': {
        get: op({
          id: 'listSituationAlerts',
          tag: 'Alerts',
          access: 'public',
          summary: "The situation's alerts, newest first, with the first triggering figure's source",
          params: [slug, ...alertPage],
          errors: [400, 404],
          ok: okAny('200', '{ data: Alert[] }'),
        }),
      },
      '/api/v1/alerts': {
        get: op({
          id: 'listAlerts',
          tag: 'Alerts',
          access: 'public',
          summary: 'Alerts of every situation, newest first',
          params: alertPage,
          errors: [400],
          ok: okAny('200', '{ data: Alert[] }'),
        }),
      },
      '/api/v1/alerts/{id}/acknowledge': {
        post: op({
          id: 'acknowledgeAlert',
          tag: 'Alerts',
          access: 'viewer',
          summary: 'Acknowledge an alert with an optional note (any signed-in user; once)',
          params: [id],
          body: jsonBody('AlertAcknowledge'),
          errors: [404, 409],
          ok: okAny('200', 'acknowledged'),
        }),
      },
      '/api/v1/alerts/{id}/history': {
        get: op({
          id: 'getAlertHistory',
          tag: 'Alerts',
          access: 'viewer',
          summary: 'The alert fired, and who acknowledged it',
          params: [id],
          errors: [404],
          ok: okAny('200', 'history'),
        }),
      },
      '/api/v1/situations/{slug}/webhooks': {
        get: op({
          id: 'listWebhooks',
          tag: 'Alerts',
          access: 'editor',
          summary: 'Webhooks (secrets are never shown)',
          params: [slug],
          errors: [404],
          ok: okAny('200', 'webhooks'),
        }),
        post: op({
          id: 'createWebhook',
          tag: 'Alerts',
          access: 'editor',
          summary: 'Register a webhook: each alert is POSTed as JSON with X-Alert-Signature: sha256=HMAC-SHA256(secret, body), retried with backoff',
          params: [slug],
          body: jsonBody('WebhookCreate'),
          errors: [404, 409],
          ok: okAny('201', 'created'),
        }),
      },
      '/api/v1/situations/{slug}/webhooks/{id}': {
        delete: op({ id: 'deleteWebhook', tag: 'Alerts', access: 'editor', summary: 'Delete a webhook', params: [slug, id], errors: [404], ok: okAny('200', 'deleted') }),
      },
      '/api/v1/situations/{slug}/alert-deliveries': {
        get: op({
          id: 'listAlertDeliveries',
          tag: 'Alerts',
          access: 'editor',
          summary: 'Delivery log: webhook and email deliveries, attempts, last answer',
          params: [slug, q('limit', '1–200', { type: 'integer' })],
          errors: [400, 404],
          ok: okAny('200', 'deliveries'),
        }),
      },
      '/api/v1/situations/{slug}/alert-subscription': {
        get: op({
          id: 'getAlertSubscription',
          tag: 'Alerts',
          access: 'viewer',
          summary: 'Whether you receive alert emails for the situation',
          params: [slug],
          errors: [404],
          ok: okAny('200', '{ subscribed }'),
        }),
        put: op({
          id: 'subscribeToAlerts',
          tag: 'Alerts',
          access: 'viewer',
          summary: 'Receive alert emails (with an unsubscribe link)',
          params: [slug],
          errors: [404],
          ok: okAny('200', '{ subscribed: true }'),
        }),
        delete: op({
          id: 'unsubscribeFromAlerts',
          tag: 'Alerts',
          access: 'viewer',
          summary: 'Stop alert emails',
          params: [slug],
          errors: [404],
          ok: okAny('200', '{ subscribed: false }'),
        }),
      },
      '/api/v1/hapi/affected-people/idps': hapiPath('idps'),
      '/api/v1/hapi/affected-people/refugees': hapiPath('refugees'),
      '/api/v1/hapi/affected-people/returnees': hapiPath('returnees'),
      '/api/v1/organisations': {
        get: op({
          id: 'listOrganisations',
          tag: 'Reference data',
          summary: 'Organisations with their reliability',
          access: 'public',
          ok: okJson('200', 'organisations', 'OrganisationList', undefined, etag),
        }),
        post: op({
          id: 'createOrganisation',
          tag: 'Reference data',
          summary: 'Add an organisation (editor)',
          access: 'editor',
          body: jsonBody('OrganisationCreate'),
          errors: [409],
          ok: okJson('201', 'created', 'Organisation'),
        }),
      },
      '/api/v1/situations/{slug}/boundaries': {
        get: op({
          id: 'listBoundaries',
          tag: 'Maps',
          summary: 'The boundary files of a situation (every version, current ones without retiredAt) and their audit trail',
          access: 'public',
          params: [slug],
          errors: [404],
          ok: okAny('200', '{ boundaries, history }'),
        }),
        post: op({
          id: 'uploadBoundaries',
          tag: 'Maps',
          summary: 'Admins: check (preview) or store an administrative boundary file (GeoJSON or TopoJSON) for the map',
          access: 'editor',
          errors: [404],
          description:
            'Admins only. Shapes must be Polygon or MultiPolygon; they are matched to the situation’s locations by p-code (OCHA COD-AB fields such as ADM1_PCODE and ADM1_EN are found by themselves; pcodeField and nameField name others), simplified for the web and, with commit=true, stored as the current boundaries of that admin level (the previous file is kept and can be restored). The answer lists the p-codes in the file that are no location, and the locations with figures but no shape; a file where no p-code matches is refused (400) with those lists. At most 25 MB, 5,000 shapes and 20,000 points after simplification. Send application/geo+json (or multipart field file); application/json bodies are limited to 1 MB.',
          params: [
            slug,
            q('level', 'Admin level of the shapes: 1 (default) or 2', { enum: ['1', '2'] }),
            q('source', 'Who made the boundaries, e.g. OCHA COD-AB Syria (required)'),
            q('licence', 'Their licence, e.g. CC BY-IGO (required)'),
            q('pcodeField', 'Property holding each shape’s p-code (default: ADM{level}_PCODE)'),
            q('nameField', 'Property holding each shape’s name (default: ADM{level}_EN)'),
            q('commit', 'true: store; otherwise only check', { enum: ['true', 'false', '1', '0'] }),
            q('filename', 'Name to record for the file'),
          ],
          body: {
            content: {
              'application/geo+json': { schema: { type: 'object' } },
              'multipart/form-data': { schema: { type: 'object', properties: { file: { type: 'string', contentMediaType: 'application/geo+json' } }, required: ['file'] } },
            },
          },
          ok: { ...okAny('200', 'Check: what matched and what did not, nothing stored'), ...okAny('201', 'Stored') },
        }),
      },
      '/api/v1/situations/{slug}/boundaries/{level}': {
        delete: op({
          id: 'deleteBoundaries',
          tag: 'Maps',
          summary: 'Admins: delete the current boundaries of an admin level (kept, restorable)',
          access: 'editor',
          params: [slug, { name: 'level', in: 'path', required: true, schema: { type: 'integer', enum: [1, 2] } }],
          errors: [400, 404],
          ok: okAny('200', 'the retired boundary'),
        }),
      },
      '/api/v1/situations/{slug}/boundaries/{id}/restore': {
        post: op({
          id: 'restoreBoundaries',
          tag: 'Maps',
          summary: 'Admins: make a deleted or replaced boundary file current again',
          access: 'editor',
          params: [slug, id],
          errors: [400, 404, 409],
          ok: okAny('200', 'the restored boundary'),
        }),
      },
      '/api/v1/situations/{slug}/imports': {
        post: op({
          id: 'importFigures',
          tag: 'Imports',
          summary: 'Check (preview) or import a file of figures: CSV or a saved DTM API JSON answer (editor)',
          access: 'editor',
          errors: [404],
          description:
            'Without commit=true nothing is stored: the answer counts new and known figures and lists every problem by row and column. With commit=true all rows are stored or none (a file with problems is a 400 listing them). Options give defaults for columns the file lacks. Files: the figures export, IOM DTM and IDMC files from HDX, HDX HAPI affected-people CSV (with or without its HXL row), HXL-tagged CSV, and a saved IOM DTM API v3 JSON answer ({"isSuccess": true, "result": [...]}; row N of a report is record N−1 of result).',
          params: [
            slug,
            q('commit', 'true: store (all rows or none)', { enum: ['true', 'false', '1', '0'] }),
            q('status', 'draft (default) or approved', { enum: ['draft', 'approved'] }),
            q('countryFilter', 'true: skip rows of other countries', { enum: ['true', 'false', '1', '0'] }),
            {
              name: 'map',
              in: 'query',
              required: false,
              description: 'column=field, repeatable, e.g. data_date=periodEnd',
              schema: { type: 'array', items: { type: 'string' } },
              style: 'form',
              explode: true,
            },
            q('organisation', 'Default organisation (short name)'),
            q('sourceUrl', 'Default source URL'),
            q('quote', 'Default quote (otherwise rows without one state what the row says)'),
            q('publishedOn', 'One publication date for every row (otherwise each row’s own date when the file has no such column)', date),
            q('location', 'Default location code'),
            q('category', 'Default category', { enum: [...CATEGORIES] }),
            q('quantifier', 'Default quantifier', { enum: ['exact', 'approximately', 'more_than', 'less_than'] }),
            q('unit', 'Default unit', { enum: ['people', 'households'] }),
            q('filename', 'Name to record for the file'),
          ],
          body: {
            content: {
              'text/csv': { schema: { type: 'string' } },
              'application/json': { schema: { type: 'object', description: 'A saved IOM DTM API v3 answer: {"isSuccess": true, "result": [{"admin0Pcode": "SDN", …}]}' } },
              'multipart/form-data': { schema: { type: 'object', properties: { file: { type: 'string', contentMediaType: 'text/csv' } }, required: ['file'] } },
            },
          },
          ok: { ...okJson('200', 'Preview: counts and problems, nothing stored', 'ImportReport'), ...okJson('201', 'Imported', 'ImportReport') },
        }),
      },
      '/api/v1/export/README.txt': {
        get: op({
          id: 'getExportDefinitions',
          tag: 'Exports',
          summary: 'What every CSV column means',
          access: 'public',
          ok: { '200': { description: 'text', content: { 'text/plain': { schema: { type: 'string' } } } } },
        }),
      },
      '/api/v1/situations/{slug}/export/{file}': {
        get: op({ id: 'downloadExport', tag: 'Exports', summary: 'Download a CSV of a situation', access: 'public', params: exportParams, errors: [400, 403, 404], ok: csvOk }),
      },
      '/situations/{slug}/export/{file}': {
        get: {
          ...op({
            id: 'downloadExportFromPage',
            tag: 'Exports',
            summary: 'The same CSV downloads as linked from the situation page',
            access: 'public',
            params: exportParams,
            errors: [400, 403, 404],
            ok: csvOk,
          }),
          // The page side reads the browser session, not bearer tokens.
          security: [{}, { sessionCookie: [] }],
        },
      },
    },
  };
}
