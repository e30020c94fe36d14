import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The environment variables each app reads, found in the source of its settings classes (the
 * oracle the chart tests check the chart against): the app's own class in
 * apps/<app>/src/config/*.config.ts plus the shared classes of libs/config/src/common-config.ts it
 * extends (`AppConfig` and the `withMongo(...)`-style mixins named in its `extends` clause).
 */

const ROOT = join(__dirname, '..', '..');
const COMMON_CONFIG = join(ROOT, 'libs', 'config', 'src', 'common-config.ts');

export const APPS = ['config-api', 'dispatcher', 'log-service', 'retention-cron'] as const;
export type AppName = (typeof APPS)[number];

/** Secrets the chart passes as files (the *_FILE settings) rather than in the environment. */
export const PASSED_AS_FILES: readonly string[] = ['NATS_NKEY_SEED', 'NATS_PASSWORD', 'NATS_TOKEN'];

// A setting is a property of a config class named like its environment variable.
const PROPERTY = /^ {2,4}(?:override )?([A-Z][A-Z0-9_]+)[?!]?(?::[^=;]+)?(?: =|;)/gm;
// Where each shared class starts in common-config.ts: `export class AppConfig` or `export function withMongo`.
const SHARED_CLASS = /^export (?:class|function) (AppConfig|with[A-Z]\w*)\b/gm;

const read = (file: string): string => readFileSync(file, 'utf8');
const settingsIn = (text: string): string[] => [...text.matchAll(PROPERTY)].map((match) => match[1]);

/** The settings of each shared class of common-config.ts, by its name (`AppConfig`, `withMongo`, ...). */
function sharedSettings(): Map<string, string[]> {
  const text = read(COMMON_CONFIG);
  const starts = [...text.matchAll(SHARED_CLASS)];
  return new Map(starts.map((start, i) => [start[1], settingsIn(text.slice(start.index, starts[i + 1]?.index ?? text.length))]));
}

/** The config files of one app. */
export function appConfigFiles(app: AppName): string[] {
  const dir = join(ROOT, 'apps', app, 'src', 'config');
  return readdirSync(dir)
    .filter((name) => name.endsWith('.config.ts'))
    .map((name) => join(dir, name));
}

/** Every setting one app reads: its own and those of the shared classes it extends. */
export function appSettings(app: AppName): Set<string> {
  const shared = sharedSettings();
  const settings = new Set<string>();
  for (const file of appConfigFiles(app)) {
    const text = read(file);
    for (const name of settingsIn(text)) settings.add(name);
    for (const extendsClause of text.matchAll(/^export class \w+ extends ([^{]+)\{/gm)) {
      for (const [sharedName, names] of shared) {
        if (new RegExp(`\\b${sharedName}\\b`).test(extendsClause[1])) names.forEach((name) => settings.add(name));
      }
    }
  }
  return settings;
}

/** Every setting any app reads, shared ones included whether or not an app extends them. */
export function allSettings(): Set<string> {
  const settings = new Set([...sharedSettings().values()].flat());
  for (const app of APPS) for (const name of appSettings(app)) settings.add(name);
  return settings;
}
