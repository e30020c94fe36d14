import 'reflect-metadata';
import pino from 'pino';
import { ConfigError, loadConfig } from '@wirehook/config';
import { connectMongo } from '@wirehook/mongo';
import type { RetentionRunResult } from '@wirehook/contracts';
import { RetentionCronConfig } from './config/retention-cron.config';
import { createRetentionComponents } from './retention/retention-components';

const USAGE = `usage: npm run retention:run [-- --dry-run]
       node dist/apps/retention-cron/src/run-once.js [--dry-run]

Runs one retention pass now with retention-cron's configuration (the same environment
variables), taking the same lease as the scheduled runs, and prints the run summary as JSON
on stdout (logs go to stderr). --dry-run reports what would be deleted, per tenant, and
deletes nothing.

Exit status: 0 completed, 75 skipped (another runner holds the lease; try again later),
130 interrupted (the next run finishes the work), 1 failed, 64 bad arguments, 78 bad
configuration.
`;

const EXIT_CODES: Record<RetentionRunResult, number> = { completed: 0, skipped: 75, aborted: 130, failed: 1 };

/** The operator's "run retention now" command. */
async function main(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(USAGE);
    return 0;
  }
  const unknown = args.filter((arg) => arg !== '--dry-run');
  if (unknown.length > 0) {
    process.stderr.write(`unknown argument(s): ${unknown.join(' ')}\n\n${USAGE}`);
    return 64;
  }
  let config: RetentionCronConfig;
  try {
    config = loadConfig(RetentionCronConfig);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`retention-cron: ${error.message}\n`);
    return 78;
  }
  // Logs on stderr, so stdout carries only the summary (pipe it to jq).
  const logger = pino(
    { level: config.LOG_LEVEL, base: { app: 'retention-cron', command: 'run-once' }, timestamp: pino.stdTimeFunctions.isoTime },
    pino.destination({ dest: 2, sync: true }),
  );
  const connection = await connectMongo(config.MONGODB_URI, config.MONGODB_WRITE_CONCERN, { writeTimeoutMs: config.MONGODB_WRITE_TIMEOUT_MS });
  try {
    const { runner } = await createRetentionComponents(connection, config, logger);
    // Ctrl-C ends the run between two batches and gives the lease up; the next run goes on.
    const interrupt = () => void runner.stop();
    process.once('SIGINT', interrupt);
    process.once('SIGTERM', interrupt);
    const summary = await runner.run({ dryRun: args.includes('--dry-run'), trigger: 'cli' });
    process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    return EXIT_CODES[summary.result];
  } finally {
    await connection.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`retention-cron run-once failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
