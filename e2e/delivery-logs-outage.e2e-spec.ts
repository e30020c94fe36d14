import { jetstreamManager } from '@nats-io/jetstream';
import { IsOptional, IsString } from 'class-validator';
import { MongoClient } from 'mongodb';
import { loadConfig } from '@wirehook/config';
import { StreamNames } from '@wirehook/contracts';
import type { WebhookEventPublisher } from '@wirehook/publisher';
import { eventually, type ApiClient, type HttpsReceiver, type TestServers } from '@wirehook/testing';
import { startMongoWireServer, type LocalServer } from '@wirehook/local-run';
import type { EmbeddedRun } from './support/embedded-run';
import { RunningSystem } from './support/running-system';

/**
 * How long MongoDB stays down: longer than the writer's first write can wait for a connection
 * (mongoose gives up after 10 s), so the held batch fails and is retried, and far shorter than
 * JetStream's ack wait.
 */
const OUTAGE_MS = 15_000;
/** Pace of the publishing service: about ten events a second. */
const PUBLISH_EVERY_MS = 100;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

class OutageTestEnvironment {
  @IsOptional()
  @IsString()
  MONGODB_URI?: string;
}

// A given MONGODB_URI is a server this test cannot stop and start; then only the other suites run.
const describeWithOwnServer = loadConfig(OutageTestEnvironment).MONGODB_URI ? describe.skip : describe;

describeWithOwnServer('delivery logs while MongoDB is down and after it comes back', () => {
  let system: RunningSystem;
  let servers: TestServers;
  let receiver: HttpsReceiver;
  let run: EmbeddedRun;
  let restarted: LocalServer | undefined;
  let logServiceReady: () => Promise<number>;
  let admin: ApiClient;
  let publisher: WebhookEventPublisher;

  beforeAll(async () => {
    system = await RunningSystem.start('e2e-delivery-logs-outage', { LOG_LEVEL: 'info' });
    ({ servers, receiver, run, publisher } = system);
    // log-service serves its health on config-api's port + 2 (README, `npm start`).
    logServiceReady = async () => (await fetch(`http://127.0.0.1:${system.port + 2}/health/ready`)).status;
    ({ admin } = await system.tenant('acme'));
  });

  afterAll(async () => {
    await system?.stop();
    await restarted?.stop();
  });

  it('keeps delivering, holds the attempt records in JetStream, reports not ready, then stores every record once', async () => {
    const created = await admin.post<{ data: { id: string } }>('/api/v1/webhooks', { url: receiver.url('/steady'), events: ['tick.*'] });
    expect(created.status).toBe(201);
    const webhookId = created.body.data.id;

    let publishing = true;
    let published = 0;
    const publishLoop = (async () => {
      while (publishing) {
        await publisher.publish('acme', { event: 'tick.sent', data: { n: published } });
        published += 1;
        await pause(PUBLISH_EVERY_MS);
      }
    })();
    try {
      // Running: deliveries arrive and their attempts show in the logs.
      await eventually(
        async () => (await admin.get<{ pagination: { total: number } }>(`/api/v1/webhooks/${webhookId}/logs?per_page=1`)).body.pagination?.total > 5,
        { timeoutMs: 30_000 },
      );
      expect(await logServiceReady()).toBe(200);

      const mongo = servers.mongoServer as LocalServer;
      await mongo.stop();
      const stoppedAt = Date.now();
      await eventually(async () => (await logServiceReady()) >= 500, { timeoutMs: 15_000 });
      const receivedBefore = receiver.requests.length;
      // The outage is the behaviour under test: let it last while events keep coming.
      await pause(OUTAGE_MS - (Date.now() - stoppedAt));
      expect(receiver.requests.length).toBeGreaterThan(receivedBefore + 50);
      expect(await logServiceReady()).toBeGreaterThanOrEqual(500);
      const jsm = await jetstreamManager(system.nc);
      expect((await jsm.streams.info(StreamNames.attempts)).state.messages).toBeGreaterThan(50);

      restarted = await startMongoWireServer({ port: mongo.port, database: 'unused' });
      await eventually(async () => (await logServiceReady()) === 200, { timeoutMs: 30_000 });
      // Deliveries after the outage, then quiet.
      const receivedAtRestart = receiver.requests.length;
      await eventually(() => receiver.requests.length > receivedAtRestart + 20, { timeoutMs: 15_000 });
      publishing = false;
      await publishLoop;
      await eventually(() => receiver.requestsTo('/steady').length >= published, { timeoutMs: 30_000 });

      // Every delivery the receiver saw from the moment MongoDB stopped has its attempt record, once.
      // (The in-memory server restarted empty: what it held before the outage is gone.)
      const received = receiver.requestsTo('/steady');
      const all = new Set(received.map((request) => String(request.headers['webhook-id'])));
      expect(all.size).toBe(received.length);
      const sinceOutage = received.filter((request) => request.receivedAt >= stoppedAt).map((request) => String(request.headers['webhook-id']));
      expect(sinceOutage.length).toBeGreaterThan(50);
      const client = await MongoClient.connect(servers.mongoUri);
      try {
        const db = client.db();
        const perDelivery = await eventually(
          async () => {
            const rows = await db
              .collection('delivery_attempts')
              // Attempts only: a delivery not attempted yet has a pending row of attempt 0.
              .aggregate<{ _id: string; count: number }>([{ $match: { attempt: { $gte: 1 } } }, { $group: { _id: '$deliveryId', count: { $sum: 1 } } }])
              .toArray();
            const counts = new Map(rows.map((row) => [row._id, row.count]));
            return sinceOutage.every((id) => counts.has(id)) ? counts : undefined;
          },
          { timeoutMs: 30_000, intervalMs: 250 },
        );
        expect([...perDelivery.values()].every((count) => count === 1)).toBe(true);
        expect([...perDelivery.keys()].every((id) => all.has(id))).toBe(true);
        const attempts = await db
          .collection<{ _id: string; deliveryId: string; attempt: number; status: string }>('delivery_attempts')
          .find({ attempt: { $gte: 1 } }, { projection: { _id: 1, deliveryId: 1, attempt: 1, status: 1 } })
          .toArray();
        expect(attempts.every((attempt) => attempt.attempt === 1 && attempt.status === 'success' && attempt._id === `${attempt.deliveryId}_1`)).toBe(true);
        expect(await db.collection('deliveries').countDocuments()).toBe(perDelivery.size);
      } finally {
        await client.close();
      }
      await eventually(async () => (await jsm.streams.info(StreamNames.attempts)).state.messages === 0);
      expect(run.output).toContain('writing attempt records failed');
      expect(run.output).toContain('writing attempt records works again');
      expect(run.output).not.toContain('exited unexpectedly');
    } finally {
      publishing = false;
      await publishLoop;
    }
  });
});
