import { jetstreamManager } from '@nats-io/jetstream';
import {
  ConsumerNames,
  StreamNames,
  attemptLogBatchSubject,
  attemptSubject,
  parseAttemptSubject,
  type AttemptLogBatch,
  type AttemptRecordedMessage,
} from '@wirehook/contracts';
import { DELIVERIES_COLLECTION } from '@wirehook/delivery-logs';
import type { WebhookEvent } from '@wirehook/publisher';
import {
  DISPATCHER_POOL,
  MemorySampler,
  benchEventData,
  type PoolSettings,
  latencySummary,
  preciseNow,
  publishAtRate,
  publishBurst,
  rawUndiciLoop,
  sleep,
  type EventFactory,
} from '../load';
import { BENCH_TENANT, FAN_OUT_TENANT, awaitRoutes, recordPeaks, throughputEventType, type BenchContext } from './context';

type Summary = ReturnType<typeof latencySummary>;

export interface ThroughputResult {
  events: number;
  endpoints: number;
  concurrency: number;
  ours: {
    deliveriesPerSecond: number;
    steadyDeliveriesPerSecond: number;
    seconds: number;
    /** When JetStream had acknowledged the last publish. */
    publishSeconds: number;
    duplicates: number;
    /** Delivery tasks JetStream handed out again (nak, ack wait) during the run. */
    taskRedeliveries: number;
    /** What the dispatcher answered JetStream for delivery tasks: `+ACK`, `-NAK`, `+WPI`... */
    taskReplies: Record<string, number>;
    /**
     * JetStream messages the dispatcher stored per delivery: tasks (deliveries that waited for
     * room) and attempt-log messages (records and created deliveries, batched).
     */
    storedPerDelivery: { tasks: number; attemptLog: number };
    /** CPU time per delivery during the run, less noisy than rates on a shared machine. */
    cpuMicrosPerDelivery: { dispatcher?: number; natsServer?: number; benchProcess?: number };
    /** The dispatcher's garbage-collection time per delivery (part of its CPU time). */
    gcMicrosPerDelivery?: number;
  };
  /** `benchCpuMicrosPerRequest`: the benchmark process (the loop and the receiver) per request. */
  raw: { requestsPerSecond: number; seconds: number; benchCpuMicrosPerRequest: number };
  /** ours / raw, both over the whole run. */
  ratio: number;
}

export interface LatencyResult {
  rate: number;
  events: number;
  seconds: number;
  receipt: Summary;
  attemptRecord: Summary;
  /** Publish → attempt written to MongoDB (`deliveries.updatedAt`), when log-service ran. */
  logWritten?: Summary;
}

/** The throughput burst again with several dispatcher replicas sharing the consumers. */
export interface ReplicaThroughputResult {
  events: number;
  runs: Array<{ replicas: number; deliveriesPerSecond: number; seconds: number; duplicates: number; cpuMicrosPerDelivery?: number }>;
}

/** The raw loop under other undici pool settings, to choose the dispatcher's. */
export interface PoolResult {
  requests: number;
  concurrency: number;
  runs: Array<PoolSettings & { requestsPerSecond: number }>;
}

export interface FanOutResult {
  endpoints: number;
  rounds: number;
  allReceivedMs: Summary;
  firstReceivedMs: Summary;
}

const round1 = (value: number) => Math.round(value * 10) / 10;

/** CPU time of this process so far, its threads (the receiver's) included. */
function benchCpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

function cpuMicrosPerEvent(before: number | undefined, after: number | undefined, events: number): number | undefined {
  return before === undefined || after === undefined ? undefined : Math.round(((after - before) * 1e6) / events);
}

/** Events of the `bench` tenant spread evenly over the throughput endpoints, ids `<prefix>-<n>`. */
function benchEvents(context: BenchContext, prefix: string, published?: Map<string, number>): EventFactory {
  return (sequence, publishedAt) => {
    const id = `${prefix}-${sequence}`;
    published?.set(id, publishedAt);
    const event: WebhookEvent = { id, event: throughputEventType(sequence, context.plan.throughputEndpoints), data: benchEventData(sequence, publishedAt) };
    return { tenantId: BENCH_TENANT, event };
  };
}

