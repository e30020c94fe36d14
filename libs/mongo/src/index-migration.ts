import { isDeepStrictEqual } from 'node:util';
import type { Connection, Schema, mongo } from 'mongoose';

// The driver mongoose is built on (it may differ from the `mongodb` package the tests use).
type Db = mongo.Db;
type IndexDescriptionInfo = mongo.IndexDescriptionInfo;

/** A collection and the schema that declares its indexes (`schema.index(..., { name })`). */
export interface IndexedCollection {
  collection: string;
  schema: Schema;
}

/** Options of a declared index that the migration creates and compares; anything else is refused. */
const COMPARED_OPTIONS = ['unique', 'sparse', 'partialFilterExpression', 'expireAfterSeconds', 'collation', 'hidden'] as const;
type ComparedOption = (typeof COMPARED_OPTIONS)[number];
/** Options mongoose adds by itself and MongoDB ignores (`background` since 4.2). */
const IGNORED_OPTIONS = new Set(['background', '_autoIndex', 'name']);
/** Key values MongoDB lists as they were given. `text` is rewritten by the server (`_fts`), so it cannot be compared. */
const KEY_VALUES: Readonly<Record<string, mongo.IndexDirection>> = {
  '1': 1,
  '-1': -1,
  asc: 1,
  ascending: 1,
  desc: -1,
  descending: -1,
  hashed: 'hashed',
  '2d': '2d',
  '2dsphere': '2dsphere',
};

/** An index as a schema declares it, normalized. */
export interface DeclaredIndex {
  collection: string;
  name: string;
  key: Record<string, mongo.IndexDirection>;
  options: Partial<Record<ComparedOption, unknown>>;
}

/** A schema declares an index the migration cannot manage (no name, a duplicate name, text...). */
export class IndexDeclarationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IndexDeclarationError';
  }
}

/** MongoDB refused a step of the migration; what was done before it stays done. */
export class IndexMigrationError extends Error {
  constructor(message: string, options?: { cause: unknown }) {
    super(message, options);
    this.name = 'IndexMigrationError';
  }
}

/** What a migration did, as `collection.name` entries. */
export interface IndexMigrationReport {
  created: string[];
  replaced: string[];
  dropped: string[];
  unchanged: string[];
}

/**
 * The indexes the schemas declare, checked: every index must carry an explicit `name` (queries
 * `hint` by name, and a generated name changes with the key), unique per collection, not
 * `_id_`, with a key and options this module can compare with what MongoDB lists.
 */
export function declaredIndexes(collections: readonly IndexedCollection[]): DeclaredIndex[] {
  const declared: DeclaredIndex[] = [];
  const seen = new Set<string>();
  for (const { collection, schema } of collections) {
    for (const [fields, options] of schema.indexes()) {
      const keyText = JSON.stringify(fields);
      const name = (options as { name?: unknown }).name;
      if (typeof name !== 'string' || name.length === 0) {
        throw new IndexDeclarationError(`the index ${keyText} of collection ${collection} has no name: declare it with schema.index(key, { name: '...' })`);
      }
      if (name === '_id_') throw new IndexDeclarationError(`${collection}.${name}: _id_ is MongoDB's own index and cannot be declared`);
      if (seen.has(`${collection}.${name}`)) throw new IndexDeclarationError(`${collection}.${name} is declared twice`);
      seen.add(`${collection}.${name}`);
      const key: Record<string, mongo.IndexDirection> = {};
      for (const [field, value] of Object.entries(fields)) {
        const normalized = KEY_VALUES[String(value)];
        if (normalized === undefined)
          throw new IndexDeclarationError(`${collection}.${name}: key ${field}: ${JSON.stringify(value)} is not supported by the migration`);
        key[field] = normalized;
      }
      const compared: DeclaredIndex['options'] = {};
      for (const [option, value] of Object.entries(options)) {
        if (IGNORED_OPTIONS.has(option) || value === undefined) continue;
        if (!(COMPARED_OPTIONS as readonly string[]).includes(option)) {
          throw new IndexDeclarationError(
            `${collection}.${name}: option ${option} is not supported by the migration (supported: ${COMPARED_OPTIONS.join(', ')})`,
          );
        }
        compared[option as ComparedOption] = value;
      }
      declared.push({ collection, name, key, options: compared });
    }
  }
  return declared;
}

/** Why an existing index does not match its declaration; undefined when it does. */
export function indexDifference(declared: DeclaredIndex, existing: IndexDescriptionInfo): string | undefined {
  // Key order matters: { a: 1, b: 1 } and { b: 1, a: 1 } are different indexes.
  const existingKey = Object.entries(existing.key).map(([field, value]) => [field, typeof value === 'number' ? value : String(value)]);
  if (!isDeepStrictEqual(existingKey, Object.entries(declared.key))) {
    return `key ${JSON.stringify(existing.key)} instead of ${JSON.stringify(declared.key)}`;
  }
  const listed = existing as unknown as Record<string, unknown>;
  for (const option of COMPARED_OPTIONS) {
    const want = declared.options[option];
    const have = listed[option];
    if (option === 'unique' || option === 'sparse' || option === 'hidden') {
      if (Boolean(want) !== Boolean(have)) return `${option} ${Boolean(have)} instead of ${Boolean(want)}`;
    } else if (option === 'collation' && want !== undefined && have !== undefined) {
      // MongoDB lists a collation with every default filled in: compare what was declared.
      const declaredCollation = want as Record<string, unknown>;
      const listedCollation = have as Record<string, unknown>;
      if (!Object.keys(declaredCollation).every((field) => isDeepStrictEqual(declaredCollation[field], listedCollation[field]))) {
        return `collation ${JSON.stringify(have)} instead of ${JSON.stringify(want)}`;
      }
    } else if (!isDeepStrictEqual(want, have)) {
      return `${option} ${JSON.stringify(have)} instead of ${JSON.stringify(want)}`;
    }
  }
  return undefined;
}

