import { connectMongo, missingIndexes } from '@wirehook/mongo';
import { eventually, startTestServers, type TestServers } from '@wirehook/testing';
import { LOG_SERVICE_COLLECTIONS } from '../src/collections';
import { migrateLogService, startLogService, type LogServiceHarness } from './support/log-service-harness';

interface ReadinessBody {
  status: string;
  error?: { indexes?: { status: string; missing: string[] } };
}

/** Every index the delivery-log schemas declare, as `collection.name`. */
function declaredIndexNames(): string[] {
  return LOG_SERVICE_COLLECTIONS.flatMap(({ collection, schema }) => schema.indexes().map(([, options]) => `${collection}.${String(options.name)}`));
}

describe('log-service on a database nobody migrated', () => {
  let servers: TestServers;
  let service: LogServiceHarness;

  beforeAll(async () => {
    servers = await startTestServers('log-service-index-readiness');
    service = await startLogService(servers, {}, { migrate: false });
  });

  afterAll(async () => {
    await service?.close();
    await servers?.stop();
  });

  async function readiness(): Promise<{ status: number; body: ReadinessBody }> {
    const response = await fetch(`${service.baseUrl}/health/ready`);
    return { status: response.status, body: (await response.json()) as ReadinessBody };
  }

  it('boots without creating an index, stays not-ready naming each missing one, and becomes ready once the migration ran', async () => {
    const declared = declaredIndexNames();
    expect(declared.length).toBeGreaterThan(0);

    const before = await readiness();
    expect(before.status).toBe(503);
    expect(before.body.error?.indexes).toEqual({ status: 'down', missing: declared, hint: 'run the migration: npm run migrate' });
    expect(service.lines.find((line) => line.msg?.startsWith('required indexes are missing'))).toMatchObject({ level: 40, missing: declared });
    // The app created none of them itself.
    const connection = await connectMongo(servers.mongoUri, '1');
    try {
      expect(await missingIndexes(connection, LOG_SERVICE_COLLECTIONS)).toEqual(declared);
    } finally {
      await connection.close();
    }

    await migrateLogService(servers);

    // Readiness requests look again (at most once a second), well before the 10 s re-check: no restart needed.
    const after = await eventually(
      async () => {
        const answer = await readiness();
        return answer.status === 200 ? answer : undefined;
      },
      { timeoutMs: 5000, intervalMs: 200 },
    );
    expect(after.body).toMatchObject({ status: 'ok', info: { indexes: { status: 'up' } } });
    expect(service.lines.some((line) => line.msg === 'every required index exists now; ready')).toBe(true);
  });
});
