import type { KV } from '@nats-io/kv';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import pino from 'pino';
import { Webhook } from 'standardwebhooks';
import { MetricsRegistry } from '@wirehook/metrics';
import { SecretBox } from '@wirehook/secret-box';
import { ENCRYPTION_KEY_CHECK_CONFIG_KEY, KvBucketNames } from '@wirehook/contracts';
import { openBucket } from '@wirehook/nats';
import { HttpsReceiver, createTestCertificates, eventually, startTestServers, type TestServers } from '@wirehook/testing';
import { EndpointDirectory } from '../src/endpoints/endpoint-directory.service';
import { DispatcherMetrics } from '../src/metrics/dispatcher.metrics';
import { DispatcherHarness } from './support/dispatcher-harness';

const keyA = SecretBox.generateKey();
const keyB = SecretBox.generateKey();
const onlyA = SecretBox.fromBase64(keyA);
const onlyB = SecretBox.fromBase64(keyB);

describe('the dispatcher during an encryption key rotation', () => {
  let servers: TestServers;
  let nc: NatsConnection;
  let bucket: KV;
  let receiver: HttpsReceiver;
  let dispatcher: DispatcherHarness;

  beforeAll(async () => {
    servers = await startTestServers('dispatcher-key-ring', { mongo: false });
    nc = await connect({ servers: servers.natsUrl });
    bucket = await openBucket(nc, KvBucketNames.config);
    // As config-api leaves it while the secrets are still under the old key.
    await bucket.put(ENCRYPTION_KEY_CHECK_CONFIG_KEY, onlyA.keyCheckValue());
    const certificates = createTestCertificates();
    receiver = await HttpsReceiver.start(certificates);
    dispatcher = await DispatcherHarness.start(servers, { CONFIG_ENCRYPTION_KEY: keyB, CONFIG_ENCRYPTION_PREVIOUS_KEYS: keyA }, certificates.caFile);
    await dispatcher.addTenant('acme');
  });

  afterAll(async () => {
    await dispatcher?.close();
    await receiver?.stop();
    await nc?.close();
    await servers?.stop();
  });

  /** The dispatcher's boot check of the key ring, as its module runs it. */
  const bootWith = async (box: SecretBox) => {
    const directory = new EndpointDirectory(nc, pino({ level: 'silent' }), box, new DispatcherMetrics(new MetricsRegistry()));
    try {
      await directory.onModuleInit();
    } finally {
      directory.onApplicationShutdown();
    }
  };

  it('delivers with secrets and headers written under the old key and under the new one', async () => {
    const secrets = { old: 'whsec_b2xkLWtleS1zaWduaW5nLXNlY3JldC0zMi1ieXRlcyE=', new: 'whsec_bmV3LWtleS1zaWduaW5nLXNlY3JldC0zMi1ieXRlcyE=' };
    const underOld = await dispatcher.addEndpoint('acme', {
      url: receiver.url('/old'),
      events: ['rotation.*'],
      secrets: [{ encrypted: onlyA.encrypt(secrets.old) }],
      encryptedHeaders: { 'x-team': onlyA.encrypt('team-old') },
      auth: { type: 'bearer', encryptedValue: onlyA.encrypt('token-old') },
    });
    await dispatcher.addEndpoint('acme', {
      url: receiver.url('/new'),
      events: ['rotation.*'],
      secrets: [{ encrypted: onlyB.encrypt(secrets.new) }],
      encryptedHeaders: { 'x-team': onlyB.encrypt('team-new') },
    });
    await dispatcher.publisher.publish('acme', { event: 'rotation.test', data: { n: 1 } });
    await eventually(() => receiver.requestsTo('/old').length === 1 && receiver.requestsTo('/new').length === 1, { timeoutMs: 15_000 });

    for (const [path, secret, team] of [
      ['/old', secrets.old, 'team-old'],
      ['/new', secrets.new, 'team-new'],
    ]) {
      const [request] = receiver.requestsTo(path);
      const headers = Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, String(value)]));
      expect(headers['x-team']).toBe(team);
      expect(() => new Webhook(secret).verify(request.body, headers)).not.toThrow();
    }
    expect(receiver.requestsTo('/old')[0].headers.authorization).toBe('Bearer token-old');
    await eventually(() => dispatcher.attemptsOf(underOld.id)[0]?.status === 'success');
  });

  it('boots with a ring holding the key of the check value, and refuses one without it', async () => {
    await expect(bootWith(SecretBox.fromConfig({ CONFIG_ENCRYPTION_KEY: keyB, CONFIG_ENCRYPTION_PREVIOUS_KEYS: [keyA] }))).resolves.toBeUndefined();
    // Before the re-encryption: the new key alone cannot read the old secrets.
    await expect(bootWith(onlyB)).rejects.toThrow(/CONFIG_ENCRYPTION_KEY differs from config-api's key, and no key of CONFIG_ENCRYPTION_PREVIOUS_KEYS is it/);

    // After it, the check value is under the new key: the old key alone can no longer read the secrets.
    await bucket.put(ENCRYPTION_KEY_CHECK_CONFIG_KEY, onlyB.keyCheckValue());
    await expect(bootWith(onlyB)).resolves.toBeUndefined();
    await expect(bootWith(onlyA)).rejects.toThrow(/CONFIG_ENCRYPTION_KEY differs from config-api's key/);
  });
});
