import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { loadAll } from 'js-yaml';

/**
 * Runs the real helm on the chart for the chart tests: the helm on PATH, else the one
 * tools/chart/install-helm.sh put in .cache/wirehook-tools. No helm is a test failure that names
 * the command installing it, never a skipped test.
 */

const ROOT = join(__dirname, '..', '..');
export const CHART = join(ROOT, 'docker', 'helm', 'wirehook');
export const INSTALL_HELM = 'bash tools/chart/install-helm.sh';
const LOCAL_HELM = join(ROOT, '.cache', 'wirehook-tools', 'helm');

const isExecutable = (file: string): boolean => {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** The helm binary to run: the first on PATH, else the project-local one; throws naming the installer. */
export function findHelm(): string {
  // eslint-disable-next-line no-restricted-properties -- helm is looked up on PATH as a shell would
  const onPath = (process.env.PATH ?? '')
    .split(delimiter)
    .filter(Boolean)
    .map((dir) => join(dir, 'helm'))
    .find(isExecutable);
  const helm = onPath ?? (isExecutable(LOCAL_HELM) ? LOCAL_HELM : undefined);
  if (!helm) throw new Error(`helm is not installed (not on PATH, not at ${LOCAL_HELM}); the chart tests need it: ${INSTALL_HELM}`);
  return helm;
}

export type HelmResult = { args: string[]; code: number; stdout: string; stderr: string };

/** Runs helm; resolves with its exit code and output whatever the code (refusals are expected results). */
export function runHelm(helm: string, args: string[]): Promise<HelmResult> {
  return new Promise((resolve, reject) => {
    execFile(helm, args, { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') reject(error);
      else resolve({ args, code: error ? Number(error.code) : 0, stdout, stderr });
    });
  });
}

export type Labels = Record<string, string>;
export type Metadata = { name: string; namespace?: string; labels?: Labels; annotations?: Labels };
export type KeyRef = { name: string; key: string; optional?: boolean };
export type EnvVar = { name: string; value?: string; valueFrom?: { secretKeyRef?: KeyRef; configMapKeyRef?: KeyRef } };
export type EnvFromSource = { configMapRef?: { name: string }; secretRef?: { name: string } };
export type HttpProbe = { httpGet?: { path: string; port: string | number } };
export type SecurityContext = {
  runAsNonRoot?: boolean;
  readOnlyRootFilesystem?: boolean;
  allowPrivilegeEscalation?: boolean;
  capabilities?: { drop?: string[] };
};
export type Container = {
  name: string;
  args?: string[];
  command?: string[];
  ports?: { name?: string; containerPort: number }[];
  env?: EnvVar[];
  envFrom?: EnvFromSource[];
  resources?: { requests?: Labels; limits?: Labels };
  startupProbe?: HttpProbe;
  livenessProbe?: HttpProbe;
  readinessProbe?: HttpProbe;
  lifecycle?: { preStop?: { exec?: { command: string[] } } };
  securityContext?: SecurityContext;
};
export type Volume = {
  name: string;
  secret?: { secretName: string; items?: { key: string }[] };
  configMap?: { name: string; items?: { key: string }[] };
};
export type PodSpec = {
  containers: Container[];
  securityContext?: SecurityContext;
  terminationGracePeriodSeconds?: number;
  volumes?: Volume[];
};
export type Selector = { matchLabels?: Labels };
export type ServicePort = { name?: string; port: number; targetPort: string | number };
export type PeerRule = { ports?: { port: string | number }[]; from?: Peer[]; to?: Peer[] };
export type Peer = { namespaceSelector?: Selector; podSelector?: Selector; ipBlock?: { cidr: string } };

/** One rendered object: the fields the tests read, by kind. */
export type Manifest = {
  apiVersion: string;
  kind: string;
  metadata: Metadata;
  data?: Record<string, string>;
  spec?: {
    replicas?: number;
    /** A label map on a Service, a Selector elsewhere. */
    selector?: Selector | Labels;
    template?: { metadata: Metadata; spec: PodSpec };
    containers?: Container[];
    ports?: ServicePort[];
    podSelector?: Selector;
    policyTypes?: string[];
    ingress?: PeerRule[];
    egress?: PeerRule[];
    rules?: { http: { paths: { backend: { service: { name: string; port: { number?: number; name?: string } } } }[] } }[];
    minAvailable?: number | string;
    maxUnavailable?: number | string;
    minReplicas?: number;
    scaleTargetRef?: { kind: string; name: string };
    endpoints?: { port: string; authorization?: { credentials: KeyRef } }[];
    groups?: unknown[];
  } & Partial<PodSpec>;
};

/** The objects of `helm template` output, empty documents left out. */
export function parseManifests(stdout: string): Manifest[] {
  return loadAll(stdout).filter((doc): doc is Manifest => typeof doc === 'object' && doc !== null);
}

const isSelector = (selector: Selector | Labels): selector is Selector => typeof selector.matchLabels === 'object';

/** Whether a selector (a Selector, or a Service's label map) selects an object with these labels. */
export function selects(selector: Selector | Labels | undefined, labels: Labels | undefined): boolean {
  const wanted = Object.entries((selector && isSelector(selector) ? selector.matchLabels : selector) ?? {});
  return wanted.length > 0 && wanted.every(([key, value]) => labels?.[key] === value);
}
