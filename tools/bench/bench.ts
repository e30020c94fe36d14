/**
 * `npm run bench [-- --quick]`: throughput, latency, fan-out, log ingest, log queries and
 * memory of the built platform on this machine, everything on loopback. Prints a table and
 * writes JSON to bench-results/. Figures only: nothing here asserts a timing.
 */
import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { loadConfig } from '@wirehook/config';
import { findExecutable, type ServerEnvironment } from '@wirehook/local-run';
import { BenchEnvironment, planFromArgs, type PhaseName } from './bench.config';
import { sleep } from './load';
import { BENCH_TENANT, awaitRoutes, type BenchContext } from './phases/context';
import { measureFanOut, measureLatency, measurePoolSettings, measureReplicaThroughput, measureThroughput } from './phases/delivery-phases';
import { clearLogs, measureIngest } from './phases/log-phases';
import { measureQueries } from './phases/query-phase';
import { BenchReceiver } from './receiver';
import { formatReport, writeResults, type BenchResults, type MachineInfo } from './report';
import { APP_NAMES, BenchSystem, type AppName } from './system';

const ROOT = resolve(__dirname, '..', '..', '..');
const MIB = 1024 * 1024;
/** A rate the MongoDB-wire server keeps up with, to time publish → attempt in MongoDB on it. */
const WIRE_SERVER_LOG_RATE = 20;

function progress(line: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
}

function machineInfo(env: ServerEnvironment, appsRoot: string): MachineInfo {
  const natsBinary = findExecutable('nats-server', env.PATH);
  let natsServer = env.NATS_URL ? 'external (NATS_URL)' : 'not found';
  if (!env.NATS_URL && natsBinary)
    natsServer = execFileSync(natsBinary, ['--version'])
      .toString()
      .trim()
      .replace(/^nats-server:\s*/, '');
  const mongoHost = env.MONGODB_URI ? env.MONGODB_URI.replace(/\/\/[^@/]*@/, '//').split('/')[2] : '';
  return {
    cores: cpus().length,
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    nodeVersion: process.version,
    natsServer,
    mongodb: env.MONGODB_URI
      ? `MongoDB at ${mongoHost} (MONGODB_URI): log figures are real`
      : 'in-memory MongoDB-wire server (not MongoDB: its writes slow down with collection size; log figures are not representative)',
    transport: 'plain HTTP/1.1 keep-alive on 127.0.0.1 (DELIVERY_REQUIRE_HTTPS=false), same receiver and concurrency for wirehook and raw undici',
    apps: appsRoot === ROOT ? 'this build' : `the build in ${appsRoot} (BENCH_APPS_ROOT)`,
  };
}

async function run(): Promise<void> {
  const env = loadConfig(BenchEnvironment);
  const plan = planFromArgs(process.argv.slice(2), Boolean(env.MONGODB_URI));
  const appsRoot = env.BENCH_APPS_ROOT ? resolve(env.BENCH_APPS_ROOT) : ROOT;
  if (!existsSync(resolve(appsRoot, 'dist', 'apps', 'dispatcher', 'src', 'main.js')))
    throw new Error(`the apps are not built in ${appsRoot}: run npm run build (npm run bench does)`);
  const startedAt = new Date();
  const wants = (phase: PhaseName) => plan.phases.includes(phase);
  const machine = machineInfo(env, appsRoot);
  progress(`${plan.mode} run: ${plan.phases.join(', ')}; ${machine.cores} cores, Node ${machine.nodeVersion}`);

  const receiver = await BenchReceiver.start();
  const system = await BenchSystem.start(env, plan.concurrency, plan.profile, appsRoot);
  const notes: string[] = [];
  const results: BenchResults = { startedAt: startedAt.toISOString(), durationSeconds: 0, plan, machine, notes, latency: [], memory: [] };
  try {
    await sleep(2_000);
    const idle = new Map<AppName, number | undefined>(APP_NAMES.map((app) => [app, system.rssBytes(app)]));
    if (!system.realMongo) {
      // On the wire server log-service's writes would take a core and measure the test server,
      // whose writes slow down with collection size; attempt records stay durable in JetStream meanwhile.
      await system.stopApp('log-service');
      notes.push(
        'log-service is stopped during throughput, rate latency and fan-out (MongoDB-wire server): deliveries end at the durable attempt record in JetStream; publish → MongoDB is timed at 20 events/s',
      );
    }
    const benchAdmin = await system.createTenant(BENCH_TENANT);
    const benchWebhookIds = await system.createWebhooks(
      benchAdmin,
      Array.from({ length: plan.throughputEndpoints }, (_, index) => ({
        url: receiver.url(`/tp/${index}`),
        events: [`tp.${index}`],
        description: `Bench endpoint ${index}`,
      })),
    );
    const context: BenchContext = { system, receiver, plan, benchAdmin, benchWebhookIds, memoryPeaks: new Map(), progress };
    await awaitRoutes(
      context,
      BENCH_TENANT,
      benchWebhookIds.map((_, index) => `tp.${index}`),
      plan.throughputEndpoints,
    );

    if (wants('throughput')) results.throughput = await measureThroughput(context);
    if (wants('replicas')) results.replicas = await measureReplicaThroughput(context);
    if (wants('pool')) results.pool = await measurePoolSettings(context);
    if (wants('latency')) {
      for (const rate of plan.latencyRates) results.latency.push(await measureLatency(context, rate, plan.latencyDurationMs, system.realMongo));
      if (!system.realMongo) {
        await clearLogs(context);
        await system.startApp('log-service');
        results.latency.push(await measureLatency(context, WIRE_SERVER_LOG_RATE, plan.latencyDurationMs / 2, true));
        await system.stopApp('log-service');
      }
    }
    if (wants('fanout')) results.fanOut = await measureFanOut(context);
    if (wants('ingest')) results.ingest = await measureIngest(context);
    if (wants('queries')) results.queries = await measureQueries(context);
    results.memory = APP_NAMES.map((app) => {
      const idleBytes = idle.get(app);
      const peak = context.memoryPeaks.get(app);
      return { app, idleMiB: idleBytes && Math.round(idleBytes / MIB), peakMiB: peak && Math.round(peak.bytes / MIB), peakPhase: peak?.phase };
    });
  } finally {
    await receiver.stop();
    await system.stop();
  }
  results.durationSeconds = Math.round((Date.now() - startedAt.getTime()) / 1000);
  process.stdout.write(`\n${formatReport(results)}\n\n`);
  process.stdout.write(`results: ${writeResults(ROOT, results)}\n`);
}

run().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
