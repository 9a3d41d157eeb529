import { ConfigError, loadConfig } from './config';
import { createLogger } from './logger';
import { migrate, openStorage, StorageError } from './storage/database';
import { isEmpty, loadReferenceLocations, seed } from './seeding/seed';
import { createApp } from './app';

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
  const server = app.listen(config.PORT, config.HOST, () => logger.info(`listening on http://localhost:${config.PORT}`));
  server.keepAliveTimeout = 65_000;

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing open requests');
    const force = setTimeout(() => process.exit(1), 10_000).unref();
    server.close(async () => {
      await storage.close().catch(() => undefined);
      clearTimeout(force);
      logger.info('stopped');
      process.exit(0);
    });
    server.closeIdleConnections?.();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err) => {
  const known = err instanceof ConfigError || err instanceof StorageError;
  console.error(known ? `Cannot start: ${err.message}` : err);
  process.exit(1);
});
