import { Kvm } from '@nats-io/kv';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { Connection } from 'mongoose';
import { SecretBox, SecretDecryptionError } from '@wirehook/secret-box';
import { connectMongo } from '@wirehook/mongo';
import { loadConfig } from '@wirehook/config';
import { ENCRYPTION_KEY_CHECK_CONFIG_KEY, KvBucketNames, type EndpointSnapshotMessage } from '@wirehook/contracts';
import {
  ApiClient,
  capturingLogger,
  createTestCertificates,
  startTestServers,
  testClientCertificate,
  type ClientCertificatePem,
  type TestServers,
} from '@wirehook/testing';
import { EncryptionKeyCheck, EncryptionKeyMismatchError } from '../src/secrets/encryption-key-check.service';
import { KeyRotationConfig } from '../src/secrets/key-rotation.config';
import { PlatformSettingsRepository } from '../src/secrets/platform-settings.repository';
import { reportProblem, rotateEncryptionKey, runKeyRotationCommand } from '../src/secrets/rotate-encryption-key-command';
import { startConfigApi, type ConfigApiHarness } from './support/config-api-harness';
import { endpointSnapshot } from './support/endpoint-snapshots';

type Body = { data: { id: string; secret: string } };

const keyA = SecretBox.generateKey();
const keyB = SecretBox.generateKey();
const onlyA = SecretBox.fromBase64(keyA);
const onlyB = SecretBox.fromBase64(keyB);

/** Every encrypted value of a snapshot, as the dispatcher decrypts them. */
const encryptedValuesOf = (snapshot: EndpointSnapshotMessage | undefined) => [
  ...(snapshot?.secrets.map((secret) => secret.encrypted) ?? []),
  ...(snapshot?.auth ? [snapshot.auth.encryptedValue] : []),
  ...Object.values(snapshot?.encryptedHeaders ?? {}),
  ...(snapshot?.tlsClient ? [snapshot.tlsClient.encryptedCertificate, snapshot.tlsClient.encryptedPrivateKey] : []),
  ...(snapshot?.encryptedProxyUrl ? [snapshot.encryptedProxyUrl] : []),
];

const PROXY_URL = 'http://relay:canary-proxy-password@127.0.0.1:3128';

