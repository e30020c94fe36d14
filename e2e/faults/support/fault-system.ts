import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { MongoClient, type Db } from 'mongodb';
import { SecretBox, loadConfig } from '@wirehook/config';
import { KvBucketNames, StreamNames } from '@wirehook/contracts';
import { WebhookEventPublisher } from '@wirehook/publisher';
import {
  ApiClient,
  HttpsReceiver,
  ServerEnvironment,
  createTestCertificates,
  eventually,
  findExecutable,
  freePort,
  startMongoWireServer,
  startNatsServer,
  withDatabase,
  type LocalServer,
} from '@wirehook/testing';
import { AppProcess, migrateDatabase, type AppName } from '../../support/app-process';

/** Servers to use instead of private ones; the NATS and MongoDB outages need private ones. */
export const faultEnvironment = loadConfig(ServerEnvironment);
const APPS: AppName[] = ['config-api', 'dispatcher', 'log-service'];

/** One line of the suite's report, on stdout so that it stands out from Jest's own output. */
export function report(scenario: string, line: string): void {
  process.stdout.write(`[faults] ${scenario}: ${line}\n`);
}

/**
 * The platform under fault: NATS, MongoDB, config-api, dispatcher and log-service as
 * processes, an HTTPS receiver with a throwaway CA, and one tenant with an admin key. Every
 * piece can be killed and started again on the same port (and NATS on the same store).
 */
export class FaultSystem {
  readonly apps = new Map<AppName, AppProcess>();
  readonly ports = new Map<AppName, number>();
  readonly tenantId = 'faults';
  admin!: ApiClient;
  nc!: NatsConnection;
  publisher!: WebhookEventPublisher;
  private mongoClient?: MongoClient;
  private nats?: LocalServer;
  private mongo?: LocalServer;
  private readonly operatorKey = `whop_${randomBytes(24).toString('base64url')}`;
  private readonly encryptionKey = SecretBox.generateKey();
  private readonly natsStoreDir = mkdtempSync(join(tmpdir(), 'wirehook-faults-nats-'));

  private constructor(
    readonly name: string,
    readonly receiver: HttpsReceiver,
    private readonly caFile: string,
    private readonly extraEnv: Partial<Record<AppName, Record<string, string>>>,
    readonly natsUrl: string,
    readonly mongoUri: string,
    private readonly natsPort: number,
    private readonly mongoPort: number,
  ) {}

  /** Starts everything; `extraEnv` adds settings per app. */
  static async start(name: string, extraEnv: Partial<Record<AppName, Record<string, string>>> = {}): Promise<FaultSystem> {
    const certificates = createTestCertificates();
    const receiver = await HttpsReceiver.start(certificates);
    const database = `wh_faults_${name.replace(/[^a-z0-9]/gi, '_')}_${randomBytes(3).toString('hex')}`;
    const natsPort = await freePort();
    const mongoPort = await freePort();
    const natsUrl = faultEnvironment.NATS_URL ?? `nats://127.0.0.1:${natsPort}`;
    const mongoUri = faultEnvironment.MONGODB_URI ? withDatabase(faultEnvironment.MONGODB_URI, database) : `mongodb://127.0.0.1:${mongoPort}/${database}`;
    const system = new FaultSystem(name, receiver, certificates.caFile, extraEnv, natsUrl, mongoUri, natsPort, mongoPort);
    if (faultEnvironment.NATS_URL) await system.resetSharedNats();
    else await system.startNats();
    if (!faultEnvironment.MONGODB_URI) await system.startMongo();
    // As a deployment does before it starts the apps. (The MongoDB-wire server restarted by the
    // outage scenario comes back empty, indexes included; the apps, ready by then, go on without.)
    await migrateDatabase(mongoUri);
    system.nc = await connect({ servers: natsUrl, name: `faults-${name}`, maxReconnectAttempts: -1, reconnectTimeWait: 250 });
    system.publisher = new WebhookEventPublisher(system.nc);
    for (const app of APPS) system.ports.set(app, await freePort());
    await Promise.all(APPS.map((app) => system.startApp(app)));
    const operator = new ApiClient(`http://127.0.0.1:${system.ports.get('config-api')}`, system.operatorKey);
    await operator.post('/api/v1/tenants', { id: system.tenantId, name: 'Fault suite' });
    const issued = await operator.post<{ data: { key: string } }>(`/api/v1/tenants/${system.tenantId}/api-keys`, { role: 'admin' });
    system.admin = operator.withKey(issued.body.data.key);
    return system;
  }