/** Deliveries per second, publish → receiver, against a plain undici loop to the same receiver. */
export async function measureThroughput(context: BenchContext): Promise<ThroughputResult> {
  const { plan, receiver, system } = context;
  const events = plan.throughputEvents;
  // 2,000 deliveries let the JIT settle: after only 500 the next burst measured compilation too
  // (548 µs of dispatcher CPU per delivery against 324 µs for the same burst a minute later).
  const warmup = Math.min(2_000, events);
  context.progress(`throughput: ${events} events over ${plan.throughputEndpoints} endpoints (after ${warmup} to warm up)`);
  await receiver.reset();
  await publishBurst(system.publisher, warmup, benchEvents(context, 'tp-warm'));
  await receiver.waitForUnique(warmup, 120_000);
  await sleep(500);

  await receiver.reset();
  const jsm = await jetstreamManager(system.nc);
  const handedOut = async () => (await jsm.consumers.info(StreamNames.deliveries, ConsumerNames.deliveries)).delivered;
  const before = await handedOut();
  // Acks, naks and progress notes travel on the consumer's ack subjects; counting them shows
  // where delivery tasks go when they are not delivered.
  const taskReplies: Record<string, number> = {};
  const replies = system.nc.subscribe(`$JS.ACK.${StreamNames.deliveries}.${ConsumerNames.deliveries}.>`, {
    callback: (error, message) => {
      if (error) return;
      const kind = message.string().split(' ')[0] || '+ACK';
      taskReplies[kind] = (taskReplies[kind] ?? 0) + 1;
    },
  });
  const storedMessages = async () => ({
    tasks: (await jsm.streams.info(StreamNames.deliveries)).state.last_seq,
    attemptLog: (await jsm.streams.info(StreamNames.attempts)).state.last_seq,
  });
  const storedBefore = await storedMessages();
  const gcBefore = await system.gcSeconds('dispatcher');
  const sampler = new MemorySampler(system);
  const cpuBefore = { dispatcher: system.cpuSeconds('dispatcher'), natsServer: system.natsCpuSeconds(), benchProcess: benchCpuSeconds() };
  const startedAt = preciseNow();
  let publishedAt = startedAt;
  await Promise.all([
    publishBurst(system.publisher, events, benchEvents(context, 'tp')).then(() => (publishedAt = preciseNow())),
    receiver.waitForUnique(events, 300_000),
  ]);
  recordPeaks(context, 'throughput', sampler.stop());
  const cpuMicrosPerDelivery = {
    dispatcher: cpuMicrosPerEvent(cpuBefore.dispatcher, system.cpuSeconds('dispatcher'), events),
    natsServer: cpuMicrosPerEvent(cpuBefore.natsServer, system.natsCpuSeconds(), events),
    benchProcess: cpuMicrosPerEvent(cpuBefore.benchProcess, benchCpuSeconds(), events),
  };
  const gcMicrosPerDelivery = cpuMicrosPerEvent(gcBefore, await system.gcSeconds('dispatcher'), events);
  await sleep(500);
  const after = await handedOut();
  const storedAfter = await storedMessages();
  replies.unsubscribe();
  const report = await receiver.report();
  const receipts = [...report.firstReceipts].sort((a, b) => a - b);
  const seconds = (receipts[receipts.length - 1] - startedAt) / 1000;
  const tenth = receipts[Math.floor(receipts.length * 0.1)];
  const ninetieth = receipts[Math.floor(receipts.length * 0.9)];

  const rawBody = (sequence: number) =>
    JSON.stringify({ event: 'tp.0', timestamp: new Date().toISOString(), tenantId: BENCH_TENANT, data: benchEventData(sequence, preciseNow()) });
  context.progress(`throughput: raw undici loop, ${events} POSTs, ${plan.concurrency} in flight`);
  await receiver.reset();
  await rawUndiciLoop(receiver, warmup, plan.concurrency, rawBody);
  await receiver.reset();
  const rawStartedAt = preciseNow();
  const rawCpuBefore = benchCpuSeconds();
  await rawUndiciLoop(receiver, events, plan.concurrency, rawBody);
  const rawSeconds = (preciseNow() - rawStartedAt) / 1000;
  const benchCpuMicrosPerRequest = cpuMicrosPerEvent(rawCpuBefore, benchCpuSeconds(), events) as number;
  await receiver.reset();

  const oursPerSecond = events / seconds;
  const rawPerSecond = events / rawSeconds;
  return {
    events,
    endpoints: plan.throughputEndpoints,
    concurrency: plan.concurrency,
    ours: {
      deliveriesPerSecond: Math.round(oursPerSecond),
      steadyDeliveriesPerSecond: Math.round((receipts.length * 0.8) / ((ninetieth - tenth) / 1000)),
      seconds: round1(seconds),
      publishSeconds: round1((publishedAt - startedAt) / 1000),
      duplicates: report.duplicates,
      taskRedeliveries: after.consumer_seq - before.consumer_seq - (after.stream_seq - before.stream_seq),
      taskReplies,
      storedPerDelivery: {
        tasks: (storedAfter.tasks - storedBefore.tasks) / events,
        attemptLog: (storedAfter.attemptLog - storedBefore.attemptLog) / events,
      },
      cpuMicrosPerDelivery,
      gcMicrosPerDelivery,
    },
    raw: { requestsPerSecond: Math.round(rawPerSecond), seconds: round1(rawSeconds), benchCpuMicrosPerRequest },
    ratio: Math.round((oursPerSecond / rawPerSecond) * 100) / 100,
  };
}

