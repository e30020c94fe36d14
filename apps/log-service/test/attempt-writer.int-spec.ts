import {
  ConsumerNames,
  StreamNames,
  attemptLogBatchSubject,
  attemptSubject,
  deadLetterSubject,
  encodeMessage,
  type AttemptRecordedMessage,
  type DeliveriesCreatedMessage,
  type DeadLetterMessage,
} from '@wirehook/contracts';
import { buildAttemptRecord, eventually, startTestServers, type TestServers } from '@wirehook/testing';
import { payloadIdOf } from '@wirehook/delivery-logs';
import { startLogService, type LogServiceHarness } from './support/log-service-harness';

const ENDPOINT = 'ep_00000000000000000000000001';

/** The three attempts of one delivery that failed twice, then succeeded, and a network failure of another. */
function deliveryHistory(): AttemptRecordedMessage[] {
  const first = buildAttemptRecord({
    endpointId: ENDPOINT,
    status: 'retrying',
    identifiers: { messageId: '6601abc123def4567890abcd' },
    request: {
      method: 'POST',
      url: 'https://crm.example.com/hooks',
      headers: { 'content-type': 'application/json', authorization: '[redacted]', 'x-team': '[redacted]', 'webhook-id': 'msg_x' },
      body: '{"event":"transcript.created","data":{"messageId":"6601abc123def4567890abcd"}}',
    },
    response: { status: 503, headers: { 'content-type': 'text/plain' }, body: 'upstream down', bodyTruncated: false },
    error: { code: 'http_status', message: 'the endpoint answered HTTP 503' },
    eventType: 'transcript.created',
    nextAttemptAt: '2026-03-01T12:05:00.000Z',
  });
  const second = {
    ...first,
    attempt: 2,
    response: undefined,
    error: { code: 'connection_refused' as const, message: 'connect ECONNREFUSED 203.0.113.9:443' },
    startedAt: '2026-03-01T12:05:00.000Z',
    completedAt: '2026-03-01T12:05:00.020Z',
    durationMs: 20,
    nextAttemptAt: '2026-03-01T12:35:00.000Z',
  };
  const third = {
    ...first,
    attempt: 3,
    trigger: 'manual' as const,
    status: 'success' as const,
    response: { status: 200, headers: {}, body: '{"received":true}', bodyTruncated: false },
    error: undefined,
    startedAt: '2026-03-01T12:35:00.000Z',
    completedAt: '2026-03-01T12:35:00.100Z',
    durationMs: 100,
    nextAttemptAt: undefined,
  };
  return [first, second, third, buildAttemptRecord({ endpointId: ENDPOINT })];
}

