import { spawn } from 'node:child_process';
import { join } from 'node:path';

/**
 * Node.js options of the apps, the same the container setups give them (docker/compose.yaml,
 * the Helm chart's `dispatcher.nodeOptions`), for everything here that starts a built app.
 */
export const APP_NODE_OPTIONS: Readonly<Record<string, readonly string[]>> = {
  // Young-generation semi-spaces of 32 MiB instead of 16: the dispatcher makes short-lived
  // objects for every delivery, and fewer scavenges cost it about a tenth less CPU per delivery
  // (npm run bench) for a few dozen MiB more memory under load.
  dispatcher: ['--max-semi-space-size=32'],
};

/** The `node` arguments that start a built app: its options, then its entry point under `root`. */
export function appNodeArguments(root: string, app: string): string[] {
  return [...(APP_NODE_OPTIONS[app] ?? []), join(root, 'dist', 'apps', app, 'src', 'main.js')];
}

/** The `node` arguments of the migrate command of a build under `root` (`npm run migrate`). */
export function migrateNodeArguments(root: string): string[] {
  return [join(root, 'dist', 'tools', 'migrate', 'migrate.js')];
}

/**
 * Runs the built migrate command with exactly `env` (MONGODB_URI and friends), as a deployment
 * does before it starts the apps; resolves to what it printed on stdout, fails with its output.
 */
export function runBuiltMigration(root: string, env: Record<string, string | undefined>): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, migrateNodeArguments(root), { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (code === 0) resolve(stdout);
      else reject(new Error(`the migration exited with ${signal ?? `code ${code}`}:\n${stdout}${stderr}`));
    });
  });
}
