import { isDeepStrictEqual } from 'node:util';
import { Schema, type Connection } from 'mongoose';
import { IndexDeclarationError, declaredIndexes, migrateIndexes, missingIndexes, type IndexedCollection } from './index-migration';

type Index = { name: string; key: Record<string, unknown> } & Record<string, unknown>;

/** MongoDB's index commands as a real server answers them (the MongoDB-wire test server has no dropIndexes). */
class FakeDb {
  readonly collections = new Map<string, Index[]>();
  readonly commands: string[] = [];
  /** False: answer dropIndexes as the MongoDB-wire test server does. */
  dropIndexes = true;

  collection(name: string) {
    return {
      listIndexes: () => ({
        toArray: async () => {
          this.commands.push(`listIndexes ${name}`);
          const indexes = this.collections.get(name);
          if (!indexes) throw Object.assign(new Error(`ns does not exist: db.${name}`), { code: 26 });
          return indexes.map((index) => ({ v: 2, ...index }));
        },
      }),
      createIndexes: async (specs: Index[]) => {
        this.commands.push(`createIndexes ${name} ${specs.map((spec) => spec.name).join(',')}`);
        const indexes = this.collections.get(name) ?? [{ name: '_id_', key: { _id: 1 } }];
        for (const spec of specs) {
          const sameName = indexes.find((index) => index.name === spec.name);
          if (sameName && !isDeepStrictEqual(sameName, spec))
            throw Object.assign(new Error(`An existing index has the same name as the requested index: ${spec.name}`), { code: 86 });
          const sameKey = indexes.find((index) => index.name !== spec.name && isDeepStrictEqual(Object.entries(index.key), Object.entries(spec.key)));
          if (sameKey) throw Object.assign(new Error(`Index already exists with a different name: ${sameKey.name}`), { code: 85 });
          if (!sameName) indexes.push({ ...spec });
        }
        this.collections.set(name, indexes);
      },
      dropIndex: async (index: string) => {
        this.commands.push(`dropIndex ${name} ${index}`);
        if (!this.dropIndexes) throw Object.assign(new Error('no such command: dropindexes'), { code: 59 });
        const indexes = this.collections.get(name) ?? [];
        if (index === '_id_') throw new Error('cannot drop _id index');
        if (!indexes.some((existing) => existing.name === index)) throw Object.assign(new Error(`index not found with name [${index}]`), { code: 27 });
        this.collections.set(
          name,
          indexes.filter((existing) => existing.name !== index),
        );
      },
    };
  }
}

function connectionTo(db: FakeDb): Connection {
  return { db } as unknown as Connection;
}

function keysSchema(): Schema {
  const schema = new Schema({ hash: String, tenantId: String, createdAt: Date }, { autoIndex: false, autoCreate: false });
  schema.index({ hash: 1 }, { name: 'hash', unique: true });
  schema.index({ tenantId: 1, createdAt: -1 }, { name: 'tenant_time' });
  return schema;
}

const KEYS: IndexedCollection[] = [{ collection: 'api_keys', schema: keysSchema() }];

describe('declaredIndexes', () => {
  it('normalizes keys and keeps the options MongoDB compares, without the ones mongoose adds', () => {
    expect(declaredIndexes(KEYS)).toEqual([
      { collection: 'api_keys', name: 'hash', key: { hash: 1 }, options: { unique: true } },
      { collection: 'api_keys', name: 'tenant_time', key: { tenantId: 1, createdAt: -1 }, options: {} },
    ]);
  });

  it('refuses an index without a name, naming its collection and key', () => {
    const schema = new Schema({ a: String });
    schema.index({ a: 1 });
    expect(() => declaredIndexes([{ collection: 'things', schema }])).toThrow(IndexDeclarationError);
    expect(() => declaredIndexes([{ collection: 'things', schema }])).toThrow('the index {"a":1} of collection things has no name');
  });

  it('refuses a name used twice in a collection, _id_, text keys and options it cannot compare', () => {
    const twice = new Schema({ a: String, b: String });
    twice.index({ a: 1 }, { name: 'same' });
    twice.index({ b: 1 }, { name: 'same' });
    expect(() => declaredIndexes([{ collection: 'things', schema: twice }])).toThrow('things.same is declared twice');
    const id = new Schema({ a: String });
    id.index({ a: 1 }, { name: '_id_' });
    expect(() => declaredIndexes([{ collection: 'things', schema: id }])).toThrow('_id_');
    const text = new Schema({ a: String });
    text.index({ a: 'text' }, { name: 'search' });
    expect(() => declaredIndexes([{ collection: 'things', schema: text }])).toThrow('things.search: key a: "text" is not supported');
    const weights = new Schema({ a: String });
    weights.index({ a: 1 }, { name: 'a', weights: { a: 2 } });
    expect(() => declaredIndexes([{ collection: 'things', schema: weights }])).toThrow('things.a: option weights is not supported');
  });
});

