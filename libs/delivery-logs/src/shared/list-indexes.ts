import type { Schema } from 'mongoose';

/**
 * The indexes `delivery_attempts` and `deliveries` both carry for the lists, by name; queries
 * hint by these. Each is tenant first, then its equality fields, then `createdAt, _id` newest
 * first, so a page reads about the rows it returns (queries/log-plan.ts says which filters each
 * serves; an attempt's time is when it was made, a delivery's when it was created).
 */
export const ListIndex = {
  /** Whole tenant, newest first; from/to; exports (oldest first, walked backwards). */
  time: 'tenant_time',
  /** `webhook_id` (every status as four points), `webhook_id` + `status`, `sort=status` on one webhook; `q` matching webhooks; recover's failed deliveries of one webhook. */
  endpointStatusTime: 'tenant_endpoint_status_time',
  /** `webhook_id` + `event` (+ `status`); `q` matching webhooks with `event`, or event types on one webhook. */
  endpointEventStatusTime: 'tenant_endpoint_event_status_time',
  /** `status`; `sort=status` on the whole tenant; retention's expired deliveries of a tenant and final state, oldest first. */
  statusTime: 'tenant_status_time',
  /** `event` (exact, or a prefix resolved to its event types), + `status`; `q` matching event types. */
  eventStatusTime: 'tenant_event_status_time',
  /** `status_class` (a range of HTTP statuses, the last one for deliveries); `sort=http_status`. */
  httpStatusTime: 'tenant_http_status_time',
  /** `q` equal to an event id. */
  eventId: 'tenant_event_id',
  /** `q` equal to an identifier value. */
  identifierTime: 'tenant_identifier_time',
} as const;

const LIST_INDEX_KEYS: Record<keyof typeof ListIndex, Record<string, 1 | -1>> = {
  time: { tenantId: 1, createdAt: -1, _id: -1 },
  endpointStatusTime: { tenantId: 1, endpointId: 1, status: 1, createdAt: -1, _id: -1 },
  endpointEventStatusTime: { tenantId: 1, endpointId: 1, eventType: 1, status: 1, createdAt: -1, _id: -1 },
  statusTime: { tenantId: 1, status: 1, createdAt: -1, _id: -1 },
  eventStatusTime: { tenantId: 1, eventType: 1, status: 1, createdAt: -1, _id: -1 },
  httpStatusTime: { tenantId: 1, httpStatus: 1, createdAt: -1, _id: -1 },
  eventId: { tenantId: 1, eventId: 1 },
  identifierTime: { tenantId: 1, identifierValues: 1, createdAt: -1, _id: -1 },
};

/** Declares the list indexes on a schema of `delivery_attempts` or `deliveries`. */
export function declareListIndexes(schema: Schema): void {
  for (const [index, key] of Object.entries(LIST_INDEX_KEYS)) schema.index(key, { name: ListIndex[index as keyof typeof ListIndex] });
}
