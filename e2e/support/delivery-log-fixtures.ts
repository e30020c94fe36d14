import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstream, type JetStreamClient } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { attemptIdOf, attemptSubject, encodeMessage, type AttemptRecordedMessage, type DeliveryStatus } from '@wirehook/contracts';
import { ApiClient, eventually, startTestServers, type TestServers } from '@wirehook/testing';
import { freePortBlock } from '@wirehook/local-run';
import { EmbeddedRun } from './embedded-run';

/** The system started as the README says, with a NATS connection to seed attempt records onto JetStream. */
export interface LogsSystem {
  servers: TestServers;
  run: EmbeddedRun;
  /** config-api's port; dispatcher, log-service and retention-cron listen on the next three. */
  port: number;
  baseUrl: string;
  operator: ApiClient;
  nc: NatsConnection;
  js: JetStreamClient;
  /** Creates a tenant with an admin and a viewer key. */
  tenant(id: string): Promise<{ admin: ApiClient; viewer: ApiClient }>;
  stop(): Promise<void>;
}

/** Test servers of the file's own and `npm start` on them, with the API's operator key. */
export async function startLogsSystem(name: string, env: Record<string, string> = {}): Promise<LogsSystem> {
  const servers = await startTestServers(name);
  const port = await freePortBlock();
  const operatorKey = `op_${randomBytes(24).toString('hex')}`;
  const run = await EmbeddedRun.start({
    NATS_URL: servers.natsUrl,
    MONGODB_URI: servers.mongoUri,
    PORT: String(port),
    ADMIN_API_KEY: operatorKey,
    DELIVERY_ALLOW_CIDRS: '127.0.0.0/8,::1/128',
    WIREHOOK_DATA_DIR: mkdtempSync(join(tmpdir(), 'wirehook-e2e-')),
    LOG_LEVEL: 'warn',
    ...env,
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  const operator = new ApiClient(baseUrl, operatorKey);
  const nc = await connect({ servers: servers.natsUrl });
  return {
    servers,
    run,
    port,
    baseUrl,
    operator,
    nc,
    js: jetstream(nc),
    async tenant(id) {
      const created = await operator.post('/api/v1/tenants', { id, name: `Tenant ${id}` });
      if (created.status !== 201) throw new Error(`creating tenant ${id}: ${JSON.stringify(created.body)}`);
      const key = async (role: string) => (await operator.post<{ data: { key: string } }>(`/api/v1/tenants/${id}/api-keys`, { role })).body.data.key;
      return { admin: operator.withKey(await key('admin')), viewer: operator.withKey(await key('viewer')) };
    },
    async stop() {
      await nc.close();
      await run.interrupt();
      await servers.stop();
    },
  };
}

/** A webhook as attempt records name it. */
export interface WebhookRef {
  id: string;
  name: string;
  url: string;
}

/** Creates a webhook through the API (it is never delivered to: the tests seed its attempt records). */
export async function createWebhook(admin: ApiClient, name: string, url: string): Promise<WebhookRef> {
  const created = await admin.post<{ data: { id: string } }>('/api/v1/webhooks', { url, events: ['never.published'], description: name });
  if (created.status !== 201) throw new Error(`creating webhook ${name}: ${JSON.stringify(created.body)}`);
  return { id: created.body.data.id, name, url };
}

/** All seeded times are minutes after this instant. */
export const BASE_TIME = Date.parse('2026-03-02T08:00:00.000Z');
export const minute = (offset: number): string => new Date(BASE_TIME + offset * 60_000).toISOString();

/** One attempt of a seeded delivery: its time, outcome, and what the endpoint answered (null: no answer). */
export interface AttemptSpec {
  minute: number;
  status: DeliveryStatus;
  http: number | null;
  durationMs?: number;
  trigger?: 'auto' | 'manual' | 'test';
  responseBody?: string;
  errorCode?: 'connection_refused' | 'timeout' | 'tls' | 'dns';
}

/** A delivery id (`msg_` + 26 characters) made from a readable label. */
export function deliveryIdOf(label: string): string {
  return `msg_${label
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '')
    .padStart(26, '0')
    .slice(-26)}`;
}

/** The attempt records of one delivery, as the dispatcher would publish them. */
export function deliveryRecords(tenantId: string, label: string, webhook: WebhookRef, eventType: string, attempts: AttemptSpec[]): AttemptRecordedMessage[] {
  const deliveryId = deliveryIdOf(label);
  const body = JSON.stringify({ event: eventType, timestamp: minute(attempts[0].minute), tenantId, data: { label } });
  return attempts.map((spec, index) => {
    const startedAt = minute(spec.minute);
    const answered = spec.http !== null;
    const successful = answered && spec.http !== null && spec.http >= 200 && spec.http < 300;
    return {
      tenantId,
      endpointId: webhook.id,
      endpointName: webhook.name,
      endpointUrl: webhook.url,
      deliveryId,
      eventId: `evt_${label}`,
      eventType,
      identifiers: { label },
      attempt: index + 1,
      trigger: spec.trigger ?? 'auto',
      status: spec.status,
      request: {
        method: 'POST',
        url: webhook.url,
        headers: { 'content-type': 'application/json', 'webhook-id': deliveryId, authorization: '[redacted]' },
        body,
      },
      response: answered
        ? { status: spec.http as number, headers: { 'content-type': 'text/plain' }, body: spec.responseBody ?? `answer ${spec.http}`, bodyTruncated: false }
        : undefined,
      error: successful
        ? undefined
        : answered
          ? { code: 'http_status', message: `the endpoint answered HTTP ${spec.http}` }
          : { code: spec.errorCode ?? 'connection_refused', message: `connect ECONNREFUSED 203.0.113.7:443 (${spec.errorCode ?? 'connection_refused'})` },
      durationMs: spec.durationMs ?? 40 + index,
      deliveryCreatedAt: minute(attempts[0].minute),
      startedAt,
      completedAt: new Date(Date.parse(startedAt) + (spec.durationMs ?? 40)).toISOString(),
      nextAttemptAt: spec.status === 'retrying' ? minute(spec.minute + 5) : undefined,
    };
  });
}

/** Publishes attempt records onto JetStream as the dispatcher does. */
export async function publishAttempts(js: JetStreamClient, records: AttemptRecordedMessage[]): Promise<void> {
  for (const record of records) {
    await js.publish(attemptSubject(record.tenantId), encodeMessage(record), { msgID: attemptIdOf(record) });
  }
}

/** Waits until a tenant's logs API lists `count` attempts. */
export async function waitForAttempts(viewer: ApiClient, count: number): Promise<void> {
  await eventually(async () => (await viewer.get<{ pagination: { total: number } }>('/api/v1/deliveries?per_page=1')).body.pagination?.total === count, {
    timeoutMs: 20_000,
    intervalMs: 100,
  });
}
