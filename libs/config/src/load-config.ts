import { plainToInstance, Transform } from 'class-transformer';
import { getMetadataStorage, validateSync, type ValidationError } from 'class-validator';
import { SettingFile } from './setting-file';

/** Boot stops with this when the environment is invalid; the message names every bad variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/** Variables whose value an error message must not repeat: boot errors end up in logs. */
const secretSettings = new Set<string>();

/** Marks a setting that holds a secret (a password, a token, a key): its errors never show the value. */
export function SecretSetting(): PropertyDecorator {
  return (_target, property) => {
    secretSettings.add(String(property));
  };
}

/** What an error message says of a variable's value. */
function shownValue(property: string, raw: string | undefined): string {
  if (raw === undefined) return 'it is not set';
  if (secretSettings.has(property)) return 'the value is a secret and not shown';
  return `got '${raw.length > 60 ? `${raw.slice(0, 60)}...` : raw}'`;
}

function describe(errors: ValidationError[], env: Record<string, string | undefined>): string[] {
  return errors.flatMap((error) => {
    const got = shownValue(error.property, env[error.property]);
    return Object.values(error.constraints ?? {}).map((message) => `${message} (${got})`);
  });
}

/**
 * Reads environment variables into a validated config class. Property names are the variable
 * names; unset variables keep the class's default. Every secret setting `X` of the class can
 * come from a file instead, named by `X_FILE` (as Docker and Kubernetes mount secrets), unless
 * the class reads `X_FILE` itself. This is the only place that reads `process.env`.
 */
export function loadConfig<T extends object>(type: new () => T, env: Record<string, string | undefined> = process.env): T {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== '')) as Record<string, string>;
  const fileProblems = readSecretFiles(type, present);
  const config = plainToInstance(type, present, { exposeDefaultValues: true });
  // `whitelist` drops every other environment variable copied onto the instance above.
  const errors = validateSync(config, { whitelist: true, forbidUnknownValues: false });
  const problems = [...fileProblems, ...describe(errors, { ...env, ...present })];
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/**
 * Replaces, in `present`, each `X_FILE` of a secret setting `X` of `type` with `X` read from
 * that file (without its trailing line break); returns what went wrong, naming the variables.
 */
function readSecretFiles(type: new () => object, present: Record<string, string>): string[] {
  const properties = new Set(
    getMetadataStorage()
      .getTargetValidationMetadatas(type, '', true, false)
      .map((metadata) => metadata.propertyName),
  );
  const problems: string[] = [];
  for (const name of properties) {
    const fileVariable = `${name}_FILE`;
    const path = present[fileVariable];
    if (!secretSettings.has(name) || properties.has(fileVariable) || path === undefined) continue;
    delete present[fileVariable];
    if (present[name] !== undefined) {
      problems.push(`set ${name} or ${fileVariable}, not both`);
      continue;
    }
    const file = new SettingFile(path.trim());
    if (file.problem !== undefined) problems.push(`${fileVariable} must name a readable file holding ${name} (${file.problem})`);
    else if (!file.value) problems.push(`${fileVariable} names an empty file; it must hold ${name}`);
    else present[name] = file.value;
  }
  return problems;
}

/** `true`/`1`/`yes` and `false`/`0`/`no`, case-insensitive; anything else fails validation. */
export function EnvBoolean(): PropertyDecorator {
  return Transform(({ value }) => {
    if (typeof value !== 'string') return value;
    const normalized = value.trim().toLowerCase();
    if (['true', '1', 'yes'].includes(normalized)) return true;
    if (['false', '0', 'no'].includes(normalized)) return false;
    return value;
  });
}

/** An integer variable; a non-integer string is left as is so validation names it. */
export function EnvInt(): PropertyDecorator {
  return Transform(({ value }) => (typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value));
}

/** A comma-separated list; blanks are dropped. */
export function EnvList(): PropertyDecorator {
  return Transform(({ value }) =>
    typeof value === 'string'
      ? value
          .split(',')
          .map((item) => item.trim())
          .filter((item) => item.length > 0)
      : value,
  );
}
