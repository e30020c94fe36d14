import type { Model } from 'mongoose';
import type { LogQueryLimits } from '../log-query-limits';

/** One read of a log collection: every one names its index, its limit and its time limit. */
export interface RowQuery {
  filter: Record<string, unknown>;
  hint: string;
  sort: Record<string, 1 | -1>;
  limit: number;
  /** Only for page numbers, which stay within a small bound. */
  skip?: number;
  projection?: Record<string, 0 | 1>;
}

/** What the list queries need of a log collection: rows, and how many match (up to a cap). */
export interface LogRowSource<T> {
  findRows(query: RowQuery): Promise<T[]>;
  /** Rows matching the filter, counted up to `cap`. */
  countUpTo(filter: Record<string, unknown>, hint: string, cap: number): Promise<number>;
  /** Ids of the rows matching the filter, at most `cap`. */
  idsUpTo(filter: Record<string, unknown>, hint: string, cap: number): Promise<string[]>;
}

/** {@link LogRowSource} over one model; the model stays private to its repository. */
export function logRowSource<T>(model: Model<T>, limits: LogQueryLimits): LogRowSource<T> {
  return {
    async findRows(query) {
      const find = model.find(query.filter, query.projection).sort(query.sort).hint(query.hint);
      if (query.skip) find.skip(query.skip);
      return find.limit(query.limit).maxTimeMS(limits.maxTimeMs).lean<T[]>();
    },
    async countUpTo(filter, hint, cap) {
      return model.countDocuments(filter).hint(hint).limit(cap).maxTimeMS(limits.maxTimeMs);
    },
    async idsUpTo(filter, hint, cap) {
      const rows = await model.find(filter, { _id: 1 }).hint(hint).limit(cap).maxTimeMS(limits.maxTimeMs).lean<Array<{ _id: string }>>();
      return rows.map((row) => row._id);
    },
  };
}
