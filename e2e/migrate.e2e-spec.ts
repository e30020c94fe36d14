import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { freePort, migrateNodeArguments } from '@wirehook/local-run';
import { startTestServers, type TestServers } from '@wirehook/testing';

const ROOT = resolve(__dirname, '..');

interface MigrateRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `node dist/tools/migrate/migrate.js` as the container image runs it, with exactly `env`. */
function migrate(env: Record<string, string>, args: string[] = []): Promise<MigrateRun> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [...migrateNodeArguments(ROOT), ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('exit', (code) => done({ code, stdout, stderr }));
  });
}

interface AppReport {
  app: string;
  created: string[];
  replaced: string[];
  dropped: string[];
  unchanged: string[];
}

function reports(stdout: string): AppReport[] {
  return stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as AppReport);
}

describe('the migrate command (npm run migrate)', () => {
  let servers: TestServers;

  beforeAll(async () => {
    servers = await startTestServers('e2e-migrate');
  });

  afterAll(async () => {
    await servers?.stop();
  });

  it('creates the indexes of every app on a new database, says what it did, and changes nothing the second time', async () => {
    const env = { MONGODB_URI: servers.mongoUri, MONGODB_WRITE_CONCERN: '1', LOG_LEVEL: 'info' };
    const first = await migrate(env);
    expect(first).toMatchObject({ code: 0 });
    const done = reports(first.stdout);
    expect(done.map((report) => report.app)).toEqual(['config-api', 'log-service', 'retention-cron']);
    const configApi = done[0];
    expect(configApi).toEqual({
      app: 'config-api',
      created: [
        'api_keys.hash',
        'api_keys.tenant_time',
        'endpoints.tenant_time',
        'replays.active_per_endpoint',
        'replays.tenant_endpoint_time',
        'replays.state_lease',
      ],
      replaced: [],
      dropped: [],
      unchanged: [],
    });
    const logService = done[1];
    expect(logService.created).toEqual(expect.arrayContaining([expect.stringMatching(/^delivery_attempts\./), expect.stringMatching(/^deliveries\./)]));
    expect(logService.unchanged).toEqual([]);
    // Logs, one line per change, go to stderr.
    expect(first.stderr).toContain('"msg":"create index api_keys.hash"');

    const second = await migrate(env);
    expect(second).toMatchObject({ code: 0 });
    for (const [index, report] of reports(second.stdout).entries()) {
      expect(report).toEqual({ app: done[index].app, created: [], replaced: [], dropped: [], unchanged: done[index].created });
    }
  });

  it('exits 78 naming a bad variable, 1 when MongoDB cannot be reached, 64 on an unknown argument', async () => {
    const bad = await migrate({ MONGODB_URI: 'postgres://db/wirehook' });
    expect(bad.code).toBe(78);
    expect(bad.stderr).toContain('MONGODB_URI must be a mongodb:// or mongodb+srv:// URI');
    // Said once, not once per app.
    expect(bad.stderr.match(/MONGODB_URI must be/g)).toHaveLength(1);

    const unreachable = await migrate({ MONGODB_URI: `mongodb://127.0.0.1:${await freePort()}/wirehook`, MONGODB_WRITE_CONCERN: '1' });
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toContain('migration failed');

    const unknown = await migrate({ MONGODB_URI: servers.mongoUri }, ['--dry-run']);
    expect(unknown.code).toBe(64);
    expect(unknown.stderr).toContain('usage: npm run migrate');
  });
});
