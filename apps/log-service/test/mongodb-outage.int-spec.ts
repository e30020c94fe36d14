import { IsOptional, IsString } from 'class-validator';
import { loadConfig } from '@wirehook/config';
import { ConsumerNames, StreamNames, attemptIdOf } from '@wirehook/contracts';
import { buildAttemptRecord, eventually, startTestServers, type TestServers } from '@wirehook/testing';
import { startMongoWireServer, type LocalServer } from '@wirehook/local-run';
import { startLogService, type LogServiceHarness } from './support/log-service-harness';

/** How long MongoDB stays away: long enough for the writer to be waiting on it, well under JetStream's ack wait. */
const OUTAGE_MS = 4000;

class OutageTestEnvironment {
  @IsOptional()
  @IsString()
  MONGODB_URI?: string;
}

// A given MONGODB_URI is a server this test cannot stop; the whole-system outage test covers it then.
const ownMongoServer = !loadConfig(OutageTestEnvironment).MONGODB_URI;
const describeWithOwnServer = ownMongoServer ? describe : describe.skip;

describeWithOwnServer('log-service while MongoDB is away', () => {
  let servers: TestServers;
  let service: LogServiceHarness;
  let restarted: LocalServer | undefined;

  beforeAll(async () => {
    servers = await startTestServers('log-service-mongodb-outage');
    service = await startLogService(servers);
  });

  afterAll(async () => {
    await service?.close();
    await restarted?.stop();
    await servers?.stop();
  });

  async function queued(): Promise<number> {
    const consumer = await service.jsm.consumers.info(StreamNames.attempts, ConsumerNames.attemptWriter);
    return consumer.num_pending + consumer.num_ack_pending;
  }

  it('keeps records in JetStream, reports not ready, and writes every record once when MongoDB is back', async () => {
    const before = Array.from({ length: 5 }, () => buildAttemptRecord());
    await service.publish(before);
    await eventually(async () => (await service.collection('delivery_attempts').countDocuments()) === before.length);
    // Attempts are written first in a batch: it is settled (acked) once the rest of it is stored too.
    await eventually(async () => (await queued()) === 0);
    expect(await service.readiness()).toBe(200);

    const mongo = servers.mongoServer as LocalServer;
    await mongo.stop();
    const during = Array.from({ length: 40 }, () => buildAttemptRecord({ status: 'failed' }));
    await service.publish(during);
    await eventually(async () => (await service.readiness()) === 503, { timeoutMs: 15_000 });
    // The outage itself is what is under test: let it last while the writer waits for MongoDB.
    await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
    expect(await queued()).toBe(during.length);
    expect(await service.readiness()).toBe(503);

    restarted = await startMongoWireServer({ port: mongo.port, database: 'unused' });
    const after = Array.from({ length: 5 }, () => buildAttemptRecord());
    await service.publish(after);
    // The in-memory server starts empty: what it holds is exactly what arrived during and after the outage.
    await eventually(async () => (await service.collection('delivery_attempts').countDocuments()) === during.length + after.length, {
      timeoutMs: 30_000,
      intervalMs: 200,
    });
    await eventually(async () => (await queued()) === 0);
    await eventually(async () => (await service.readiness()) === 200, { timeoutMs: 15_000 });

    const ids = (
      await service
        .collection('delivery_attempts')
        .find({}, { projection: { _id: 0, deliveryId: 1, attempt: 1 } })
        .toArray()
    ).map((row) => attemptIdOf({ deliveryId: row.deliveryId, attempt: row.attempt }));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.sort()).toEqual([...during, ...after].map(attemptIdOf).sort());
    expect(await service.collection('deliveries').countDocuments({ status: 'failed' })).toBe(during.length);
  });
});
