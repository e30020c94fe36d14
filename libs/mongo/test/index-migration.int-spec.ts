import { IsOptional, IsString } from 'class-validator';
import mongoose, { Schema, type Connection } from 'mongoose';
import { loadConfig } from '@wirehook/config';
import { migrateIndexes, missingIndexes, type IndexedCollection } from '../src';
import { startTestServers, type TestServers } from '@wirehook/testing';

class MigrationTestEnvironment {
  @IsOptional()
  @IsString()
  MONGODB_URI?: string;
}

// Replacing and dropping need `dropIndexes`, which the MongoDB-wire test server does not have:
// those tests run against a real MongoDB (MONGODB_URI), and against a fake in
// libs/mongo/src/index-migration.spec.ts; on the wire server, a test checks how the refusal ends.
const realMongo = Boolean(loadConfig(MigrationTestEnvironment).MONGODB_URI);
const itWithDropIndexes = realMongo ? it : it.skip; // skipped on the wire server: it has no dropIndexes
const itOnWireServer = realMongo ? it.skip : it; // skipped on a real MongoDB: it drops

const eventsSchema = new Schema({}, { strict: false, autoIndex: false, autoCreate: false });
eventsSchema.index({ tenantId: 1, createdAt: -1, _id: -1 }, { name: 'tenant_time' });
eventsSchema.index({ tenantId: 1, eventId: 1 }, { name: 'tenant_event_id', unique: true });
eventsSchema.index({ tenantId: 1, nextAt: 1 }, { name: 'tenant_next', partialFilterExpression: { nextAt: { $type: 'date' } } });
const leasesSchema = new Schema({}, { strict: false, autoIndex: false, autoCreate: false });

/** Two collections of a test's own (one without declared indexes), in the test file's database. */
function collectionsOf(test: string): { events: string; leases: string; all: IndexedCollection[] } {
  const events = `${test}_events`;
  const leases = `${test}_leases`;
  return {
    events,
    leases,
    all: [
      { collection: events, schema: eventsSchema },
      { collection: leases, schema: leasesSchema },
    ],
  };
}

