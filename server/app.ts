import { randomUUID } from 'node:crypto';
import express, { type Express, type Request } from 'express';
import helmet from 'helmet';
import compression from 'compression';
import { pinoHttp } from 'pino-http';
import type { Logger } from 'pino';
import type { Config } from './config';
import type { Storage } from './storage/database';
import { errorHandler, HttpError } from './errors';
import { bearerAuth, readGate } from './auth/auth.middleware';
import { authApi } from './auth/auth.routes';
import { healthRoutes } from './health/health.routes';
import { situationsApi } from './situations/situations.routes';
import { SituationsService } from './situations/situations.service';
import { scenariosApi } from './scenarios/scenarios.routes';
import { ScenariosService } from './scenarios/scenarios.service';
import { figuresApi } from './figures/figures.routes';
import { FiguresService } from './figures/figures.service';
import type { FigureGroup } from './figures/figure';
import { referenceApi } from './locations/locations.routes';
import { LocationsService } from './locations/locations.service';
import { OrganisationsService } from './organisations/organisations.service';
import { openApiDocument } from './openapi/openapi';
import { AnalysisService } from './analysis/analysis.service';
import { analysisApi } from './analysis/analysis.routes';
import { ImportsService } from './imports/imports.service';
import { importsApi } from './imports/imports.routes';
import { ExportsService } from './exports/exports.service';
import { exportRoutes } from './exports/exports.routes';
import { pages } from './pages';
import { AlertsService } from './alerts/alerts.service';
import { alertsApi } from './alerts/alerts.routes';
import { createMailer } from './alerts/mailer';
import { hapiApi } from './hapi/hapi.routes';
import { MapsService } from './maps/maps.service';
import { mapsApi } from './maps/maps.routes';
import { HapiService } from './hapi/hapi.service';
import { createI18n } from './i18n/i18n';
import { chooseLanguage } from './i18n/negotiate';
import { SituationViews } from './pages/situation.data';
import { helmetOptions } from './pages/security';
import { VIEWS_DIR } from './paths';
import { readOnlyCors, revalidateReads } from './http/conventions';

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** The largest JSON body a client without a token can send (an email, a password and a label fit easily). */
export const ANONYMOUS_JSON_LIMIT = '16kb';

export interface AppDeps {
  storage: Storage;
  config: Config;
  logger: Logger;
  /** The clock of time-based alert rules (tests pass their own). */
  now?: () => Date;
}

