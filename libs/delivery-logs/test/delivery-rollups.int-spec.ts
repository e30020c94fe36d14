import type { Connection } from 'mongoose';
import type { CommandStartedEvent } from 'mongodb';
import { connectMongo } from '@wirehook/mongo';
import { DELIVERY_STATUSES, STATUS_CLASSES, type AttemptErrorCode, type DeliveryStatus } from '@wirehook/contracts';
import { startTestServers, type TestServers } from '@wirehook/testing';
import {
  DELIVERY_ROLLUPS_COLLECTION,
  DeliveryRollupIndex,
  deliveryRollupSchema,
  type DeliveryRollupDocument,
  type RollupStatusClass,
} from '../src/rollups/delivery-rollup.schema';
import {
  DeliveryRollupRepository,
  ROLLUP_MAX_WINDOW_HOURS,
  ROLLUP_TOP_COUNT,
  type RollupInput,
  type RollupStats,
} from '../src/rollups/delivery-rollup.repository';
import { DURATION_PERCENTILE_RELATIVE_ERROR, nearestRank } from '../src/rollups/duration-histogram';

const HOUR_MS = 60 * 60 * 1000;
const BASE = Date.parse('2026-03-01T00:00:00.000Z');
const at = (hours: number, minutes = 0) => new Date(BASE + hours * HOUR_MS + minutes * 60_000);
const LIMITS = { maxTimeMs: 4000 };
const ENDPOINTS = ['ep_aaaaaaaaaaaaaaaaaaaa', 'ep_bbbbbbbbbbbbbbbbbbbb', 'ep_cccccccccccccccccccc', 'ep_dddddddddddddddddddd'];
// More event types than statistics list, some with several dots, so the top-N cut and the key encoding both matter.
const EVENT_TYPES = [
  'resume.bulk_upload_parse.started',
  'resume.bulk_upload_parse.finished',
  'resume.created',
  'invoice.paid',
  'invoice.payment-failed',
  'user.signup',
  'user.deleted',
  'order.shipped',
  'order.cancelled',
  'webhook.test',
  'audit',
  'report.generated.v2',
  'a-b.c_d',
];

/** A small seeded generator (mulberry32), so a failing case can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Attempts of one tenant spread over endpoints, event types (skewed), outcomes, durations and `hours` hours. */
function randomAttempts(seed: number, tenantId: string, count: number, hours: number): RollupInput[] {
  const next = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
  return Array.from({ length: count }, () => {
    const outcome = next();
    let status: DeliveryStatus = 'success';
    let statusClass: RollupStatusClass = '2xx';
    let code: AttemptErrorCode | null = null;
    if (outcome > 0.97) [status, statusClass, code] = ['pending', 'none', null];
    else if (outcome > 0.85) [status, statusClass, code] = ['retrying', 'none', pick(['timeout', 'connection_refused', 'dns', 'tls'] as const)];
    else if (outcome > 0.75) [status, statusClass, code] = ['retrying', '5xx', 'http_status'];
    else if (outcome > 0.68) [status, statusClass, code] = ['failed', pick(['3xx', '4xx'] as const), 'http_status'];
    else if (outcome > 0.66) [status, statusClass, code] = ['failed', 'none', 'ssrf_blocked'];
    const shape = next();
    const durationMs =
      shape < 0.1 ? Math.floor(next() * 40) : shape < 0.9 ? Math.round(Math.exp(Math.log(30) + next() * Math.log(100))) : Math.round(1000 + next() * 29_000);
    return {
      tenantId,
      endpointId: pick(ENDPOINTS),
      // Squaring skews the choice, so counts differ and the top-N order is mostly decided by count.
      eventType: EVENT_TYPES[Math.floor(next() * next() * EVENT_TYPES.length)],
      status,
      statusClass,
      error: code ? { code } : null,
      durationMs,
      createdAt: new Date(BASE + Math.floor(next() * hours * HOUR_MS)),
    };
  });
}

/** The same items in a seeded random order, so batches mix tenants, endpoints and hours. */
function shuffled<T>(items: T[], seed: number): T[] {
  const next = random(seed);
  const result = [...items];
  for (let i = result.length - 1; i > 0; i -= 1) {
    const j = Math.floor(next() * (i + 1));
    [result[i], result[j]] = [result[j], result[i]];
  }
  return result;
}

const byCountThenKey = ([keyA, countA]: [string, number], [keyB, countB]: [string, number]) => countB - countA || (keyA < keyB ? -1 : keyA > keyB ? 1 : 0);

