import { randomBytes } from 'node:crypto';
import type { Connection, mongo } from 'mongoose';
import { connectMongo, migrateIndexes } from '@wirehook/mongo';
import { loadConfig } from '@wirehook/config';
import { ServerEnvironment } from '@wirehook/local-run';
import { logReads, recordCommands, withDatabase, type SentCommand } from '@wirehook/testing';
import {
  AttemptIndex,
  DELIVERIES_COLLECTION,
  DELIVERY_ATTEMPTS_COLLECTION,
  DELIVERY_LOG_COLLECTIONS,
  DeliveryIndex,
  DeliveryLogs,
  type DeliveryAttemptDocument,
  type DeliveryDocument,
} from '../../src';
import { apiQueryShapes, type DeepRows } from './support/api-query-shapes';
import { insertHistory, planHistory, recordRecentAttempts } from './support/plan-history';
import { explainRead, type ReadPlan } from './support/query-plan';

/**
 * `npm run test:mongo-plans`: the plans MongoDB chooses for every read the delivery-log API sends,
 * on a real MongoDB (`MONGODB_URI`) holding a million attempts of one tenant. The MongoDB-wire
 * test server cannot show them (no `explain`, inverted costs). Each read is captured with the
 * driver's command monitoring while the library answers a request, then sent again under
 * `explain` (executionStats): it must scan the index it hints, sort nothing of the history in
 * memory, and examine at most 2 × (skip + limit) + 2 × (index intervals) + 10 keys and
 * 2 × (skip + limit) + 10 documents (see support/query-plan.ts). A page reads 26 rows, a
 * counted total at most 10,001.
 */
const { MONGODB_URI } = loadConfig(ServerEnvironment);
const TENANT = 'acme';
const ATTEMPTS = 1_000_000;
/** Another tenant's history in the same collections: the tenant bounds every scan. */
const OTHER_TENANT_ATTEMPTS = 5_000;
/** Attempts of the last week written through the recorder, for the rollups and the event-type catalog. */
const RECORDED_ATTEMPTS = 3_000;
const HISTORY_DAYS = 60;
const SEED_TIMEOUT_MS = 40 * 60_000;
/** Hints of exact lookups (an event id, a delivery's attempts, an id), whose few matches may be sorted in memory. */
const EXACT_LOOKUPS = new Set<string>([AttemptIndex.eventId, AttemptIndex.deliveryAttempt, DeliveryIndex.eventId, '_id_']);

const now = new Date();
const history = planHistory(TENANT, ATTEMPTS);
let deep: DeepRows | undefined;
const shapes = apiQueryShapes({
  history,
  now,
  deepRows: () => {
    if (!deep) throw new Error('the history is not seeded');
    return deep;
  },
});

const describeOnRealMongo = MONGODB_URI ? describe : describe.skip;
const title = MONGODB_URI
  ? `query plans of the delivery-log API on a real MongoDB (${ATTEMPTS.toLocaleString('en-US')} attempts of one tenant)`
  : 'query plans: needs MONGODB_URI (a real MongoDB; the MongoDB-wire test server has no explain)';

