import { IsIn } from 'class-validator';
import pino from 'pino';
import { LOG_LEVELS, type AppLogLevel } from '@wirehook/logging';
import { ConfigError, loadConfig, withMongo } from '@wirehook/config';
import { connectMongo } from './mongo-connection';
import { IndexDeclarationError, migrateIndexes, type IndexedCollection } from './index-migration';

class MigrationLogSettings {
  @IsIn(LOG_LEVELS, { message: `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}` })
  LOG_LEVEL: AppLogLevel = 'info';
}

/** Environment of an app's migrate command: the app's MongoDB settings and log level, nothing else. */
export class MigrationConfig extends withMongo(MigrationLogSettings) {}

/** Exit status of a migrate command. */
export const MigrateExitCode = { ok: 0, failed: 1, badArguments: 64, badConfiguration: 78 } as const;

function usage(app: string): string {
  return `usage: node dist/apps/${app}/src/migrate.js

Creates, replaces and drops the MongoDB indexes of the collections ${app} owns so that they
match its schemas (MONGODB_URI, MONGODB_WRITE_CONCERN and LOG_LEVEL as the app reads them),
and prints what it did as one JSON line on stdout (logs go to stderr). Running it again
changes nothing. npm run migrate runs it for every app.

Exit status: 0 done, 1 failed, 64 bad arguments, 78 bad configuration.
`;
}

/**
 * The body of an app's `migrate` entry point: validated configuration, one connection, the
 * migration of `collections`, a JSON summary on stdout. Resolves to the exit status.
 */
export async function runMigrateCommand(app: string, collections: readonly IndexedCollection[], args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(usage(app));
    return MigrateExitCode.ok;
  }
  if (args.length > 0) {
    process.stderr.write(`unknown argument(s): ${args.join(' ')}\n\n${usage(app)}`);
    return MigrateExitCode.badArguments;
  }
  let config: MigrationConfig;
  try {
    config = loadConfig(MigrationConfig);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${app} migrate: ${error.message}\n`);
    return MigrateExitCode.badConfiguration;
  }
  // Logs on stderr, so stdout carries only the summary.
  const logger = pino(
    { level: config.LOG_LEVEL, base: { app, command: 'migrate' }, timestamp: pino.stdTimeFunctions.isoTime },
    pino.destination({ dest: 2, sync: true }),
  );
  try {
    const connection = await connectMongo(config.MONGODB_URI, config.MONGODB_WRITE_CONCERN, { writeTimeoutMs: config.MONGODB_WRITE_TIMEOUT_MS });
    try {
      const report = await migrateIndexes(connection, collections, {
        onChange: ({ action, collection, name, reason }) => logger.info({ collection, index: name, reason }, `${action} index ${collection}.${name}`),
      });
      logger.info(
        { created: report.created.length, replaced: report.replaced.length, dropped: report.dropped.length, unchanged: report.unchanged.length },
        'indexes match the schemas',
      );
      process.stdout.write(`${JSON.stringify({ app, ...report })}\n`);
      return MigrateExitCode.ok;
    } finally {
      await connection.close();
    }
  } catch (error) {
    const what = error instanceof IndexDeclarationError ? 'a schema declares an index the migration cannot manage' : 'migration failed';
    logger.error({ err: error }, `${what}: ${(error as Error).message}`);
    return MigrateExitCode.failed;
  }
}

/** Runs {@link runMigrateCommand} with the process's arguments and sets the exit status. */
export function migrateMain(app: string, collections: readonly IndexedCollection[]): void {
  runMigrateCommand(app, collections, process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`${app} migrate failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = MigrateExitCode.failed;
    },
  );
}