/** The oracle: the statistics computed straight from the attempts of the whole hours overlapping [from, to]. */
function bruteForce(inputs: RollupInput[], tenantId: string, endpointId: string | undefined, from: Date, to: Date) {
  const firstHour = Math.floor(from.getTime() / HOUR_MS) * HOUR_MS;
  const rows = inputs.filter((input) => {
    const hour = Math.floor(input.createdAt.getTime() / HOUR_MS) * HOUR_MS;
    return input.tenantId === tenantId && (endpointId === undefined || input.endpointId === endpointId) && hour >= firstHour && hour <= to.getTime();
  });
  const countBy = (key: (row: RollupInput) => string | null) => {
    const counts = new Map<string, number>();
    for (const row of rows) {
      const value = key(row);
      if (value !== null) counts.set(value, (counts.get(value) ?? 0) + 1);
    }
    return counts;
  };
  const top = (counts: Map<string, number>) => [...counts].sort(byCountThenKey).slice(0, ROLLUP_TOP_COUNT);
  const hours = new Map<number, { attempts: number; success: number }>();
  for (const row of rows) {
    const start = Math.floor(row.createdAt.getTime() / HOUR_MS) * HOUR_MS;
    const hour = hours.get(start) ?? { attempts: 0, success: 0 };
    hour.attempts += 1;
    if (row.status === 'success') hour.success += 1;
    hours.set(start, hour);
  }
  const statuses = countBy((row) => row.status);
  const classes = countBy((row) => row.statusClass);
  const sorted = rows.map((row) => row.durationMs).sort((a, b) => a - b);
  const percentile = (p: number) => (sorted.length === 0 ? null : sorted[nearestRank(p, sorted.length)]);
  const hourDurations = new Map<string, number[]>();
  for (const row of rows) {
    const start = new Date(Math.floor(row.createdAt.getTime() / HOUR_MS) * HOUR_MS).toISOString();
    hourDurations.set(start, [...(hourDurations.get(start) ?? []), row.durationMs]);
  }
  const hourP95 = new Map([...hourDurations].map(([start, durations]) => [start, durations.sort((a, b) => a - b)[nearestRank(0.95, durations.length)]]));
  return {
    exact: {
      attempts: rows.length,
      byStatus: Object.fromEntries(DELIVERY_STATUSES.map((status) => [status, statuses.get(status) ?? 0])),
      byStatusClass: Object.fromEntries([...STATUS_CLASSES, 'none'].map((statusClass) => [statusClass, classes.get(statusClass) ?? 0])),
      durationSumMs: rows.reduce((sum, row) => sum + row.durationMs, 0),
      topEvents: top(countBy((row) => row.eventType)).map(([eventType, count]) => ({ eventType, count })),
      topErrorCodes: top(countBy((row) => row.error?.code ?? null)).map(([code, count]) => ({ code, count })),
      hours: [...hours].sort(([a], [b]) => a - b).map(([start, hour]) => ({ start: new Date(start).toISOString(), ...hour })),
    },
    percentiles: { p50: percentile(0.5), p95: percentile(0.95), p99: percentile(0.99) },
    hourP95,
  };
}

function expectMatchesBruteForce(stats: RollupStats, inputs: RollupInput[], tenantId: string, endpointId: string | undefined, from: Date, to: Date): void {
  const { exact, percentiles, hourP95 } = bruteForce(inputs, tenantId, endpointId, from, to);
  expect(exact.attempts).toBeGreaterThan(0);
  expect(stats).toMatchObject(exact);
  for (const name of ['p50', 'p95', 'p99'] as const) {
    const expected = percentiles[name] as number;
    expect(stats.durationMs[name]).not.toBeNull();
    expect(Math.abs((stats.durationMs[name] as number) - expected)).toBeLessThanOrEqual(DURATION_PERCENTILE_RELATIVE_ERROR * expected);
  }
  for (const hour of stats.hours) {
    const expected = hourP95.get(hour.start) as number;
    expect({ hour: hour.start, within: Math.abs((hour.p95Ms as number) - expected) <= DURATION_PERCENTILE_RELATIVE_ERROR * expected }).toEqual({
      hour: hour.start,
      within: true,
    });
  }
}

/** Records in batches, as the writer does. */
async function recordInBatches(repository: DeliveryRollupRepository, inputs: RollupInput[], size = 250): Promise<void> {
  for (let start = 0; start < inputs.length; start += size) await repository.recordInserted(inputs.slice(start, start + size));
}