describeOnRealMongo(title, () => {
  let connection: Connection;
  let db: mongo.Db;
  let logs: DeliveryLogs;
  let commands: SentCommand[];
  const explained: Array<{ shape: string; plans: ReadPlan[] }> = [];

  beforeAll(async () => {
    connection = await connectMongo(withDatabase(MONGODB_URI as string, `wh_plans_${randomBytes(3).toString('hex')}`), '1', { monitorCommands: true });
    if (!connection.db) throw new Error('MongoDB is not connected');
    db = connection.db;
    commands = recordCommands(connection);
    // Generous: on a busy CI machine a capped count of 10,001 keys must not time out.
    logs = new DeliveryLogs(connection, { maxTimeMs: 60_000 });
    const other = planHistory('globex', OTHER_TENANT_ATTEMPTS);
    await insertHistory(connection, history, HISTORY_DAYS, now);
    await insertHistory(connection, other, HISTORY_DAYS, now);
    await recordRecentAttempts(logs, history, RECORDED_ATTEMPTS, now);
    await recordRecentAttempts(logs, other, RECORDED_ATTEMPTS / 3, now);
    // Indexes after the bulk load, as a migration on an existing database builds them.
    await migrateIndexes(connection, DELIVERY_LOG_COLLECTIONS);
    const newestFirst = { createdAt: -1, _id: -1 } as const;
    const attempt = await db
      .collection<DeliveryAttemptDocument>(DELIVERY_ATTEMPTS_COLLECTION)
      .find({ tenantId: TENANT })
      .sort(newestFirst)
      .hint(AttemptIndex.time)
      .skip(Math.floor(history.attempts / 2))
      .limit(1)
      .next();
    const delivery = await db
      .collection<DeliveryDocument>(DELIVERIES_COLLECTION)
      .find({ tenantId: TENANT })
      .sort(newestFirst)
      .hint(DeliveryIndex.time)
      .skip(Math.floor(history.deliveries / 2))
      .limit(1)
      .next();
    if (!attempt || !delivery) throw new Error('the history has no rows half way down');
    deep = { attempt, delivery };
    commands.length = 0;
  }, SEED_TIMEOUT_MS);

  afterAll(async () => {
    const lines = explained.flatMap(({ shape, plans }) =>
      plans.map((plan) => `${shape} | ${plan.hint} | rows ${plan.rows} | keys ${plan.keysExamined} | docs ${plan.docsExamined} | ${plan.stages.join('>')}`),
    );
    process.stdout.write(`\nkeys and documents examined per read:\n${lines.join('\n')}\n`);
    await db?.dropDatabase();
    await connection?.close();
  });

  it('holds a million attempts of one tenant, and another tenant beside it', async () => {
    const attempts = db.collection(DELIVERY_ATTEMPTS_COLLECTION);
    expect(await attempts.countDocuments({ tenantId: TENANT })).toBe(history.attempts + RECORDED_ATTEMPTS);
    expect(await attempts.countDocuments({ tenantId: 'globex' })).toBeGreaterThan(OTHER_TENANT_ATTEMPTS);
  });

  it('tells a read that filters or sorts the history in memory from one its index bounds', async () => {
    const read = (command: Record<string, unknown>): SentCommand => ({
      name: 'find',
      collection: DELIVERY_ATTEMPTS_COLLECTION,
      command: { find: DELIVERY_ATTEMPTS_COLLECTION, limit: 26, ...command },
    });
    const tenant = { tenantId: TENANT };
    const unindexedFilter = await explainRead(
      db,
      read({ filter: { tenantId: TENANT, 'request.method': 'PUT' }, sort: { createdAt: -1, _id: -1 }, hint: AttemptIndex.time }),
      EXACT_LOOKUPS,
    );
    const unindexedSort = await explainRead(db, read({ filter: tenant, sort: { durationMs: -1 }, hint: AttemptIndex.time }), EXACT_LOOKUPS);
    const bounded = await explainRead(db, read({ filter: tenant, sort: { createdAt: -1, _id: -1 }, hint: AttemptIndex.time }), EXACT_LOOKUPS);
    expect(unindexedFilter.problems.join('\n')).toMatch(/examined \d+ documents/);
    expect(unindexedSort.problems.join('\n')).toMatch(/blocking in-memory SORT/);
    expect(bounded.problems).toEqual([]);
  });

  it.each(shapes.map((shape) => [shape.name, shape] as const))('%s: each read scans its hinted index and examines about a page', async (name, shape) => {
    commands.length = 0;
    await shape.run(logs);
    const reads = logReads(commands.splice(0));
    expect(reads.length).toBeGreaterThan(0);
    const plans: ReadPlan[] = [];
    for (const read of reads) plans.push(await explainRead(db, read, EXACT_LOOKUPS));
    explained.push({ shape: name, plans });
    expect(plans.filter((plan) => plan.problems.length > 0)).toEqual([]);
  });
});