describe('migrateIndexes and missingIndexes on a MongoDB server', () => {
  let servers: TestServers;
  let db: Connection;
  const commands: string[] = [];

  beforeAll(async () => {
    servers = await startTestServers('index-migration');
    db = await mongoose.createConnection(servers.mongoUri, { autoCreate: false, autoIndex: false, monitorCommands: true }).asPromise();
    db.getClient().on('commandStarted', (event) => commands.push(`${event.commandName} ${String(event.command[event.commandName])}`));
  });

  afterAll(async () => {
    await db?.close();
    await servers?.stop();
  });

  /** The indexes of a collection as MongoDB lists them, without `_id_` and the version fields. */
  async function listed(collection: string): Promise<Array<Record<string, unknown>>> {
    const indexes = await db.collection(collection).listIndexes().toArray();
    return indexes.filter((index) => index.name !== '_id_').map(({ v: _v, ns: _ns, ...index }) => index);
  }

  it('creates every declared index (the collection with them), and names nothing missing afterwards', async () => {
    const { events, all } = collectionsOf('creates');
    expect(await missingIndexes(db, all)).toEqual(['creates_events.tenant_time', 'creates_events.tenant_event_id', 'creates_events.tenant_next']);

    const report = await migrateIndexes(db, all);

    expect(report).toEqual({
      created: ['creates_events.tenant_time', 'creates_events.tenant_event_id', 'creates_events.tenant_next'],
      replaced: [],
      dropped: [],
      unchanged: [],
    });
    expect(await listed(events)).toEqual([
      { key: { tenantId: 1, createdAt: -1, _id: -1 }, name: 'tenant_time' },
      { key: { tenantId: 1, eventId: 1 }, name: 'tenant_event_id', unique: true },
      { key: { tenantId: 1, nextAt: 1 }, name: 'tenant_next', partialFilterExpression: { nextAt: { $type: 'date' } } },
    ]);
    expect(await missingIndexes(db, all)).toEqual([]);
    // The unique index is in force: a second event with the same id is refused.
    await db.collection(events).insertOne({ tenantId: 'acme', eventId: 'e1' });
    await expect(db.collection(events).insertOne({ tenantId: 'acme', eventId: 'e1' })).rejects.toMatchObject({ code: 11000 });
  });

  it('changes nothing on a second run: it only lists the indexes', async () => {
    const { events, leases, all } = collectionsOf('idempotent');
    await migrateIndexes(db, all);
    commands.length = 0;

    const report = await migrateIndexes(db, all);

    expect(report).toEqual({
      created: [],
      replaced: [],
      dropped: [],
      unchanged: [`${events}.tenant_time`, `${events}.tenant_event_id`, `${events}.tenant_next`],
    });
    expect(commands).toEqual([`listIndexes ${events}`, `listIndexes ${leases}`]);
  });

  it('names the declared indexes that are absent or differ from their declaration, and only those', async () => {
    const { events, all } = collectionsOf('missing');
    await db.collection(events).createIndexes([
      { key: { tenantId: 1, createdAt: -1, _id: -1 }, name: 'tenant_time' },
      // Declared unique; this one is not.
      { key: { tenantId: 1, eventId: 1 }, name: 'tenant_event_id' },
      { key: { somethingElse: 1 }, name: 'undeclared' },
    ]);

    expect(await missingIndexes(db, all)).toEqual([`${events}.tenant_event_id`, `${events}.tenant_next`]);
  });

  itWithDropIndexes('replaces an index whose key or options changed', async () => {
    const { events, all } = collectionsOf('replaces');
    await db.collection(events).createIndexes([
      { key: { tenantId: 1, createdAt: 1 }, name: 'tenant_time' },
      { key: { tenantId: 1, eventId: 1 }, name: 'tenant_event_id' },
    ]);

    const report = await migrateIndexes(db, all);

    expect(report).toEqual({
      created: [`${events}.tenant_next`],
      replaced: [`${events}.tenant_time`, `${events}.tenant_event_id`],
      dropped: [],
      unchanged: [],
    });
    expect(await missingIndexes(db, all)).toEqual([]);
    expect((await listed(events)).slice(0, 2)).toEqual([
      { key: { tenantId: 1, createdAt: -1, _id: -1 }, name: 'tenant_time' },
      { key: { tenantId: 1, eventId: 1 }, name: 'tenant_event_id', unique: true },
    ]);
  });

  itWithDropIndexes('drops the indexes no schema declares, never _id_', async () => {
    const { events, leases, all } = collectionsOf('drops');
    await migrateIndexes(db, all);
    await db.collection(events).createIndex({ payload: 1 }, { name: 'by_payload' });
    await db.collection(leases).createIndex({ holder: 1 }, { name: 'by_holder' });

    const report = await migrateIndexes(db, all);

    expect(report).toMatchObject({ created: [], replaced: [], dropped: [`${events}.by_payload`, `${leases}.by_holder`] });
    expect((await listed(events)).map((index) => index.name)).toEqual(['tenant_time', 'tenant_event_id', 'tenant_next']);
    expect(await listed(leases)).toEqual([]);
  });

  itOnWireServer('without dropIndexes, stops at the drop naming the index and why, and leaves the index as it was', async () => {
    const { events, all } = collectionsOf('refused');
    await db.collection(events).createIndexes([{ key: { tenantId: 1, createdAt: 1 }, name: 'tenant_time' }]);

    await expect(migrateIndexes(db, all)).rejects.toThrow(
      `dropping index ${events}.tenant_time (key {"tenantId":1,"createdAt":1} instead of {"tenantId":1,"createdAt":-1,"_id":-1}) failed: no such command: dropindexes`,
    );
    expect(await listed(events)).toEqual([{ key: { tenantId: 1, createdAt: 1 }, name: 'tenant_time' }]);
  });
});