describe('log-service writes attempt records from JetStream to MongoDB', () => {
  let servers: TestServers;
  let service: LogServiceHarness;

  beforeAll(async () => {
    servers = await startTestServers('log-service-attempt-writer');
    service = await startLogService(servers);
  });

  afterAll(async () => {
    await service?.close();
    await servers?.stop();
  });

  beforeEach(async () => {
    await service.collection('delivery_attempts').deleteMany({});
    await service.collection('deliveries').deleteMany({});
  });

  /** Resolves once JetStream holds no attempt record, delivered or not: everything was acked. */
  async function streamDrained(): Promise<void> {
    await eventually(async () => {
      const consumer = await service.jsm.consumers.info(StreamNames.attempts, ConsumerNames.attemptWriter);
      const stream = await service.jsm.streams.info(StreamNames.attempts);
      return consumer.num_pending === 0 && consumer.num_ack_pending === 0 && stream.state.messages === 0;
    });
  }

  it('stores one document per attempt with everything a person needs, and one delivery with its latest state', async () => {
    const records = deliveryHistory();
    const [first, second, third] = records;
    await service.publish(records);
    await eventually(async () => (await service.collection('delivery_attempts').countDocuments()) === 4);
    await streamDrained();

    const stored = await service.logs.attempts.ofDelivery('acme', first.deliveryId);
    expect(stored.map((attempt) => [attempt._id, attempt.attempt, attempt.trigger, attempt.status])).toEqual([
      [`${first.deliveryId}_1`, 1, 'auto', 'retrying'],
      [`${first.deliveryId}_2`, 2, 'auto', 'retrying'],
      [`${first.deliveryId}_3`, 3, 'manual', 'success'],
    ]);
    expect(stored[0]).toMatchObject({
      tenantId: 'acme',
      endpointId: ENDPOINT,
      endpointName: 'CRM sync',
      endpointUrl: 'https://crm.example.com/hooks',
      deliveryId: first.deliveryId,
      eventId: first.eventId,
      eventType: 'transcript.created',
      identifiers: { messageId: '6601abc123def4567890abcd' },
      httpStatus: 503,
      identifierValues: ['6601abc123def4567890abcd'],
      statusClass: '5xx',
      payloadId: payloadIdOf('acme', first.request.body),
      request: {
        method: 'POST',
        url: 'https://crm.example.com/hooks',
        headers: first.request.headers,
        bodyLength: first.request.body.length,
        bodyPreview: first.request.body,
      },
      response: {
        status: 503,
        headers: { 'content-type': 'text/plain' },
        body: 'upstream down',
        bodyTruncated: false,
        bodyLength: 13,
        bodyPreview: 'upstream down',
      },
      error: { code: 'http_status', message: 'the endpoint answered HTTP 503' },
      durationMs: 42,
      deliveryCreatedAt: new Date(first.deliveryCreatedAt),
      startedAt: new Date(first.startedAt),
      completedAt: new Date(first.completedAt),
      nextAttemptAt: new Date('2026-03-01T12:05:00.000Z'),
      createdAt: new Date(first.startedAt),
    });
    // No response at all: a network failure keeps its code and message and no status.
    expect(stored[1]).toMatchObject({ httpStatus: null, statusClass: 'none', response: null, error: second.error });
    // The payload is stored once, whole, for all three attempts.
    expect(await service.collection('event_payloads').find({ body: first.request.body }).toArray()).toEqual([
      expect.objectContaining({ _id: payloadIdOf('acme', first.request.body) }),
    ]);

    const delivery = await service.logs.deliveries.find('acme', first.deliveryId);
    expect(delivery).toMatchObject({
      tenantId: 'acme',
      endpointId: ENDPOINT,
      endpointName: 'CRM sync',
      eventType: 'transcript.created',
      identifiers: { messageId: '6601abc123def4567890abcd' },
      status: 'success',
      lastAttempt: 3,
      lastAttemptId: `${third.deliveryId}_3`,
      httpStatus: 200,
      lastError: null,
      nextAttemptAt: null,
      createdAt: new Date(first.deliveryCreatedAt),
    });
    expect(await service.collection('deliveries').countDocuments()).toBe(2);
  });

  it('keeps exactly one document each when the same records are replayed twice', async () => {
    const records = deliveryHistory();
    await service.publish(records);
    await eventually(async () => (await service.collection('delivery_attempts').countDocuments()) === records.length);
    // A replay after a crash comes under new message ids (JetStream would drop the same ids), in any order.
    await service.publish([...records].reverse(), '_replay1');
    await service.publish(records, '_replay2');
    await streamDrained();

    expect(await service.collection('delivery_attempts').countDocuments()).toBe(records.length);
    expect(await service.collection('deliveries').countDocuments()).toBe(2);
    const perDelivery = await service
      .collection('delivery_attempts')
      .aggregate<{ _id: string; count: number }>([{ $group: { _id: '$deliveryId', count: { $sum: 1 } } }])
      .toArray();
    expect(perDelivery.map((row) => row.count).sort()).toEqual([1, 3]);
    expect(await service.logs.deliveries.find('acme', records[0].deliveryId)).toMatchObject({ status: 'success', lastAttempt: 3 });
  });

  it('stores cookies, credentials and secret-looking headers as [redacted] even when a record carries them in clear', async () => {
    const canary = 'canary-4c1f9e0b7d';
    const record = buildAttemptRecord({
      endpointId: ENDPOINT,
      request: {
        method: 'POST',
        url: 'https://crm.example.com/hooks',
        headers: {
          'content-type': 'application/json',
          Authorization: `Bearer ${canary}`,
          cookie: `session=${canary}`,
          'x-webhook-secret': canary,
          'x-api-key': canary,
          'webhook-signature': 'v1,c2lnbmF0dXJl',
        },
        body: '{}',
      },
      response: { status: 200, headers: { 'set-cookie': `sid=${canary}`, 'content-type': 'application/json' }, body: '{}', bodyTruncated: false },
    });
    await service.publish([record]);
    const [stored] = await eventually(async () => {
      const rows = await service.collection('delivery_attempts').find({ deliveryId: record.deliveryId }).toArray();
      return rows.length === 1 ? rows : undefined;
    });
    expect(stored.request.headers).toEqual({
      'content-type': 'application/json',
      Authorization: '[redacted]',
      cookie: '[redacted]',
      'x-webhook-secret': '[redacted]',
      'x-api-key': '[redacted]',
      'webhook-signature': 'v1,c2lnbmF0dXJl',
    });
    expect(stored.response?.headers).toEqual({ 'set-cookie': '[redacted]', 'content-type': 'application/json' });
    expect(JSON.stringify(stored).includes(canary)).toBe(false);
    expect(JSON.stringify(service.lines).includes(canary)).toBe(false);
  });

  it('dead-letters an invalid record, redacted, and goes on with the next ones', async () => {
    const good = buildAttemptRecord({ endpointId: ENDPOINT });
    const bad = { ...buildAttemptRecord({ endpointId: ENDPOINT }), attempt: 'first' };
    bad.request.headers = { authorization: 'Bearer canary-dead-letter' };
    await service.js.publish(attemptSubject('acme'), encodeMessage(bad));
    await service.publish([good]);
    await eventually(async () => (await service.collection('delivery_attempts').countDocuments({ deliveryId: good.deliveryId })) === 1);
    await streamDrained();
    expect(await service.collection('delivery_attempts').countDocuments({ deliveryId: bad.deliveryId })).toBe(0);
    const deadLetter = await eventually(() => service.jsm.streams.getMessage(StreamNames.deadLetters, { last_by_subj: deadLetterSubject('invalid_fields') }));
    const kept = deadLetter.json<DeadLetterMessage>();
    expect(kept).toMatchObject({ reason: 'invalid_fields', stream: StreamNames.attempts, subject: attemptSubject('acme'), tenantId: 'acme' });
    expect(kept.detail).toContain('attempt');
    expect(JSON.parse(kept.body).request.headers).toEqual({ authorization: '[redacted]' });
    expect(service.lines.some((line) => line.msg?.includes('dropped an invalid attempt record'))).toBe(true);

    // Not JSON (cut short, or a bare value): still no credential in the dead letter or the logs.
    for (const [text, kept] of [
      ['{"request":{"headers":{"Authorization":"Bearer canary-cut-short","x-trace":"t1"', '{"request":{"headers":{"Authorization":"[redacted]","x-trace":"t1"'],
      ['{"request":{"headers":{"Cookie": sid=canary-unquoted, "x-trace": t2}}}', '{"request":{"headers":{"Cookie": "[redacted]", "x-trace": t2}}}'],
    ]) {
      await service.js.publish(attemptSubject('acme'), Buffer.from(text));
      await eventually(async () => {
        const letter = (
          await service.jsm.streams.getMessage(StreamNames.deadLetters, { last_by_subj: deadLetterSubject('malformed_json') })
        )?.json<DeadLetterMessage>();
        return letter?.body === kept && letter.detail === 'body is not valid JSON';
      });
    }
    await streamDrained();
    expect(JSON.stringify(service.lines)).not.toMatch(/canary|Bearer/);
  });

  it('stores the records and created deliveries of a batch, dead-letters a bad entry alone, and reads a batch twice harmlessly', async () => {
    const [first, second] = [buildAttemptRecord({ endpointId: ENDPOINT }), buildAttemptRecord({ endpointId: ENDPOINT })];
    const pending = buildAttemptRecord({ endpointId: ENDPOINT });
    const created: DeliveriesCreatedMessage = {
      tenantId: 'acme',
      eventId: pending.eventId,
      eventType: pending.eventType,
      createdAt: pending.deliveryCreatedAt,
      deliveries: [{ deliveryId: pending.deliveryId, endpointId: ENDPOINT, endpointName: 'crm', endpointUrl: 'https://crm.example.com/hooks' }],
    };
    const bad = { ...buildAttemptRecord({ endpointId: ENDPOINT }), attempt: 'first' };
    bad.request.headers = { authorization: 'Bearer canary-in-batch' };
    const batch = { attempts: [first, bad, second], created: [created] };
    await service.js.publish(attemptLogBatchSubject('acme'), encodeMessage(batch));
    await service.js.publish(attemptLogBatchSubject('acme'), encodeMessage(batch));
    await eventually(
      async () =>
        (await service.collection('deliveries').countDocuments({ _id: { $in: [first.deliveryId, second.deliveryId, pending.deliveryId] } } as object)) === 3,
    );
    await streamDrained();
    expect(await service.collection('delivery_attempts').countDocuments({ deliveryId: { $in: [first.deliveryId, second.deliveryId] } })).toBe(2);
    expect(await service.collection('delivery_attempts').countDocuments({ deliveryId: bad.deliveryId })).toBe(0);
    expect(await service.collection('deliveries').findOne({ _id: pending.deliveryId } as object)).toMatchObject({ status: 'pending' });
    const deadLetter = await eventually(() => service.jsm.streams.getMessage(StreamNames.deadLetters, { last_by_subj: deadLetterSubject('invalid_fields') }));
    const kept = deadLetter.json<DeadLetterMessage>();
    expect(kept).toMatchObject({ reason: 'invalid_fields', subject: attemptLogBatchSubject('acme'), tenantId: 'acme' });
    expect(kept.detail).toMatch(/^attempts\[1\]: .*attempt/);
    expect(JSON.parse(kept.body)).toMatchObject({ deliveryId: bad.deliveryId, request: { headers: { authorization: '[redacted]' } } });

    // A batch that is not one is dead-lettered whole.
    await service.js.publish(attemptLogBatchSubject('acme'), encodeMessage({ attempts: 'none' }));
    await eventually(async () => {
      const letter = (
        await service.jsm.streams.getMessage(StreamNames.deadLetters, { last_by_subj: deadLetterSubject('invalid_fields') })
      )?.json<DeadLetterMessage>();
      return letter?.detail.includes('attempts array');
    });
    await streamDrained();
  });
});
