import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { MongoClient, type Db } from 'mongodb';
import { SecretBox } from '@wirehook/secret-box';
import { WebhookEventPublisher } from '@wirehook/publisher';
import { ApiClient, startTestServers, type TestServers } from '@wirehook/testing';
import { appNodeArguments, freePort, runBuiltMigration, type ServerEnvironment } from '@wirehook/local-run';

export const APP_NAMES = ['config-api', 'dispatcher', 'log-service', 'retention-cron'] as const;
export type AppName = (typeof APP_NAMES)[number];

const ROOT = resolve(__dirname, '..', '..', '..');
const OUTPUT_KEPT_BYTES = 64 * 1024;
/** Linux reports process CPU time in ticks of 1/100 s (`getconf CLK_TCK`). */
const CLOCK_TICKS_PER_SECOND = 100;

/** User plus system CPU seconds a process has used, from /proc; undefined once it is gone. */
export function processCpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    // Fields after the parenthesised command name: state is field 3, utime 14, stime 15.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** One built app run as its own process, as a container runs it. */
class AppRunner {
  private output = '';
  readonly exited: Promise<void>;

  constructor(
    readonly name: AppName,
    readonly port: number,
    private readonly child: ChildProcess,
  ) {
    const keep = (chunk: Buffer) => (this.output = (this.output + chunk.toString()).slice(-OUTPUT_KEPT_BYTES));
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exited = new Promise((done) => child.once('exit', () => done()));
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Waits for `/health/ready`; fails with the app's output when it exits or takes too long. */
  async ready(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.running) throw new Error(`${this.name} exited while starting:\n${this.output}`);
      try {
        if ((await fetch(`http://127.0.0.1:${this.port}/health/ready`)).ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((done) => setTimeout(done, 100));
    }
    throw new Error(`${this.name} was not ready within ${timeoutMs / 1000} s:\n${this.output}`);
  }

  /** Resident set size from /proc, in bytes; undefined once the process is gone. */
  rssBytes(): number | undefined {
    if (!this.running || this.child.pid === undefined) return undefined;
    try {
      const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${this.child.pid}/status`, 'utf8'));
      return match ? Number(match[1]) * 1024 : undefined;
    } catch {
      return undefined;
    }
  }

  cpuSeconds(): number | undefined {
    return this.running ? processCpuSeconds(this.child.pid) : undefined;
  }

  /** Time spent in garbage collection so far, all kinds together, from the app's `/metrics` (prom-client's process metrics). */
  async gcSeconds(): Promise<number | undefined> {
    if (!this.running) return undefined;
    try {
      const text = await (await fetch(`http://127.0.0.1:${this.port}/metrics`)).text();
      const sums = [...text.matchAll(/^nodejs_gc_duration_seconds_sum\{[^}]*\} ([\d.e+-]+)$/gm)].map((match) => Number(match[1]));
      return sums.length > 0 ? sums.reduce((total, value) => total + value, 0) : undefined;
    } catch {
      return undefined;
    }
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    const force = setTimeout(() => this.child.kill('SIGKILL'), 30_000);
    this.child.kill('SIGTERM');
    await this.exited;
    clearTimeout(force);
  }
}

export interface WebhookSpec {
  url: string;
  events: string[];
  description: string;
}

/**
 * The platform under test: NATS and MongoDB (private servers, or the given ones), the four
 * built apps as processes, and a tenant to configure through the public API.
 */
export class BenchSystem {
  private readonly apps = new Map<AppName, AppRunner>();
  /** Dispatcher replicas beyond the first, started for the replicas phase. */
  private readonly extraDispatchers: AppRunner[] = [];
  private readonly operatorKey = `whop_${randomBytes(24).toString('base64url')}`;
  private readonly encryptionKey = SecretBox.generateKey();
  private readonly ports = new Map<AppName, number>();
  private mongoClient?: MongoClient;

  private constructor(
    readonly servers: TestServers,
    readonly nc: NatsConnection,
    readonly publisher: WebhookEventPublisher,
    private readonly env: ServerEnvironment,
    private readonly dispatcherConcurrency: number,
    private readonly profiled: string[],
    private readonly appsRoot: string,
  ) {}

  /** `appsRoot`: the checkout whose built apps (its `dist/`) are measured. */
  static async start(env: ServerEnvironment, dispatcherConcurrency: number, profiled: string[], appsRoot: string): Promise<BenchSystem> {
    const servers = await startTestServers('bench');
    // As a deployment does before it starts the apps.
    await runBuiltMigration(appsRoot, { MONGODB_URI: servers.mongoUri, LOG_LEVEL: 'warn' });
    const nc = await connect({ servers: servers.natsUrl, name: 'bench' });
    // Publishes as a service would: its own connection, made by the package with its defaults.
    const publisher = await WebhookEventPublisher.connect({ servers: servers.natsUrl, name: 'bench-publisher' });
    const system = new BenchSystem(servers, nc, publisher, env, dispatcherConcurrency, profiled, appsRoot);
    for (const app of APP_NAMES) system.ports.set(app, await freePort());
    await Promise.all(APP_NAMES.map((app) => system.startApp(app)));
    return system;
  }

  get realMongo(): boolean {
    return this.servers.mongoServer === undefined;
  }

  get operator(): ApiClient {
    return new ApiClient(`http://127.0.0.1:${this.ports.get('config-api')}`, this.operatorKey);
  }

