import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ConfigError, loadConfig } from '../config';
import { migrate, openStorage, StorageError, type Storage } from '../storage/database';
import { HttpError } from '../errors';

/** Shared by the CLI commands: parse flags, open and migrate the configured database, report errors without a stack. */
export async function runCli(
  options: ParseArgsConfig['options'],
  body: (args: { values: Record<string, string | boolean | string[] | undefined>; positionals: string[]; storage: Storage }) => Promise<void>,
  allowPositionals = false,
): Promise<void> {
  let storage: Storage | undefined;
  try {
    const { values, positionals } = parseArgs({ options, allowPositionals, strict: true });
    const config = loadConfig();
    storage = await openStorage({ url: config.DATABASE_URL, sqlitePath: config.SQLITE_PATH });
    await migrate(storage);
    await body({ values: values as Record<string, string | boolean | string[] | undefined>, positionals, storage });
    await storage.close();
  } catch (err) {
    await storage?.close().catch(() => undefined);
    if ((err as { code?: string }).code === 'EPIPE') return; // the reader (e.g. `| head`) stopped early
    if (err instanceof HttpError) {
      console.error(`Error: ${err.message}`);
      for (const f of err.details.fields ?? []) console.error(`  ${f.path}: ${f.message}`);
    } else if (err instanceof ConfigError || err instanceof StorageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`Error: ${(err as Error).message}`);
    } else {
      console.error(err);
    }
    process.exitCode = 1;
  }
}

/** Reads all of standard input (for --password-stdin). */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
