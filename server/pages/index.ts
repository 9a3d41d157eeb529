import express, { Router } from 'express';
import cookieParser from 'cookie-parser';
import type { Logger } from 'pino';
import type { Config } from '../config';
import type { Storage } from '../storage/database';
import type { AnalysisService } from '../analysis/analysis.service';
import type { SituationsService } from '../situations/situations.service';
import type { ScenariosService } from '../scenarios/scenarios.service';
import type { FiguresService } from '../figures/figures.service';
import type { ImportsService } from '../imports/imports.service';
import type { LocationsService } from '../locations/locations.service';
import type { OrganisationsService } from '../organisations/organisations.service';
import { createI18n } from '../i18n/i18n';
import type { SituationViews } from './situation.data';
import { assets } from '../assets/manifest';
import { randomSecret, sessionAuth } from '../auth/session';
import { csrf, pageLocals } from './locals';
import { pageReadGate } from './guards';
import { sessionRoutes } from './session.routes';
import { dashboardRoutes } from './dashboard.routes';
import { situationPages } from './situations.routes';
import { situationFormPages } from './situation-forms.routes';
import { sitrepPages } from './sitrep.routes';
import { scenarioPages } from './scenarios.routes';
import { chartRoutes } from './charts.routes';
import { figurePages } from './figures.routes';
import { importPages, importUploadParser } from './imports.routes';
import { PendingUploads } from '../imports/pending-uploads';
import type { PageDeps } from './deps';
import { accountPages } from './account.routes';
import { TokensService } from '../auth/tokens.service';
import type { AlertsService } from '../alerts/alerts.service';
import { alertPages } from '../alerts/alerts.pages';
import type { MapsService } from '../maps/maps.service';
import { boundaryUploadParser, mapPages } from '../maps/maps.pages';

export interface PagesOptions {
  storage: Storage;
  config: Config;
  logger: Logger;
  analysis: AnalysisService;
  situations: SituationsService;
  scenarios: ScenariosService;
  figures: FiguresService;
  imports: ImportsService;
  alerts: AlertsService;
  maps: MapsService;
  locations: LocationsService;
  organisations: OrganisationsService;
  views: SituationViews;
}

/**
 * The server-rendered pages, mounted after the API. Order matters: fingerprinted assets first (no cookies,
 * no database), then cookies, form bodies, the session, template locals, CSRF on every form POST, the read
 * gate, and the feature route tables.
 */
export function pages(o: PagesOptions): Router {
  const i18nFor = (lang: string) => createI18n(lang, { arabicDigits: o.config.ARABIC_DIGITS });
  const i18n = i18nFor(o.config.LOCALE);
  const d: PageDeps = { ...o, i18n };
  const a = assets(o.logger);
  // Without SESSION_SECRET every process gets its own: forms still work, but only on the instance that served them.
  const { protect, token } = csrf(o.config.SESSION_SECRET ?? randomSecret());
  const r = Router();
  r.use('/assets', a.serve);
  r.use(cookieParser());
  r.use(express.urlencoded({ extended: false, limit: '200kb', parameterLimit: 200 }));
  r.use(sessionAuth(o.storage));
  r.use(pageLocals({ instanceDefault: o.config.LOCALE, i18nFor }, a.url, token));
  // The import form is multipart: its parser runs before the CSRF check so the token is read from the body (imports.routes.ts).
  const uploads = new PendingUploads();
  r.use(importUploadParser(uploads));
  r.use(boundaryUploadParser());
  r.use(protect);
  r.use(pageReadGate(o.config.PUBLIC_READ));
  r.use(sessionRoutes(o.storage));
  // Before the dashboard and situation page: it adds their recent alerts (and serves the alert pages and feeds).
  r.use(alertPages({ ...d, alerts: o.alerts }));
  r.use(dashboardRoutes(o.situations, o.analysis));
  // Before the situation page and the sitrep: it adds their map (and serves map.svg, map.png and the boundary pages).
  r.use(mapPages({ ...d, maps: o.maps }));
  // Before situationPages: /situations/new is not a slug.
  r.use(situationFormPages(d));
  r.use(sitrepPages(d));
  r.use(situationPages(d));
  r.use(scenarioPages(d));
  r.use(chartRoutes(d));
  r.use(figurePages(d));
  r.use(importPages(d, uploads));
  r.use(accountPages(new TokensService(o.storage)));
  return r;
}
