import { isDeepStrictEqual } from 'node:util';
import type { ApiClient } from '@wirehook/testing';
import { connectMongo } from '@wirehook/mongo';
import { attemptIdOf, type LogsPage } from '@wirehook/contracts';
import {
  DELIVERIES_COLLECTION,
  DELIVERY_ATTEMPTS_COLLECTION,
  DELIVERY_ROLLUPS_COLLECTION,
  DeliveryLogs,
  EVENT_PAYLOADS_COLLECTION,
} from '@wirehook/delivery-logs';
import { MemorySampler, latencySummary, preciseNow } from '../load';
import { LogCommandCounter, type CommandCount } from './command-counter';
import { recordPeaks, type BenchContext } from './context';
import { queryShapes, type QueryShape, type SeededLogs } from './query-shapes';
import { SEED_WEBHOOK_NAMES, seededRecord } from './seed-records';

/** The tenant whose history the queries read; nothing else writes to it. */
const QUERY_TENANT = 'logs';
/** Attempt records per `DeliveryLogRecorder.record` call, as log-service's larger batches. */
const SEED_BATCH_SIZE = 1_000;
/** Attempts kept for the detail, spread over the history. */
const DETAIL_IDS = 200;
/** log-service's default `LOG_QUERY_MAX_TIME_MS`. */
const QUERY_MAX_TIME_MS = 3_000;

/** Smallest, largest and mean of a figure over the requests of a shape. */
export interface Spread {
  min: number;
  max: number;
  mean: number;
}

export interface QueryTiming {
  name: string;
  /** The first request's path. */
  path: string;
  samples: number;
  p50?: number;
  p99?: number;
  /** Rows in each answer (lists and exports). */
  rows?: Spread;
  /** Rows matching, as the API reported it (`pagination.total`; at most 10,000, `totalExact` false above). */
  total?: number;
  totalExact?: boolean;
  /** Per request, from driver command monitoring of the same request made through the library. */
  mongoCommands: Spread;
  mongoDocuments: Spread;
  /** Commands of all samples by name. */
  commandNames: Record<string, number>;
}

export interface QueryResult {
  tenant: string;
  attempts: number;
  deliveries: number;
  payloads: number;
  rollups: number;
  seeded: number;
  seedSeconds: number;
  queries: QueryTiming[];
}

function spreadOf(values: number[]): Spread {
  return { min: Math.min(...values), max: Math.max(...values), mean: Math.round((values.reduce((sum, value) => sum + value, 0) / values.length) * 10) / 10 };
}

/**
 * Seeds a week of delivery logs for the query tenant through `DeliveryLogRecorder.record`, as
 * log-service writes them (payloads once per event, attempts, deliveries, hourly rollups, the
 * event-type catalog), in batches, newest first, within a time budget.
 */
async function seedLogs(context: BenchContext, admin: ApiClient, logs: DeliveryLogs, budgetMs: number): Promise<{ seeded: SeededLogs; seconds: number }> {
  const specs = SEED_WEBHOOK_NAMES.map((name, index) => ({ url: context.receiver.url(`/logs/${index}`), events: ['*'], description: name }));
  const ids = await context.system.createWebhooks(admin, specs);
  const endpoints = specs.map((spec, index) => ({ id: ids[index], name: spec.description, url: spec.url }));
  const planned = context.plan.queryRecords;
  const now = Date.now();
  const attemptIds: string[] = [];
  const startedAt = preciseNow();
  let seeded = 0;
  let reported = 0;
  while (seeded < planned && preciseNow() - startedAt < budgetMs) {
    const records = Array.from({ length: Math.min(SEED_BATCH_SIZE, planned - seeded) }, (_, offset) =>
      seededRecord(QUERY_TENANT, seeded + offset, planned, endpoints, now),
    );
    await logs.recorder.record(records);
    records.forEach((record, offset) => {
      if ((seeded + offset) % Math.ceil(planned / DETAIL_IDS) === 0) attemptIds.push(attemptIdOf(record));
    });
    seeded += records.length;
    if (seeded - reported >= planned / 5) {
      reported = seeded;
      context.progress(`queries: seeded ${seeded} of ${planned} in ${Math.round((preciseNow() - startedAt) / 1000)} s`);
    }
  }
  return { seeded: { tenantId: QUERY_TENANT, endpoints, planned, seeded, now, attemptIds }, seconds: Math.round((preciseNow() - startedAt) / 100) / 10 };
}