function databaseOf(connection: Connection): Db {
  const db = connection.db;
  if (!db) throw new IndexMigrationError('MongoDB is not connected');
  return db;
}

/** The indexes of a collection; none when it does not exist yet. */
async function listIndexes(db: Db, collection: string): Promise<IndexDescriptionInfo[]> {
  try {
    return await db.collection(collection).listIndexes().toArray();
  } catch (error) {
    // NamespaceNotFound: the collection does not exist (the MongoDB-wire test server lists `_id_` instead).
    if ((error as { code?: number }).code === 26) return [];
    throw new IndexMigrationError(`listing the indexes of ${collection} failed: ${(error as Error).message}`, { cause: error });
  }
}

function byCollection(collections: readonly IndexedCollection[]): Map<string, DeclaredIndex[]> {
  const declared = declaredIndexes(collections);
  const grouped = new Map<string, DeclaredIndex[]>(collections.map(({ collection }) => [collection, []]));
  for (const index of declared) grouped.get(index.collection)?.push(index);
  return grouped;
}

/**
 * The declared indexes (`collection.name`) that MongoDB does not have, or has with another key
 * or other options. Empty when every index the schemas declare is in place.
 */
export async function missingIndexes(connection: Connection, collections: readonly IndexedCollection[]): Promise<string[]> {
  const db = databaseOf(connection);
  const missing: string[] = [];
  for (const [collection, declared] of byCollection(collections)) {
    if (declared.length === 0) continue;
    const existing = new Map((await listIndexes(db, collection)).map((index) => [index.name ?? '', index]));
    for (const index of declared) {
      const found = existing.get(index.name);
      if (!found || indexDifference(index, found) !== undefined) missing.push(`${collection}.${index.name}`);
    }
  }
  return missing;
}

export interface MigrateIndexesOptions {
  /** Called for every change, before it is made. */
  onChange?: (change: { action: 'create' | 'replace' | 'drop'; collection: string; name: string; reason?: string }) => void;
}

/**
 * Brings the indexes of `collections` to what their schemas declare: creates the missing ones,
 * replaces (drops, then creates) one whose name exists with another key or other options, and
 * drops the ones no schema declares (never `_id_`). Running it again changes nothing.
 *
 * Collections are never created by themselves: `createIndexes` creates a missing one (the
 * MongoDB-wire test server has no `create` command), and a collection without declared indexes
 * is left to its first insert. Drops come before creates, so an index renamed with the same key
 * is dropped and created under its new name; queries go without it in between.
 */
export async function migrateIndexes(
  connection: Connection,
  collections: readonly IndexedCollection[],
  options: MigrateIndexesOptions = {},
): Promise<IndexMigrationReport> {
  const grouped = byCollection(collections);
  const db = databaseOf(connection);
  const report: IndexMigrationReport = { created: [], replaced: [], dropped: [], unchanged: [] };
  for (const [collection, declared] of grouped) {
    // MongoDB always lists an index's name; `name` is optional only in the driver's types.
    const existing = (await listIndexes(db, collection)).map((index) => ({ ...index, name: index.name ?? '' })).filter((index) => index.name !== '_id_');
    const wanted = new Map(declared.map((index) => [index.name, index]));
    const drops: Array<{ name: string; reason?: string; replaced: boolean }> = [];
    const creates: DeclaredIndex[] = [];
    for (const index of existing) {
      const declaration = wanted.get(index.name);
      if (!declaration) {
        drops.push({ name: index.name, reason: 'not declared', replaced: false });
        continue;
      }
      const reason = indexDifference(declaration, index);
      if (reason === undefined) {
        report.unchanged.push(`${collection}.${index.name}`);
      } else {
        drops.push({ name: index.name, reason, replaced: true });
        creates.push(declaration);
      }
    }
    const present = new Set(existing.map((index) => index.name));
    creates.push(...declared.filter((index) => !present.has(index.name)));

    for (const drop of drops) {
      options.onChange?.({ action: drop.replaced ? 'replace' : 'drop', collection, name: drop.name, reason: drop.reason });
      try {
        await db.collection(collection).dropIndex(drop.name);
      } catch (error) {
        throw new IndexMigrationError(`dropping index ${collection}.${drop.name} (${drop.reason}) failed: ${(error as Error).message}`, { cause: error });
      }
      if (!drop.replaced) report.dropped.push(`${collection}.${drop.name}`);
    }
    if (creates.length === 0) continue;
    for (const index of creates) {
      if (!drops.some((drop) => drop.name === index.name)) options.onChange?.({ action: 'create', collection, name: index.name });
    }
    try {
      await db
        .collection(collection)
        .createIndexes(
          creates.map((index): mongo.IndexDescription => ({ ...(index.options as mongo.CreateIndexesOptions), key: index.key, name: index.name })),
        );
    } catch (error) {
      throw new IndexMigrationError(
        `creating indexes ${creates.map((index) => `${collection}.${index.name}`).join(', ')} failed: ${(error as Error).message}`,
        { cause: error },
      );
    }
    for (const index of creates) {
      (drops.some((drop) => drop.name === index.name) ? report.replaced : report.created).push(`${collection}.${index.name}`);
    }
  }
  return report;
}
