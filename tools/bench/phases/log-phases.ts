import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { StreamNames, attemptSubject, encodeMessage } from '@wirehook/contracts';
import { DELIVERIES_COLLECTION, DELIVERY_ATTEMPTS_COLLECTION, type DeliveryAttemptDocument, type DeliveryDocument } from '@wirehook/delivery-logs';
import { buildAttemptRecord } from '@wirehook/testing';
import { MemorySampler, latencySummary, preciseNow, sleep } from '../load';
import { BENCH_TENANT, recordPeaks, type BenchContext } from './context';
import { seededDelivery } from './seed-documents';

const INGEST_TENANT = 'ingest';
/** log-service's default `LOG_WRITE_BATCH_SIZE`: the raw loop inserts batches of the same size. */
const LOG_WRITE_BATCH_SIZE = 100;
const SEED_BATCH_SIZE = 1_000;

export interface IngestResult {
  records: number;
  /** Attempts already in the collection when the phase started. */
  collectionSizeBefore: number;
  logService: { recordsPerSecond: number; seconds: number };
  rawInsertMany: { recordsPerSecond: number; seconds: number; batchSize: number };
  /** log-service / raw insertMany. */
  ratio: number;
}

export interface QueryTiming {
  name: string;
  path: string;
  samples: number;
  p50?: number;
  p99?: number;
  /** Rows matching, as the API reported it (`pagination.total`). */
  total?: number;
}

export interface QueryResult {
  attempts: number;
  deliveries: number;
  seeded: number;
  seedSeconds: number;
  queries: QueryTiming[];
}

async function waitForCount(count: () => Promise<number>, target: number, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await count()) < target) {
    if (Date.now() > deadline) throw new Error(`${what}: fewer than ${target} within ${timeoutMs / 1000} s`);
    await sleep(20);
  }
}

/** Empties the attempt queue (and, on the wire server, the log collections) before a log phase. */
export async function clearLogs(context: BenchContext): Promise<void> {
  const jsm = await jetstreamManager(context.system.nc);
  await jsm.streams.purge(StreamNames.attempts);
  if (context.system.realMongo) return;
  const db = await context.system.mongo();
  await db.collection(DELIVERY_ATTEMPTS_COLLECTION).deleteMany({});
  await db.collection(DELIVERIES_COLLECTION).deleteMany({});
}

/**
 * Attempt records per second that log-service moves from JetStream into MongoDB, against the
 * raw driver's unordered insertMany of the very documents it wrote, on the same server.
 */
export async function measureIngest(context: BenchContext): Promise<IngestResult> {
  const { system, plan } = context;
  const db = await system.mongo();
  const attempts = db.collection<DeliveryAttemptDocument>(DELIVERY_ATTEMPTS_COLLECTION);
  const deliveries = db.collection<DeliveryDocument>(DELIVERIES_COLLECTION);
  await system.stopApp('log-service');
  await clearLogs(context);
  const collectionSizeBefore = await attempts.countDocuments({});

  context.progress(`ingest: queueing ${plan.ingestRecords} attempt records, then starting log-service`);
  const js = jetstream(system.nc);
  const records = Array.from({ length: plan.ingestRecords }, () => buildAttemptRecord({ tenantId: INGEST_TENANT }));
  let next = 0;
  const lane = async () => {
    for (let index = next++; index < records.length; index = next++) {
      const record = records[index];
      await js.publish(attemptSubject(INGEST_TENANT), encodeMessage(record), { msgID: `${record.deliveryId}_${record.attempt}` });
    }
  };
  await Promise.all(Array.from({ length: 256 }, lane));

  const sampler = new MemorySampler(system);
  const starting = system.startApp('log-service');
  const ingested = () => attempts.countDocuments({ tenantId: INGEST_TENANT });
  // Timed from the first document written, so log-service's boot does not count.
  await waitForCount(ingested, 1, 120_000, 'first attempt record');
  const firstSeenAt = preciseNow();
  const writtenAtStart = await ingested();
  await starting;
  const timeoutMs = 9 * 60_000;
  await waitForCount(() => deliveries.countDocuments({ tenantId: INGEST_TENANT }), records.length, timeoutMs, 'log-service ingest');
  const seconds = (preciseNow() - firstSeenAt) / 1000;
  recordPeaks(context, 'ingest', sampler.stop());
  const ourRate = (records.length - writtenAtStart) / seconds;

  context.progress(`ingest: raw insertMany of the same ${records.length} documents, batches of ${LOG_WRITE_BATCH_SIZE}`);
  const documents = await attempts.find({ tenantId: INGEST_TENANT }).toArray();
  // A collection of its own per run: the MongoDB-wire server has no `drop` command.
  const raw = db.collection<DeliveryAttemptDocument>(`bench_raw_attempts_${Date.now().toString(36)}`);
  const indexes = (await attempts.indexes()).filter((index) => index.name !== '_id_');
  await raw.createIndexes(indexes.map((index) => ({ key: index.key, name: index.name })));
  const rawStartedAt = preciseNow();
  for (let start = 0; start < documents.length; start += LOG_WRITE_BATCH_SIZE) {
    await raw.insertMany(documents.slice(start, start + LOG_WRITE_BATCH_SIZE), { ordered: false, writeConcern: { w: 'majority' } });
  }
  const rawSeconds = (preciseNow() - rawStartedAt) / 1000;
  await raw.drop().catch(() => raw.deleteMany({}));
  const rawRate = documents.length / rawSeconds;
  return {
    records: records.length,
    collectionSizeBefore,
    logService: { recordsPerSecond: Math.round(ourRate), seconds: Math.round(seconds * 10) / 10 },
    rawInsertMany: { recordsPerSecond: Math.round(rawRate), seconds: Math.round(rawSeconds * 10) / 10, batchSize: LOG_WRITE_BATCH_SIZE },
    ratio: Math.round((ourRate / rawRate) * 1000) / 1000,
  };
}

