/**
 * `npm run migrate` and, in the container image, `node dist/tools/migrate/migrate.js`: brings
 * the MongoDB indexes of every collection of the system to what the schemas declare, by running
 * each app's own migrate command (`dist/apps/<app>/src/migrate.js`) one after the other with this
 * process's environment.
 *
 * Why one command per app, run as processes: each app owns its collections and their schemas,
 * and apps may not import one another, nor may tools import apps (the Nx module-boundaries rule
 * in eslint.config.mjs). So every app lists its collections (`src/collections.ts`) and has its
 * own migrate entry, and this tool knows only where the built entries are, as the embedded run
 * knows where the apps' `main.js` are.
 */
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';

/** The apps with MongoDB collections, in the order they are migrated (the dispatcher has none). */
const APPS = ['config-api', 'log-service', 'retention-cron'] as const;
const DIST = resolve(__dirname, '..', '..');

const USAGE = `usage: npm run migrate
       node dist/tools/migrate/migrate.js

Creates the MongoDB indexes the apps need, replaces those whose definition changed and drops
those no schema declares, for config-api, log-service and retention-cron, with the apps'
environment (MONGODB_URI, MONGODB_WRITE_CONCERN, LOG_LEVEL). Prints one JSON line per app on
stdout (logs go to stderr). Running it again changes nothing.

Exit status: 0 done, 1 failed, 64 bad arguments, 78 bad configuration.
`;

/** Runs one app's migrate entry; resolves to its exit status (1 when killed by a signal). */
function migrateApp(app: string): Promise<number> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [join(DIST, 'apps', app, 'src', 'migrate.js')], { stdio: ['ignore', 'inherit', 'inherit'] });
    child.once('error', (error) => {
      process.stderr.write(`${app} migrate could not be started: ${error.message}\n`);
      done(1);
    });
    child.once('exit', (code) => done(code ?? 1));
  });
}

async function main(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (args.length > 0) {
    process.stderr.write(`unknown argument(s): ${args.join(' ')}\n\n${USAGE}`);
    return 64;
  }
  for (const app of APPS) {
    const code = await migrateApp(app);
    // 78 (bad configuration) is the same for every app: say it once and stop.
    if (code !== 0) return code === 78 ? 78 : 1;
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`migrate failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