const POOL_VARIANTS: PoolSettings[] = [
  DISPATCHER_POOL,
  { connections: 16, pipelining: 1 },
  { connections: 128, pipelining: 1 },
  { connections: 64, pipelining: 4 },
];

/**
 * The raw undici loop to the same receiver with a few pool settings besides the dispatcher's:
 * what fewer or more connections, or pipelining, would change in the cost of a request.
 */
export async function measurePoolSettings(context: BenchContext): Promise<PoolResult> {
  const { plan, receiver } = context;
  const requests = Math.min(plan.throughputEvents, 10_000);
  const body = (sequence: number) =>
    JSON.stringify({ event: 'pool.0', timestamp: new Date().toISOString(), tenantId: BENCH_TENANT, data: benchEventData(sequence, preciseNow()) });
  const runs: PoolResult['runs'] = [];
  for (const pool of POOL_VARIANTS) {
    context.progress(`pool: raw undici loop, ${requests} POSTs, ${pool.connections} connections, pipelining ${pool.pipelining}`);
    await receiver.reset();
    await rawUndiciLoop(receiver, Math.ceil(requests / 10), plan.concurrency, body, pool);
    const startedAt = preciseNow();
    await rawUndiciLoop(receiver, requests, plan.concurrency, body, pool);
    runs.push({ ...pool, requestsPerSecond: Math.round(requests / ((preciseNow() - startedAt) / 1000)) });
  }
  await receiver.reset();
  return { requests, concurrency: plan.concurrency, runs };
}

/** Publish → attempt written, from `deliveries.updatedAt` (set by log-service when it writes the batch). */
async function logWrittenLatencies(context: BenchContext, prefix: string, published: Map<string, number>): Promise<Summary> {
  const deliveries = (await context.system.mongo()).collection<{ _id: string; eventId: string; updatedAt: Date }>(DELIVERIES_COLLECTION);
  const filter = { tenantId: BENCH_TENANT, eventId: { $regex: `^${prefix}-` } };
  const deadline = Date.now() + 120_000;
  while ((await deliveries.countDocuments(filter)) < published.size) {
    if (Date.now() > deadline) throw new Error(`log-service wrote fewer than ${published.size} deliveries of ${prefix} within 120 s`);
    await sleep(200);
  }
  const rows = await deliveries.find(filter, { projection: { eventId: 1, updatedAt: 1 } }).toArray();
  return latencySummary(rows.map((row) => row.updatedAt.getTime() - (published.get(row.eventId) as number)));
}

/**
 * Fixed-rate publishing after a warm-up: publish → receipt, publish → attempt record stored
 * in JetStream (seen on its subject), and publish → attempt in MongoDB when log-service runs.
 */
