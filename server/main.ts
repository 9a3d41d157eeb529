import { ConfigError, loadConfig } from './config';
import { createLogger } from './logger';
import { migrate, openStorage, StorageError } from './storage/database';
import { isEmpty, loadReferenceLocations, seed } from './seeding/seed';
import { createApp } from './app';
import type { AlertsService } from './alerts/alerts.service';

/** The only module with side effects: read config, open storage, migrate, seed on first start, listen, shut down on SIGTERM. */
async function main() {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL);
  const storage = await openStorage({ url: config.DATABASE_URL, sqlitePath: config.SQLITE_PATH });
  logger.info({ database: storage.describe }, 'storage opened');
  const applied = await migrate(storage);
  if (applied.length) logger.info({ applied }, 'migrations applied');
  await loadReferenceLocations(storage);
  if (config.SEED_ON_START && (await isEmpty(storage))) logger.info({ added: await seed(storage) }, 'seeded an empty database');

  const app = createApp({ storage, config, logger });
  const alerts = app.locals.alerts as AlertsService;
  // Time-based alert rules (stale data) and due delivery retries, once an hour, and once shortly after start for what a
  // stop left behind: after the first requests, so a restart answers at once (the pass reads every situation's figures).
  alerts.start();
  setTimeout(() => void alerts.runHourly().catch((err) => logger.warn({ err }, 'alerts: first hourly pass failed')), config.ALERT_FIRST_PASS_DELAY_MS).unref();
  // 0.0.0.0 and :: listen on every interface; a browser on this machine reaches them as localhost.
  const shown = config.HOST === '0.0.0.0' || config.HOST === '::' ? 'localhost' : config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST;
  const server = app.listen(config.PORT, config.HOST, () => logger.info({ host: config.HOST, port: config.PORT }, `listening on http://${shown}:${config.PORT}`));
  server.keepAliveTimeout = 65_000;

  let stopping = false;
  const stop = (signal: string, code = 0) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing open requests');
    const force = setTimeout(() => process.exit(1), 10_000).unref();
    server.close(async () => {
      alerts.stop();
      await alerts.settled().catch(() => undefined);
      await storage.close().catch(() => undefined);
      clearTimeout(force);
      logger.info('stopped');
      process.exit(code);
    });
    server.closeIdleConnections?.();
  };
  // A promise nobody awaited failed: the process state is unknown, so log it and stop (a supervisor restarts it)
  // rather than keep serving; Node would end the process too, but without the structured log line.
  process.on('unhandledRejection', (reason) => {
    logger.fatal({ err: reason }, 'unhandled promise rejection; stopping');
    stop('unhandledRejection', 1);
  });
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err) => {
  const known = err instanceof ConfigError || err instanceof StorageError;
  console.error(known ? `Cannot start: ${err.message}` : err);
  process.exit(1);
});
