import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { StreamNames, attemptIdOf, attemptSubject, encodeMessage } from '@wirehook/contracts';
import {
  DELIVERIES_COLLECTION,
  DELIVERY_ATTEMPTS_COLLECTION,
  DELIVERY_LOG_COLLECTIONS,
  type DeliveryAttemptDocument,
  type DeliveryDocument,
} from '@wirehook/delivery-logs';
import { buildAttemptRecord } from '@wirehook/testing';
import { MemorySampler, preciseNow, sleep } from '../load';
import { recordPeaks, type BenchContext } from './context';

const INGEST_TENANT = 'ingest';
/** log-service's default `LOG_WRITE_BATCH_SIZE`: the raw loop inserts batches of the same size. */
const LOG_WRITE_BATCH_SIZE = 100;

export interface IngestResult {
  records: number;
  /** Attempts already in the collection when the phase started. */
  collectionSizeBefore: number;
  logService: { recordsPerSecond: number; seconds: number };
  rawInsertMany: { recordsPerSecond: number; seconds: number; batchSize: number };
  /** log-service / raw insertMany. */
  ratio: number;
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
  for (const { collection } of DELIVERY_LOG_COLLECTIONS) await db.collection(collection).deleteMany({});
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
      await js.publish(attemptSubject(INGEST_TENANT), encodeMessage(record), { msgID: attemptIdOf(record) });
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