describe('DeliveryRollupRepository against a MongoDB-wire server', () => {
  let servers: TestServers;
  let connection: Connection;
  let repository: DeliveryRollupRepository;
  /** The raw collection, to create its indexes and look at what was stored. */
  const rollups = () => {
    if (!connection.db) throw new Error('MongoDB is not connected');
    return connection.db.collection<DeliveryRollupDocument>(DELIVERY_ROLLUPS_COLLECTION);
  };

  beforeAll(async () => {
    servers = await startTestServers('delivery-rollups');
    connection = await connectMongo(servers.mongoUri, '1');
    repository = new DeliveryRollupRepository(connection, LIMITS);
    // Indexes as the migrate command creates them: from the schema's declarations.
    await rollups().createIndexes(deliveryRollupSchema.indexes().map(([key, options]) => ({ key, ...options }) as { key: Record<string, 1>; name: string }));
  });

  afterAll(async () => {
    await connection?.close();
    await servers?.stop();
  });

  beforeEach(async () => {
    await rollups().deleteMany({});
  });

  describe('with a few thousand random attempts over 8 hours', () => {
    const acme = randomAttempts(11, 'acme', 2400, 8);
    // Another tenant with the same endpoint ids and hours: its counts must never leak into acme's.
    const globex = randomAttempts(12, 'globex', 400, 8);

    beforeEach(async () => {
      await recordInBatches(repository, shuffled([...acme, ...globex], 14));
    });

    it('stores one rollup per tenant, endpoint and hour, with event types keyed without dots', async () => {
      const stored = await rollups().find({ tenantId: 'acme' }).toArray();
      expect(stored).toHaveLength(new Set(acme.map((input) => `${input.endpointId}/${Math.floor(input.createdAt.getTime() / HOUR_MS)}`)).size);
      const keys = stored.flatMap((rollup) => Object.keys(rollup.byEventType));
      expect(keys).toContain('resume:bulk_upload_parse:started');
      expect(keys.some((key) => key.includes('.'))).toBe(false);
      expect(stored.every((rollup) => rollup._id === `acme:${rollup.endpointId}:${rollup.hour.toISOString().slice(0, 13)}`)).toBe(true);
    });

    it('equals a brute-force computation for the whole tenant, over all hours and over a window that cuts hours', async () => {
      for (const [from, to] of [
        [at(0), at(8)],
        [at(2, 20), at(5, 10)],
        [at(7, 59), at(7, 59)],
      ]) {
        const stats = await repository.windowStats('acme', undefined, from, to);
        expectMatchesBruteForce(stats, acme, 'acme', undefined, from, to);
        expect(stats.coveredFrom).toEqual(new Date(Math.floor(from.getTime() / HOUR_MS) * HOUR_MS));
        expect(stats.coveredTo).toEqual(new Date(Math.floor(to.getTime() / HOUR_MS) * HOUR_MS + HOUR_MS));
        expect(stats.truncated).toBe(false);
      }
    });

    it('equals a brute-force computation for one endpoint, and reads at most one rollup per hour for it', async () => {
      for (const endpointId of ENDPOINTS.slice(0, 2)) {
        const stats = await repository.windowStats('acme', endpointId, at(1, 30), at(6, 45));
        expectMatchesBruteForce(stats, acme, 'acme', endpointId, at(1, 30), at(6, 45));
        expect(stats.documentsRead).toBeLessThanOrEqual(6);
        expect(stats.truncated).toBe(false);
      }
    });

    it("keeps each tenant's counts to itself", async () => {
      expectMatchesBruteForce(await repository.windowStats('globex', undefined, at(0), at(8)), globex, 'globex', undefined, at(0), at(8));
      expectMatchesBruteForce(await repository.windowStats('globex', ENDPOINTS[2], at(0), at(8)), globex, 'globex', ENDPOINTS[2], at(0), at(8));
      const nobody = await repository.windowStats('initech', undefined, at(0), at(8));
      expect(nobody).toMatchObject({ attempts: 0, durationSumMs: 0, topEvents: [], topErrorCodes: [], hours: [], documentsRead: 0 });
      expect(nobody.durationMs).toEqual({ p50: null, p95: null, p99: null });
    });

    it('adds later batches to the same rollups, including batches written at the same time', async () => {
      const more = randomAttempts(13, 'acme', 600, 8);
      const other = new DeliveryRollupRepository(connection, LIMITS);
      await Promise.all([
        repository.recordInserted(more.slice(0, 200)),
        other.recordInserted(more.slice(200, 400)),
        repository.recordInserted(more.slice(400)),
      ]);
      expectMatchesBruteForce(await repository.windowStats('acme', undefined, at(0), at(8)), [...acme, ...more], 'acme', undefined, at(0), at(8));
    });
  });

  it('counts a first batch of a fresh hour written by several writers at once exactly once per attempt', async () => {
    const inputs = randomAttempts(21, 'acme', 400, 1);
    const writers = [0, 1, 2, 3].map(() => new DeliveryRollupRepository(connection, LIMITS));
    await Promise.all(writers.map((writer, index) => writer.recordInserted(inputs.filter((_, position) => position % 4 === index))));
    expectMatchesBruteForce(await repository.windowStats('acme', undefined, at(0), at(0, 59)), inputs, 'acme', undefined, at(0), at(0, 59));
  });

  it('refuses windows that end before they start or overlap too many hours', async () => {
    await expect(repository.windowStats('acme', undefined, at(5), at(4))).rejects.toThrow(RangeError);
    await expect(repository.windowStats('acme', undefined, at(5, 30), at(5, 10))).rejects.toThrow(RangeError);
    await expect(repository.windowStats('acme', undefined, at(0, 30), at(ROLLUP_MAX_WINDOW_HOURS - 1, 10))).resolves.toMatchObject({ attempts: 0 });
    await expect(repository.windowStats('acme', undefined, at(0, 30), at(ROLLUP_MAX_WINDOW_HOURS, 10))).rejects.toThrow(RangeError);
  });

  it("deletes only the tenant's rollups of hours before the cutoff, at most the limit per call, oldest first", async () => {
    await recordInBatches(repository, [...randomAttempts(31, 'acme', 500, 10), ...randomAttempts(32, 'globex', 300, 10)]);
    const stored = async (tenantId: string) =>
      (
        await rollups()
          .find({ tenantId }, { projection: { hour: 1 } })
          .toArray()
      ).map((rollup) => rollup.hour.getTime());
    const acmeBefore = await stored('acme');
    const globexBefore = await stored('globex');
    const cutoff = at(6);
    const old = acmeBefore.filter((hour) => hour < cutoff.getTime()).sort((a, b) => a - b);
    expect(old.length).toBeGreaterThan(7);

    expect(await repository.deleteOlderThan('acme', cutoff, 7)).toBe(7);
    const afterFirst = await stored('acme');
    expect(afterFirst).toHaveLength(acmeBefore.length - 7);
    // Oldest first: what is left of the old hours is no older than what went.
    expect(Math.min(...afterFirst)).toBeGreaterThanOrEqual(old[6]);

    let deleted = 7;
    for (let calls = 0; calls < 20; calls += 1) {
      const count = await repository.deleteOlderThan('acme', cutoff, 7);
      expect(count).toBeLessThanOrEqual(7);
      if (count === 0) break;
      deleted += count;
    }
    expect(deleted).toBe(old.length);
    expect((await stored('acme')).sort()).toEqual(acmeBefore.filter((hour) => hour >= cutoff.getTime()).sort());
    expect((await stored('globex')).sort()).toEqual(globexBefore.sort());
  });

  it('sends only bounded, hinted, tenant-scoped finds while computing statistics', async () => {
    await recordInBatches(repository, randomAttempts(41, 'acme', 300, 6));
    const monitored = await connectMongo(servers.mongoUri, '1', { monitorCommands: true });
    try {
      const commands: CommandStartedEvent[] = [];
      monitored.getClient().on('commandStarted', (event: CommandStartedEvent) => commands.push(event));
      const watched = new DeliveryRollupRepository(monitored, LIMITS);
      await watched.windowStats('acme', undefined, at(0, 10), at(5, 50));
      await watched.windowStats('acme', ENDPOINTS[1], at(0, 10), at(5, 50));
      await watched.deleteOlderThan('acme', at(1), 3);

      const declared = new Set(deliveryRollupSchema.indexes().map(([, options]) => options.name));
      expect(declared).toEqual(new Set(Object.values(DeliveryRollupIndex)));
      const finds = commands.filter((event) => event.commandName === 'find' && event.command.find === DELIVERY_ROLLUPS_COLLECTION);
      expect(finds).toHaveLength(3);
      for (const { command } of finds) {
        expect(command.filter.tenantId).toBe('acme');
        expect(declared.has(command.hint)).toBe(true);
        expect(command.maxTimeMS).toBe(LIMITS.maxTimeMs);
        expect(command.limit).toBeGreaterThan(0);
        expect(command.skip).toBeUndefined();
      }
      expect(finds.map(({ command }) => [command.hint, command.limit])).toEqual([
        [DeliveryRollupIndex.tenantHour, 6 * 1000],
        [DeliveryRollupIndex.tenantEndpointHour, 6],
        [DeliveryRollupIndex.tenantHour, 3],
      ]);
      expect(commands.filter((event) => event.commandName === 'aggregate' || event.commandName === 'count')).toEqual([]);
      // Nothing reads or writes the raw attempts for statistics.
      expect(commands.filter((event) => event.command[event.commandName] === 'delivery_attempts')).toEqual([]);
      const deletes = commands.filter((event) => event.commandName === 'delete');
      expect(deletes).toHaveLength(1);
      expect(deletes[0].command.deletes[0].q.tenantId).toBe('acme');
    } finally {
      await monitored.close();
    }
  });
});
