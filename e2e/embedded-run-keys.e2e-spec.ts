import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiClient, startTestServers, type TestServers } from '@wirehook/testing';
import { freePortBlock } from '@wirehook/local-run';
import { EmbeddedRun } from './support/embedded-run';

type KeyRow = { id: string; role: string; name: string | null; revoked_at: string | null };

describe('npm start keeps one tenant admin key across restarts (its secrets read from *_FILE files)', () => {
  let servers: TestServers;
  let dataDir: string;
  let port: number;
  let operator: ApiClient;
  let env: Record<string, string>;
  let run: EmbeddedRun | undefined;

  beforeAll(async () => {
    // A MongoDB that outlives each start, as with MONGODB_URI; the data folder is shared too.
    servers = await startTestServers('e2e-embedded-keys');
    dataDir = mkdtempSync(join(tmpdir(), 'wirehook-e2e-keys-'));
    port = await freePortBlock();
    const operatorKey = randomBytes(24).toString('hex');
    operator = new ApiClient(`http://127.0.0.1:${port}`, operatorKey);
    // Mounted secrets: npm start reads them and hands the apps the values, not the file names too.
    const secretFile = (name: string, value: string) => {
      const path = join(dataDir, name);
      writeFileSync(path, `${value}\n`, { mode: 0o600 });
      return path;
    };
    env = {
      NATS_URL: servers.natsUrl,
      MONGODB_URI_FILE: secretFile('mongodb-uri.secret', servers.mongoUri),
      PORT: String(port),
      ADMIN_API_KEY_FILE: secretFile('admin-api-key.secret', operatorKey),
      WIREHOOK_DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
    };
  });

  afterAll(async () => {
    await run?.interrupt();
    await servers?.stop();
  });

  async function startOnce(): Promise<string> {
    run = await EmbeddedRun.start(env);
    const key = run.bannerValue('Tenant admin key');
    await run.interrupt();
    run = undefined;
    return key;
  }

  /** The default tenant's live admin keys, read while a run is up. */
  async function liveAdminKeys(): Promise<KeyRow[]> {
    run = await EmbeddedRun.start(env);
    const listed = await operator.get<{ data: KeyRow[] }>('/api/v1/tenants/default/api-keys');
    expect(listed.status).toBe(200);
    return listed.body.data.filter((key) => key.role === 'admin' && key.revoked_at === null);
  }

  it('prints the same key on a second start on the same data folder, and only one admin key exists', async () => {
    const first = await startOnce();
    expect(first).toMatch(/^whk_/);
    expect(readFileSync(join(dataDir, 'tenant-admin.key'), 'utf8').trim()).toBe(first);
    const second = await startOnce();
    expect(second).toBe(first);

    const live = await liveAdminKeys();
    expect(run?.bannerValue('Tenant admin key')).toBe(first);
    expect(live).toHaveLength(1);
    const me = await operator.withKey(first).get<{ data: { tenant_id: string; role: string; key_id: string } }>('/api/v1/me');
    expect(me.body.data).toMatchObject({ tenant_id: 'default', role: 'admin', key_id: live[0].id });
    await run?.interrupt();
    run = undefined;
  });

  it('makes a new key when the stored one no longer works, and revokes the earlier one', async () => {
    const earlier = readFileSync(join(dataDir, 'tenant-admin.key'), 'utf8').trim();
    writeFileSync(join(dataDir, 'tenant-admin.key'), 'whk_not-a-key-of-ours\n');
    const live = await liveAdminKeys();
    const fresh = run?.bannerValue('Tenant admin key') as string;
    expect(fresh).toMatch(/^whk_/);
    expect(fresh).not.toBe(earlier);
    expect(readFileSync(join(dataDir, 'tenant-admin.key'), 'utf8').trim()).toBe(fresh);
    expect(live).toHaveLength(1);
    expect((await operator.withKey(fresh).get('/api/v1/me')).status).toBe(200);
    expect((await operator.withKey(earlier).get('/api/v1/me')).status).toBe(401);
  });
});
