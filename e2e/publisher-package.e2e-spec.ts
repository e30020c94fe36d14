import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { jetstreamManager } from '@nats-io/jetstream';
import { StreamNames, eventSubject } from '@wirehook/contracts';
import { AsyncApiDocument, eventually } from '@wirehook/testing';
import { InstalledPublisher } from './support/installed-publisher';
import { RunningSystem } from './support/running-system';

interface PublishResult {
  eventId: string;
  sequence: number;
  duplicate: boolean;
}

type HttpOutcome =
  | { published: { eventId: string; duplicate: boolean; attempts: number } }
  | { error: { name: string; message: string; status?: number; code: string; attempts: number } };

/**
 * Stands in front of config-api: answers the first `failFirst` requests 503 as config-api does
 * while NATS is away, then passes requests through. Records each Idempotency-Key it saw.
 */
class FlakyProxy {
  private constructor(
    private readonly server: Server,
    /** The Idempotency-Key of each request, in order. */
    readonly idempotencyKeys: string[],
  ) {}

  static async start(target: string, failFirst: number): Promise<FlakyProxy> {
    const idempotencyKeys: string[] = [];
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        idempotencyKeys.push(String(request.headers['idempotency-key']));
        if (idempotencyKeys.length <= failFirst) {
          response.writeHead(503, { 'content-type': 'application/json' });
          response.end(JSON.stringify({ error: { code: 'event_bus_unavailable', message: 'the event was not accepted because NATS is unavailable' } }));
          return;
        }
        const headers = {
          authorization: String(request.headers.authorization),
          'content-type': 'application/json',
          'idempotency-key': String(request.headers['idempotency-key']),
        };
        fetch(`${target}${request.url}`, { method: request.method, headers, body: Buffer.concat(chunks) })
          .then(async (answer) => {
            response.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
            response.end(await answer.text());
          })
          .catch(() => response.writeHead(502).end());
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new FlakyProxy(server, idempotencyKeys);
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

describe('@wirehook/publisher installed from its tarball into a service outside the workspace', () => {
  let system: RunningSystem;
  let service: InstalledPublisher;
  let adminKey: string;
  let viewerKey: string;
  const asyncApi = AsyncApiDocument.load();

  beforeAll(async () => {
    [system, service] = await Promise.all([RunningSystem.start('e2e-publisher-package'), InstalledPublisher.install()]);
    const { admin, viewer } = await system.tenant('billing');
    [adminKey, viewerKey] = [admin.key as string, viewer.key as string];
    const created = await admin.post('/api/v1/webhooks', { url: system.receiver.url('/hooks/billing'), events: ['invoice.*'] });
    expect(created.status).toBe(201);
  });

  afterAll(async () => {
    await system?.stop();
    service?.remove();
  });

  /** The webhook the receiver got for an invoice, once it got one. */
  const deliveryOf = (invoiceId: string) =>
    eventually(() => system.receiver.requestsTo('/hooks/billing').find((request) => JSON.parse(request.body).data.invoiceId === invoiceId), {
      timeoutMs: 20_000,
    });

  it("is a small package: one bundle, its declarations and the bundled code's licenses, no path alias, the NATS client as peer dependencies only", () => {
    expect(service.tarball.files.map((file) => file.path).sort()).toEqual(['README.md', 'THIRD_PARTY_LICENSES.md', 'index.d.ts', 'index.js', 'package.json']);
    expect(service.tarball.unpackedSize).toBeLessThan(200 * 1024);
    expect(service.manifest.dependencies).toBeUndefined();
    expect(Object.keys(service.manifest.peerDependencies).sort()).toEqual(['@nats-io/jetstream', '@nats-io/nats-core', '@nats-io/transport-node']);
    for (const file of ['index.js', 'index.d.ts']) {
      const text = service.installedText(file);
      expect({ file, alias: text.includes('@wirehook/') }).toEqual({ file, alias: false });
      // Nothing of Nest, the nats v2 client or reflect-metadata is required.
      expect({
        file,
        requires: [...text.matchAll(/require\("([^"]+)"\)/g)].map((match) => match[1]).filter((name) => !/^(node:|@nats-io\/)/.test(name)),
      }).toEqual({ file, requires: [] });
    }
  });

  it('type-checks a TypeScript service against the declarations it ships', async () => {
    expect(await service.typecheck()).toEqual({ exitCode: 0, output: '' });
  });

  it('publishes over NATS from a plain node script; the stored event matches the AsyncAPI document and is delivered', async () => {
    const event = {
      id: 'inv-1-paid',
      event: 'invoice.paid',
      data: { invoiceId: 'inv-1', amount: 4200 },
      identifiers: { invoiceId: 'inv-1' },
      source: 'billing-service',
    };
    const { first, again } = await service.node<{ first: PublishResult; again: PublishResult }>(
      'publish-over-nats.js',
      system.servers.natsUrl,
      'billing',
      JSON.stringify(event),
    );
    expect(first).toMatchObject({ eventId: 'inv-1-paid', duplicate: false });
    expect(again).toMatchObject({ eventId: 'inv-1-paid', duplicate: true, sequence: first.sequence });

    const stored = await (await jetstreamManager(system.nc)).streams.getMessage(StreamNames.events, { seq: first.sequence });
    expect(stored?.subject).toBe(eventSubject('billing', 'invoice.paid'));
    expect(stored?.header.get('Nats-Msg-Id')).toBe('inv-1-paid');
    const body = stored?.json<Record<string, unknown>>();
    expect(body).toEqual({ ...event, timestamp: expect.any(String) });
    expect(asyncApi.checkMessage(stored?.subject ?? '', body, { 'Nats-Msg-Id': stored?.header.get('Nats-Msg-Id') ?? '' })).toEqual({
      channel: 'events',
      parameters: { tenantId: 'billing', eventType: 'invoice.paid' },
      problems: [],
    });

    const delivery = await deliveryOf('inv-1');
    expect(JSON.parse(delivery.body)).toEqual({ event: 'invoice.paid', timestamp: body?.timestamp, tenantId: 'billing', data: event.data });
  });

  it('publishes over HTTP through config-api, retrying a 503 with the same Idempotency-Key', async () => {
    const proxy = await FlakyProxy.start(system.baseUrl, 2);
    try {
      const event = { event: 'invoice.voided', data: { invoiceId: 'inv-2' } };
      const outcome = await service.node<HttpOutcome>(
        'publish-over-http.js',
        proxy.url,
        adminKey,
        JSON.stringify(event),
        JSON.stringify({ initialBackoffMs: 50 }),
      );
      if (!('published' in outcome)) throw new Error(`not published: ${JSON.stringify(outcome)}`);
      expect(outcome.published).toMatchObject({ duplicate: false, attempts: 3, eventId: expect.stringMatching(/^evt_/) });
      expect(proxy.idempotencyKeys).toEqual([outcome.published.eventId, outcome.published.eventId, outcome.published.eventId]);

      const delivery = await deliveryOf('inv-2');
      expect(JSON.parse(delivery.body)).toMatchObject({ event: 'invoice.voided', tenantId: 'billing', data: { invoiceId: 'inv-2' } });
    } finally {
      await proxy.stop();
    }
  });

  it("fails at once, with the API's message, on a refusal that retrying cannot fix", async () => {
    const event = JSON.stringify({ event: 'invoice.paid', data: {} });
    const forbidden = await service.node<HttpOutcome>('publish-over-http.js', system.baseUrl, viewerKey, event, '{}');
    expect(forbidden).toEqual({
      error: {
        name: 'HttpPublishError',
        status: 403,
        code: 'forbidden',
        attempts: 1,
        message: 'wirehook refused the event (403 forbidden): this route needs a tenant key with the admin role',
      },
    });
  });

  it('gives up on an unreachable config-api after its attempts, naming it', async () => {
    const proxy = await FlakyProxy.start(system.baseUrl, 0);
    const gone = proxy.url;
    await proxy.stop();
    const outcome = await service.node<HttpOutcome>(
      'publish-over-http.js',
      gone,
      adminKey,
      JSON.stringify({ event: 'invoice.paid', data: {} }),
      JSON.stringify({ maxAttempts: 2, initialBackoffMs: 10 }),
    );
    expect(outcome).toEqual({
      error: {
        name: 'HttpPublishError',
        code: 'network_error',
        attempts: 2,
        message: expect.stringContaining(`could not reach ${gone}/api/v1/events (2 attempts)`),
      },
    });
  });
});
