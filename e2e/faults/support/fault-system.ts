import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { MongoClient, type Db } from 'mongodb';
import { SecretBox } from '@wirehook/secret-box';
import { loadConfig } from '@wirehook/config';
import { WebhookEventPublisher } from '@wirehook/publisher';
import { ApiClient, HttpsReceiver, createTestCertificates, eventually, NatsCluster, resetSharedNats, withDatabase } from '@wirehook/testing';
import { ServerEnvironment, freePort, natsServerBinary, startMongoWireServer, startNatsServer, type LocalServer } from '@wirehook/local-run';
import { AppProcess, migrateDatabase, type AppName } from '../../support/app-process';

/** Servers to use instead of private ones; the NATS and MongoDB outages need private ones. */
export const faultEnvironment = loadConfig(ServerEnvironment);
const APPS: AppName[] = ['config-api', 'dispatcher', 'log-service'];

/** The app an instance name such as `dispatcher-2` runs. */
function appOf(instance: string): AppName {
  return instance.replace(/-\d+$/, '') as AppName;
}

/** One line of the suite's report, on stdout so that it stands out from Jest's own output. */
export function report(scenario: string, line: string): void {
  process.stdout.write(`[faults] ${scenario}: ${line}\n`);
}

/** How the system under fault is laid out. */
export interface FaultSystemOptions {
  /** Settings added per app. */
  extraEnv?: Partial<Record<AppName, Record<string, string>>>;
  /** Processes per app (1 unless given); instance 2 of the dispatcher is named `dispatcher-2`. */
  replicas?: Partial<Record<AppName, number>>;
  /**
   * A private 3-node NATS cluster on loopback, streams and buckets with 3 copies (always
   * private, even with `NATS_URL`: the scenarios kill its nodes).
   */
  natsCluster?: boolean;
}

/**
 * The platform under fault: NATS (one server or a 3-node cluster), MongoDB, config-api,
 * dispatcher and log-service as processes (several of an app if asked), an HTTPS receiver
 * with a throwaway CA, and one tenant with an admin key. Every piece can be killed and started
 * again on the same port (and NATS on the same store).
 */
