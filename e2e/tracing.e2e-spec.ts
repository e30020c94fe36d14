import { randomBytes } from 'node:crypto';
import { jetstream } from '@nats-io/jetstream';
import { headers as natsHeaders } from '@nats-io/nats-core';
import { eventSubject, parentIdOf, traceIdOf, type AttemptLogView, type LogDetailView } from '@wirehook/contracts';
import { HttpEventPublisher } from '@wirehook/publisher';
import { OtlpReceiver, eventually, type ApiClient, type ReceivedRequest, type ReceivedSpan } from '@wirehook/testing';
import { RunningSystem } from './support/running-system';

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
/** A publisher's span: a new trace id and span id, sampled. */
const publisherTrace = () => ({ traceId: hex(16), spanId: hex(8) });
const traceparentOf = ({ traceId, spanId }: { traceId: string; spanId: string }) => `00-${traceId}-${spanId}-01`;
const header = (request: ReceivedRequest, name: string) => request.headers[name] as string | undefined;

/** OTLP span kinds and status codes. */
const KIND = { client: 3, producer: 4, consumer: 5 };
const ERROR = 2;

/**
 * Waits until the dispatcher applies a new webhook: publishes warm-up events (outside any trace)
 * until one reaches the receiver at `path`.
 */
async function untilDelivering(system: RunningSystem, tenantId: string, path: string): Promise<void> {
  let sent = 0;
  await eventually(
    async () => {
      await system.publisher.publish(tenantId, { id: `warm-up-${path.replace(/\W/g, '')}-${(sent += 1)}`, event: 'order.warm_up', data: {} });
      if (system.receiver.requestsTo(path).length === 0) throw new Error(`nothing reached ${path} yet`);
      return true;
    },
    { timeoutMs: 20_000, intervalMs: 500 },
  );
}

/** The delivery's requests at the receiver, in the order they came (the events carry their id as `data.ref`). */
function requestsOf(system: RunningSystem, path: string, eventId: string): ReceivedRequest[] {
  return system.receiver.requestsTo(path).filter((request) => request.body.includes(`"${eventId}"`));
}

/** The delivery's requests once `count` of them came. */
async function requestsWhen(system: RunningSystem, path: string, eventId: string, count: number): Promise<ReceivedRequest[]> {
  return eventually(
    () => {
      const requests = requestsOf(system, path, eventId);
      if (requests.length < count) throw new Error(`${requests.length} of ${count} requests of ${eventId} received`);
      return requests;
    },
    { timeoutMs: 20_000 },
  );
}

/** Every logged attempt of an event, with its detail, first attempt first. */
async function loggedAttempts(admin: ApiClient, eventId: string, count: number): Promise<LogDetailView[]> {
  const rows = await eventually(
    async () => {
      const listed = (await admin.get<{ data: AttemptLogView[] }>(`/api/v1/deliveries?q=${eventId}`)).body.data.filter((row) => row.attempt > 0);
      if (listed.length < count) throw new Error(`${listed.length} of ${count} attempts of ${eventId} logged`);
      return listed;
    },
    { timeoutMs: 20_000 },
  );
  const details = await Promise.all(rows.map(async (row) => (await admin.get<{ data: LogDetailView }>(`/api/v1/logs/${row.id}`)).body.data));
  return details.sort((a, b) => a.attempt - b.attempt);
}