  /** The benchmark's own connection to the platform's database. */
  async mongo(): Promise<Db> {
    this.mongoClient ??= await MongoClient.connect(this.servers.mongoUri);
    return this.mongoClient.db();
  }

  isRunning(app: AppName): boolean {
    return this.apps.get(app)?.running ?? false;
  }

  rssBytes(app: AppName): number | undefined {
    return this.apps.get(app)?.rssBytes();
  }

  cpuSeconds(app: AppName): number | undefined {
    return this.apps.get(app)?.cpuSeconds();
  }

  async gcSeconds(app: AppName): Promise<number | undefined> {
    return this.apps.get(app)?.gcSeconds();
  }

  /** CPU seconds of the benchmark's private nats-server; undefined with `NATS_URL`. */
  natsCpuSeconds(): number | undefined {
    return processCpuSeconds(this.servers.natsServer?.process.pid);
  }

  async startApp(app: AppName): Promise<void> {
    const runner = this.spawnApp(app, this.ports.get(app) as number);
    this.apps.set(app, runner);
    await runner.ready();
  }

  /** Runs `count` dispatcher replicas in all (the first stays as it is). */
  async scaleDispatchers(count: number): Promise<void> {
    while (this.extraDispatchers.length + 1 < count) {
      const runner = this.spawnApp('dispatcher', await freePort());
      this.extraDispatchers.push(runner);
      await runner.ready();
    }
    while (this.extraDispatchers.length + 1 > count) await this.extraDispatchers.pop()?.stop();
  }

  /** CPU seconds of every dispatcher replica together. */
  allDispatchersCpuSeconds(): number | undefined {
    const each = [this.apps.get('dispatcher'), ...this.extraDispatchers].map((runner) => runner?.cpuSeconds());
    return each.some((seconds) => seconds === undefined) ? undefined : each.reduce((sum: number, seconds) => sum + (seconds as number), 0);
  }

  private spawnApp(app: AppName, port: number): AppRunner {
    const profile = this.profiled.includes(app) ? ['--cpu-prof', `--cpu-prof-dir=${resolve(ROOT, 'bench-results', 'profiles')}`] : [];
    const child = spawn(process.execPath, [...profile, ...appNodeArguments(this.appsRoot, app)], {
      cwd: this.appsRoot,
      // A clean environment: the apps get exactly the settings the benchmark chose.
      env: { PATH: this.env.PATH, ...this.appEnvironment(app), PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new AppRunner(app, port, child);
  }

  async stopApp(app: AppName): Promise<void> {
    await this.apps.get(app)?.stop();
  }

  private appEnvironment(app: AppName): Record<string, string> {
    const common = { NATS_URL: this.servers.natsUrl, LOG_LEVEL: 'warn' };
    const delivery = { DELIVERY_REQUIRE_HTTPS: 'false', DELIVERY_ALLOW_CIDRS: '127.0.0.0/8', CONFIG_ENCRYPTION_KEY: this.encryptionKey };
    const mongo = { MONGODB_URI: this.servers.mongoUri };
    switch (app) {
      case 'config-api':
        return { ...common, ...delivery, ...mongo, ADMIN_API_KEY: this.operatorKey, MAX_WEBHOOKS_PER_TENANT: '200' };
      case 'dispatcher':
        return { ...common, ...delivery, DELIVERY_CONCURRENCY: String(this.dispatcherConcurrency) };
      case 'log-service':
        return { ...common, ...mongo };
      case 'retention-cron':
        return { ...common, ...mongo, RETENTION_SCHEDULE: 'off' };
    }
  }

  /** Creates a tenant and returns a client holding its admin key. */
  async createTenant(id: string): Promise<ApiClient> {
    const tenant = await this.operator.post('/api/v1/tenants', { id, name: id });
    if (tenant.status !== 201) throw new Error(`creating tenant '${id}' failed: ${tenant.status} ${JSON.stringify(tenant.body)}`);
    const issued = await this.operator.post<{ data: { key: string } }>(`/api/v1/tenants/${id}/api-keys`, { role: 'admin' });
    if (issued.status !== 201) throw new Error(`creating a key for '${id}' failed: ${JSON.stringify(issued.body)}`);
    return this.operator.withKey(issued.body.data.key);
  }

  /** Creates webhooks (a few at a time) with the highest per-endpoint concurrency; returns their ids. */
  async createWebhooks(admin: ApiClient, specs: WebhookSpec[]): Promise<string[]> {
    const ids: string[] = new Array<string>(specs.length);
    let next = 0;
    const lane = async () => {
      for (let index = next++; index < specs.length; index = next++) {
        const created = await admin.post<{ data: { id: string } }>('/api/v1/webhooks', { ...specs[index], max_concurrency: 100 });
        if (created.status !== 201) throw new Error(`creating a webhook failed: ${created.status} ${JSON.stringify(created.body)}`);
        ids[index] = created.body.data.id;
      }
    };
    await Promise.all(Array.from({ length: 8 }, lane));
    return ids;
  }

  async stop(): Promise<void> {
    await Promise.all([...this.apps.values(), ...this.extraDispatchers].map((app) => app.stop()));
    await this.mongoClient?.close();
    await this.publisher.close();
    await this.nc.close();
    await this.servers.stop();
  }
}
