import { randomBytes } from 'node:crypto';
import { NestFactory } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import { AckPolicy, jetstream, jetstreamManager, type JetStreamClient } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import pino from 'pino';
import { SecretBox } from '@wirehook/secret-box';
import { loadConfig } from '@wirehook/config';
import {
  AttemptRecordedMessage,
  AttemptSubjects,
  EndpointDisabledMessage,
  KvBucketNames,
  OperationalSubjects,
  StreamNames,
  decodeMessage,
  encodeMessage,
  endpointConfigKey,
  parseAttemptSubject,
  tenantConfigKey,
  validatePlain,
  type AttemptLogBatch,
  type EndpointSnapshotMessage,
} from '@wirehook/contracts';
import { WebhookEventPublisher } from '@wirehook/publisher';
import { ensureStreams } from '@wirehook/nats';
import { HttpsReceiver, createTestCertificates, eventually, startTestServers, type TestCertificates, type TestServers } from '@wirehook/testing';
import { DispatcherModule } from '../../src/app.module';
import { DispatcherConfig } from '../../src/config/dispatcher.config';
import { EndpointDirectory } from '../../src/endpoints/endpoint-directory.service';

/**
 * The dispatcher booted in this process against a test NATS server, with configuration
 * written straight into the KV bucket (as config-api would) and every attempt record and
 * operational event collected for the test.
 */
export class DispatcherHarness {
  readonly attempts: AttemptRecordedMessage[] = [];
  readonly disabled: EndpointDisabledMessage[] = [];
  /** Messages stored on the attempt stream: records, created deliveries and batches of them. */
  attemptStreamMessages = 0;
  private endpointCount = 0;
  private stopCollecting: () => void = () => undefined;

  private constructor(
    readonly app: INestApplication,
    readonly nc: NatsConnection,
    readonly js: JetStreamClient,
    readonly publisher: WebhookEventPublisher,
    private readonly bucket: KV,
    private readonly secretBox: SecretBox,
  ) {}

  /** `env.CONFIG_ENCRYPTION_KEY`, when given, is the key the harness encrypts endpoint settings with too. */
  static async start(servers: TestServers, env: Record<string, string> = {}, caFile?: string): Promise<DispatcherHarness> {
    const encryptionKey = env.CONFIG_ENCRYPTION_KEY ?? SecretBox.generateKey();
    const config = loadConfig(DispatcherConfig, {
      NATS_URL: servers.natsUrl,
      CONFIG_ENCRYPTION_KEY: encryptionKey,
      DELIVERY_ALLOW_CIDRS: '127.0.0.0/8',
      ...(caFile ? { DELIVERY_EXTRA_CA_FILE: caFile } : {}),
      ...env,
    });
    const nc = await connect({ servers: servers.natsUrl });
    await ensureStreams(await jetstreamManager(nc));
    const bucket = await new Kvm(nc).create(KvBucketNames.config, { history: 1 });
    const js = jetstream(nc);
    const app = await NestFactory.create(DispatcherModule.forRoot(config, pino({ level: 'silent' })), { logger: false });
    await app.init();
    const harness = new DispatcherHarness(app, nc, js, new WebhookEventPublisher(nc), bucket, SecretBox.fromBase64(encryptionKey));
    await harness.collect();
    return harness;
  }

  /**
   * Collects attempt records, alone or in the dispatcher's batches (the work-queue stream allows
   * one consumer: the test is it), and ops events.
   */
  private async collect(): Promise<void> {
    const jsm = await jetstreamManager(this.nc);
    await jsm.consumers.add(StreamNames.attempts, { durable_name: 'test-observer', ack_policy: AckPolicy.Explicit, filter_subject: AttemptSubjects.all });
    const attempts = await (await this.js.consumers.get(StreamNames.attempts, 'test-observer')).consume();
    const operations = await (await this.js.consumers.get(StreamNames.operations)).consume();
    void (async () => {
      for await (const message of attempts) {
        this.attemptStreamMessages += 1;
        const holds = parseAttemptSubject(message.subject)?.holds;
        if (holds === 'attempt') this.attempts.push(decodeMessage(AttemptRecordedMessage, message.data));
        if (holds === 'batch') {
          const batch = message.json<AttemptLogBatch>();
          this.attempts.push(...batch.attempts.map((record) => validatePlain(AttemptRecordedMessage, record)));
        }
        message.ack();
      }
    })();
    void (async () => {
      for await (const message of operations) {
        if (message.subject === OperationalSubjects.endpointDisabled) this.disabled.push(decodeMessage(EndpointDisabledMessage, message.data));
      }
    })();
    this.stopCollecting = () => {
      attempts.stop();
      operations.stop();
    };
  }

