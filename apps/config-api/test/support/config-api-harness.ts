import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { NestFactory } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import { SecretBox } from '@wirehook/secret-box';
import { connectMongo, migrateIndexes } from '@wirehook/mongo';
import { loadConfig } from '@wirehook/config';
import { connect } from '@nats-io/transport-node';
import type { EndpointSnapshotMessage } from '@wirehook/contracts';
import { ApiClient, capturingLogger, startTestServers, type LogLine, type TestServers } from '@wirehook/testing';
import { ConfigApiModule } from '../../src/app.module';
import { CONFIG_API_COLLECTIONS } from '../../src/collections';
import { ConfigApiConfig } from '../../src/config/config-api.config';
import { configureHttp } from '../../src/http-setup';
import { endpointSnapshot } from './endpoint-snapshots';

/** config-api booted in this process against the test servers, as main.ts boots it. */
export interface ConfigApiHarness {
  app: INestApplication;
  baseUrl: string;
  operatorKey: string;
  encryptionKey: string;
  operator: ApiClient;
  /** Every JSON log line the app wrote. */
  logs: LogLine[];
  /** Creates a tenant with an admin key (and a viewer key); returns clients for both. */
  tenant(id: string): Promise<{ admin: ApiClient; viewer: ApiClient; adminKeyId: string; adminKey: string }>;
  close(): Promise<void>;
}

/**
 * Boots config-api after migrating its collections, as a deployment runs the migration first.
 * `dashboardDir` stands in for the built dashboard (`npm run build` makes the real one).
 */
export async function startConfigApi(
  servers: TestServers,
  env: Record<string, string> = {},
  { dashboardDir }: { dashboardDir?: string } = {},
): Promise<ConfigApiHarness> {
  const operatorKey = `op_${randomBytes(24).toString('hex')}`;
  const encryptionKey = env.CONFIG_ENCRYPTION_KEY ?? SecretBox.generateKey();
  const config = loadConfig(ConfigApiConfig, {
    NATS_URL: servers.natsUrl,
    MONGODB_URI: servers.mongoUri,
    MONGODB_WRITE_CONCERN: '1',
    ADMIN_API_KEY: operatorKey,
    CONFIG_ENCRYPTION_KEY: encryptionKey,
    DELIVERY_ALLOW_CIDRS: '127.0.0.0/8,::1/128',
    LOG_LEVEL: 'debug',
    ...env,
  });
  const connection = await connectMongo(config.MONGODB_URI, config.MONGODB_WRITE_CONCERN);
  try {
    await migrateIndexes(connection, CONFIG_API_COLLECTIONS);
  } finally {
    await connection.close();
  }
  const { logger, lines: logs } = capturingLogger('config-api');
  const app = await NestFactory.create(ConfigApiModule.forRoot(config, logger, { dashboardDir }), { logger: false });
  configureHttp(app, logger);
  await app.listen(0, '127.0.0.1');
  const baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  const operator = new ApiClient(baseUrl, operatorKey);
  return {
    app,
    baseUrl,
    operatorKey,
    encryptionKey,
    operator,
    logs,
    async tenant(id: string) {
      const created = await operator.post('/api/v1/tenants', { id, name: `Tenant ${id}` });
      if (created.status !== 201) throw new Error(`creating tenant ${id}: ${JSON.stringify(created.body)}`);
      const admin = await operator.post<{ data: { key: string; id: string } }>(`/api/v1/tenants/${id}/api-keys`, { role: 'admin' });
      const viewer = await operator.post<{ data: { key: string } }>(`/api/v1/tenants/${id}/api-keys`, { role: 'viewer' });
      return {
        admin: new ApiClient(baseUrl, admin.body.data.key),
        viewer: new ApiClient(baseUrl, viewer.body.data.key),
        adminKeyId: admin.body.data.id,
        adminKey: admin.body.data.key,
      };
    },
    close: () => app.close(),
  };
}

/** Test servers, config-api on them, and tenant `acme` with an admin key: what most config-api tests start from. */
export interface ConfigApiTestbed {
  api: ConfigApiHarness;
  admin: ApiClient;
  /** The snapshot of one of acme's endpoints, as the dispatcher reads it from the KV bucket. */
  snapshotOf(endpointId: string): Promise<EndpointSnapshotMessage | undefined>;
  stop(): Promise<void>;
}

export async function startConfigApiTestbed(name: string, env: Record<string, string> = {}): Promise<ConfigApiTestbed> {
  const servers = await startTestServers(name);
  const api = await startConfigApi(servers, env);
  const nc = await connect({ servers: servers.natsUrl });
  const { admin } = await api.tenant('acme');
  return {
    api,
    admin,
    snapshotOf: (endpointId) => endpointSnapshot(nc, 'acme', endpointId),
    async stop() {
      await nc.close();
      await api.close();
      await servers.stop();
    },
  };
}
