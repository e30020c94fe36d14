import { createHash } from 'node:crypto';
import { LogQueryError } from './log-query.error';

/** Where a page ends: the sort key of its last row. */
export interface RowKey {
  /** The value of the sort field when it is not the time (`status` or `httpStatus`). */
  primary?: string | number | null;
  createdAt: Date;
  id: string;
}

/** A decoded cursor: the page it opens and the row key the page starts after. */
export interface LogCursor {
  page: number;
  after: RowKey;
}

const VERSION = 1;

/** A short digest of what a cursor belongs to (tenant, view, filters, sort): a cursor only opens the list it came from. */
export function cursorScope(parts: unknown): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url').slice(0, 16);
}

/** An opaque cursor for the page after `after`. */
export function encodeCursor(cursor: LogCursor, scope: string): string {
  const key = [cursor.after.primary ?? null, cursor.after.createdAt.getTime(), cursor.after.id];
  return Buffer.from(JSON.stringify({ v: VERSION, s: scope, p: cursor.page, k: key })).toString('base64url');
}

const invalid = (message: string) => new LogQueryError('cursor', message);

/** Reads a cursor; anything not made by {@link encodeCursor} for this very list is refused. */
export function decodeCursor(text: string, scope: string, hasPrimary: boolean): LogCursor {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw invalid('cursor is not a cursor of this API; pass the next_cursor of the previous page unchanged');
  }
  const { v, s, p, k } = (decoded ?? {}) as { v?: unknown; s?: unknown; p?: unknown; k?: unknown };
  if (v !== VERSION || typeof s !== 'string' || !Number.isInteger(p) || (p as number) < 2 || !Array.isArray(k) || k.length !== 3) {
    throw invalid('cursor is not a cursor of this API; pass the next_cursor of the previous page unchanged');
  }
  if (s !== scope) throw invalid('cursor belongs to another list; a cursor only continues the list (filters, sort, view) it came from');
  const [primary, at, id] = k as [unknown, unknown, unknown];
  const validPrimary = hasPrimary ? primary === null || typeof primary === 'string' || typeof primary === 'number' : primary === null;
  if (!validPrimary || typeof at !== 'number' || !Number.isFinite(at) || typeof id !== 'string' || id.length === 0 || id.length > 200) {
    throw invalid('cursor is damaged; pass the next_cursor of the previous page unchanged');
  }
  return { page: p as number, after: { ...(hasPrimary ? { primary: primary as string | number | null } : {}), createdAt: new Date(at), id } };
}
