import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SecretBox } from '@wirehook/secret-box';
import { freePort } from '@wirehook/local-run';
import { startTestServers, withDatabase, type TestServers } from '@wirehook/testing';
import { AppProcess, migrateDatabase } from './support/app-process';

describe('an app refuses to start with bad settings, and says why', () => {
  let servers: TestServers;
  const operatorKey = randomBytes(24).toString('hex');

  beforeAll(async () => {
    servers = await startTestServers('e2e-boot-checks');
    await migrateDatabase(servers.mongoUri);
  });

  afterAll(async () => {
    await servers?.stop();
  });

  it('names every bad variable', async () => {
    const app = AppProcess.start('config-api', { PORT: 'eighty', NATS_URL: servers.natsUrl, MONGODB_URI: 'postgres://x', ADMIN_API_KEY: 'short' });
    expect(await app.exited).toBe(78);
    expect(app.output).toContain("PORT must be an integer between 1 and 65535 (got 'eighty')");
    expect(app.output).toContain('MONGODB_URI must be a mongodb:// or mongodb+srv:// URI');
    expect(app.output).toContain('ADMIN_API_KEY must be at least 24 characters');
    expect(app.output).toContain('CONFIG_ENCRYPTION_KEY must be the base64 text of 32 random bytes');
  });

  it('refuses an encryption key other than the one the stored secrets use, in config-api and in the dispatcher', async () => {
    const env = { NATS_URL: servers.natsUrl, MONGODB_URI: servers.mongoUri, ADMIN_API_KEY: operatorKey, MONGODB_WRITE_CONCERN: '1' };
    const original = SecretBox.generateKey();
    const first = AppProcess.start('config-api', { ...env, PORT: String(await freePort()), CONFIG_ENCRYPTION_KEY: original });
    await first.started();
    await first.stop();
    expect(first.output).toContain('shutting down');

    const wrongKey = SecretBox.generateKey();
    const second = AppProcess.start('config-api', { ...env, PORT: String(await freePort()), CONFIG_ENCRYPTION_KEY: wrongKey });
    expect(await second.exited).toBe(1);
    expect(second.output).toContain('CONFIG_ENCRYPTION_KEY is not the key the stored secrets were encrypted with');

    const dispatcher = AppProcess.start('dispatcher', { NATS_URL: servers.natsUrl, PORT: String(await freePort()), CONFIG_ENCRYPTION_KEY: wrongKey });
    expect(await dispatcher.exited).toBe(1);
    expect(dispatcher.output).toContain("CONFIG_ENCRYPTION_KEY differs from config-api's key");
  });

  it('reads its secrets from files named by *_FILE variables, as mounted secrets are', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'wirehook-secrets-'));
    const secretFile = (name: string, value: string) => {
      const path = join(directory, name);
      writeFileSync(path, `${value}\n`, { mode: 0o600 });
      return path;
    };
    // A database of its own: the test above left another key's check value in the shared one.
    const mongoUri = withDatabase(servers.mongoUri, 'secrets_from_files');
    await migrateDatabase(mongoUri);
    const port = await freePort();
    const app = AppProcess.start('config-api', {
      NATS_URL: servers.natsUrl,
      PORT: String(port),
      MONGODB_WRITE_CONCERN: '1',
      MONGODB_URI_FILE: secretFile('mongodb-uri', mongoUri),
      ADMIN_API_KEY_FILE: secretFile('admin-api-key', operatorKey),
      CONFIG_ENCRYPTION_KEY_FILE: secretFile('encryption-key', SecretBox.generateKey()),
    });
    try {
      await app.started();
      const tenants = await fetch(`http://127.0.0.1:${port}/api/v1/tenants`, { headers: { authorization: `Bearer ${operatorKey}` } });
      expect(tenants.status).toBe(200);
      expect(app.output).not.toContain(operatorKey);
    } finally {
      await app.stop();
    }
  });
});
