import { DELIVERIES_COLLECTION, DELIVERY_ATTEMPTS_COLLECTION } from '@wirehook/delivery-logs';
import { eventually, type ReceivedRequest } from '@wirehook/testing';
import { report, type FaultSystem } from './fault-system';

export const LOAD_EVENT = 'load.created';
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** Events whose publish JetStream acknowledged: the ones that must never be lost. */
export interface PublishedLoad {
  eventIds: string[];
  /** Publishes that failed (during an outage) and were repeated with the same id. */
  retriedPublishes: number;
}

/**
 * Publishes `count` events at `ratePerSecond`. A publish that fails is repeated with the same
 * event id until JetStream stores it, as a careful publisher does: the id makes it idempotent.
 */
export async function publishLoad(system: FaultSystem, prefix: string, count: number, ratePerSecond: number): Promise<PublishedLoad> {
  const startedAt = Date.now();
  let retriedPublishes = 0;
  const publishOne = async (sequence: number): Promise<string> => {
    const eventId = `${prefix}-${sequence}`;
    const deadline = Date.now() + 120_000;
    for (;;) {
      try {
        await system.publisher.publish(system.tenantId, { id: eventId, event: LOAD_EVENT, data: { eventId, sequence, note: 'fault suite load' } });
        return eventId;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        retriedPublishes += 1;
        await sleep(250);
      }
    }
  };
  const published: Array<Promise<string>> = [];
  for (let sequence = 0; sequence < count; sequence += 1) {
    const dueIn = startedAt + (sequence * 1000) / ratePerSecond - Date.now();
    if (dueIn > 0) await sleep(dueIn);
    published.push(publishOne(sequence));
  }
  return {
    eventIds: await Promise.all(published),
    get retriedPublishes() {
      return retriedPublishes;
    },
  };
}

/** A time window in which work in flight may legitimately be repeated (a kill, a restart). */
export interface Disruption {
  what: string;
  from: number;
  to: number;
}

export interface AuditOptions {
  scenario: string;
  paths: string[];
  load: PublishedLoad;
  disruptions?: Disruption[];
  /** Only deliveries first received from then on must be in MongoDB (a wire server restart wipes it). */
  mongoRequiredFrom?: number;
  deliveryTimeoutMs: number;
  logTimeoutMs: number;
}

export interface AuditReport {
  expected: number;
  uniqueIds: number;
  duplicates: number;
  /** Repeated receipts no disruption explains. */
  unexplainedDuplicates: string[];
  /** Event × endpoint pairs never received. */
  missing: string[];
  /** Pairs received under more than one `webhook-id`. */
  pairsWithSeveralIds: string[];
  mongo: { required: number; deliveries: number; success: number; notFinal: string[]; missing: string[]; attemptsSucceeded: number; phantom: string[] };
}

interface Receipt {
  id: string;
  pair: string;
  at: number;
}

function receiptsOf(system: FaultSystem, paths: string[]): Receipt[] {
  return paths.flatMap((path) =>
    system.receiver.requestsTo(path).flatMap((request: ReceivedRequest) => {
      const body = JSON.parse(request.body) as { event: string; data: { eventId?: string } };
      if (body.event !== LOAD_EVENT) return [];
      return [{ id: String(request.headers['webhook-id']), pair: `${path} ${body.data.eventId}`, at: request.receivedAt }];
    }),
  );
}

/**
 * Checks a scenario's outcome from the receiver's side (every event reached every endpoint,
 * one `webhook-id` per pair, repeats only for work in flight during a disruption) and from
 * MongoDB's (every delivery recorded, in a final state, with its successful attempt). Prints
 * the counts; the spec asserts on the returned report.
 */
