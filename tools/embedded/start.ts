/**
 * The embedded run (`npm start`): everything on one machine for trying the platform out.
 * Uses NATS_URL / MONGODB_URI when set (the apps get the NATS credentials and TLS settings as
 * they are); otherwise starts a local `nats-server -js` and the in-memory MongoDB-wire server,
 * runs the migration (`npm run migrate`: the MongoDB indexes),
 * then starts the four apps, bootstraps a `default` tenant with an admin key (kept in the data
 * folder and used again while it works) and prints how to use it. Ctrl-C stops every process it started.
 */
import 'reflect-metadata';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { AppConfig, EnvInt, SecretSetting, loadConfig } from '@wirehook/config';
import { SecretBox } from '@wirehook/secret-box';
import {
  ServerEnvironment,
  appNodeArguments,
  findExecutable,
  runBuiltMigration,
  startMongoWireServer,
  startNatsServer,
  type LocalServer,
} from '@wirehook/local-run';

class EmbeddedRunConfig extends ServerEnvironment {
  @SecretSetting()
  @IsOptional()
  @IsString()
  ADMIN_API_KEY?: string;

  @SecretSetting()
  @IsOptional()
  @IsString()
  CONFIG_ENCRYPTION_KEY?: string;

  /** config-api's port; dispatcher, log-service and retention-cron take the next three. */
  @EnvInt()
  @IsInt({ message: 'PORT must be an integer between 1 and 65530' })
  @Min(1)
  @Max(65530)
  PORT = 3000;

  /** Where the embedded run keeps its NATS store and generated keys. */
  @IsString()
  WIREHOOK_DATA_DIR = '.data';
}

const APPS = ['config-api', 'dispatcher', 'log-service', 'retention-cron'] as const;
const ROOT = resolve(__dirname, '..', '..', '..');

function say(line = ''): void {
  process.stdout.write(`${line}\n`);
}

/**
 * The environment of an app this run starts: this process's, which holds the apps' own settings,
 * with `settings` over it and without their `*_FILE` forms (the app would refuse a setting given
 * both ways; this run has read those files already).
 */
function childEnvironment(settings: Record<string, string>): Record<string, string | undefined> {
  // eslint-disable-next-line no-restricted-properties -- the apps read their own settings from the environment
  const env: Record<string, string | undefined> = { ...process.env, ...settings };
  for (const name of Object.keys(settings)) delete env[`${name}_FILE`];
  return env;
}

/** Reads a value kept in the data folder, creating it on first use. */
function persistentValue(file: string, create: () => string): string {
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const value = create();
  writeFileSync(file, `${value}\n`, { mode: 0o600 });
  return value;
}

async function waitForReady(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((done) => setTimeout(done, 250));
  }
  throw new Error(`${url} was not ready within ${timeoutMs / 1000} s`);
}