export async function measureLatency(context: BenchContext, rate: number, durationMs: number, withLogWritten: boolean): Promise<LatencyResult> {
  const { plan, receiver, system } = context;
  context.progress(`latency: ${rate} events/s for ${durationMs / 1000} s after ${plan.latencyWarmupMs / 1000} s of warm-up`);
  await receiver.reset();
  const warmup = await publishAtRate(system.publisher, rate, plan.latencyWarmupMs, benchEvents(context, `lat${rate}-warm`));
  await receiver.waitForUnique(warmup, 120_000);
  await sleep(200);
  await receiver.reset();

  const prefix = `lat${rate}-${Date.now().toString(36)}`;
  const published = new Map<string, number>();
  const attemptLatencies: number[] = [];
  const measuredFrom = preciseNow();
  // Records come in batches; one by one from dispatchers of earlier versions, which this benchmark also measures for comparisons.
  const subscriptions = [attemptLogBatchSubject(BENCH_TENANT), attemptSubject(BENCH_TENANT)].map((subject) =>
    system.nc.subscribe(subject, {
      callback: (error, message) => {
        if (error) return;
        const arrivedAt = preciseNow();
        const records =
          parseAttemptSubject(message.subject)?.holds === 'batch' ? message.json<AttemptLogBatch>().attempts : [message.json<AttemptRecordedMessage>()];
        for (const record of records) {
          const publishedAt = (JSON.parse(record.request.body) as { data?: { publishedAt?: number } }).data?.publishedAt;
          if (typeof publishedAt === 'number' && publishedAt >= measuredFrom) attemptLatencies.push(arrivedAt - publishedAt);
        }
      },
    }),
  );
  const sampler = new MemorySampler(system);
  const events = await publishAtRate(system.publisher, rate, durationMs, benchEvents(context, prefix, published));
  await receiver.waitForUnique(events, 120_000);
  await sleep(500);
  subscriptions.forEach((subscription) => subscription.unsubscribe());
  recordPeaks(context, `latency ${rate}/s`, sampler.stop());
  const report = await receiver.report();
  return {
    rate,
    events,
    seconds: durationMs / 1000,
    receipt: latencySummary(report.latencies),
    attemptRecord: latencySummary(attemptLatencies),
    logWritten: withLogWritten ? await logWrittenLatencies(context, prefix, published) : undefined,
  };
}

/** One event to many endpoints of one tenant: time until every endpoint has it. */
export async function measureFanOut(context: BenchContext): Promise<FanOutResult> {
  const { plan, receiver, system } = context;
  const endpoints = plan.fanOutEndpoints;
  context.progress(`fan-out: creating ${endpoints} endpoints`);
  const admin = await system.createTenant(FAN_OUT_TENANT);
  await system.createWebhooks(
    admin,
    Array.from({ length: endpoints }, (_, index) => ({ url: receiver.url(`/fan/${index}`), events: ['fan.*'], description: `fan-out endpoint ${index}` })),
  );
  await awaitRoutes(context, FAN_OUT_TENANT, ['fan.probe'], endpoints);
  context.progress(`fan-out: ${plan.fanOutRounds} events to ${endpoints} endpoints`);
  const allReceived: number[] = [];
  const firstReceived: number[] = [];
  for (let round = 0; round < plan.fanOutRounds; round += 1) {
    await receiver.reset();
    const publishedAt = preciseNow();
    await system.publisher.publish(FAN_OUT_TENANT, { id: `fan-${round}`, event: 'fan.blast', data: benchEventData(round, publishedAt) });
    await receiver.waitForUnique(endpoints, 30_000);
    const receipts = (await receiver.report()).firstReceipts;
    allReceived.push(Math.max(...receipts) - publishedAt);
    firstReceived.push(Math.min(...receipts) - publishedAt);
    await sleep(200);
  }
  await receiver.reset();
  return { endpoints, rounds: plan.fanOutRounds, allReceivedMs: latencySummary(allReceived), firstReceivedMs: latencySummary(firstReceived) };
}

/**
 * The throughput burst with one dispatcher and again with `replicas` of them: what scaling out
 * gives on this machine (little on 2 cores, where the replicas share the same CPUs), and that
 * it duplicates nothing.
 */
export async function measureReplicaThroughput(context: BenchContext, replicas = 2): Promise<ReplicaThroughputResult> {
  const { plan, receiver, system } = context;
  const events = plan.throughputEvents;
  const runs: ReplicaThroughputResult['runs'] = [];
  for (const count of [1, replicas]) {
    await system.scaleDispatchers(count);
    context.progress(`replicas: ${events} events with ${count} dispatcher replica(s)`);
    await receiver.reset();
    const cpuBefore = system.allDispatchersCpuSeconds();
    const startedAt = preciseNow();
    await Promise.all([publishBurst(system.publisher, events, benchEvents(context, `rep${count}`)), receiver.waitForUnique(events, 300_000)]);
    const seconds = (preciseNow() - startedAt) / 1000;
    await sleep(500);
    const report = await receiver.report();
    runs.push({
      replicas: count,
      deliveriesPerSecond: Math.round(events / seconds),
      seconds: round1(seconds),
      duplicates: report.duplicates,
      cpuMicrosPerDelivery: cpuMicrosPerEvent(cpuBefore, system.allDispatchersCpuSeconds(), events),
    });
  }
  await system.scaleDispatchers(1);
  return { events, runs };
}
