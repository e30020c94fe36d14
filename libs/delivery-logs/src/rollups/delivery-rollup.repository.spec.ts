import type { Connection } from 'mongoose';
import { DeliveryRollupRepository, type RollupInput } from './delivery-rollup.repository';
import { DeliveryRollupIndex, deliveryRollupSchema, eventTypeKey, eventTypeOfKey, rollupIdOf } from './delivery-rollup.schema';
import { durationBucketOf } from './duration-histogram';

type Operation = {
  updateOne: { filter: Record<string, unknown>; update: { $inc: Record<string, number>; $setOnInsert: Record<string, unknown> }; upsert: boolean };
};

/** A connection whose only model records the bulk writes it is sent and fails them as told. */
function fakeConnection(failures: unknown[] = []) {
  const calls: Operation[][] = [];
  const model = {
    async bulkWrite(operations: Operation[]) {
      calls.push(operations);
      const failure = failures.shift();
      if (failure) throw failure;
      return {};
    },
  };
  return { calls, connection: { model: () => model } as unknown as Connection };
}

const attempt = (overrides: Partial<RollupInput> = {}): RollupInput => ({
  tenantId: 'acme',
  endpointId: 'ep_aaaaaaaaaaaaaaaaaaaa',
  eventType: 'resume.bulk_upload_parse.started',
  status: 'success',
  statusClass: '2xx',
  error: null,
  durationMs: 120,
  createdAt: new Date('2026-03-01T10:15:00.000Z'),
  ...overrides,
});

const duplicateKeyError = (...positions: number[]) => Object.assign(new Error('E11000'), { writeErrors: positions.map((index) => ({ code: 11000, index })) });

describe('DeliveryRollupRepository.recordInserted', () => {
  it('sends one unordered upsert per rollup, filtered on the whole shard key, with every count as an $inc', async () => {
    const { calls, connection } = fakeConnection();
    await new DeliveryRollupRepository(connection, { maxTimeMs: 1000 }).recordInserted([
      attempt(),
      attempt({ status: 'retrying', statusClass: 'none', error: { code: 'timeout' }, durationMs: 10_000, createdAt: new Date('2026-03-01T10:59:59.999Z') }),
      attempt({ createdAt: new Date('2026-03-01T11:00:00.000Z') }),
    ]);
    expect(calls).toHaveLength(1);
    const [first, second] = calls[0];
    const hour = new Date('2026-03-01T10:00:00.000Z');
    expect(first.updateOne).toEqual({
      filter: { _id: 'acme:ep_aaaaaaaaaaaaaaaaaaaa:2026-03-01T10', tenantId: 'acme', endpointId: 'ep_aaaaaaaaaaaaaaaaaaaa', hour },
      update: {
        $inc: {
          attempts: 2,
          'byStatus.success': 1,
          'byStatus.retrying': 1,
          'byStatusClass.2xx': 1,
          'byStatusClass.none': 1,
          'byErrorCode.timeout': 1,
          'byEventType.resume:bulk_upload_parse:started': 2,
          durationSumMs: 10_120,
          [`durationHistogram.${durationBucketOf(120)}`]: 1,
          [`durationHistogram.${durationBucketOf(10_000)}`]: 1,
        },
        $setOnInsert: { tenantId: 'acme', endpointId: 'ep_aaaaaaaaaaaaaaaaaaaa', hour },
      },
      upsert: true,
    });
    expect(second.updateOne.filter._id).toBe('acme:ep_aaaaaaaaaaaaaaaaaaaa:2026-03-01T11');
  });

  it('writes nothing for no attempts', async () => {
    const { calls, connection } = fakeConnection();
    await new DeliveryRollupRepository(connection, { maxTimeMs: 1000 }).recordInserted([]);
    expect(calls).toEqual([]);
  });

  it('sends again only the upserts that lost the race to create their rollup', async () => {
    const { calls, connection } = fakeConnection([duplicateKeyError(1)]);
    const endpoints = ['ep_aaaaaaaaaaaaaaaaaaaa', 'ep_bbbbbbbbbbbbbbbbbbbb', 'ep_cccccccccccccccccccc'];
    await new DeliveryRollupRepository(connection, { maxTimeMs: 1000 }).recordInserted(endpoints.map((endpointId) => attempt({ endpointId })));
    expect(calls.map((operations) => operations.map((operation) => operation.updateOne.filter.endpointId))).toEqual([endpoints, [endpoints[1]]]);
  });

  it('gives up after a few lost races, and never retries other failures', async () => {
    const racing = fakeConnection([duplicateKeyError(0), duplicateKeyError(0), duplicateKeyError(0)]);
    await expect(new DeliveryRollupRepository(racing.connection, { maxTimeMs: 1000 }).recordInserted([attempt()])).rejects.toThrow('E11000');
    expect(racing.calls).toHaveLength(3);
    const failing = fakeConnection([Object.assign(new Error('write concern timeout'), { writeErrors: [{ code: 64, index: 0 }] })]);
    await expect(new DeliveryRollupRepository(failing.connection, { maxTimeMs: 1000 }).recordInserted([attempt()])).rejects.toThrow('write concern timeout');
    expect(failing.calls).toHaveLength(1);
  });

  it('refuses an event type that could not be keyed back', async () => {
    const { calls, connection } = fakeConnection();
    await expect(new DeliveryRollupRepository(connection, { maxTimeMs: 1000 }).recordInserted([attempt({ eventType: 'a:b' })])).rejects.toThrow(
      'not an event type',
    );
    expect(calls).toEqual([]);
  });
});

describe('delivery rollup schema', () => {
  it('declares, with its name, every index the repository hints', () => {
    const declared = deliveryRollupSchema.indexes().map(([key, options]) => [options.name, key]);
    expect(declared).toEqual([
      [DeliveryRollupIndex.tenantHour, { tenantId: 1, hour: 1 }],
      [DeliveryRollupIndex.tenantEndpointHour, { tenantId: 1, endpointId: 1, hour: 1 }],
    ]);
  });

  it('keys event types without dots, reversibly', () => {
    for (const eventType of ['resume.bulk_upload_parse.started', 'a', 'x-y.z_1']) {
      expect(eventTypeKey(eventType)).not.toContain('.');
      expect(eventTypeOfKey(eventTypeKey(eventType))).toBe(eventType);
    }
    expect(() => eventTypeKey('$where')).toThrow();
  });

  it('builds one id per tenant, endpoint and UTC hour', () => {
    expect(rollupIdOf('acme', 'ep_x', new Date('2026-03-01T10:00:00.000Z'))).toBe(rollupIdOf('acme', 'ep_x', new Date('2026-03-01T10:59:59.999Z')));
    expect(rollupIdOf('acme', 'ep_x', new Date('2026-03-01T10:59:59.999Z'))).not.toBe(rollupIdOf('acme', 'ep_x', new Date('2026-03-01T11:00:00.000Z')));
  });
});
