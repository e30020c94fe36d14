import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const ROOT = resolve(__dirname, '..', '..');
const run = promisify(execFile);

/** A service's script that publishes over NATS, first on a connection it opened, then on one the publisher opens. */
const PUBLISH_OVER_NATS = `
const { connect } = require('@nats-io/transport-node');
const { WebhookEventPublisher } = require('@wirehook/publisher');

async function main() {
  const [servers, tenantId, eventJson] = process.argv.slice(2);
  const event = JSON.parse(eventJson);
  const nc = await connect({ servers });
  const first = await new WebhookEventPublisher(nc).publish(tenantId, event);
  await nc.drain();
  const publisher = await WebhookEventPublisher.connect({ servers, name: 'billing-service' });
  const again = await publisher.publish(tenantId, event);
  await publisher.close();
  console.log(JSON.stringify({ first, again }));
}
main().catch((error) => { console.error(error); process.exit(1); });
`;

/** A service's script that publishes over config-api's HTTP ingest and prints the result or the error. */
const PUBLISH_OVER_HTTP = `
const { HttpEventPublisher, HttpPublishError } = require('@wirehook/publisher');

async function main() {
  const [baseUrl, apiKey, eventJson, optionsJson] = process.argv.slice(2);
  const publisher = new HttpEventPublisher({ baseUrl, apiKey, ...JSON.parse(optionsJson) });
  try {
    console.log(JSON.stringify({ published: await publisher.publish(JSON.parse(eventJson)) }));
  } catch (error) {
    if (!(error instanceof HttpPublishError)) throw error;
    const { name, message, status, code, attempts } = error;
    console.log(JSON.stringify({ error: { name, message, status, code, attempts } }));
  }
}
main().catch((error) => { console.error(error); process.exit(1); });
`;

/** A TypeScript service, type-checked against the package's declarations; `@ts-expect-error` proves they are not `any`. */
const TYPED_SERVICE = `
import { connect } from '@nats-io/transport-node';
import { HttpEventPublisher, HttpPublishError, WebhookEventPublisher, type HttpPublishResult, type PublishResult, type WebhookEvent } from '@wirehook/publisher';

export async function publishBoth(): Promise<string[]> {
  const event: WebhookEvent = { id: 'inv-1-paid', event: 'invoice.paid', data: { invoiceId: 'inv-1' }, identifiers: { invoiceId: 'inv-1' } };
  const overNats: PublishResult = await new WebhookEventPublisher(await connect({ servers: 'nats://127.0.0.1:4222' })).publish('billing', event);
  const owned = await WebhookEventPublisher.connect({ servers: ['tls://nats:4222'], auth: { method: 'token', token: 't' }, tls: { caFile: '/ca.pem' } });
  await owned.close();
  const http = new HttpEventPublisher({ baseUrl: 'https://wirehook.internal', apiKey: 'whk_key', maxAttempts: 3 });
  let overHttp: HttpPublishResult | undefined;
  try {
    overHttp = await http.publish({ event: 'invoice.paid', data: {} });
  } catch (error) {
    if (error instanceof HttpPublishError) return [String(error.status), error.code];
  }
  // @ts-expect-error data is required
  await owned.publish('billing', { event: 'invoice.paid' });
  // @ts-expect-error over HTTP the API key is the source
  await http.publish({ event: 'invoice.paid', data: {}, source: 'billing' });
  // @ts-expect-error a NATS auth method needs its secret
  await WebhookEventPublisher.connect({ servers: 'nats://nats:4222', auth: { method: 'token' } });
  return [overNats.eventId, String(overNats.duplicate), overHttp?.eventId ?? ''];
}
`;

const TSCONFIG = {
  compilerOptions: { target: 'ES2022', module: 'node16', moduleResolution: 'node16', strict: true, noEmit: true, skipLibCheck: false, types: [] },
  files: ['service.ts'],
};

function workspaceVersion(name: string): string {
  return (JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
}

/**
 * `@wirehook/publisher` as another service gets it: built (`npm run build:publisher`), packed
 * (`npm pack`) and installed from the tarball, with its peer dependencies, into a new project
 * in the system's temp folder, outside the workspace and its node_modules.
 */
export class InstalledPublisher {
  private constructor(
    readonly dir: string,
    /** What `npm pack` reported: file name, sizes and the files in the tarball. */
    readonly tarball: { filename: string; size: number; unpackedSize: number; files: Array<{ path: string }> },
    /** The installed package's manifest. */
    readonly manifest: { name: string; peerDependencies: Record<string, string>; dependencies?: Record<string, string> },
  ) {}

  static async install(): Promise<InstalledPublisher> {
    // eslint-disable-next-line no-restricted-properties -- npm and nx need PATH and friends; no Nx daemon left behind
    await run('npm', ['run', '-s', 'build:publisher'], { cwd: ROOT, env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' } });
    const dir = mkdtempSync(join(tmpdir(), 'wirehook-publisher-service-'));
    const packed = await run('npm', ['pack', '--json', '--pack-destination', dir], { cwd: join(ROOT, 'dist', 'publisher') });
    const [tarball] = JSON.parse(packed.stdout) as InstalledPublisher['tarball'][];
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'billing-service', version: '1.0.0', private: true }));
    const manifest = JSON.parse(readFileSync(join(ROOT, 'dist', 'publisher', 'package.json'), 'utf8')) as InstalledPublisher['manifest'];
    // The peers at the workspace's versions: the npm cache has them, so this works offline too.
    const peers = Object.keys(manifest.peerDependencies).map((name) => `${name}@${workspaceVersion(name)}`);
    await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', join(dir, tarball.filename), ...peers], { cwd: dir });
    writeFileSync(join(dir, 'publish-over-nats.js'), PUBLISH_OVER_NATS);
    writeFileSync(join(dir, 'publish-over-http.js'), PUBLISH_OVER_HTTP);
    writeFileSync(join(dir, 'service.ts'), TYPED_SERVICE);
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(TSCONFIG));
    return new InstalledPublisher(dir, tarball, JSON.parse(readFileSync(join(dir, 'node_modules', '@wirehook', 'publisher', 'package.json'), 'utf8')));
  }

  /** Runs one of the service's scripts with plain node in the service's folder; resolves with the JSON it printed. */
  async node<T>(script: 'publish-over-nats.js' | 'publish-over-http.js', ...args: string[]): Promise<T> {
    const { stdout } = await run(process.execPath, [script, ...args], { cwd: this.dir, timeout: 60_000 });
    return JSON.parse(stdout) as T;
  }

  /** Type-checks service.ts against the installed declarations with the workspace's TypeScript; the compiler's output. */
  async typecheck(): Promise<{ exitCode: number; output: string }> {
    try {
      await run(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], { cwd: this.dir });
      return { exitCode: 0, output: '' };
    } catch (error) {
      const failed = error as { code?: number; stdout?: string; stderr?: string };
      return { exitCode: failed.code ?? 1, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
    }
  }

  /** A file of the installed package, as text. */
  installedText(file: string): string {
    return readFileSync(join(this.dir, 'node_modules', '@wirehook', 'publisher', file), 'utf8');
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