export async function auditDeliveries(system: FaultSystem, options: AuditOptions): Promise<AuditReport> {
  const expectedPairs = options.paths.flatMap((path) => options.load.eventIds.map((eventId) => `${path} ${eventId}`));
  let receipts: Receipt[] = [];
  const received = () => new Set(receiptsOf(system, options.paths).map((receipt) => receipt.pair));
  await eventually(() => expectedPairs.every((pair) => received().has(pair)), { timeoutMs: options.deliveryTimeoutMs, intervalMs: 500 }).catch(() => undefined);
  // Late repeats of work in flight arrive within the ack wait; give them a moment to show.
  await sleep(2_000);
  receipts = receiptsOf(system, options.paths);

  const byId = new Map<string, Receipt[]>();
  const idsByPair = new Map<string, Set<string>>();
  for (const receipt of receipts) {
    byId.set(receipt.id, [...(byId.get(receipt.id) ?? []), receipt]);
    idsByPair.set(receipt.pair, (idsByPair.get(receipt.pair) ?? new Set()).add(receipt.id));
  }
  const disruptions = options.disruptions ?? [];
  const unexplainedDuplicates = [...byId.entries()]
    .filter(([, seen]) => seen.length > 1)
    .filter(([, seen]) => {
      const times = seen.map((receipt) => receipt.at).sort((a, b) => a - b);
      return !disruptions.some((disruption) => times[0] <= disruption.to && times[times.length - 1] >= disruption.from);
    })
    .map(([id]) => id);
  const firstReceipt = new Map([...byId.entries()].map(([id, seen]) => [id, Math.min(...seen.map((receipt) => receipt.at))]));
  const requiredIds = [...firstReceipt.entries()].filter(([, at]) => at >= (options.mongoRequiredFrom ?? 0)).map(([id]) => id);

  const db = await system.db();
  const mongoState = async () => {
    const deliveries = await db
      .collection<{ _id: string; status: string }>(DELIVERIES_COLLECTION)
      .find({ tenantId: system.tenantId, eventType: LOAD_EVENT })
      .toArray();
    const succeeded = await db
      .collection<{ deliveryId: string }>(DELIVERY_ATTEMPTS_COLLECTION)
      .find({ tenantId: system.tenantId, eventType: LOAD_EVENT, status: 'success' }, { projection: { deliveryId: 1 } })
      .toArray();
    const succeededIds = new Set(succeeded.map((attempt) => attempt.deliveryId));
    const statusById = new Map(deliveries.map((delivery) => [delivery._id, delivery.status]));
    return {
      required: requiredIds.length,
      deliveries: deliveries.length,
      success: deliveries.filter((delivery) => delivery.status === 'success').length,
      notFinal: deliveries.filter((delivery) => !['success', 'failed'].includes(delivery.status)).map((delivery) => delivery._id),
      missing: requiredIds.filter((id) => statusById.get(id) !== 'success' || !succeededIds.has(id)),
      attemptsSucceeded: succeeded.length,
      phantom: deliveries.filter((delivery) => !byId.has(delivery._id)).map((delivery) => delivery._id),
    };
  };
  let mongo = await mongoState();
  const deadline = Date.now() + options.logTimeoutMs;
  while ((mongo.missing.length > 0 || mongo.notFinal.length > 0) && Date.now() < deadline) {
    await sleep(1_000);
    mongo = await mongoState();
  }

  const result: AuditReport = {
    expected: expectedPairs.length,
    uniqueIds: byId.size,
    duplicates: receipts.length - byId.size,
    unexplainedDuplicates,
    missing: expectedPairs.filter((pair) => !idsByPair.has(pair)),
    pairsWithSeveralIds: [...idsByPair.entries()].filter(([, ids]) => ids.size > 1).map(([pair]) => pair),
    mongo,
  };
  const name = options.scenario;
  report(
    name,
    `published ${options.load.eventIds.length} events (${options.load.retriedPublishes} publishes repeated) to ${options.paths.length} endpoints: ${result.expected} deliveries expected`,
  );
  report(
    name,
    `receiver: ${result.uniqueIds} unique webhook-ids, ${result.missing.length} missing, ${result.duplicates} duplicate receipts (${result.unexplainedDuplicates.length} outside in-flight work), ${result.pairsWithSeveralIds.length} deliveries under two ids`,
  );
  report(
    name,
    `MongoDB: ${mongo.deliveries} deliveries (${mongo.success} success, ${mongo.notFinal.length} not final, ${mongo.phantom.length} never received), ${mongo.attemptsSucceeded} successful attempts; ${mongo.required - mongo.missing.length} of ${mongo.required} required deliveries recorded`,
  );
  for (const disruption of disruptions) report(name, `disruption: ${disruption.what} (${disruption.to - disruption.from} ms)`);
  return result;
}

/** The assertions every scenario makes on its report. */
export function expectNoLoss(result: AuditReport): void {
  expect(result.missing).toEqual([]);
  expect(result.pairsWithSeveralIds).toEqual([]);
  expect(result.unexplainedDuplicates).toEqual([]);
  expect(result.uniqueIds).toBe(result.expected);
  expect(result.mongo.missing).toEqual([]);
  expect(result.mongo.notFinal).toEqual([]);
  expect(result.mongo.phantom).toEqual([]);
}

/** {@link expectNoLoss}, and every expected delivery logged in MongoDB as a success. */
export function expectAllLoggedAsSuccess(result: AuditReport): void {
  expectNoLoss(result);
  expect(result.mongo.deliveries).toBe(result.expected);
  expect(result.mongo.success).toBe(result.expected);
}