describe('rotating the encryption key', () => {
  let servers: TestServers;
  let nc: NatsConnection;
  let mongo: Connection;
  let api: ConfigApiHarness | undefined;
  let admin: ApiClient;
  /** Webhooks created under key A, with what they hold in clear. */
  const underA: Array<{ id: string; secrets: string[]; token?: string; header?: string }> = [];
  const createdUnderB: typeof underA = [];
  let adminKey: string;
  let clientCertificate: ClientCertificatePem;

  const start = async (env: Record<string, string>) => {
    await api?.close();
    api = await startConfigApi(servers, env);
    admin = new ApiClient(api.baseUrl, adminKey);
    return api;
  };
  const rotationEnv = (env: Record<string, string>) => ({
    NATS_URL: servers.natsUrl,
    MONGODB_URI: servers.mongoUri,
    MONGODB_WRITE_CONCERN: '1',
    LOG_LEVEL: 'error',
    ...env,
  });
  const snapshotOf = (id: string) => endpointSnapshot(nc, 'acme', id);
  const revealed = async (id: string) => (await admin.get<Body>(`/api/v1/webhooks/${id}/secret`)).body.data.secret;
  const storedKeyCheck = async () =>
    (await mongo.collection<{ _id: string; value: string }>('platform_settings').findOne({ _id: 'encryption_key_check' }))?.value as string;
  /** The boot check config-api runs (EncryptionKeyCheck.onModuleInit), with a given ring. */
  const bootKeyCheckWith = (box: SecretBox) =>
    new EncryptionKeyCheck(new PlatformSettingsRepository(mongo), box, nc, capturingLogger('config-api').logger).onModuleInit();
  const replicatedKeyCheck = async () => (await (await new Kvm(nc).open(KvBucketNames.config)).get(ENCRYPTION_KEY_CHECK_CONFIG_KEY))?.string() as string;

  beforeAll(async () => {
    servers = await startTestServers('config-api-key-rotation');
    clientCertificate = testClientCertificate(createTestCertificates());
    nc = await connect({ servers: servers.natsUrl });
    mongo = await connectMongo(servers.mongoUri, '1');
    await start({ CONFIG_ENCRYPTION_KEY: keyA });
    adminKey = (await (api as ConfigApiHarness).tenant('acme')).adminKey;
    admin = new ApiClient((api as ConfigApiHarness).baseUrl, adminKey);

    const full = await admin.post<Body>('/api/v1/webhooks', {
      url: 'https://127.0.0.1:9/crm',
      events: ['order.*'],
      secret: 'whsec_Y2FuYXJ5LXNpZ25pbmctc2VjcmV0LW9mLTMyLWJ5dGVzIQ==',
      auth: { type: 'bearer', token: 'canary-bearer-token' },
      headers: { 'X-Team': 'canary-header-value' },
      tls_client: { certificate: clientCertificate.certificate, private_key: clientCertificate.privateKey },
      proxy_url: PROXY_URL,
    });
    expect(full).toMatchObject({ status: 201 });
    const rotated = await admin.post<Body>(`/api/v1/webhooks/${full.body.data.id}/secret/rotate`, { grace_period_seconds: 3600 });
    underA.push({
      id: full.body.data.id,
      secrets: [rotated.body.data.secret, 'whsec_Y2FuYXJ5LXNpZ25pbmctc2VjcmV0LW9mLTMyLWJ5dGVzIQ=='],
      token: 'canary-bearer-token',
      header: 'canary-header-value',
    });
    const plain = await admin.post<Body>('/api/v1/webhooks', { url: 'https://127.0.0.1:9/plain', events: ['order.*'] });
    underA.push({ id: plain.body.data.id, secrets: [await revealed(plain.body.data.id)] });
  });

  afterAll(async () => {
    await api?.close();
    await mongo?.close();
    await nc?.close();
    await servers?.stop();
  });

  it('boots with the new key as current and the old one as previous, reading the old secrets and writing new ones with the new key', async () => {
    const running = await start({ CONFIG_ENCRYPTION_KEY: keyB, CONFIG_ENCRYPTION_PREVIOUS_KEYS: keyA });
    expect(running.logs.some((line) => /run npm run rotate-encryption-key/.test(line.msg ?? ''))).toBe(true);
    for (const webhook of underA) expect(await revealed(webhook.id)).toBe(webhook.secrets[0]);

    const created = await admin.post<Body>('/api/v1/webhooks', {
      url: 'https://127.0.0.1:9/new',
      events: ['order.*'],
      headers: { 'X-New': 'canary-new-header' },
    });
    expect(created.status).toBe(201);
    expect(encryptedValuesOf(await snapshotOf(created.body.data.id)).every((value) => onlyB.isCurrent(value))).toBe(true);

    // What the dispatcher reads, it decrypts with the same ring: old and new values alike.
    const ring = SecretBox.fromConfig({ CONFIG_ENCRYPTION_KEY: keyB, CONFIG_ENCRYPTION_PREVIOUS_KEYS: [keyA] });
    const snapshot = await snapshotOf(underA[0].id);
    expect(snapshot?.secrets.map((secret) => ring.decrypt(secret.encrypted))).toEqual(underA[0].secrets);
    expect(ring.decrypt(snapshot?.encryptedHeaders['x-team'] as string)).toBe('canary-header-value');

    // The key check stays under the old key until the secrets are re-encrypted: a process holding
    // only the new key must not boot on data it cannot read yet.
    expect(onlyA.isCurrent(await storedKeyCheck())).toBe(true);
    expect(await replicatedKeyCheck()).toBe(await storedKeyCheck());
    // What the dispatcher checks at boot, and what config-api checks.
    const replicated = await replicatedKeyCheck();
    expect(() => onlyB.verifyKeyCheck(replicated)).toThrow(SecretDecryptionError);
    await expect(bootKeyCheckWith(onlyB)).rejects.toThrow(EncryptionKeyMismatchError);

    // A change of an old webhook writes its new values with the new key and keeps the others.
    const changed = await admin.request<Body>('PATCH', `/api/v1/webhooks/${underA[1].id}`, { headers: { 'X-Changed': 'canary-changed-header' } });
    expect(changed.status).toBe(200);
    underA[1].header = 'canary-changed-header';
    const mixed = await snapshotOf(underA[1].id);
    expect(onlyB.isCurrent(mixed?.encryptedHeaders['x-changed'] as string)).toBe(true);
    expect(onlyA.isCurrent(mixed?.secrets[0].encrypted as string)).toBe(true);
    createdUnderB.push({ id: created.body.data.id, secrets: [await revealed(created.body.data.id)], header: 'canary-new-header' });
  });

  it('stops, naming the webhook and never the secret, when a value is under a key the ring lacks, and re-encrypts the rest', async () => {
    const stranger = SecretBox.fromBase64(SecretBox.generateKey());
    const endpoints = mongo.collection<{ _id: string } & Record<string, unknown>>('endpoints');
    const template = await endpoints.findOne({ _id: underA[1].id });
    await endpoints.insertOne({
      ...template,
      _id: 'ep_000000000000000000000bad',
      secrets: [{ encrypted: stranger.encrypt('whsec_canary-lost'), createdAt: new Date(), expiresAt: null }],
    });

    const { logger, lines } = capturingLogger('rotate-encryption-key');
    const report = await rotateEncryptionKey(
      loadConfig(KeyRotationConfig, rotationEnv({ CONFIG_ENCRYPTION_KEY: keyB, CONFIG_ENCRYPTION_PREVIOUS_KEYS: keyA })),
      logger,
    );
    expect(report).toMatchObject({ scanned: 4, reencrypted: 2, alreadyCurrent: 1, snapshotsRepublished: 2, keyCheck: 'kept' });
    expect(report.unreadable).toEqual([
      {
        tenantId: 'acme',
        webhookId: 'ep_000000000000000000000bad',
        field: 'secrets[0]',
        reason: expect.stringMatching(/not in CONFIG_ENCRYPTION_KEY \/ CONFIG_ENCRYPTION_PREVIOUS_KEYS/),
      },
    ]);
    expect(reportProblem(report)).toMatch(
      /^1 stored secret\(s\) could not be decrypted .*: webhook ep_000000000000000000000bad \(tenant acme\) secrets\[0\]\./,
    );
    expect(JSON.stringify([report, lines])).not.toMatch(/canary/);
    // The key check stays under the old key: a process holding only the new one would miss a secret.
    expect(onlyA.isCurrent(await storedKeyCheck())).toBe(true);

    const stdout = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await runKeyRotationCommand([], rotationEnv({ CONFIG_ENCRYPTION_KEY: keyB, CONFIG_ENCRYPTION_PREVIOUS_KEYS: keyA }))).toBe(1);
      const printed = JSON.parse(String(stdout.mock.calls[0][0])) as Record<string, unknown>;
      expect(printed).toMatchObject({
        scanned: 4,
        reencrypted: 0,
        alreadyCurrent: 3,
        unreadable: [{ webhookId: 'ep_000000000000000000000bad', field: 'secrets[0]' }],
      });
      expect(JSON.stringify([stdout.mock.calls, stderr.mock.calls])).not.toMatch(/canary/);
    } finally {
      stdout.mockRestore();
      stderr.mockRestore();
    }
    await endpoints.deleteOne({ _id: 'ep_000000000000000000000bad' });
  });

  it("run again once nothing unreadable is left, finishes: every secret under the new key, in MongoDB and in the dispatcher's copies, and the key check moved to it", async () => {
    const config = loadConfig(KeyRotationConfig, rotationEnv({ CONFIG_ENCRYPTION_KEY: keyB, CONFIG_ENCRYPTION_PREVIOUS_KEYS: keyA }));
    const report = await rotateEncryptionKey(config, capturingLogger('rotate-encryption-key').logger);
    expect(report).toEqual({ scanned: 3, reencrypted: 0, alreadyCurrent: 3, snapshotsRepublished: 0, unreadable: [], leftBehind: [], keyCheck: 'rewritten' });
    expect(onlyB.isCurrent(await storedKeyCheck())).toBe(true);
    expect(await replicatedKeyCheck()).toBe(await storedKeyCheck());

    for (const webhook of [...underA, ...createdUnderB]) {
      const snapshot = await snapshotOf(webhook.id);
      expect(encryptedValuesOf(snapshot).every((value) => onlyB.isCurrent(value))).toBe(true);
      expect(snapshot?.secrets.map((secret) => onlyB.decrypt(secret.encrypted))).toEqual(webhook.secrets);
      if (webhook.token) expect(onlyB.decrypt(snapshot?.auth?.encryptedValue as string)).toBe(webhook.token);
      if (webhook.header) expect(Object.values(snapshot?.encryptedHeaders ?? {}).map((value) => onlyB.decrypt(value))).toContain(webhook.header);
    }
    // The client certificate, its key and the proxy URL (which holds a password) too.
    const withCertificate = await snapshotOf(underA[0].id);
    expect(onlyB.decrypt(withCertificate?.tlsClient?.encryptedCertificate as string)).toBe(clientCertificate.certificate);
    expect(onlyB.decrypt(withCertificate?.tlsClient?.encryptedPrivateKey as string)).toBe(clientCertificate.privateKey);
    expect(onlyB.decrypt(withCertificate?.encryptedProxyUrl as string)).toBe(PROXY_URL);
    // Running it again changes nothing.
    expect(await rotateEncryptionKey(config, capturingLogger('rotate-encryption-key').logger)).toMatchObject({
      reencrypted: 0,
      snapshotsRepublished: 0,
      keyCheck: 'unchanged',
    });
  });

  it('boots and reads every secret with the new key alone', async () => {
    await start({ CONFIG_ENCRYPTION_KEY: keyB });
    for (const webhook of [...underA, ...createdUnderB]) expect(await revealed(webhook.id)).toBe(webhook.secrets[0]);
    const replicated = await replicatedKeyCheck();
    expect(() => onlyB.verifyKeyCheck(replicated)).not.toThrow();
  });

  it('refuses to boot with the old key alone once the secrets are under the new key', async () => {
    await expect(bootKeyCheckWith(onlyA)).rejects.toThrow(/CONFIG_ENCRYPTION_KEY is not the key the stored secrets were encrypted with/);
    // So does the command, before it writes anything.
    const withOldKey = loadConfig(KeyRotationConfig, rotationEnv({ CONFIG_ENCRYPTION_KEY: keyA }));
    await expect(rotateEncryptionKey(withOldKey, capturingLogger('rotate-encryption-key').logger)).rejects.toThrow(EncryptionKeyMismatchError);
    // The dispatcher refuses it the same way.
    const replicated = await replicatedKeyCheck();
    expect(() => onlyA.verifyKeyCheck(replicated)).toThrow(SecretDecryptionError);
  });
});