async function api(base: string, key: string, method: string, path: string, body?: object): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  return { status: response.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/** The name of the admin key the embedded run makes for the default tenant. */
const ADMIN_KEY_NAME = 'embedded run';

/**
 * The default tenant's admin key. The key kept in the data folder is used again while it still
 * works (an admin key of the default tenant); otherwise a new one is made and kept, and every
 * other live key this run made before is revoked, so restarts never pile up live admin keys.
 */
async function tenantAdminKey(base: string, operatorKey: string, file: string): Promise<string> {
  const stored = existsSync(file) ? readFileSync(file, 'utf8').trim() : '';
  if (stored) {
    const me = await api(base, stored, 'GET', '/api/v1/me');
    const principal = me.json.data as { tenant_id?: string; role?: string } | undefined;
    if (me.status === 200 && principal?.tenant_id === 'default' && principal.role === 'admin') return stored;
  }
  const issued = await api(base, operatorKey, 'POST', '/api/v1/tenants/default/api-keys', { role: 'admin', name: ADMIN_KEY_NAME });
  if (issued.status !== 201) throw new Error(`creating the admin key failed: ${JSON.stringify(issued.json)}`);
  const { key, id } = issued.json.data as { key: string; id: string };
  writeFileSync(file, `${key}\n`, { mode: 0o600 });
  const listed = await api(base, operatorKey, 'GET', '/api/v1/tenants/default/api-keys');
  if (listed.status !== 200) throw new Error(`listing the default tenant's keys failed: ${JSON.stringify(listed.json)}`);
  const earlier = (listed.json.data as Array<{ id: string; name?: string | null; revoked_at: string | null }>).filter(
    (entry) => entry.name === ADMIN_KEY_NAME && entry.revoked_at === null && entry.id !== id,
  );
  for (const entry of earlier) {
    const revoked = await api(base, operatorKey, 'DELETE', `/api/v1/tenants/default/api-keys/${encodeURIComponent(entry.id)}`);
    if (revoked.status !== 204) throw new Error(`revoking the earlier admin key ${entry.id} failed: ${JSON.stringify(revoked.json)}`);
  }
  return key;
}

async function main(): Promise<void> {
  const config = loadConfig(EmbeddedRunConfig);
  // The apps' NATS credentials and TLS settings, checked once here: a bad one stops the run
  // before anything starts, instead of each of the four apps.
  const appSettings = loadConfig(AppConfig);
  const natsClient = appSettings.natsClientSettings();
  if (!config.NATS_URL && (natsClient.auth || natsClient.tls)) {
    throw new Error(
      'NATS credentials or TLS settings are set but NATS_URL is not: the NATS the embedded run starts takes neither; set NATS_URL to the NATS they are for',
    );
  }
  const dataDir = resolve(config.WIREHOOK_DATA_DIR);
  mkdirSync(dataDir, { recursive: true });
  const encryptionKey = config.CONFIG_ENCRYPTION_KEY ?? persistentValue(join(dataDir, 'encryption.key'), SecretBox.generateKey);
  const operatorKey = config.ADMIN_API_KEY ?? persistentValue(join(dataDir, 'operator.key'), () => `whop_${randomBytes(24).toString('base64url')}`);

  const servers: LocalServer[] = [];
  const children = new Map<string, ChildProcess>();
  let stopping = false;

  const stopAll = async (exitCode: number): Promise<never> => {
    if (stopping) return new Promise<never>(() => undefined);
    stopping = true;
    say('\nStopping...');
    await Promise.all(
      [...children.values()].map(
        (child) =>
          new Promise<void>((done) => {
            if (child.exitCode !== null || child.signalCode !== null) return done();
            const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
            child.once('exit', () => {
              clearTimeout(timer);
              done();
            });
            child.kill('SIGTERM');
          }),
      ),
    );
    await Promise.all(servers.map((server) => server.stop()));
    process.exit(exitCode);
  };
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));

  let natsUrl = config.NATS_URL;
  if (!natsUrl) {
    const binary = findExecutable('nats-server', config.PATH);
    if (!binary) {
      process.stderr.write(
        'nats-server was not found on PATH.\n' +
          'Install it (Debian/Ubuntu: sudo apt-get install -y nats-server) or point NATS_URL at a NATS server with JetStream.\n',
      );
      process.exit(1);
    }
    const nats = await startNatsServer({ binary, storeDir: join(dataDir, 'nats'), detached: true });
    servers.push(nats);
    natsUrl = nats.url;
    say(`NATS with JetStream: ${natsUrl} (store in ${join(dataDir, 'nats')})`);
  }
  let mongoUri = config.MONGODB_URI;
  if (!mongoUri) {
    const mongo = await startMongoWireServer({ database: 'wirehook', detached: true });
    servers.push(mongo);
    mongoUri = mongo.url;
    say(`MongoDB: ${mongoUri}`);
    say('  This is an IN-MEMORY MongoDB-wire server for trying wirehook out: everything in it is lost when');
    say('  wirehook stops. Set MONGODB_URI to a real MongoDB to keep configuration and logs.');
  }

  // The apps only check that their indexes exist; a deployment runs the migration before them.
  await runBuiltMigration(ROOT, childEnvironment({ MONGODB_URI: mongoUri }));
  say('MongoDB indexes: in place (npm run migrate)');

  APPS.forEach((app, index) => {
    const child = spawn(process.execPath, appNodeArguments(ROOT, app), {
      cwd: ROOT,
      env: childEnvironment({
        NATS_URL: natsUrl,
        MONGODB_URI: mongoUri,
        CONFIG_ENCRYPTION_KEY: encryptionKey,
        ADMIN_API_KEY: operatorKey,
        PORT: String(config.PORT + index),
        // Like PORT: one metrics port per app, counting up from the one given.
        ...(appSettings.METRICS_PORT === undefined ? {} : { METRICS_PORT: String(appSettings.METRICS_PORT + index) }),
      }),
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.once('exit', (code, signal) => {
      if (stopping) return;
      process.stderr.write(`${app} exited unexpectedly (${signal ?? `code ${code}`}); stopping everything.\n`);
      void stopAll(1);
    });
    children.set(app, child);
  });

  const base = `http://localhost:${config.PORT}`;
  await waitForReady(`${base}/health/ready`, 90_000);
  const tenant = await api(base, operatorKey, 'POST', '/api/v1/tenants', { id: 'default', name: 'Default tenant' });
  if (tenant.status !== 201 && tenant.status !== 409) throw new Error(`creating the default tenant failed: ${JSON.stringify(tenant.json)}`);
  const adminKeyFile = join(dataDir, 'tenant-admin.key');
  const adminKey = await tenantAdminKey(base, operatorKey, adminKeyFile);

  say('');
  say('wirehook is running.');
  say(`  Dashboard:        ${base}/`);
  say(`  API:              ${base}/api/v1`);
  say(`  API docs:         ${base}/api/docs`);
  say(`  Tenant:           default`);
  say(`  Tenant admin key: ${adminKey} (kept in ${adminKeyFile}; used again while it works)`);
  say(`  Operator key:     ${operatorKey} (manages tenants; kept in ${join(dataDir, 'operator.key')})`);
  say('Press Ctrl-C to stop.');
}

main().catch((error: unknown) => {
  process.stderr.write(`wirehook failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.kill(process.pid, 'SIGTERM');
});