  /** True when NATS (or MongoDB) is a private server the suite may stop. */
  static get ownsNats(): boolean {
    return !faultEnvironment.NATS_URL;
  }

  static get ownsMongo(): boolean {
    return !faultEnvironment.MONGODB_URI;
  }

  private appEnv(app: AppName): Record<string, string> {
    return {
      NATS_URL: this.natsUrl,
      MONGODB_URI: this.mongoUri,
      PORT: String(this.ports.get(app)),
      CONFIG_ENCRYPTION_KEY: this.encryptionKey,
      ADMIN_API_KEY: this.operatorKey,
      DELIVERY_ALLOW_CIDRS: '127.0.0.0/8,::1/128',
      DELIVERY_EXTRA_CA_FILE: this.caFile,
      ...this.extraEnv[app],
    };
  }

  async startApp(app: AppName): Promise<void> {
    const process = AppProcess.start(app, this.appEnv(app));
    this.apps.set(app, process);
    await process.started(60_000);
  }

  /** Kills an app with `signal` and starts it again at once; resolves when it is back. */
  async restartApp(app: AppName, signal: NodeJS.Signals): Promise<void> {
    await this.apps.get(app)?.stop(signal);
    await this.startApp(app);
  }

  async startNats(): Promise<void> {
    const binary = findExecutable('nats-server', faultEnvironment.PATH);
    if (!binary) throw new Error('nats-server is not installed: apt-get install -y nats-server, or set NATS_URL');
    this.nats = await startNatsServer({ binary, storeDir: this.natsStoreDir, port: this.natsPort });
  }

  async stopNats(): Promise<void> {
    await this.nats?.stop();
  }

  async startMongo(): Promise<void> {
    this.mongo = await startMongoWireServer({ port: this.mongoPort, database: 'unused' });
  }

  async stopMongo(): Promise<void> {
    await this.mongoClient?.close();
    this.mongoClient = undefined;
    await this.mongo?.stop();
  }

  async db(): Promise<Db> {
    this.mongoClient ??= await MongoClient.connect(this.mongoUri, { serverSelectionTimeoutMS: 5_000 });
    return this.mongoClient.db();
  }

  /**
   * Creates webhooks at receiver paths, subscribed to `load.*`, and waits until the dispatcher
   * routes to every one of them (probe events; configuration arrives asynchronously).
   */
  async createWebhooks(paths: string[], settings: Record<string, unknown> = {}): Promise<string[]> {
    const ids: string[] = [];
    for (const path of paths) {
      const created = await this.admin.post<{ data: { id: string } }>('/api/v1/webhooks', { url: this.receiver.url(path), events: ['load.*', 'probe.*'], ...settings });
      if (created.status !== 201) throw new Error(`creating a webhook failed: ${JSON.stringify(created.body)}`);
      ids.push(created.body.data.id);
    }
    let probe = 0;
    await eventually(
      async () => {
        await this.publisher.publish(this.tenantId, { id: `probe-${probe++}`, event: 'probe.ready', data: {} });
        await new Promise((done) => setTimeout(done, 500));
        return paths.every((path) => this.receiver.requestsTo(path).length > 0);
      },
      { timeoutMs: 30_000, intervalMs: 0 },
    );
    return ids;
  }

  private async resetSharedNats(): Promise<void> {
    const nc = await connect({ servers: this.natsUrl });
    const jsm = await jetstreamManager(nc);
    const buckets = Object.values(KvBucketNames).map((bucket) => `KV_${bucket}`);
    for (const stream of [...Object.values(StreamNames), ...buckets]) await jsm.streams.delete(stream).catch(() => undefined);
    await nc.close();
  }

  async stop(): Promise<void> {
    await Promise.all([...this.apps.values()].map((app) => app.stop()));
    if (faultEnvironment.MONGODB_URI) await (await this.db()).dropDatabase().catch(() => undefined);
    await this.mongoClient?.close();
    await this.nc?.close();
    await this.receiver.stop();
    await Promise.all([this.nats?.stop(), this.mongo?.stop()]);
    rmSync(this.natsStoreDir, { recursive: true, force: true });
  }
}
