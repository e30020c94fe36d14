import type { DeliveriesCreatedMessage } from '@wirehook/contracts';
import { buildAttemptRecord } from '@wirehook/testing';
import { DeliveryLogs, payloadIdOf } from '../src';
import { startLogStore, type LogStore } from './support/log-store';

describe('delivery-log writes against a MongoDB-wire server', () => {
  let store: LogStore;

  beforeAll(async () => {
    store = await startLogStore('delivery-log-writes');
  });

  afterAll(async () => {
    await store?.stop();
  });

  beforeEach(async () => {
    await store.clear();
  });

  const count = (collection: string, filter: Record<string, unknown> = {}) => store.connection.collection(collection).countDocuments(filter);

  it('keeps exactly one document per attempt when records are replayed', async () => {
    const records = [buildAttemptRecord(), buildAttemptRecord(), buildAttemptRecord()];
    await store.logs.recorder.record(records);
    await store.logs.recorder.record(records);
    await store.logs.recorder.record([records[1], buildAttemptRecord()]);
    expect(await count('delivery_attempts')).toBe(4);
    expect(await count('deliveries')).toBe(4);
  });

  it('stores a payload once per tenant and content, however many endpoints and attempts sent it', async () => {
    const body = JSON.stringify({ event: 'resume.parsed', data: { text: 'x'.repeat(5000) } });
    const first = buildAttemptRecord({ request: { method: 'POST', url: 'https://a.example.com', headers: {}, body } });
    const records = [
      first,
      { ...first, attempt: 2 },
      buildAttemptRecord({ endpointId: 'ep_000000000000000000000002', request: { method: 'POST', url: 'https://b.example.com', headers: {}, body } }),
      buildAttemptRecord({ tenantId: 'globex', request: { method: 'POST', url: 'https://c.example.com', headers: {}, body } }),
    ];
    await store.logs.recorder.record(records.slice(0, 2));
    await store.logs.recorder.record(records.slice(2));
    expect(await count('event_payloads')).toBe(2);
    expect(await count('event_payloads', { _id: payloadIdOf('acme', body) })).toBe(1);
    const attempt = await store.logs.attempts.find('acme', `${first.deliveryId}_2`);
    expect(attempt).toMatchObject({ payloadId: payloadIdOf('acme', body), request: { bodyLength: body.length, bodyPreview: body.slice(0, 1024) } });
    expect(JSON.stringify(attempt)).not.toContain('x'.repeat(2000));
    expect((await store.logs.payloads.bodies('acme', [payloadIdOf('acme', body)])).get(payloadIdOf('acme', body))).toBe(body);
    // Another tenant's payload id does not open it.
    expect((await store.logs.payloads.bodies('acme', [payloadIdOf('globex', body)])).size).toBe(0);
  });

  it('gives a delivery the state of its highest attempt, whatever the arrival order', async () => {
    const first = buildAttemptRecord({ status: 'retrying', attempt: 1, nextAttemptAt: '2026-03-01T13:00:00.000Z' });
    const second = {
      ...first,
      attempt: 2,
      status: 'success' as const,
      nextAttemptAt: undefined,
      response: { status: 200, headers: {}, body: '', bodyTruncated: false },
    };
    await store.logs.recorder.record([second]);
    await store.logs.recorder.record([first]);
    expect(await store.logs.deliveries.find('acme', first.deliveryId)).toMatchObject({
      status: 'success',
      lastAttempt: 2,
      httpStatus: 200,
      nextAttemptAt: null,
    });
    expect((await store.logs.attempts.ofDelivery('acme', first.deliveryId)).map((attempt) => attempt.attempt)).toEqual([1, 2]);
    expect(await store.logs.deliveries.find('globex', first.deliveryId)).toBeNull();
  });

  it('settles a delivery on its highest attempt when one batch holds its attempts out of order', async () => {
    const first = buildAttemptRecord({ status: 'retrying' });
    await store.logs.recorder.record([{ ...first, attempt: 3, status: 'failed' }, first, { ...first, attempt: 2 }]);
    expect(await store.logs.deliveries.find('acme', first.deliveryId)).toMatchObject({ status: 'failed', lastAttempt: 3 });
    expect(await count('delivery_attempts', { deliveryId: first.deliveryId })).toBe(3);
  });

  it('counts in the rollups only the attempts a write inserted, so replays leave them unchanged', async () => {
    const records = Array.from({ length: 30 }, (_, index) =>
      buildAttemptRecord({ status: index % 3 === 0 ? 'failed' : 'success', durationMs: 10 + index, eventType: index % 2 ? 'resume.parsed' : 'resume.failed' }),
    );
    await store.logs.recorder.record(records);
    const window = { from: new Date('2026-03-01T00:00:00Z'), to: new Date('2026-03-02T00:00:00Z') };
    const once = await store.logs.rollups.windowStats('acme', undefined, window.from, window.to);
    await store.logs.recorder.record(records);
    await store.logs.recorder.record([...records.slice(0, 10), ...records.slice(0, 10)]);
    expect(await store.logs.rollups.windowStats('acme', undefined, window.from, window.to)).toEqual(once);
    expect(once.attempts).toBe(30);
  });

  it('shows a delivery fan-out created as pending in both views until its first attempt, whatever the order of the records', async () => {
    const first = buildAttemptRecord({ status: 'success' });
    const late = buildAttemptRecord({ status: 'success' });
    const created = (record: typeof first): DeliveriesCreatedMessage => ({
      tenantId: record.tenantId,
      eventId: record.eventId,
      eventType: record.eventType,
      identifiers: record.identifiers,
      createdAt: record.deliveryCreatedAt,
      deliveries: [{ deliveryId: record.deliveryId, endpointId: record.endpointId, endpointName: record.endpointName, endpointUrl: record.endpointUrl }],
    });
    const pendingIn = async (view: 'attempts' | 'deliveries') =>
      (await store.logs.queries.list({ tenantId: 'acme', view, page: 1, perPage: 10, sort: 'created_at', order: 'desc', status: ['pending'] })).rows.map(
        (row) => ('deliveryId' in row ? row.deliveryId : row._id),
      );
    await store.logs.recorder.record([], [created(first), created(first)]);
    expect(await pendingIn('attempts')).toEqual([first.deliveryId]);
    expect(await pendingIn('deliveries')).toEqual([first.deliveryId]);
    expect(await store.logs.deliveries.find('acme', first.deliveryId)).toMatchObject({
      status: 'pending',
      lastAttempt: 0,
      lastAttemptId: `${first.deliveryId}_0`,
    });
    // Attempted: the delivery takes the attempt's state and its pending row goes.
    await store.logs.recorder.record([first]);
    expect(await pendingIn('attempts')).toEqual([]);
    expect(await pendingIn('deliveries')).toEqual([]);
    expect((await store.logs.attempts.ofDelivery('acme', first.deliveryId)).map((row) => row.attempt)).toEqual([1]);
    // Creation recorded after the attempt (a redelivered message): nothing turns pending again.
    await store.logs.recorder.record([late]);
    await store.logs.recorder.record([], [created(late)]);
    expect(await store.logs.deliveries.find('acme', late.deliveryId)).toMatchObject({ status: 'success', lastAttempt: 1 });
    expect(await pendingIn('attempts')).toEqual([]);
    // Pending rows are not attempts: the rollups count only the two real ones.
    const stats = await store.logs.rollups.windowStats('acme', undefined, new Date('2026-03-01T00:00:00Z'), new Date('2026-03-02T00:00:00Z'));
    expect(stats.attempts).toBe(2);
  });

  it('adds every event type to the catalog once, and resolves prefixes and text against it', async () => {
    // A process of its own: each remembers which catalog entries it stored, and the collections were emptied.
    const logs = new DeliveryLogs(store.connection, { maxTimeMs: 4000 });
    await logs.recorder.record([
      buildAttemptRecord({ eventType: 'resume.parsed' }),
      buildAttemptRecord({ eventType: 'resume.failed' }),
      buildAttemptRecord({ eventType: 'resumed.other' }),
      buildAttemptRecord({ eventType: 'invoice.paid', tenantId: 'globex' }),
    ]);
    await logs.recorder.record([buildAttemptRecord({ eventType: 'resume.parsed' })]);
    expect(await count('log_event_types')).toBe(4);
    expect(await logs.eventTypes.withPrefix('acme', 'resume.', 10)).toEqual(['resume.failed', 'resume.parsed']);
    expect(await logs.eventTypes.containing('acme', 'RESUME', 10)).toEqual(['resume.failed', 'resume.parsed', 'resumed.other']);
    expect(await logs.eventTypes.containing('acme', 'invoice', 10)).toEqual([]);
  });
});
