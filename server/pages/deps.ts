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
import type { I18n } from '../i18n/i18n';
import type { SituationViews } from './situation.data';

/** What the page routers are built from; passed in by createApp, never imported as globals. */
export interface PageDeps {
  storage: Storage;
  config: Config;
  logger: Logger;
  i18n: I18n;
  analysis: AnalysisService;
  situations: SituationsService;
  scenarios: ScenariosService;
  figures: FiguresService;
  imports: ImportsService;
  locations: LocationsService;
  organisations: OrganisationsService;
  views: SituationViews;
}
