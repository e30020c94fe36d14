import type { Connection } from 'mongoose';
import { connectMongo } from '@wirehook/config';
import type { ListLogsRequestMessage } from '@wirehook/contracts';
import { buildAttemptRecord, startTestServers, type TestServers } from '@wirehook/testing';
import { DeliveryLogRepository } from '../src';

describe('DeliveryLogRepository against a MongoDB-wire server', () => {
  let servers: TestServers;
  let connection: Connection;
  let repository: DeliveryLogRepository;
  const list = (overrides: Partial<ListLogsRequestMessage> = {}) =>
    repository.listAttempts({ tenantId: 'acme', view: 'attempts', page: 1, perPage: 25, sort: 'created_at', order: 'desc', ...overrides });

  beforeAll(async () => {
    servers = await startTestServers('delivery-log-repository');
    connection = await connectMongo(servers.mongoUri, '1');
    repository = new DeliveryLogRepository(connection);
    await repository.ensureIndexes();
  });

  afterAll(async () => {
    await connection?.close();
    await servers?.stop();
  });

  beforeEach(async () => {
    await repository.attempts.deleteMany({});
    await repository.deliveries.deleteMany({});
  });

  it('keeps exactly one document per attempt when records are replayed', async () => {
    const records = [buildAttemptRecord(), buildAttemptRecord(), buildAttemptRecord()];
    await repository.recordAttempts(records);
    await repository.recordAttempts(records);
    await repository.recordAttempts([records[1], buildAttemptRecord()]);
    expect(await repository.attempts.countDocuments()).toBe(4);
    expect(await repository.deliveries.countDocuments()).toBe(4);
  });

  it('gives a delivery the state of its highest attempt, whatever the arrival order', async () => {
    const first = buildAttemptRecord({ status: 'retrying', attempt: 1, nextAttemptAt: '2026-03-01T13:00:00.000Z' });
    const second = { ...first, attempt: 2, status: 'success' as const, nextAttemptAt: undefined, response: { status: 200, headers: {}, body: '', bodyTruncated: false } };
    await repository.recordAttempts([second]);
    await repository.recordAttempts([first]);
    const delivery = await repository.deliveries.findById(first.deliveryId).lean();
    expect(delivery).toMatchObject({ status: 'success', lastAttempt: 2, httpStatus: 200, nextAttemptAt: null });
    const timeline = await repository.attemptsOfDelivery('acme', first.deliveryId);
    expect(timeline.map((attempt) => attempt.attempt)).toEqual([1, 2]);
  });

  it('settles a delivery on its highest attempt when another writer got there between its read and its write', async () => {
    const older = buildAttemptRecord({ status: 'retrying' });
    const newer = buildAttemptRecord({ status: 'retrying' });
    await repository.recordAttempts([{ ...older, attempt: 2, status: 'success' }, newer]);
    // The read that finds which deliveries exist sees none of them: another writer created both meanwhile.
    const find = repository.deliveries.find.bind(repository.deliveries);
    const blindRead = jest.spyOn(repository.deliveries, 'find').mockImplementationOnce((() => find({ _id: { $in: [] } }, { lastAttempt: 1 })) as typeof find);
    await repository.recordAttempts([older, { ...newer, attempt: 2, status: 'failed' }]);
    expect(blindRead).toHaveBeenCalled();
    blindRead.mockRestore();
    expect(await repository.findDelivery('acme', older.deliveryId)).toMatchObject({ status: 'success', lastAttempt: 2 });
    expect(await repository.findDelivery('acme', newer.deliveryId)).toMatchObject({ status: 'failed', lastAttempt: 2, lastAttemptId: `${newer.deliveryId}_2` });
  });

  it('settles a delivery on its highest attempt when one batch holds its attempts out of order', async () => {
    const first = buildAttemptRecord({ status: 'retrying' });
    await repository.recordAttempts([{ ...first, attempt: 3, status: 'failed' }, first, { ...first, attempt: 2 }]);
    expect(await repository.findDelivery('acme', first.deliveryId)).toMatchObject({ status: 'failed', lastAttempt: 3 });
    expect(await repository.attempts.countDocuments({ deliveryId: first.deliveryId })).toBe(3);
  });

  it('pages newest first with a correct total', async () => {
    const records = Array.from({ length: 7 }, () => buildAttemptRecord());
    await repository.recordAttempts(records);
    const page1 = await list({ perPage: 3 });
    const page3 = await list({ perPage: 3, page: 3 });
    expect(page1.total).toBe(7);
    expect(page1.rows.map((row) => row.eventId)).toEqual([records[6], records[5], records[4]].map((record) => record.eventId));
    expect(page3.rows.map((row) => row.eventId)).toEqual([records[0].eventId]);
    expect((await list({ perPage: 3, page: 4 })).rows).toEqual([]);
  });

  it('filters by status, status class, event prefix, time and literal search text, within the tenant only', async () => {
    await repository.recordAttempts([
      buildAttemptRecord({ status: 'failed', response: { status: 503, headers: {}, body: 'down', bodyTruncated: false }, endpointName: 'Billing (prod)' }),
      buildAttemptRecord({ eventType: 'transcript.created', endpointUrl: 'https://talk.example.com/x.y' }),
      buildAttemptRecord({ tenantId: 'other', endpointName: 'Billing (prod)' }),
    ]);
    expect((await list({ status: ['failed'] })).total).toBe(1);
    expect((await list({ statusClass: '5xx' })).total).toBe(1);
    expect((await list({ statusClass: '2xx' })).total).toBe(1);
    expect((await list({ event: 'resume.' })).total).toBe(1);
    expect((await list({ event: 'transcript.created' })).total).toBe(1);
    expect((await list({ q: 'billing (PROD)' })).total).toBe(1);
    expect((await list({ q: 'x.y' })).total).toBe(1);
    expect((await list({ q: '.*' })).total).toBe(0);
    expect((await list({ from: '2030-01-01T00:00:00Z' })).total).toBe(0);
    expect((await repository.listAttempts({ tenantId: 'nobody', view: 'attempts', page: 1, perPage: 25, sort: 'created_at', order: 'desc' })).total).toBe(0);
  });
});