export class FaultSystem {
  /** The app processes by instance name: `dispatcher`, `dispatcher-2`, ... */
  readonly apps = new Map<string, AppProcess>();
  readonly ports = new Map<string, number>();
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
    private readonly options: FaultSystemOptions,
    readonly natsUrl: string,
    readonly mongoUri: string,
    private readonly natsPort: number,
    private readonly mongoPort: number,
    /** The private NATS cluster, when asked for. */
    readonly cluster?: NatsCluster,
  ) {}

  /** Starts everything. */
  static async start(name: string, options: FaultSystemOptions = {}): Promise<FaultSystem> {
    const certificates = createTestCertificates();
    const receiver = await HttpsReceiver.start(certificates);
    const database = `wh_faults_${name.replace(/[^a-z0-9]/gi, '_')}_${randomBytes(3).toString('hex')}`;
    const natsPort = await freePort();
    const mongoPort = await freePort();
    const cluster = options.natsCluster ? await NatsCluster.start(3) : undefined;
    const natsUrl = cluster?.url ?? faultEnvironment.NATS_URL ?? `nats://127.0.0.1:${natsPort}`;
    const mongoUri = faultEnvironment.MONGODB_URI ? withDatabase(faultEnvironment.MONGODB_URI, database) : `mongodb://127.0.0.1:${mongoPort}/${database}`;
    const system = new FaultSystem(name, receiver, certificates.caFile, options, natsUrl, mongoUri, natsPort, mongoPort, cluster);
    try {
      // A cluster is the scenario's own, already running.
      if (!cluster && faultEnvironment.NATS_URL) await resetSharedNats(system.natsUrl);
      else if (!cluster) await system.startNats();
      if (!faultEnvironment.MONGODB_URI) await system.startMongo();
      // As a deployment does before it starts the apps. (The MongoDB-wire server restarted by the
      // outage scenario comes back empty, indexes included; the apps, ready by then, go on without.)
      await migrateDatabase(mongoUri);
      system.nc = await connect({ servers: natsUrl.split(','), name: `faults-${name}`, maxReconnectAttempts: -1, reconnectTimeWait: 250 });
      system.publisher = new WebhookEventPublisher(system.nc);
      const instances = APPS.flatMap((app) => Array.from({ length: options.replicas?.[app] ?? 1 }, (_, index) => (index === 0 ? app : `${app}-${index + 1}`)));
      for (const instance of instances) system.ports.set(instance, await freePort());
      await Promise.all(APPS.map((app) => system.startApp(app)));
      // More replicas one after the other, as a roll-out adds them.
      for (const instance of instances.filter((name) => !APPS.includes(name as AppName))) await system.startApp(instance);
      const operator = new ApiClient(`http://127.0.0.1:${system.ports.get('config-api')}`, system.operatorKey);
      await operator.post('/api/v1/tenants', { id: system.tenantId, name: 'Fault suite' });
      const issued = await operator.post<{ data: { key: string } }>(`/api/v1/tenants/${system.tenantId}/api-keys`, { role: 'admin' });
      system.admin = operator.withKey(issued.body.data.key);
    } catch (error) {
      // Servers and processes started so far would outlive the failed test file.
      await system.stop();
      throw error;
    }
    return system;
  }

  /** True when NATS (or MongoDB) is a private server the suite may stop. */
  static get ownsNats(): boolean {
    return !faultEnvironment.NATS_URL;
  }

  static get ownsMongo(): boolean {
    return !faultEnvironment.MONGODB_URI;
  }

  private appEnv(instance: string): Record<string, string> {
    const app = appOf(instance);
    return {
      NATS_URL: this.natsUrl,
      NATS_STREAM_REPLICAS: this.cluster ? '3' : '1',
      MONGODB_URI: this.mongoUri,
      PORT: String(this.ports.get(instance)),
      CONFIG_ENCRYPTION_KEY: this.encryptionKey,
      ADMIN_API_KEY: this.operatorKey,
      DELIVERY_ALLOW_CIDRS: '127.0.0.0/8,::1/128',
      DELIVERY_EXTRA_CA_FILE: this.caFile,
      ...this.options.extraEnv?.[app],
    };
  }

  /** Starts an app instance (`dispatcher`, `dispatcher-2`, ...) on its port. */
  async startApp(instance: string): Promise<void> {
    const process = AppProcess.start(appOf(instance), this.appEnv(instance));
    this.apps.set(instance, process);
    await process.started(60_000);
  }

  /** Ends an app instance with `signal` and waits for the exit. */
  async stopApp(instance: string, signal: NodeJS.Signals): Promise<void> {
    await this.apps.get(instance)?.stop(signal);
  }

  /** Kills an app instance with `signal` and starts it again at once; resolves when it is back. */
  async restartApp(instance: string, signal: NodeJS.Signals): Promise<void> {
    await this.stopApp(instance, signal);
    await this.startApp(instance);
  }

  async startNats(): Promise<void> {
    this.nats = await startNatsServer({ binary: natsServerBinary(faultEnvironment.PATH), storeDir: this.natsStoreDir, port: this.natsPort });
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
      const created = await this.admin.post<{ data: { id: string } }>('/api/v1/webhooks', {
        url: this.receiver.url(path),
        events: ['load.*', 'probe.*'],
        ...settings,
      });
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

  async stop(): Promise<void> {
    await Promise.all([...this.apps.values()].map((app) => app.stop()));
    if (faultEnvironment.MONGODB_URI) await (await this.db()).dropDatabase().catch(() => undefined);
    await this.mongoClient?.close();
    await this.nc?.close();
    await this.receiver.stop();
    await Promise.all([this.nats?.stop(), this.mongo?.stop(), this.cluster?.stop()]);
    rmSync(this.natsStoreDir, { recursive: true, force: true });
  }
}
