import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { SecretBox } from '@wirehook/secret-box';
import { appNodeArguments, runBuiltMigration } from '@wirehook/local-run';
import { eventually, type TestServers } from '@wirehook/testing';

/**
 * The environment of apps run one by one against a test file's servers: fresh keys, loopback
 * allow-listed and the test CA trusted; `extra` adds to or overrides it.
 */
export function appEnvironment(servers: TestServers, caFile: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    NATS_URL: servers.natsUrl,
    MONGODB_URI: servers.mongoUri,
    MONGODB_WRITE_CONCERN: '1',
    CONFIG_ENCRYPTION_KEY: SecretBox.generateKey(),
    ADMIN_API_KEY: randomBytes(24).toString('hex'),
    DELIVERY_ALLOW_CIDRS: '127.0.0.0/8',
    DELIVERY_EXTRA_CA_FILE: caFile,
    ...extra,
  };
}

/** Runs the built migrate command on a test's database, as a deployment does before it starts the apps. */
export async function migrateDatabase(mongoUri: string): Promise<void> {
  await runBuiltMigration(resolve(__dirname, '..', '..'), { MONGODB_URI: mongoUri, MONGODB_WRITE_CONCERN: '1', LOG_LEVEL: 'warn' });
}

export type AppName = 'config-api' | 'dispatcher' | 'log-service' | 'retention-cron';

/** One app run as its own process from the build, as a container runs it. */
export class AppProcess {
  output = '';
  readonly exited: Promise<number | null>;

  private constructor(
    readonly child: ChildProcess,
    private readonly port: number,
  ) {
    child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.exited = new Promise((done) => child.once('exit', (code) => done(code)));
  }

  static start(app: AppName, env: Record<string, string>): AppProcess {
    const child = spawn(process.execPath, appNodeArguments(resolve(__dirname, '..', '..'), app), {
      // eslint-disable-next-line no-restricted-properties -- the child needs PATH and friends
      env: { ...process.env, LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new AppProcess(child, Number(env.PORT));
  }

  /** Resolves once the app answers ready on its PORT. */
  async started(timeoutMs = 30_000): Promise<void> {
    await eventually(
      async () => {
        if (this.child.exitCode !== null) throw new Error(`exited early:\n${this.output}`);
        return (await fetch(`http://127.0.0.1:${this.port}/health/ready`)).ok;
      },
      { timeoutMs, intervalMs: 100 },
    );
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.exited;
  }
}