describe('tracing: a publisher trace carried through fan-out and delivery, spans exported over OTLP', () => {
  let otlp: OtlpReceiver;
  let system: RunningSystem;
  let admin: ApiClient;
  const PATH = '/hooks/traced';

  beforeAll(async () => {
    otlp = await OtlpReceiver.start();
    system = await RunningSystem.start('e2e-tracing', { OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url, DELIVERY_RETRY_SCHEDULE: '1s,1s' });
    ({ admin } = await system.tenant('acme'));
    // Each delivery's first request fails (500), its retry succeeds.
    const seen = new Set<string>();
    system.receiver.respondWith((request) => {
      const id = header(request, 'webhook-id') ?? '';
      if (request.path !== PATH || request.body.includes('warm_up') || seen.has(id)) return { status: 200 };
      seen.add(id);
      return { status: 500, body: 'not yet' };
    });
    expect((await admin.post('/api/v1/webhooks', { url: system.receiver.url(PATH), events: ['order.*'] })).status).toBe(201);
    await untilDelivering(system, 'acme', PATH);
  });

  afterAll(async () => {
    await system?.stop();
    await otlp?.stop();
  });

  /** The spans of a trace, once `count` of them arrived (the apps export every few seconds). */
  async function spansOf(traceId: string, count: number): Promise<ReceivedSpan[]> {
    return eventually(
      () => {
        const spans = otlp.spansOf(traceId);
        if (spans.length < count)
          throw new Error(
            `${spans.length} of ${count} spans of ${traceId}: ${spans.map((span) => `${span.service}/${span.name}`).join(', ')}; refused: ${otlp.refused.join(', ')}`,
          );
        return spans;
      },
      { timeoutMs: 30_000, intervalMs: 500 },
    );
  }

  /**
   * Checks the dispatcher's and log-service's part of a trace: fan-out under `parentSpanId`, two
   * attempts (500, then the retry's 200) under fan-out, each endpoint request naming its attempt
   * as parent, a log write under each attempt, and the attempt detail's trace id.
   */
  async function expectDeliveryTrace(traceId: string, parentSpanId: string, eventId: string, spans: ReceivedSpan[]): Promise<void> {
    const fanOut = spans.filter((span) => span.name === 'fan-out');
    expect(fanOut).toHaveLength(1);
    expect(fanOut[0]).toMatchObject({ service: 'dispatcher', parentSpanId, kind: KIND.consumer });
    expect(fanOut[0].attributes).toMatchObject({ 'wirehook.tenant.id': 'acme', 'wirehook.event.id': eventId, 'wirehook.deliveries': 1 });

    const attempts = spans
      .filter((span) => span.name === 'delivery attempt')
      .sort((a, b) => Number(a.attributes['wirehook.attempt']) - Number(b.attributes['wirehook.attempt']));
    expect(
      attempts.map((span) => [
        span.service,
        span.parentSpanId,
        span.kind,
        span.attributes['wirehook.attempt'],
        span.attributes['http.response.status_code'],
        span.status.code,
      ]),
    ).toEqual([
      ['dispatcher', fanOut[0].spanId, KIND.client, 1, 500, ERROR],
      ['dispatcher', fanOut[0].spanId, KIND.client, 2, 200, 0],
    ]);
    expect(attempts[0].attributes).toMatchObject({
      'wirehook.error.code': 'http_status',
      'wirehook.endpoint.id': expect.stringMatching(/^ep_/),
      'wirehook.delivery.id': expect.stringMatching(/^msg_/),
    });
    expect(attempts[1].attributes['wirehook.error.code']).toBeUndefined();

    // The endpoint got each attempt's own span as its parent, in the same trace.
    const requests = requestsOf(system, PATH, eventId);
    expect(requests.map((request) => header(request, 'traceparent'))).toEqual(attempts.map((span) => `00-${traceId}-${span.spanId}-01`));

    const writes = spans.filter((span) => span.name === 'attempt log write');
    expect(writes.map((span) => [span.service, span.parentSpanId]).sort()).toEqual(attempts.map((span) => ['log-service', span.spanId]).sort());

    const logged = await loggedAttempts(admin, eventId, 2);
    expect(logged.map((attempt) => [attempt.attempt, attempt.trace_id])).toEqual([
      [1, traceId],
      [2, traceId],
    ]);
    expect(logged[0].request.headers.traceparent).toBe(`00-${traceId}-${attempts[0].spanId}-01`);
  }

  it('continues the trace of an event published over NATS with a traceparent header', async () => {
    const publisher = publisherTrace();
    const { eventId } = await system.publisher.publish(
      'acme',
      { id: 'evt_traced_nats', event: 'order.created', data: { ref: 'evt_traced_nats' } },
      { traceparent: traceparentOf(publisher), tracestate: 'rojo=00f067aa0ba902b7' },
    );
    const requests = await requestsWhen(system, PATH, eventId, 2);
    expect(requests.map((request) => header(request, 'tracestate'))).toEqual(['rojo=00f067aa0ba902b7', 'rojo=00f067aa0ba902b7']);

    const spans = await spansOf(publisher.traceId, 5);
    await expectDeliveryTrace(publisher.traceId, publisher.spanId, eventId, spans);
    expect(spans.filter((span) => span.service === 'config-api')).toEqual([]);
  });

  it('continues the trace of an event published over HTTP with a traceparent header, through a publish span of config-api', async () => {
    const publisher = publisherTrace();
    const http = new HttpEventPublisher({ baseUrl: system.baseUrl, apiKey: admin.key as string });
    const { eventId } = await http.publish(
      { id: 'evt_traced_http', event: 'order.paid', data: { ref: 'evt_traced_http' } },
      { traceparent: traceparentOf(publisher) },
    );
    await requestsWhen(system, PATH, eventId, 2);

    const spans = await spansOf(publisher.traceId, 6);
    const published = spans.filter((span) => span.name === 'publish event');
    expect(published).toHaveLength(1);
    expect(published[0]).toMatchObject({ service: 'config-api', parentSpanId: publisher.spanId, kind: KIND.producer });
    expect(published[0].attributes).toMatchObject({ 'wirehook.tenant.id': 'acme', 'wirehook.event.id': eventId, 'messaging.system': 'nats' });
    await expectDeliveryTrace(publisher.traceId, published[0].spanId, eventId, spans);
  });

  it('starts a trace of its own for an event published without one', async () => {
    const { eventId } = await system.publisher.publish('acme', { id: 'evt_untraced', event: 'order.shipped', data: { ref: 'evt_untraced' } });
    const traceparents = (await requestsWhen(system, PATH, eventId, 2)).map((request) => header(request, 'traceparent') ?? '');
    const traceId = traceIdOf(traceparents[0]);
    expect(traceparents.map(traceIdOf)).toEqual([traceId, traceId]);
    const spans = await spansOf(traceId, 5);
    const fanOut = spans.find((span) => span.name === 'fan-out');
    expect(fanOut?.parentSpanId).toBe('');
    expect(traceparents.map(parentIdOf)).toEqual(
      spans
        .filter((span) => span.name === 'delivery attempt')
        .sort((a, b) => Number(a.attributes['wirehook.attempt']) - Number(b.attributes['wirehook.attempt']))
        .map((span) => span.spanId),
    );
  });
});

