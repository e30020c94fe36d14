import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InvalidMessageError } from '@wirehook/contracts';
import { HttpEventPublisher, HttpPublishError } from '../src';

interface Answer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** Plays config-api's POST /api/v1/events with scripted answers, recording each request. */
class ScriptedIngest {
  private constructor(
    private readonly server: Server,
    /** Every request, as it arrived. */
    readonly requests: Array<{ path: string; headers: IncomingHttpHeaders; body: Record<string, unknown>; at: number }>,
  ) {}

  static async start(answers: Answer[]): Promise<ScriptedIngest> {
    const requests: ScriptedIngest['requests'] = [];
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
        requests.push({ path: request.url ?? '', headers: request.headers, body, at: Date.now() });
        const answer = answers[Math.min(requests.length, answers.length) - 1];
        const accepted = { success: true, data: { event_id: body.id, duplicate: requests.length > 1 } };
        response.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
        response.end(typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.status === 202 ? accepted : answer.body));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new ScriptedIngest(server, requests);
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

const unavailable = { status: 503, body: { error: { code: 'event_bus_unavailable', message: 'the event was not accepted because NATS is unavailable' } } };
const event = { event: 'invoice.paid', data: { invoiceId: 'inv-1' } };

describe('HttpEventPublisher against a stand-in for POST /api/v1/events', () => {
  let ingest: ScriptedIngest | undefined;

  afterEach(async () => {
    await ingest?.stop();
    ingest = undefined;
  });

  const publisherFor = (server: ScriptedIngest, options: { maxAttempts?: number; maxBackoffMs?: number } = {}) =>
    new HttpEventPublisher({ baseUrl: `${server.url}/`, apiKey: 'whk_test', initialBackoffMs: 10, ...options });

  it('sends the key, the event and its id as Idempotency-Key, and resolves with the event id', async () => {
    ingest = await ScriptedIngest.start([{ status: 202 }]);
    const result = await publisherFor(ingest).publish({ ...event, id: 'inv-1-paid', identifiers: { invoiceId: 'inv-1' } });
    expect(result).toEqual({ eventId: 'inv-1-paid', duplicate: false, attempts: 1 });
    const [request] = ingest.requests;
    expect(request.path).toBe('/api/v1/events');
    expect(request.headers).toMatchObject({ authorization: 'Bearer whk_test', 'content-type': 'application/json', 'idempotency-key': 'inv-1-paid' });
    expect(request.body).toEqual({ ...event, id: 'inv-1-paid', identifiers: { invoiceId: 'inv-1' }, timestamp: expect.any(String) });
  });

  it('sends a trace context as traceparent and tracestate on every attempt, and leaves an invalid one out', async () => {
    ingest = await ScriptedIngest.start([unavailable, { status: 202 }]);
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    await publisherFor(ingest).publish(event, { traceparent, tracestate: 'rojo=1' });
    expect(ingest.requests.map((request) => [request.headers.traceparent, request.headers.tracestate])).toEqual([
      [traceparent, 'rojo=1'],
      [traceparent, 'rojo=1'],
    ]);
    await publisherFor(ingest).publish(event, { traceparent: 'not-a-traceparent', tracestate: 'rojo=1' });
    expect([ingest.requests[2].headers.traceparent, ingest.requests[2].headers.tracestate]).toEqual([undefined, undefined]);
  });

  it('retries 503, 502, 504 and 429 with the same event, id and timestamp, waiting as Retry-After asks', async () => {
    ingest = await ScriptedIngest.start([
      unavailable,
      { status: 502, body: '<html>bad gateway</html>' },
      { status: 504, body: {} },
      { status: 429, headers: { 'retry-after': '1' } },
      { status: 202 },
    ]);
    const result = await publisherFor(ingest).publish(event);
    expect(result).toMatchObject({ attempts: 5, duplicate: true, eventId: expect.stringMatching(/^evt_/) });
    const keys = new Set(ingest.requests.map((request) => request.headers['idempotency-key']));
    const bodies = new Set(ingest.requests.map((request) => JSON.stringify(request.body)));
    expect({ keys: [...keys], bodies: bodies.size }).toEqual({ keys: [result.eventId], bodies: 1 });
    expect(ingest.requests[4].at - ingest.requests[3].at).toBeGreaterThanOrEqual(990);
  });

  it('gives up after its attempts with the last answer', async () => {
    ingest = await ScriptedIngest.start([unavailable]);
    const publishing = publisherFor(ingest, { maxAttempts: 3 }).publish(event);
    await expect(publishing).rejects.toThrow(HttpPublishError);
    await expect(publishing).rejects.toMatchObject({
      status: 503,
      code: 'event_bus_unavailable',
      attempts: 3,
      message: 'wirehook did not take the event after 3 attempts (503 event_bus_unavailable): the event was not accepted because NATS is unavailable',
    });
    expect(ingest.requests).toHaveLength(3);
  });

  it.each([
    [400, { error: { code: 'validation_failed', message: 'data must be a JSON object', fields: { data: ['data must be a JSON object'] } } }],
    [401, { error: { code: 'unauthorized', message: 'a valid API key is required' } }],
    [413, { error: { code: 'payload_too_large', message: 'the event is 300000 bytes; events may be at most 262144 bytes' } }],
    [500, { error: { code: 'internal_error', message: 'an unexpected error occurred', error_id: 'e-1' } }],
  ])('fails at once on %i with the API message', async (status, body) => {
    ingest = await ScriptedIngest.start([{ status, body }]);
    const publishing = publisherFor(ingest).publish(event);
    await expect(publishing).rejects.toMatchObject({
      status,
      code: body.error.code,
      attempts: 1,
      fields: 'fields' in body.error ? body.error.fields : undefined,
      message: `wirehook refused the event (${status} ${body.error.code}): ${body.error.message}`,
    });
    expect(ingest.requests).toHaveLength(1);
  });

  it('refuses an invalid event before sending anything', async () => {
    ingest = await ScriptedIngest.start([{ status: 202 }]);
    await expect(publisherFor(ingest).publish({ event: 'invoice paid', data: {} })).rejects.toThrow(InvalidMessageError);
    expect(ingest.requests).toHaveLength(0);
  });
});