/**
 * Times one shape through the public API, and makes each of its requests again through the
 * library on the monitored connection to count what it sends to MongoDB; the two must find the
 * same rows, or the counts would belong to another query.
 */
async function measureShape(context: BenchContext, admin: ApiClient, shape: QueryShape, logs: DeliveryLogs, counter: LogCommandCounter): Promise<QueryTiming> {
  const { plan } = context;
  const api = async (path: string) => {
    const answer = await admin.get(path);
    if (answer.status !== 200) throw new Error(`${path} answered ${answer.status}: ${JSON.stringify(answer.body).slice(0, 300)}`);
    return answer.body;
  };
  let previous: unknown = shape.prepare ? await api(shape.prepare.path) : undefined;
  const budgetMs = plan.mode === 'quick' ? 2_000 : 20_000;
  const timings: number[] = [];
  const rows: number[] = [];
  const commands: number[] = [];
  const documents: number[] = [];
  const commandNames: CommandCount['byName'] = {};
  let firstPath = '';
  const startedAt = preciseNow();
  while (timings.length < plan.querySamples && (timings.length < 3 || preciseNow() - startedAt < budgetMs)) {
    const request = shape.request(timings.length, previous);
    firstPath ||= request.path;
    const sent = preciseNow();
    const body = await api(request.path);
    timings.push(preciseNow() - sent);
    const keys = shape.keysOf(body);
    const { result, sent: mongo } = await counter.count(() => request.replay(logs));
    if (!isDeepStrictEqual(result, keys)) throw new Error(`${shape.name}: the library found other rows than the API for ${request.path}`);
    rows.push(keys.length);
    commands.push(mongo.commands);
    documents.push(mongo.documents);
    for (const [name, count] of Object.entries(mongo.byName)) commandNames[name] = (commandNames[name] ?? 0) + count;
    previous = body;
  }
  const { p50, p99 } = latencySummary(timings);
  const pagination = (previous as Partial<LogsPage<unknown>> | undefined)?.pagination;
  return {
    name: shape.name,
    path: firstPath,
    samples: timings.length,
    p50,
    p99,
    rows: shape.hasRows ? spreadOf(rows) : undefined,
    total: pagination?.total,
    totalExact: pagination?.total_exact,
    mongoCommands: spreadOf(commands),
    mongoDocuments: spreadOf(documents),
    commandNames,
  };
}

/** Latency of the public log API (config-api → log-service → MongoDB) per query shape, and the MongoDB work of each request. */
export async function measureQueries(context: BenchContext): Promise<QueryResult> {
  const { plan, system } = context;
  if (!system.isRunning('log-service')) await system.startApp('log-service');
  const connection = await connectMongo(system.servers.mongoUri, '1', { monitorCommands: true });
  try {
    const logs = new DeliveryLogs(connection, { maxTimeMs: QUERY_MAX_TIME_MS });
    context.progress(`queries: seeding up to ${plan.queryRecords} attempt records through the recorder`);
    const admin = await system.createTenant(QUERY_TENANT);
    const { seeded, seconds } = await seedLogs(context, admin, logs, plan.mode === 'quick' ? 15_000 : 180_000);
    const counter = new LogCommandCounter(connection);
    const sampler = new MemorySampler(system);
    const queries: QueryTiming[] = [];
    for (const shape of queryShapes(seeded)) {
      const timing = await measureShape(context, admin, shape, logs, counter);
      queries.push(timing);
      context.progress(
        `queries: ${timing.name}: p50 ${timing.p50} ms, p99 ${timing.p99} ms (${timing.samples} requests), ${timing.mongoCommands.mean} MongoDB commands per request`,
      );
    }
    recordPeaks(context, 'queries', sampler.stop());
    const count = (collection: string) => connection.collection(collection).countDocuments({ tenantId: QUERY_TENANT });
    return {
      tenant: QUERY_TENANT,
      attempts: await count(DELIVERY_ATTEMPTS_COLLECTION),
      deliveries: await count(DELIVERIES_COLLECTION),
      payloads: await count(EVENT_PAYLOADS_COLLECTION),
      rollups: await count(DELIVERY_ROLLUPS_COLLECTION),
      seeded: seeded.seeded,
      seedSeconds: seconds,
      queries,
    };
  } finally {
    await connection.close();
  }
}
