import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { natsConnectionOptions, type NatsClientSettings } from '@wirehook/nats';
import { WebhookEventPublisher } from '@wirehook/publisher';
import { ApiClient, HttpsReceiver, createTestCertificates, startTestServers, type TestCertificates, type TestServers } from '@wirehook/testing';
import { freePortBlock } from '@wirehook/local-run';
import { EmbeddedRun } from './embedded-run';

/** A NATS of the test's own that the system is to use instead of the test servers' open one (a `SecuredNatsServer`). */
export interface SystemNats {
  /** NATS_URL and the credential and TLS settings the apps get. */
  env: Record<string, string>;
  /** The same, for the test's own connection and publisher. */
  settings: NatsClientSettings;
}

/**
 * The whole platform as a new user runs it (`npm start`) against a test file's own NATS and
 * MongoDB, with an HTTPS receiver whose CA the dispatcher trusts, the operator's API client and
 * a publisher.
 */
export class RunningSystem {
  private constructor(
    readonly servers: TestServers,
    readonly certificates: TestCertificates,
    readonly receiver: HttpsReceiver,
    readonly run: EmbeddedRun,
    readonly port: number,
    readonly operator: ApiClient,
    readonly nc: NatsConnection,
    readonly publisher: WebhookEventPublisher,
  ) {}

  /**
   * `env` adds to or overrides the defaults (loopback allow-listed, the test CA trusted, LOG_LEVEL
   * warn); `nats` replaces the test servers' NATS (which then stands unused).
   */
  static async start(name: string, env: Record<string, string> = {}, nats?: SystemNats): Promise<RunningSystem> {
    const servers = await startTestServers(name);
    const natsEnv = nats?.env ?? { NATS_URL: servers.natsUrl };
    const natsSettings = nats?.settings ?? { servers: servers.natsUrl };
    const certificates = createTestCertificates();
    const receiver = await HttpsReceiver.start(certificates);
    const port = await freePortBlock();
    const operatorKey = randomBytes(24).toString('hex');
    const run = await EmbeddedRun.start({
      ...natsEnv,
      MONGODB_URI: servers.mongoUri,
      PORT: String(port),
      ADMIN_API_KEY: operatorKey,
      DELIVERY_ALLOW_CIDRS: '127.0.0.0/8',
      DELIVERY_EXTRA_CA_FILE: certificates.caFile,
      WIREHOOK_DATA_DIR: mkdtempSync(join(tmpdir(), 'wirehook-e2e-')),
      LOG_LEVEL: 'warn',
      ...env,
    });
    const nc = await connect(natsConnectionOptions(natsSettings));
    const operator = new ApiClient(`http://127.0.0.1:${port}`, operatorKey);
    return new RunningSystem(servers, certificates, receiver, run, port, operator, nc, new WebhookEventPublisher(nc));
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Creates a tenant with an admin and a viewer key. */
  async tenant(id: string): Promise<{ admin: ApiClient; viewer: ApiClient }> {
    const created = await this.operator.post('/api/v1/tenants', { id, name: `Tenant ${id}` });
    if (created.status !== 201) throw new Error(`creating tenant ${id} answered ${created.status}: ${JSON.stringify(created.body)}`);
    const key = async (role: 'admin' | 'viewer') =>
      this.operator.withKey((await this.operator.post<{ data: { key: string } }>(`/api/v1/tenants/${id}/api-keys`, { role })).body.data.key);
    return { admin: await key('admin'), viewer: await key('viewer') };
  }

  async stop(): Promise<void> {
    await this.nc.close();
    await this.run.interrupt();
    await this.receiver.stop();
    await this.servers.stop();
  }
}
