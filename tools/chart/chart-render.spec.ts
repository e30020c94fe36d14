import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { allSettings, APPS, appSettings, PASSED_AS_FILES, type AppName } from './app-settings';
import { CHART, findHelm, parseManifests, runHelm, selects, type Container, type HelmResult, type Manifest, type PeerRule } from './helm-render';

/**
 * The Helm chart rendered by the real helm: `helm lint --strict` and `helm template` with every
 * values file the repository ships, then the rendered objects checked for what a cluster and an
 * operator rely on (probes, ports, Services, NetworkPolicies, budgets, monitoring objects, hooks,
 * every setting the apps read), and the values the chart must refuse.
 */

type Values = Record<string, unknown>;
type Case = { name: string; args: string[]; values: Values[] };

const NAMESPACE = 'wirehook';
const ciFiles = readdirSync(join(CHART, 'ci')).filter((name) => name.endsWith('.yaml'));
const yamlFile = (file: string): Values => (load(readFileSync(join(CHART, file), 'utf8')) ?? {}) as Values;
const minimal = yamlFile('ci/minimal.yaml');
const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const KEY = 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

// Over ci/minimal.yaml, so that together the renders set every optional setting and every NATS method.
const variants: Record<string, Values> = {
  'every optional setting, an NKey and a client certificate': {
    natsAuth: { method: 'nkey', nkeySeed: `SU${'A'.repeat(56)}` },
    natsTls: { enabled: true, ca: true, clientCertificate: true, caPem: PEM, certPem: PEM, keyPem: PEM },
    secrets: { previousEncryptionKeys: [KEY], metricsToken: 'metrics-token-0123456789' },
    metrics: { requireToken: true },
    mongodbWriteTimeoutMs: 5000,
    delivery: { extraCa: { secretName: 'internal-ca' } },
    configApi: { maxWebhooksPerTenant: 30, rpcTimeoutMs: 4000, replayRatePerSecond: 20, replayMaxDeliveryBacklog: 500 },
    logService: { writeBatchSize: 50, writeMaxWaitMs: 100, queryConcurrency: 8, queryConcurrencyPerTenant: 2, queryQueueWaitMs: 500, queryMaxTimeMs: 2000 },
  },
  'a NATS token': { natsAuth: { method: 'token', token: 'nats-token' } },
};
const refusals: [string, Values, RegExp][] = [
  [
    'terminationGracePeriodSeconds too short for shutdownTimeoutMs + preStopSleepSeconds',
    { configApi: { preStopSleepSeconds: 10 } },
    /terminationGracePeriodSeconds/,
  ],
  ['a misspelt key (values.schema.json)', { confgApi: { replicaCount: 3 } }, /confgApi/],
  ['metrics.port equal to an app port', { metrics: { port: 3001 } }, /metrics\.port/],
  ['metrics.port equal to the config-api Service port', { metrics: { port: 80 } }, /metrics\.port/],
  ['no natsUrl', { natsUrl: '' }, /natsUrl is required/],
];

let workDir: string;
const valuesFile = (values: Values): string => {
  const file = join(workDir, `values-${readdirSync(workDir).length}.json`);
  writeFileSync(file, JSON.stringify(values));
  return file;
};
const template = (args: string[]): string[] => ['template', NAMESPACE, CHART, '--namespace', NAMESPACE, ...args];

let cases: Case[];
const rendered = new Map<string, Manifest[]>();
const lints = new Map<string, HelmResult>();
const refused = new Map<string, HelmResult>();