describe('tracing without a collector: trace context passed through, nothing exported', () => {
  let system: RunningSystem;
  let admin: ApiClient;
  const PATH = '/hooks/passed-through';

  beforeAll(async () => {
    system = await RunningSystem.start('e2e-tracing-pass-through');
    ({ admin } = await system.tenant('acme'));
    expect((await admin.post('/api/v1/webhooks', { url: system.receiver.url(PATH), events: ['order.*'] })).status).toBe(201);
    await untilDelivering(system, 'acme', PATH);
  });

  afterAll(async () => {
    await system?.stop();
  });

  it("sends the endpoint the publisher's traceparent as it came, and stores its trace id with the attempt", async () => {
    const publisher = publisherTrace();
    const { eventId } = await system.publisher.publish(
      'acme',
      { id: 'evt_passed', event: 'order.created', data: { ref: 'evt_passed' } },
      { traceparent: traceparentOf(publisher) },
    );
    const [request] = await requestsWhen(system, PATH, eventId, 1);
    expect(header(request, 'traceparent')).toBe(traceparentOf(publisher));
    const [logged] = await loggedAttempts(admin, eventId, 1);
    expect(logged.trace_id).toBe(publisher.traceId);
  });

  it('sends no traceparent for an event published without one, and ignores an invalid traceparent header', async () => {
    const plain = await system.publisher.publish('acme', { id: 'evt_plain', event: 'order.created', data: { ref: 'evt_plain' } });
    // Published by hand: the publisher library would not send an invalid traceparent.
    const headers = natsHeaders();
    headers.set('traceparent', '00-not-a-trace-context');
    headers.set('tracestate', 'rojo=1');
    await jetstream(system.nc).publish(
      eventSubject('acme', 'order.created'),
      JSON.stringify({ id: 'evt_bad_trace', event: 'order.created', data: { ref: 'evt_bad_trace' } }),
      { msgID: 'evt_bad_trace', headers },
    );
    const requests = [...(await requestsWhen(system, PATH, plain.eventId, 1)), ...(await requestsWhen(system, PATH, 'evt_bad_trace', 1))];
    expect(requests.map((request) => [header(request, 'traceparent'), header(request, 'tracestate')])).toEqual([
      [undefined, undefined],
      [undefined, undefined],
    ]);
    const logged = [...(await loggedAttempts(admin, plain.eventId, 1)), ...(await loggedAttempts(admin, 'evt_bad_trace', 1))];
    expect(logged.map((attempt) => [attempt.status, attempt.trace_id])).toEqual([
      ['success', null],
      ['success', null],
    ]);
  });
});
