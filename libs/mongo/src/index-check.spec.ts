import { HealthCheckError } from '@nestjs/terminus';
import { Schema, type Connection } from 'mongoose';
import type { Logger } from 'pino';
import { IndexCheck, indexHealthIndicator } from './index-check';

/** A database whose index lists the test sets, counting each listIndexes. */
class FakeIndexes {
  listed: Record<string, Array<{ name: string; key: Record<string, number> }>> = {};
  lookups = 0;

  readonly connection = {
    db: {
      collection: (name: string) => ({
        listIndexes: () => ({
          toArray: async () => {
            this.lookups += 1;
            return [{ name: '_id_', key: { _id: 1 } }, ...(this.listed[name] ?? [])];
          },
        }),
      }),
    },
  } as unknown as Connection;

  migrate(): void {
    this.listed = { endpoints: [{ name: 'tenant_time', key: { tenantId: 1, createdAt: -1 } }] };
  }
}

function endpoints(): Schema {
  const schema = new Schema({ tenantId: String, createdAt: Date });
  schema.index({ tenantId: 1, createdAt: -1 }, { name: 'tenant_time' });
  return schema;
}

function fakeLogger(): Logger & { warned: unknown[][]; informed: unknown[][] } {
  const warned: unknown[][] = [];
  const informed: unknown[][] = [];
  return { warned, informed, warn: (...args: unknown[]) => warned.push(args), info: (...args: unknown[]) => informed.push(args) } as unknown as Logger & {
    warned: unknown[][];
    informed: unknown[][];
  };
}

describe('IndexCheck', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('is down naming the missing indexes, looks again at most once a second on requests, and is up once they exist', async () => {
    const db = new FakeIndexes();
    const logger = fakeLogger();
    const check = new IndexCheck(db.connection, [{ collection: 'endpoints', schema: endpoints() }], logger);
    await check.onApplicationBootstrap();

    await expect(indexHealthIndicator(check)).rejects.toThrow(HealthCheckError);
    await expect(indexHealthIndicator(check)).rejects.toMatchObject({
      message: 'missing indexes: endpoints.tenant_time',
      causes: { indexes: { status: 'down', missing: ['endpoints.tenant_time'] } },
    });
    expect(logger.warned).toEqual([[{ missing: ['endpoints.tenant_time'] }, expect.stringContaining('npm run migrate')]]);
    expect(db.lookups).toBe(1);

    db.migrate();
    await expect(indexHealthIndicator(check)).rejects.toThrow('missing indexes');
    expect(db.lookups).toBe(1);
    jest.advanceTimersByTime(1000);
    await expect(indexHealthIndicator(check)).resolves.toEqual({ indexes: { status: 'up' } });
    expect(db.lookups).toBe(2);
    check.onApplicationShutdown();
  });

  it('looks again by itself every 10 s while an index is missing, and stops looking once all exist', async () => {
    const db = new FakeIndexes();
    const check = new IndexCheck(db.connection, [{ collection: 'endpoints', schema: endpoints() }], fakeLogger());
    await check.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(10_000);
    expect(db.lookups).toBe(2);

    db.migrate();
    await jest.advanceTimersByTimeAsync(10_000);
    expect(db.lookups).toBe(3);
    // Dropped later (a newer version's migration, a test server that restarted empty): still up, no more lookups.
    db.listed = {};
    await jest.advanceTimersByTimeAsync(60_000);
    await expect(indexHealthIndicator(check)).resolves.toEqual({ indexes: { status: 'up' } });
    expect(db.lookups).toBe(3);
  });

  it('is down with the reason when MongoDB cannot be asked', async () => {
    const connection = { db: undefined } as unknown as Connection;
    const check = new IndexCheck(connection, [{ collection: 'endpoints', schema: endpoints() }], fakeLogger());
    await check.onApplicationBootstrap();
    await expect(indexHealthIndicator(check)).rejects.toMatchObject({
      message: 'the required indexes could not be checked',
      causes: { indexes: { status: 'down', missing: [], message: 'MongoDB is not connected' } },
    });
    check.onApplicationShutdown();
  });

  it('refuses at construction a schema the migration would refuse', () => {
    const unnamed = new Schema({ a: String });
    unnamed.index({ a: 1 });
    expect(() => new IndexCheck(new FakeIndexes().connection, [{ collection: 'things', schema: unnamed }], fakeLogger())).toThrow('has no name');
  });
});
