import { Webhook } from 'standardwebhooks';
import { eventually, type HttpsReceiver } from '@wirehook/testing';
import { startDispatcherTestbed, type DispatcherHarness, type DispatcherTestbed } from './support/dispatcher-harness';

describe('delivery semantics against real NATS and HTTPS receivers', () => {
  let testbed: DispatcherTestbed;
  let receiver: HttpsReceiver;
  let dispatcher: DispatcherHarness;

  beforeAll(async () => {
    testbed = await startDispatcherTestbed('dispatcher-semantics', {
      DELIVERY_THROTTLED_RETRY_MIN_MS: '1500',
      DELIVERY_ACK_WAIT_MS: '1500',
      DELIVERY_DISABLE_AFTER: '2s',
    });
    ({ receiver, dispatcher } = testbed);
    receiver.respondWith((request) => {
      const status = Number(/\/status\/(\d+)/.exec(request.path)?.[1] ?? 200);
      const headers: Record<string, string> = {};
      if (status === 302) headers.location = receiver.url('/status/200');
      if (request.path.includes('retry-after')) headers['retry-after'] = '2';
      const delayMs = Number(/\/delay\/(\d+)/.exec(request.path)?.[1] ?? 0);
      return { status, headers, body: `answer ${status}`, delayMs };
    });
  });

  afterAll(() => testbed?.stop());

  const publishTo = (eventType: string) => dispatcher.publisher.publish('acme', { event: eventType, data: { at: Date.now() } });
  const gaps = (times: string[]) => times.slice(1).map((time, index) => Date.parse(time) - Date.parse(times[index]));

  it('retries a failing endpoint exactly as its schedule says, within the jitter bounds, then gives up', async () => {
    const endpoint = await dispatcher.addEndpoint('acme', {
      url: receiver.url('/status/500/schedule'),
      events: ['schedule.*'],
      retryScheduleMs: [300, 600, 900],
    });
    await publishTo('schedule.test');
    const attempts = await eventually(() => (dispatcher.attemptsOf(endpoint.id).length === 4 ? dispatcher.attemptsOf(endpoint.id) : undefined), {
      timeoutMs: 15_000,
    });
    expect(attempts.map((attempt) => attempt.status)).toEqual(['retrying', 'retrying', 'retrying', 'failed']);
    expect(new Set(attempts.map((attempt) => attempt.deliveryId)).size).toBe(1);
    expect(attempts.map((attempt) => attempt.error?.code)).toEqual(['http_status', 'http_status', 'http_status', 'http_status']);
    // Each recorded next attempt time is the schedule's delay after the attempt, ±20%.
    attempts.slice(0, 3).forEach((attempt, index) => {
      const delay = Date.parse(attempt.nextAttemptAt as string) - Date.parse(attempt.completedAt);
      expect(delay).toBeGreaterThanOrEqual([300, 600, 900][index] * 0.8 - 1);
      expect(delay).toBeLessThanOrEqual([300, 600, 900][index] * 1.2 + 1);
    });
    gaps(attempts.map((attempt) => attempt.startedAt)).forEach((gap, index) => expect(gap).toBeGreaterThanOrEqual([300, 600, 900][index] * 0.8));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(dispatcher.attemptsOf(endpoint.id)).toHaveLength(4);
    expect(receiver.requestsTo('/status/500/schedule')).toHaveLength(4);
    // Every attempt carried the same webhook-id and a valid signature for its own timestamp.
    expect(new Set(receiver.requestsTo('/status/500/schedule').map((request) => request.headers['webhook-id'])).size).toBe(1);
  });

  it('sends when the event occurred as X-Webhook-Timestamp and the attempt time as webhook-timestamp, on every attempt', async () => {
    const endpoint = await dispatcher.addEndpoint('acme', { url: receiver.url('/status/500/occurred'), events: ['occurred.*'], retryScheduleMs: [200] });
    const occurred = '2026-01-02T03:04:05.678Z';
    await dispatcher.publisher.publish('acme', { event: 'occurred.test', timestamp: occurred, data: {} });
    const requests = await eventually(
      () => (receiver.requestsTo('/status/500/occurred').length === 2 ? receiver.requestsTo('/status/500/occurred') : undefined),
      { timeoutMs: 15_000 },
    );
    expect(requests.map((request) => request.headers['x-webhook-timestamp'])).toEqual([occurred, occurred]);
    for (const request of requests) expect(Math.abs(Number(request.headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(60);
    // The receiver sees the second request before the dispatcher records its attempt.
    await eventually(() => dispatcher.attemptsOf(endpoint.id).length === 2, { timeoutMs: 5_000 });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(dispatcher.attemptsOf(endpoint.id).map((attempt) => attempt.status)).toEqual(['retrying', 'failed']);
  });

  it('does not retry a 4xx, and does not follow a redirect', async () => {
    const gone = await dispatcher.addEndpoint('acme', { url: receiver.url('/status/422'), events: ['client.*'], retryScheduleMs: [100, 100] });
    const moved = await dispatcher.addEndpoint('acme', { url: receiver.url('/status/302'), events: ['moved.*'], retryScheduleMs: [100, 100] });
    await publishTo('client.error');
    await publishTo('moved.away');
    await eventually(() => dispatcher.attemptsOf(gone.id).length === 1 && dispatcher.attemptsOf(moved.id).length === 1);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(dispatcher.attemptsOf(gone.id).map((attempt) => [attempt.status, attempt.response?.status])).toEqual([['failed', 422]]);
    expect(dispatcher.attemptsOf(moved.id).map((attempt) => [attempt.status, attempt.response?.status])).toEqual([['failed', 302]]);
    expect(receiver.requestsTo('/status/200')).toHaveLength(0);
  });

  it('waits as long as Retry-After asks, and at least the configured minimum after a 429', async () => {
    const unavailable = await dispatcher.addEndpoint('acme', { url: receiver.url('/status/503/retry-after'), events: ['busy.*'], retryScheduleMs: [100] });
    const throttled = await dispatcher.addEndpoint('acme', { url: receiver.url('/status/429'), events: ['throttled.*'], retryScheduleMs: [100] });
    await publishTo('busy.now');
    await publishTo('throttled.now');
    const busy = await eventually(() => (dispatcher.attemptsOf(unavailable.id).length === 2 ? dispatcher.attemptsOf(unavailable.id) : undefined), {
      timeoutMs: 10_000,
    });
    const limited = await eventually(() => (dispatcher.attemptsOf(throttled.id).length === 2 ? dispatcher.attemptsOf(throttled.id) : undefined), {
      timeoutMs: 10_000,
    });
    expect(gaps(busy.map((attempt) => attempt.startedAt))[0]).toBeGreaterThanOrEqual(2000);
    expect(gaps(limited.map((attempt) => attempt.startedAt))[0]).toBeGreaterThanOrEqual(1500);
  });

  it('disables an endpoint that answers 410 Gone and delivers nothing more to it', async () => {
    const endpoint = await dispatcher.addEndpoint('acme', { url: receiver.url('/status/410'), events: ['gone.*'], retryScheduleMs: [100] });
    await publishTo('gone.once');
    await eventually(() => dispatcher.disabled.some((event) => event.endpointId === endpoint.id));
    expect(dispatcher.disabled.find((event) => event.endpointId === endpoint.id)).toMatchObject({ reason: 'gone', tenantId: 'acme', revision: 1 });
    await publishTo('gone.twice');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(receiver.requestsTo('/status/410')).toHaveLength(1);
  });

  it('disables an endpoint that keeps failing for the whole window', async () => {
    const endpoint = await dispatcher.addEndpoint('acme', {
      url: receiver.url('/status/500/window'),
      events: ['window.*'],
      retryScheduleMs: Array(10).fill(400),
    });
    await publishTo('window.open');
    const event = await eventually(() => dispatcher.disabled.find((disabled) => disabled.endpointId === endpoint.id), { timeoutMs: 10_000 });
    expect(event).toMatchObject({ reason: 'failing', detail: expect.stringMatching(/failures in a row/) });
  });

  it('keeps an endpoint within its concurrency cap', async () => {
    receiver.reset();
    const endpoint = await dispatcher.addEndpoint('acme', { url: receiver.url('/status/200/delay/300'), events: ['capped.*'], maxConcurrency: 3 });
    for (let i = 0; i < 15; i += 1) await publishTo('capped.event');
    await eventually(() => dispatcher.attemptsOf(endpoint.id).length === 15, { timeoutMs: 15_000 });
    expect(receiver.maxConcurrent).toBe(3);
  });

  it('delivers a slow endpoint once even when it answers after the ack wait', async () => {
    const secret = 'whsec_c2xvdy1lbmRwb2ludC1zZWNyZXQtYnl0ZXMtMzI=';
    const endpoint = await dispatcher.addEndpoint('acme', { url: receiver.url('/status/200/delay/4000/slow'), events: ['slow.*'], timeoutMs: 8000 }, secret);
    await publishTo('slow.event');
    await eventually(() => dispatcher.attemptsOf(endpoint.id).length === 1, { timeoutMs: 15_000 });
    // Twice the ack wait after the answer: a redelivery would have happened by now.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const requests = receiver.requestsTo('/status/200/delay/4000/slow');
    expect(requests).toHaveLength(1);
    expect(dispatcher.attemptsOf(endpoint.id)[0].status).toBe('success');
    const headers = Object.fromEntries(Object.entries(requests[0].headers).map(([name, value]) => [name, String(value)]));
    expect(() => new Webhook(secret).verify(requests[0].body, headers)).not.toThrow();
  });
});