/** Builds the Express app from its dependencies; never listens (server/main.ts does). */
export function createApp(deps: AppDeps): Express {
  const { storage, config, logger } = deps;
  const app = express();
  app.disable('x-powered-by');
  if (config.TRUST_PROXY) app.set('trust proxy', 1);
  app.set('views', VIEWS_DIR);
  app.set('view engine', 'ejs');
  // Compiled templates are kept whatever NODE_ENV says: recompiling on every request halved page throughput (BENCHMARKS.md).
  app.set('view cache', true);

  const analysis = new AnalysisService(storage, {
    stalenessDays: config.STALENESS_DAYS,
    horizonDays: config.PROJECTION_HORIZON_DAYS,
    onError: (err, what) => logger.warn({ err }, `analysis: failed ${what}`),
  });
  const alerts = new AlertsService(storage, analysis, {
    logger,
    i18n: createI18n(config.LOCALE, { arabicDigits: config.ARABIC_DIGITS }),
    i18nFor: (lang) => createI18n(lang, { arabicDigits: config.ARABIC_DIGITS }),
    now: deps.now,
    publicUrl: config.PUBLIC_URL ?? `http://localhost:${config.PORT}`,
    mailer: createMailer(config.SMTP_URL, config.SMTP_FROM),
    retryBaseMs: config.ALERT_RETRY_BASE_MS,
    webhookPrivateAddresses: config.WEBHOOK_PRIVATE_ADDRESSES,
    horizonDays: config.PROJECTION_HORIZON_DAYS,
  });
  // After a write has committed: drop the cached analyses, then evaluate the alert rules in the background (only
  // where the written figures are, when the writer names their groups).
  const onChange = (slug: string, changed?: readonly FigureGroup[]) => {
    analysis.invalidate(slug);
    alerts.schedule(slug, changed);
  };
  const situations = new SituationsService(storage, onChange);
  const scenarios = new ScenariosService(storage, onChange);
  const figures = new FiguresService(storage, onChange);
  const imports = new ImportsService(storage, onChange);
  const exportsService = new ExportsService(storage, analysis, createI18n(config.LOCALE, { arabicDigits: config.ARABIC_DIGITS }));
  const locations = new LocationsService(storage);
  const organisations = new OrganisationsService(storage);
  // Page views and their rendered parts, cached per app under each situation's stamp.
  const views = new SituationViews({ analysis, figures, locations });
  const maps = new MapsService(storage, onChange);
  const services = { analysis, situations, scenarios, figures, imports, exports: exportsService, locations, organisations, views, alerts, maps };

  app.use(
    pinoHttp({
      logger,
      genReqId: (req, res) => {
        const given = req.headers['x-request-id'];
        const id = typeof given === 'string' && /^[\w-]{1,64}$/.test(given) ? given : randomUUID();
        res.setHeader('x-request-id', id);
        return id;
      },
      autoLogging: { ignore: (req) => req.url === '/healthz' },
      // Method, path and status are enough; headers could carry tokens and cookies.
      serializers: { req: (req) => ({ id: req.id, method: req.method, url: req.url }), res: (res) => ({ statusCode: res.statusCode }) },
    }),
  );
  app.use(helmet(helmetOptions()));
  app.use(compression());

  app.use(healthRoutes(storage));
  // Cross-origin reads of the public API and the CSV downloads (never writes): server/http/conventions.ts.
  const cors = readOnlyCors(config);
  app.use(['/api/v1', '/situations/:slug/export', '/export'], cors);
  app.get('/api/v1/openapi.json', revalidateReads, (_req, res) => res.json(openApiDocument()));

  const api = express.Router();
  api.use(revalidateReads);
  api.use(bearerAuth(storage));
  // The token is checked before the body is read: without one, only the sign-in of POST /auth/tokens is parsed,
  // up to 16 KB; any other write answers 401 (requireRole) without a byte of its body parsed.
  const json = express.json({ limit: '1mb' });
  const anonymousJson = express.json({ limit: ANONYMOUS_JSON_LIMIT });
  // An import's body is a file (CSV, or a saved DTM API JSON answer up to the upload limit): its route reads it raw.
  const isImport = (p: string) => /^\/situations\/[^/]+\/imports\/?$/.test(p);
  api.use((req, res, next) => (req.user ? (isImport(req.path) ? next() : json(req, res, next)) : req.path === '/auth/tokens' ? anonymousJson(req, res, next) : next()));
  // A signed-in write whose body is not JSON (text/plain, a form, no type) would read as an empty object and be
  // answered with every field "required"; it is told what to send instead. Imports and boundary files are files.
  const hasBytes = (req: Request) => Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
  const takesFile = (p: string) => isImport(p) || /^\/situations\/[^/]+\/boundaries\/?$/.test(p);
  api.use((req, _res, next) =>
    req.user && WRITE_METHODS.has(req.method) && !takesFile(req.path) && hasBytes(req) && req.is('application/json') === false
      ? next(new HttpError(415, 'unsupported_media_type', `Send the body as JSON with Content-Type: application/json (got ${req.headers['content-type'] ?? 'no Content-Type'})`))
      : next(),
  );
  api.use(authApi(storage));
  // Every method that is not a write is a read (GET, HEAD, OPTIONS…): HEAD would otherwise tell the length and ETag
  // of a hidden body. Writes check their own role (requireRole).
  const gate = readGate(config.PUBLIC_READ);
  api.use((req, res, next) => (WRITE_METHODS.has(req.method) ? next() : gate(req, res, next)));
  api.use(situationsApi(situations));
  api.use(scenariosApi(scenarios));
  api.use(figuresApi(figures));
  api.use(referenceApi(locations, organisations));
  api.use(analysisApi(analysis));
  api.use(importsApi(imports, figures));
  // The readable summary and README.txt follow the reader's language, like the pages.
  const exportText = (req: Request) => createI18n(chooseLanguage(req, config.LOCALE).lang, { arabicDigits: config.ARABIC_DIGITS });
  api.use(exportRoutes(exportsService, exportText));
  api.use(alertsApi(alerts));
  api.use(hapiApi(new HapiService(storage)));
  api.use(mapsApi(maps));
  api.use((req, _res, next) => next(new HttpError(404, 'not_found', `No API route ${req.method} ${req.path}`)));
  app.use('/api/v1', api);

  // Server-rendered pages (dashboard, situations, figures, sign-in) and their assets: server/pages/index.ts.
  app.use(pages({ storage, config, logger, ...services }));

  // Page-side downloads (same handlers; the signed-in user, if any, comes from the session).
  app.use(readGate(config.PUBLIC_READ), exportRoutes(exportsService, exportText));
  app.use((req, _res, next) => next(new HttpError(404, 'not_found', `Page ${req.path} not found`)));
  app.use(errorHandler(logger));
  // server/main.ts starts the hourly alert pass from here (createApp itself starts no timers); tests drive it.
  app.locals.alerts = alerts;
  return app;
}