/** Seeds a week of delivery logs for the `bench` tenant, within a time budget. */
async function seedLogs(context: BenchContext, budgetMs: number): Promise<{ seeded: number; seconds: number }> {
  const db = await context.system.mongo();
  const endpoints = await Promise.all(
    context.benchWebhookIds.map(async (id) => {
      const { body } = await context.benchAdmin.get<{ data: { url: string; description: string } }>(`/api/v1/webhooks/${id}`);
      return { id, name: body.data.description, url: body.data.url };
    }),
  );
  const total = context.plan.queryRecords;
  const now = Date.now();
  const startedAt = preciseNow();
  let seeded = 0;
  let reported = 0;
  while (seeded < total && preciseNow() - startedAt < budgetMs) {
    const batch = Array.from({ length: Math.min(SEED_BATCH_SIZE, total - seeded) }, (_, offset) => seededDelivery(BENCH_TENANT, seeded + offset, total, endpoints, now));
    await db.collection<DeliveryAttemptDocument>(DELIVERY_ATTEMPTS_COLLECTION).insertMany(batch.map((row) => row.attempt), { ordered: false });
    await db.collection<DeliveryDocument>(DELIVERIES_COLLECTION).insertMany(batch.map((row) => row.delivery), { ordered: false });
    seeded += batch.length;
    if (seeded - reported >= total / 5) {
      reported = seeded;
      context.progress(`queries: seeded ${seeded} of ${total} in ${Math.round((preciseNow() - startedAt) / 1000)} s`);
    }
  }
  return { seeded, seconds: Math.round((preciseNow() - startedAt) / 100) / 10 };
}

/** Latency of the public log API (config-api → log-service → MongoDB) per kind of query. */
export async function measureQueries(context: BenchContext): Promise<QueryResult> {
  const { plan, system } = context;
  if (!system.isRunning('log-service')) await system.startApp('log-service');
  context.progress(`queries: seeding up to ${plan.queryRecords} deliveries and attempts`);
  const { seeded, seconds } = await seedLogs(context, plan.mode === 'quick' ? 15_000 : 180_000);
  const db = await system.mongo();
  const webhook = context.benchWebhookIds[0];
  const twoDaysAgo = new Date(Date.now() - 2 * 24 * 60 * 60 * 1000).toISOString();
  const kinds: Array<[string, string]> = [
    ['list: tenant, newest page', '/api/v1/deliveries?per_page=25'],
    ['list: one endpoint', `/api/v1/webhooks/${webhook}/logs?per_page=25`],
    ['list: page 20', '/api/v1/deliveries?per_page=25&page=20'],
    ['filter: status + event prefix', '/api/v1/deliveries?status=failed&event=order.&per_page=25'],
    ['filter: endpoint, 5xx, 2 days', `/api/v1/webhooks/${webhook}/logs?status_class=5xx&from=${twoDaysAgo}`],
    ['filter: deliveries view, failed', '/api/v1/deliveries?view=deliveries&status=failed'],
    ['search: q=refund', '/api/v1/deliveries?q=refund'],
    ['stats: endpoint, 24 h', `/api/v1/webhooks/${webhook}/stats`],
    ['stats: tenant, 24 h', '/api/v1/stats'],
  ];
  const perKindBudgetMs = plan.mode === 'quick' ? 3_000 : 20_000;
  const sampler = new MemorySampler(system);
  const queries: QueryTiming[] = [];
  for (const [name, path] of kinds) {
    const timings: number[] = [];
    let total: number | undefined;
    const startedAt = preciseNow();
    while (timings.length < plan.querySamples && (timings.length < 3 || preciseNow() - startedAt < perKindBudgetMs)) {
      const sent = preciseNow();
      const answer = await context.benchAdmin.get<{ pagination?: { total: number } }>(path);
      timings.push(preciseNow() - sent);
      if (answer.status !== 200) throw new Error(`${path} answered ${answer.status}: ${JSON.stringify(answer.body).slice(0, 300)}`);
      total = answer.body.pagination?.total;
    }
    const summary = latencySummary(timings);
    queries.push({ name, path, samples: timings.length, p50: summary.p50, p99: summary.p99, total });
    context.progress(`queries: ${name}: p50 ${summary.p50} ms, p99 ${summary.p99} ms (${timings.length} requests)`);
  }
  recordPeaks(context, 'queries', sampler.stop());
  return {
    attempts: await db.collection(DELIVERY_ATTEMPTS_COLLECTION).countDocuments({}),
    deliveries: await db.collection(DELIVERIES_COLLECTION).countDocuments({}),
    seeded,
    seedSeconds: seconds,
    queries,
  };
}