  async addTenant(tenantId: string): Promise<void> {
    await this.bucket.put(tenantConfigKey(tenantId), encodeMessage({ id: tenantId, name: tenantId, revision: 1, updatedAt: new Date().toISOString() }));
    const directory = this.app.get(EndpointDirectory);
    await eventually(() => directory.hasTenant(tenantId));
  }

  /** Writes an endpoint snapshot; returns its id. Waits until the dispatcher has it. */
  async addEndpoint(
    tenantId: string,
    overrides: Partial<EndpointSnapshotMessage> & { url: string },
    secret = `whsec_${randomBytes(32).toString('base64')}`,
  ): Promise<EndpointSnapshotMessage> {
    this.endpointCount += 1;
    const snapshot: EndpointSnapshotMessage = {
      id: `ep_${String(this.endpointCount).padStart(24, '0')}`,
      tenantId,
      description: `endpoint ${this.endpointCount}`,
      events: ['*'],
      active: true,
      secrets: [{ encrypted: this.secretBox.encrypt(secret) }],
      encryptedHeaders: {},
      timeoutMs: 5000,
      maxConcurrency: 10,
      tenantField: 'tenantId',
      revision: 1,
      updatedAt: new Date().toISOString(),
      ...overrides,
    };
    await this.putEndpoint(snapshot);
    return snapshot;
  }

  async putEndpoint(snapshot: EndpointSnapshotMessage): Promise<void> {
    await this.bucket.put(endpointConfigKey(snapshot.tenantId, snapshot.id), encodeMessage(snapshot));
    const directory = this.app.get(EndpointDirectory);
    await eventually(() => directory.get(snapshot.tenantId, snapshot.id)?.revision === snapshot.revision);
  }

  /** Encrypts an endpoint setting (a proxy URL, a client certificate, a client secret) as config-api would. */
  encrypt(plain: string): string {
    return this.secretBox.encrypt(plain);
  }

  attemptsOf(endpointId: string): AttemptRecordedMessage[] {
    return this.attempts.filter((attempt) => attempt.endpointId === endpointId).sort((a, b) => a.attempt - b.attempt);
  }

  async close(): Promise<void> {
    this.stopCollecting();
    await this.app.close();
    await this.nc.close();
  }
}

/**
 * A dispatcher under test with test servers and an HTTPS receiver it trusts; tenant 'acme' exists.
 * `certificates` signed the receiver's: the dispatcher trusts more receivers made from them.
 */
export interface DispatcherTestbed {
  servers: TestServers;
  certificates: TestCertificates;
  receiver: HttpsReceiver;
  dispatcher: DispatcherHarness;
  stop(): Promise<void>;
}

export async function startDispatcherTestbed(name: string, env: Record<string, string> = {}): Promise<DispatcherTestbed> {
  const servers = await startTestServers(name, { mongo: false });
  let receiver: HttpsReceiver | undefined;
  try {
    const certificates = createTestCertificates();
    receiver = await HttpsReceiver.start(certificates);
    const dispatcher = await DispatcherHarness.start(servers, env, certificates.caFile);
    await dispatcher.addTenant('acme');
    const started = receiver;
    return {
      servers,
      certificates,
      receiver: started,
      dispatcher,
      stop: async () => {
        await dispatcher.close();
        await started.stop();
        await servers.stop();
      },
    };
  } catch (error) {
    await receiver?.stop();
    await servers.stop();
    throw error;
  }
}
