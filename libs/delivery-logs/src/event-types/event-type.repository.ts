import type { Connection, Model } from 'mongoose';
import type { LogQueryLimits } from '../log-query-limits';
import { insertMissing } from '../shared/insert-missing';
import { EVENT_TYPES_COLLECTION, EventTypeIndex, eventTypeSchema, type EventTypeDocument } from './event-type.schema';

/** Most event types of a tenant read to resolve search text. */
export const MAX_CATALOG_EVENT_TYPES = 2000;
/** Catalog entries this process remembers as stored before it forgets them all and starts again. */
const KNOWN_ENTRIES_LIMIT = 50_000;

/** Highest string that starts with `prefix`, for a range query on a prefix. */
const prefixEnd = (prefix: string): string => `${prefix}\uffff`;

/** The catalog of each tenant's event types. */
export class EventTypeRepository {
  private readonly types: Model<EventTypeDocument>;
  /** Catalog ids this process knows are stored, so a steady stream of events costs no write. */
  private readonly known = new Set<string>();

  constructor(
    connection: Connection,
    private readonly limits: LogQueryLimits,
  ) {
    this.types = connection.model<EventTypeDocument>('EventType', eventTypeSchema, EVENT_TYPES_COLLECTION);
  }

  /** Adds the event types not in the catalog yet. */
  async record(entries: Array<{ tenantId: string; eventType: string }>, at: Date): Promise<void> {
    const fresh = new Map<string, EventTypeDocument>();
    for (const { tenantId, eventType } of entries) {
      const id = `${tenantId}:${eventType}`;
      if (!this.known.has(id)) fresh.set(id, { _id: id, tenantId, eventType, firstSeenAt: at });
    }
    if (fresh.size === 0) return;
    await insertMissing(this.types, [...fresh.values()]);
    if (this.known.size + fresh.size > KNOWN_ENTRIES_LIMIT) this.known.clear();
    fresh.forEach((_, id) => this.known.add(id));
  }

  /** A tenant's event types that start with `prefix`, at most `limit`, in order. */
  async withPrefix(tenantId: string, prefix: string, limit: number): Promise<string[]> {
    return this.read({ tenantId, eventType: { $gte: prefix, $lt: prefixEnd(prefix) } }, limit);
  }

  /** A tenant's event types that contain `text`, ignoring case, at most `limit`, in order. */
  async containing(tenantId: string, text: string, limit: number): Promise<string[]> {
    const lower = text.toLowerCase();
    return (await this.read({ tenantId }, MAX_CATALOG_EVENT_TYPES)).filter((type) => type.toLowerCase().includes(lower)).slice(0, limit);
  }

  private async read(filter: Record<string, unknown>, limit: number): Promise<string[]> {
    const rows = await this.types
      .find(filter, { eventType: 1 })
      .sort({ eventType: 1 })
      .hint(EventTypeIndex.tenantType)
      .limit(limit)
      .maxTimeMS(this.limits.maxTimeMs)
      .lean<Array<{ eventType: string }>>();
    return rows.map((row) => row.eventType);
  }
}
