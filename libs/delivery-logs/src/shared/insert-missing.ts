import type { Model } from 'mongoose';
import { idsByTenant } from './ids-by-tenant';

const DUPLICATE_KEY = 11000;

interface WriteErrorLike {
  code?: number;
  index?: number;
  err?: { code?: number; index?: number };
}

function writeErrorsOf(error: unknown): WriteErrorLike[] | undefined {
  const writeErrors = (error as { writeErrors?: WriteErrorLike[] | WriteErrorLike }).writeErrors;
  if (Array.isArray(writeErrors)) return writeErrors;
  return writeErrors ? [writeErrors] : undefined;
}

/** Whether a write failed only on duplicate keys (the document is stored already). */
export function isOnlyDuplicateKeys(error: unknown): boolean {
  const writeErrors = writeErrorsOf(error);
  if (writeErrors && writeErrors.length > 0) return writeErrors.every((writeError) => (writeError.code ?? writeError.err?.code) === DUPLICATE_KEY);
  return (error as { code?: number }).code === DUPLICATE_KEY;
}

/** The batch positions a bulk insert refused, when the error names them. */
function refusedPositions(error: unknown): Set<number> {
  const positions = (writeErrorsOf(error) ?? []).map((writeError) => writeError.index ?? writeError.err?.index);
  return new Set(positions.filter((position): position is number => typeof position === 'number'));
}

/** Ids of the documents of one tenant already stored; the tenant routes the read to one shard. */
async function storedIds<T extends { _id: string; tenantId: string }>(model: Model<T>, documents: T[]): Promise<Set<string>> {
  const stored = new Set<string>();
  for (const [tenantId, ids] of idsByTenant(documents, (document) => document._id)) {
    const rows = await model
      .find({ tenantId, _id: { $in: ids } }, { _id: 1 })
      .hint('_id_')
      .limit(ids.length)
      .lean<Array<{ _id: string }>>();
    rows.forEach((row) => stored.add(row._id));
  }
  return stored;
}

/**
 * Inserts the documents not stored yet and returns exactly those this call inserted, so that
 * whatever is counted from them (rollups) stays exact when records are replayed. Documents
 * stored already are skipped after one read by `_id`; a duplicate met anyway (another writer
 * got there in between) is told apart by the positions the server refused. Some MongoDB-wire
 * servers stop at the first duplicate even when unordered: what they left out is found by a
 * second read and inserted again.
 */
export async function insertMissing<T extends { _id: string; tenantId: string }>(model: Model<T>, documents: T[]): Promise<T[]> {
  if (documents.length === 0) return [];
  // A batch may hold the same record twice (a message delivered again): the first one counts.
  const seen = new Set<string>();
  const firstOfEach = documents.filter((document) => !seen.has(document._id) && seen.add(document._id));
  const before = await storedIds(model, firstOfEach);
  let pending = firstOfEach.filter((document) => !before.has(document._id));
  const inserted: T[] = [];
  while (pending.length > 0) {
    try {
      await model.insertMany(pending, { ordered: false, lean: true });
      inserted.push(...pending);
      return inserted;
    } catch (error) {
      if (!isOnlyDuplicateKeys(error)) throw error;
      const refused = refusedPositions(error);
      const candidates = pending.filter((_, position) => !refused.has(position));
      const stored = await storedIds(model, candidates);
      inserted.push(...candidates.filter((document) => stored.has(document._id)));
      const missing = candidates.filter((document) => !stored.has(document._id));
      if (missing.length === pending.length) throw new Error('a bulk insert refused a duplicate key without naming it and stored nothing');
      pending = missing;
    }
  }
  return inserted;
}
