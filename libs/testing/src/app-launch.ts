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