beforeAll(async () => {
  const helm = findHelm();
  workDir = mkdtempSync(join(tmpdir(), 'wirehook-chart-'));
  cases = [
    ...ciFiles.map((name) => ({ name: `ci/${name}`, args: ['-f', join(CHART, 'ci', name)], values: [yamlFile(`ci/${name}`)] })),
    {
      name: 'values-nats-cluster.yaml',
      args: ['-f', join(CHART, 'values-nats-cluster.yaml'), '--set', 'existingSecret=wirehook'],
      values: [yamlFile('values-nats-cluster.yaml'), { existingSecret: 'wirehook' }],
    },
    ...Object.entries(variants).map(([name, values]) => ({ name, args: ['-f', valuesFile(minimal), '-f', valuesFile(values)], values: [minimal, values] })),
  ];
  // Every helm run at once: each takes a fraction of a second.
  const [lintResults, templateResults, refusalResults] = await Promise.all([
    Promise.all(cases.map((c) => runHelm(helm, ['lint', '--strict', CHART, ...c.args]))),
    Promise.all(cases.map((c) => runHelm(helm, template(c.args)))),
    Promise.all(refusals.map(([, values]) => runHelm(helm, template(['-f', valuesFile(minimal), '-f', valuesFile(values)])))),
  ]);
  cases.forEach((c, i) => {
    lints.set(c.name, lintResults[i]);
    if (templateResults[i].code !== 0) throw new Error(`helm ${templateResults[i].args.join(' ')} failed:\n${templateResults[i].stderr}`);
    rendered.set(c.name, parseManifests(templateResults[i].stdout));
  });
  refusals.forEach(([name], i) => refused.set(name, refusalResults[i]));
});

