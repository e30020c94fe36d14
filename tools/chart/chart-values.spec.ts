import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import { load } from 'js-yaml';
import { allSettings, PASSED_AS_FILES } from './app-settings';

/**
 * The Helm chart's values, checked without Helm: every values file the repository ships against
 * values.schema.json (merged over values.yaml as Helm merges them), the schema's refusals, every
 * `.Values` path the templates read, every setting the apps read, and one image name for compose
 * and the chart.
 */

const ROOT = join(__dirname, '..', '..');
const CHART = join(ROOT, 'docker', 'helm', 'wirehook');

type Values = Record<string, unknown>;
type Schema = {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  additionalProperties?: boolean | Schema;
  anyOf?: Schema[];
  definitions?: Record<string, Schema>;
};

const read = (...path: string[]): string => readFileSync(join(...path), 'utf8');
const yamlFile = (...path: string[]): Values => (load(read(...path)) ?? {}) as Values;
const isMap = (value: unknown): value is Values => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Helm's merge of a values file over the defaults: maps merge key by key, anything else replaces, null removes. */
function mergeValues(base: Values, override: Values): Values {
  const merged: Values = { ...base };
  for (const [key, value] of Object.entries(override)) {
    if (value === null) delete merged[key];
    else if (isMap(value) && isMap(merged[key])) merged[key] = mergeValues(merged[key], value);
    else merged[key] = value;
  }
  return merged;
}

const schema = JSON.parse(read(CHART, 'values.schema.json')) as Schema;
const defaults = yamlFile(CHART, 'values.yaml');
const ciFiles = readdirSync(join(CHART, 'ci')).filter((name) => name.endsWith('.yaml'));

function compile(): ValidateFunction {
  // Ajv's default draft is draft-07, the schema's.
  return new Ajv({ allErrors: true, allowUnionTypes: true }).compile(schema);
}

function problems(validate: ValidateFunction, values: Values): string[] {
  return validate(values) ? [] : (validate.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message ?? ''}`);
}

describe('values.schema.json', () => {
  const validate = compile();

  it('accepts values.yaml', () => {
    expect(problems(validate, defaults)).toEqual([]);
  });

  it.each(['values-nats-cluster.yaml', ...ciFiles.map((name) => `ci/${name}`)])('accepts %s over values.yaml', (file) => {
    expect(problems(validate, mergeValues(defaults, yamlFile(CHART, file)))).toEqual([]);
  });

  it('needs at least one file in ci/ for the hosted CI', () => {
    expect(ciFiles.length).toBeGreaterThan(0);
  });

  it.each<[string, Values]>([
    ['a misspelt top-level key', { confgApi: { replicaCount: 2 } }],
    ['a misspelt app key', { dispatcher: { replicas: 3 } }],
    ['a wrong type', { metrics: { port: 'nine' } }],
    ['a negative replica count', { configApi: { replicaCount: -1 } }],
    ['an unknown log level', { logLevel: 'verbose' }],
    ['autoscaling on retention-cron', { retentionCron: { autoscaling: { enabled: true } } }],
    ['a bare off (a YAML boolean) as disableAfter', { delivery: { disableAfter: false } }],
    ['a port above 65535', { networkPolicy: { egress: { nats: { ports: [70000] } } } }],
    ['a number as a label value', { commonLabels: { tier: 1 } }],
  ])('refuses %s', (_what, override) => {
    expect(problems(validate, mergeValues(defaults, override))).not.toEqual([]);
  });
});

/** Whether a dotted path exists in the defaults or is described by the schema. */
function pathExists(path: string[]): boolean {
  let value: unknown = defaults;
  let inValues = true;
  for (const key of path) {
    if (!isMap(value) || !(key in value)) {
      inValues = false;
      break;
    }
    value = value[key];
  }
  return inValues || inSchema(schema, path);
}

function resolve(node: Schema): Schema {
  return node.$ref ? resolve(schema.definitions?.[node.$ref.replace('#/definitions/', '')] ?? {}) : node;
}

function inSchema(node: Schema, path: string[]): boolean {
  const here = resolve(node);
  if (path.length === 0) return true;
  if (here.anyOf) return here.anyOf.some((branch) => inSchema(branch, path));
  const [key, ...rest] = path;
  const property = here.properties?.[key];
  if (property) return inSchema(property, rest);
  // A free-form map (labels, resources, a Kubernetes object) takes any key.
  return here.type === 'object' && here.additionalProperties !== false && here.properties === undefined;
}

describe('the templates', () => {
  const templateDir = join(CHART, 'templates');
  const templates = [
    ...readdirSync(templateDir).filter((name) => /\.(yaml|tpl|txt)$/.test(name)),
    ...readdirSync(join(templateDir, 'tests')).map((name) => join('tests', name)),
  ];
  const referenced = new Set<string>();
  for (const name of templates) {
    for (const match of read(templateDir, name).matchAll(/\.Values((?:\.[A-Za-z_][A-Za-z0-9_]*)+)/g)) {
      referenced.add(match[1].slice(1));
    }
  }

  it('read values', () => {
    expect(referenced.size).toBeGreaterThan(50);
  });

  it('read only values that values.yaml or the schema has', () => {
    expect([...referenced].filter((path) => !pathExists(path.split('.')))).toEqual([]);
  });
});

describe('the apps settings', () => {
  const settings = allSettings();
  const chartText = readdirSync(join(CHART, 'templates'))
    .filter((name) => /\.(yaml|tpl)$/.test(name))
    .map((name) => read(CHART, 'templates', name))
    .join('\n');

  it('are found', () => {
    expect(settings.size).toBeGreaterThan(30);
  });

  it('each reach the apps through a chart value', () => {
    expect([...settings].filter((name) => !PASSED_AS_FILES.includes(name) && !chartText.includes(name))).toEqual([]);
  });
});

describe('the image', () => {
  const chart = yamlFile(CHART, 'Chart.yaml');
  const image = defaults.image as { repository: string; tag: string };
  const chartImage = `${image.repository}:${image.tag || String(chart.appVersion)}`;

  it('is the same in compose and the chart', () => {
    const compose = yamlFile(ROOT, 'docker', 'compose.yaml');
    const composeImage = /^\$\{WIREHOOK_IMAGE:-(.+)\}$/.exec(String((compose['x-app'] as Values).image))?.[1];
    expect(composeImage).toBe(chartImage);
  });

  it('carries the version of the chart and the package', () => {
    const dockerfileVersion = /^ARG VERSION=(\S+)$/m.exec(read(ROOT, 'docker', 'Dockerfile'))?.[1];
    const packageVersion = (JSON.parse(read(ROOT, 'package.json')) as { version: string }).version;
    expect([dockerfileVersion, packageVersion]).toEqual([chart.appVersion, chart.appVersion]);
  });
});