describe('migrateIndexes (against a fake MongoDB)', () => {
  it('creates every declared index in one command per collection, creating the collection', async () => {
    const db = new FakeDb();
    const report = await migrateIndexes(connectionTo(db), KEYS);
    expect(report).toEqual({ created: ['api_keys.hash', 'api_keys.tenant_time'], replaced: [], dropped: [], unchanged: [] });
    expect(db.commands).toEqual(['listIndexes api_keys', 'createIndexes api_keys hash,tenant_time']);
    expect(db.collections.get('api_keys')).toEqual([
      { name: '_id_', key: { _id: 1 } },
      { name: 'hash', key: { hash: 1 }, unique: true },
      { name: 'tenant_time', key: { tenantId: 1, createdAt: -1 } },
    ]);
  });

  it('changes nothing on a second run', async () => {
    const db = new FakeDb();
    await migrateIndexes(connectionTo(db), KEYS);
    db.commands.length = 0;
    expect(await migrateIndexes(connectionTo(db), KEYS)).toEqual({
      created: [],
      replaced: [],
      dropped: [],
      unchanged: ['api_keys.hash', 'api_keys.tenant_time'],
    });
    expect(db.commands).toEqual(['listIndexes api_keys']);
  });

  it('replaces an index whose key or options changed, drops undeclared ones, never _id_', async () => {
    const db = new FakeDb();
    db.collections.set('api_keys', [
      { name: '_id_', key: { _id: 1 } },
      { name: 'hash', key: { hash: 1 } },
      { name: 'tenant_time', key: { tenantId: 1, createdAt: 1 } },
      { name: 'legacy', key: { prefix: 1 } },
    ]);
    const changes: string[] = [];
    const report = await migrateIndexes(connectionTo(db), KEYS, { onChange: (change) => changes.push(`${change.action} ${change.name}: ${change.reason}`) });
    expect(report).toEqual({ created: [], replaced: ['api_keys.hash', 'api_keys.tenant_time'], dropped: ['api_keys.legacy'], unchanged: [] });
    expect(changes).toEqual([
      'replace hash: unique false instead of true',
      'replace tenant_time: key {"tenantId":1,"createdAt":1} instead of {"tenantId":1,"createdAt":-1}',
      'drop legacy: not declared',
    ]);
    expect(db.collections.get('api_keys')).toEqual([
      { name: '_id_', key: { _id: 1 } },
      { name: 'hash', key: { hash: 1 }, unique: true },
      { name: 'tenant_time', key: { tenantId: 1, createdAt: -1 } },
    ]);
    expect(await migrateIndexes(connectionTo(db), KEYS)).toMatchObject({ created: [], replaced: [], dropped: [] });
  });

  it('renames an index by dropping the old name before creating the new one on the same key', async () => {
    const db = new FakeDb();
    db.collections.set('api_keys', [
      { name: '_id_', key: { _id: 1 } },
      { name: 'hash_1', key: { hash: 1 }, unique: true },
    ]);
    expect(await migrateIndexes(connectionTo(db), KEYS)).toEqual({
      created: ['api_keys.hash', 'api_keys.tenant_time'],
      replaced: [],
      dropped: ['api_keys.hash_1'],
      unchanged: [],
    });
  });

  it('reports a failed step naming the index, and changes nothing for a schema it refuses', async () => {
    const db = new FakeDb();
    db.collections.set('api_keys', [
      { name: '_id_', key: { _id: 1 } },
      { name: 'hash', key: { other: 1 } },
    ]);
    db.dropIndexes = false;
    await expect(migrateIndexes(connectionTo(db), KEYS)).rejects.toThrow(
      'dropping index api_keys.hash (key {"other":1} instead of {"hash":1}) failed: no such command: dropindexes',
    );

    const unnamed = new Schema({ a: String });
    unnamed.index({ a: 1 });
    const untouched = new FakeDb();
    await expect(migrateIndexes(connectionTo(untouched), [...KEYS, { collection: 'things', schema: unnamed }])).rejects.toThrow(IndexDeclarationError);
    expect(untouched.commands).toEqual([]);
  });
});

describe('missingIndexes (against a fake MongoDB)', () => {
  it('names absent and differing indexes as collection.name, and nothing once migrated', async () => {
    const db = new FakeDb();
    expect(await missingIndexes(connectionTo(db), KEYS)).toEqual(['api_keys.hash', 'api_keys.tenant_time']);
    db.collections.set('api_keys', [
      { name: '_id_', key: { _id: 1 } },
      { name: 'hash', key: { hash: 1 }, unique: true },
      { name: 'tenant_time', key: { tenantId: 1 } },
    ]);
    expect(await missingIndexes(connectionTo(db), KEYS)).toEqual(['api_keys.tenant_time']);
    await migrateIndexes(connectionTo(db), KEYS);
    expect(await missingIndexes(connectionTo(db), KEYS)).toEqual([]);
  });
});
