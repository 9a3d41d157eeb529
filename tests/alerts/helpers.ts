import pino from 'pino';
import type { Express } from 'express';
import { createApp } from '../../server/app';
import type { Storage } from '../../server/storage/database';
import type { AlertsService } from '../../server/alerts/alerts.service';
import { testConfig } from '../helpers/db';

/** An app whose alert clock the test sets (`clock.now`), and its alerts service to wait on or drive. */
export function alertApp(storage: Storage, env: Record<string, string> = {}, start = '2024-12-07T12:00:00Z') {
  const clock = { now: new Date(start) };
  const app: Express = createApp({ storage, config: testConfig(env), logger: pino({ level: 'silent' }), now: () => clock.now });
  const alerts = app.locals.alerts as AlertsService;
  return { app, alerts, clock };
}

export const SLUG = 'syria-2024-offensive';