afterAll(() => {
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

const objects = (name: string, kind: string): Manifest[] => (rendered.get(name) ?? []).filter((object) => object.kind === kind);
const component = (object: Manifest): string | undefined => object.metadata.labels?.['app.kubernetes.io/component'];
const deploymentOf = (name: string, app: AppName): Manifest => {
  const deployment = objects(name, 'Deployment').find((object) => component(object) === app);
  if (!deployment) throw new Error(`${name}: no Deployment of ${app}`);
  return deployment;
};
const containerOf = (deployment: Manifest): Container => deployment.spec?.template?.spec.containers[0] as Container;
const minReplicas = (name: string, app: AppName): number => {
  const hpa = objects(name, 'HorizontalPodAutoscaler').find((object) => component(object) === app);
  return hpa?.spec?.minReplicas ?? deploymentOf(name, app).spec?.replicas ?? 1;
};
/** The rendered ConfigMap or Secret of that name, if the chart renders it. */
const renderedData = (name: string, kind: 'ConfigMap' | 'Secret', objectName: string): Record<string, string> | undefined =>
  objects(name, kind).find((object) => object.metadata.name === objectName)?.data;
const chartConfig = (name: string): Record<string, string> => renderedData(name, 'ConfigMap', NAMESPACE) ?? {};
/** Ports of a NetworkPolicy's ingress rules that take traffic from outside the release's own pods. */
const portsOpenOutside = (rules: PeerRule[]): (string | number)[] =>
  rules
    .filter((rule) => !rule.from || rule.from.some((peer) => peer.namespaceSelector || peer.ipBlock))
    .flatMap((rule) => (rule.ports ?? []).map((port) => port.port));

describe('helm lint --strict', () => {
  it('runs on every values file', () => {
    expect(cases.length).toBeGreaterThanOrEqual(ciFiles.length + 1);
  });

  it.each(['values-nats-cluster.yaml', ...ciFiles.map((name) => `ci/${name}`)])('passes with %s', (name) => {
    const result = lints.get(name);
    expect({ code: result?.code, stderr: result?.stderr }).toEqual({ code: 0, stderr: '' });
  });
});

describe.each(['values-nats-cluster.yaml', ...ciFiles.map((name) => `ci/${name}`), ...Object.keys(variants)])('helm template with %s', (name) => {
  it.each(APPS)('gives %s a Deployment with resources, probes, a non-root user and a metrics port', (app) => {
    const deployment = deploymentOf(name, app);
    const pod = deployment.spec?.template?.spec;
    const container = containerOf(deployment);
    expect(pod?.containers).toHaveLength(1);
    expect(container.resources?.requests).toEqual(expect.objectContaining({ cpu: expect.any(String), memory: expect.any(String) }));
    expect(container.resources?.limits?.memory).toEqual(expect.any(String));
    for (const probe of [container.startupProbe, container.livenessProbe, container.readinessProbe]) {
      expect(probe?.httpGet?.port).toBe('http');
    }
    expect(container.securityContext?.runAsNonRoot ?? pod?.securityContext?.runAsNonRoot).toBe(true);
    expect(container.securityContext).toEqual(expect.objectContaining({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false }));
    const ports = Object.fromEntries((container.ports ?? []).map((port) => [port.name, port.containerPort]));
    expect(ports.metrics).toBe(Number(chartConfig(name).METRICS_PORT));
    expect(ports.http).toBe(Number(container.env?.find((env) => env.name === 'PORT')?.value));
    expect(ports.http).not.toBe(ports.metrics);
    expect(selects(deployment.spec?.selector, deployment.spec?.template?.metadata.labels)).toBe(true);
  });

  it.each(APPS)('lets %s finish its shutdown within the grace period', (app) => {
    const deployment = deploymentOf(name, app);
    const preStop = containerOf(deployment).lifecycle?.preStop?.exec?.command;
    const preStopMs = preStop ? Number(preStop[preStop.indexOf('sleep') + 1]) * 1000 : 0;
    const graceMs = (deployment.spec?.template?.spec.terminationGracePeriodSeconds ?? 30) * 1000;
    expect(Number(chartConfig(name).SHUTDOWN_TIMEOUT_MS) + preStopMs).toBeLessThan(graceMs);
  });

  it.each(APPS)('gives %s a Service of its own pods exposing http and metrics', (app) => {
    const deployment = deploymentOf(name, app);
    const services = objects(name, 'Service').filter((service) => selects(service.spec?.selector, deployment.spec?.template?.metadata.labels));
    expect(services).toHaveLength(1);
    const ports = services[0].spec?.ports ?? [];
    expect(ports.map((port) => [port.name, port.targetPort]).sort()).toEqual([
      ['http', 'http'],
      ['metrics', 'metrics'],
    ]);
    expect(new Set(ports.map((port) => port.port)).size).toBe(ports.length);
  });

  it('routes the Ingress to config-api and never to a metrics port', () => {
    for (const ingress of objects(name, 'Ingress')) {
      for (const path of (ingress.spec?.rules ?? []).flatMap((rule) => rule.http.paths)) {
        const service = objects(name, 'Service').find((object) => object.metadata.name === path.backend.service.name);
        const port = service?.spec?.ports?.find((p) => p.port === path.backend.service.port.number || p.name === path.backend.service.port.name);
        expect([service && component(service), port?.targetPort]).toEqual(['config-api', 'http']);
      }
    }
  });

  it('gives every app its settings: env, or the chart ConfigMap or Secret it takes envFrom', () => {
    const known = allSettings();
    for (const app of APPS) {
      const container = containerOf(deploymentOf(name, app));
      const supplied = [
        ...(container.env ?? []).map((env) => env.name),
        ...(container.envFrom ?? []).flatMap((from) =>
          Object.keys(
            (from.configMapRef && renderedData(name, 'ConfigMap', from.configMapRef.name)) ??
              (from.secretRef && renderedData(name, 'Secret', from.secretRef.name)) ??
              {},
          ),
        ),
      ];
      // NODE_OPTIONS is node's own; anything else the apps would not read is a chart mistake.
      expect({ app, unread: supplied.filter((env) => env !== 'NODE_OPTIONS' && !known.has(env)) }).toEqual({ app, unread: [] });
    }
  });

  it('references only keys that exist in the Secrets and ConfigMaps it renders, or objects named in the values', () => {
    const valuesText = JSON.stringify(cases.find((c) => c.name === name)?.values);
    const problems: string[] = [];
    const check = (kind: 'ConfigMap' | 'Secret', objectName: string, key?: string, optional?: boolean): void => {
      const data = renderedData(name, kind, objectName);
      if (!data && !valuesText.includes(JSON.stringify(objectName))) problems.push(`${kind} ${objectName}: neither rendered nor in the values`);
      if (data && key && !optional && !(key in data)) problems.push(`${kind} ${objectName} has no key ${key}`);
    };
    for (const object of rendered.get(name) ?? []) {
      const pod = object.spec?.template?.spec ?? (object.kind === 'Pod' ? object.spec : undefined);
      for (const container of pod?.containers ?? []) {
        for (const env of container.env ?? []) {
          const { secretKeyRef, configMapKeyRef } = env.valueFrom ?? {};
          if (secretKeyRef) check('Secret', secretKeyRef.name, secretKeyRef.key, secretKeyRef.optional);
          if (configMapKeyRef) check('ConfigMap', configMapKeyRef.name, configMapKeyRef.key, configMapKeyRef.optional);
        }
        for (const from of container.envFrom ?? []) {
          if (from.configMapRef) check('ConfigMap', from.configMapRef.name);
          if (from.secretRef) check('Secret', from.secretRef.name);
        }
      }
      for (const volume of pod?.volumes ?? []) {
        const { secret, configMap } = volume;
        if (secret) (secret.items?.map((item) => item.key) ?? [undefined]).forEach((key) => check('Secret', secret.secretName, key));
        if (configMap) (configMap.items?.map((item) => item.key) ?? [undefined]).forEach((key) => check('ConfigMap', configMap.name, key));
      }
    }
    expect(problems).toEqual([]);
  });

  it('gives every app with more than one replica a PodDisruptionBudget that still lets a drain proceed', () => {
    for (const app of APPS) {
      const labels = deploymentOf(name, app).spec?.template?.metadata.labels;
      const budgets = objects(name, 'PodDisruptionBudget').filter((pdb) => selects(pdb.spec?.selector, labels));
      const replicas = minReplicas(name, app);
      if (replicas > 1) expect({ app, budgets: budgets.length }).toEqual({ app, budgets: 1 });
      for (const budget of budgets) {
        if (typeof budget.spec?.minAvailable === 'number') expect(budget.spec.minAvailable).toBeLessThan(replicas);
      }
    }
  });

  it('leaves the replica count of an autoscaled Deployment to its HorizontalPodAutoscaler', () => {
    for (const hpa of objects(name, 'HorizontalPodAutoscaler')) {
      const target = objects(name, 'Deployment').find((deployment) => deployment.metadata.name === hpa.spec?.scaleTargetRef?.name);
      expect([hpa.spec?.scaleTargetRef?.kind, target?.spec?.replicas]).toEqual(['Deployment', undefined]);
      expect(component(hpa)).not.toBe('retention-cron');
    }
  });

  it('has a helm test pod per app asking its Service for /health/ready', () => {
    const tests = objects(name, 'Pod').filter((pod) => pod.metadata.annotations?.['helm.sh/hook'] === 'test');
    const targets = tests.map((pod) => {
      const url = new URL((pod.spec?.containers?.[0]?.command ?? []).at(-1) ?? '');
      const service = objects(name, 'Service').find((object) => url.hostname === `${object.metadata.name}.${NAMESPACE}.svc`);
      const port = service?.spec?.ports?.find((p) => p.port === Number(url.port || 80));
      return [service && component(service), port?.targetPort, url.pathname];
    });
    expect(targets.sort()).toEqual(APPS.map((app) => [app, 'http', '/health/ready']));
  });

  it('runs the migration as a pre-install,pre-upgrade hook', () => {
    const [job] = objects(name, 'Job');
    expect(job?.metadata.annotations?.['helm.sh/hook']).toBe('pre-install,pre-upgrade');
  });
});

describe('helm template, across all values files', () => {
  it.each(APPS)('hands %s every setting it reads', (app) => {
    const supplied = new Set<string>();
    for (const name of rendered.keys()) {
      const container = containerOf(deploymentOf(name, app));
      (container.env ?? []).forEach((env) => supplied.add(env.name));
      for (const from of container.envFrom ?? []) {
        const data = from.configMapRef && renderedData(name, 'ConfigMap', from.configMapRef.name);
        Object.keys(data ?? {}).forEach((key) => supplied.add(key));
      }
    }
    expect([...appSettings(app)].filter((setting) => !PASSED_AS_FILES.includes(setting) && !supplied.has(setting))).toEqual([]);
  });
});

describe('helm template with ci/minimal.yaml', () => {
  const name = 'ci/minimal.yaml';

  it('keeps the Secret with the encryption key on helm uninstall', () => {
    const secret = objects(name, 'Secret').find((object) => object.metadata.name === NAMESPACE);
    expect(secret?.metadata.annotations?.['helm.sh/resource-policy']).toBe('keep');
    expect(Object.keys(secret?.data ?? {})).toEqual(expect.arrayContaining(['CONFIG_ENCRYPTION_KEY', 'ADMIN_API_KEY', 'MONGODB_URI']));
  });

  it('renders no NetworkPolicy and no monitoring objects unless asked', () => {
    const kinds = (rendered.get(name) ?? []).map((object) => object.kind);
    expect(kinds).not.toContain('NetworkPolicy');
    expect(kinds.filter((kind) => ['ServiceMonitor', 'PrometheusRule', 'Ingress', 'HorizontalPodAutoscaler'].includes(kind))).toEqual([]);
  });
});

describe('helm template with ci/everything.yaml', () => {
  const name = 'ci/everything.yaml';
  const policyOf = (app: string): Manifest | undefined =>
    objects(name, 'NetworkPolicy').find((policy) => policy.spec?.podSelector?.matchLabels?.['app.kubernetes.io/component'] === app);

  it.each(APPS)('gives %s a NetworkPolicy for both directions, open from outside on its metrics port (and only config-api on http)', (app) => {
    const policy = policyOf(app);
    expect(selects(policy?.spec?.podSelector, deploymentOf(name, app).spec?.template?.metadata.labels)).toBe(true);
    expect(policy?.spec?.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(portsOpenOutside(policy?.spec?.ingress ?? []).sort()).toEqual(app === 'config-api' ? ['http', 'metrics'] : ['metrics']);
    // The helm test pods reach the http port.
    const testLabels = objects(name, 'Pod').find((pod) => pod.metadata.annotations?.['helm.sh/hook'] === 'test')?.metadata.labels;
    const fromTests = (policy?.spec?.ingress ?? []).filter((rule) =>
      rule.from?.some((peer) => !peer.namespaceSelector && selects(peer.podSelector, testLabels)),
    );
    expect(fromTests.flatMap((rule) => rule.ports?.map((port) => port.port))).toEqual(['http']);
  });

  it('lets nothing in to the migrate Job and the helm test pods', () => {
    for (const app of ['migrate', 'helm-test']) {
      expect([app, policyOf(app)?.spec?.policyTypes, policyOf(app)?.spec?.ingress]).toEqual([app, ['Ingress', 'Egress'], undefined]);
    }
  });

  it('routes the Ingress to config-api', () => {
    expect(objects(name, 'Ingress').map(component)).toEqual(['config-api']);
  });

  it('autoscales config-api, dispatcher and log-service', () => {
    expect(objects(name, 'HorizontalPodAutoscaler').map(component).sort()).toEqual(['config-api', 'dispatcher', 'log-service']);
  });

  it('has a ServiceMonitor scraping the metrics port of every app with the token the apps check', () => {
    const [monitor] = objects(name, 'ServiceMonitor');
    expect(monitor?.spec?.endpoints?.map((endpoint) => endpoint.port)).toEqual(['metrics']);
    const scraped = objects(name, 'Service').filter((service) => selects(monitor?.spec?.selector, service.metadata.labels));
    expect(scraped.map(component).sort()).toEqual([...APPS]);
    const token = containerOf(deploymentOf(name, 'dispatcher')).env?.find((env) => env.name === 'METRICS_TOKEN')?.valueFrom?.secretKeyRef;
    expect(monitor?.spec?.endpoints?.[0].authorization?.credentials).toEqual({ name: token?.name, key: token?.key });
  });

  it('has a PrometheusRule with the groups of files/alert-rules.yaml', () => {
    const [rule] = objects(name, 'PrometheusRule');
    expect(rule?.spec?.groups).toEqual(yamlFile('files/alert-rules.yaml').groups);
  });

  it('has the Grafana dashboard in a ConfigMap the sidecar picks up', () => {
    const dashboard = objects(name, 'ConfigMap').find((object) => object.metadata.labels?.grafana_dashboard === '1');
    expect(JSON.parse(dashboard?.data?.['wirehook.json'] ?? 'null')).toEqual(JSON.parse(readFileSync(join(CHART, 'files', 'grafana-dashboard.json'), 'utf8')));
  });

  it('renders no Secret of its own with existingSecret', () => {
    expect(objects(name, 'Secret').map((secret) => secret.metadata.name)).not.toContain(NAMESPACE);
  });
});

describe('helm template refuses', () => {
  it.each(refusals)('%s', (what, _values, message) => {
    const result = refused.get(what);
    expect(result?.code).not.toBe(0);
    expect(result?.stderr).toMatch(message);
  });
});
