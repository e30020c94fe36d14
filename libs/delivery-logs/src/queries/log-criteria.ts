import type { LogFilterMessage } from '@wirehook/contracts';
import type { EventTypeRepository } from '../event-types/event-type.repository';
import { MAX_RESOLVED_EVENT_TYPES, type LogCriteria } from './log-plan';
import { LogQueryError } from './log-query.error';

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 24 * 60 * 60 * 1000;

/** The prefix an event filter names (`resume.` or `resume.*`), or undefined for an exact type. */
export function eventPrefixOf(event: string): string | undefined {
  return event.endsWith('.*') ? event.slice(0, -1) : event.endsWith('.') ? event : undefined;
}

/**
 * The time condition. `to` is inclusive; a date without a time (`2026-03-01`, what a date
 * picker sends) stands for that whole day, so `from=D&to=D` is the day D.
 */
export function timeCondition(from: string | undefined, to: string | undefined): LogCriteria['createdAt'] {
  if (!from && !to) return undefined;
  return {
    ...(from ? { $gte: new Date(from) } : {}),
    ...(to ? (DATE_ONLY.test(to) ? { $lt: new Date(Date.parse(to) + DAY_MS) } : { $lte: new Date(to) }) : {}),
  };
}

/**
 * The criteria of a request's filters, search text aside. An event prefix is resolved against
 * the tenant's catalog of event types into exact types, which an index serves as points.
 */
export async function criteriaOf(request: LogFilterMessage, eventTypes: EventTypeRepository): Promise<LogCriteria> {
  const criteria: LogCriteria = { tenantId: request.tenantId, createdAt: timeCondition(request.from, request.to) };
  if (request.webhookId) criteria.endpointIds = [request.webhookId];
  if (request.status?.length) criteria.statuses = [...new Set(request.status)];
  if (request.statusClass) {
    const low = Number(request.statusClass[0]) * 100;
    criteria.httpStatus = { gte: low, lt: low + 100 };
  }
  if (request.event) {
    const prefix = eventPrefixOf(request.event);
    if (prefix === undefined) {
      criteria.eventTypes = [request.event];
    } else {
      const types = await eventTypes.withPrefix(request.tenantId, prefix, MAX_RESOLVED_EVENT_TYPES + 1);
      if (types.length > MAX_RESOLVED_EVENT_TYPES) {
        throw new LogQueryError(
          'event',
          `event prefix '${request.event}' covers more than ${MAX_RESOLVED_EVENT_TYPES} event types; use a longer prefix or an exact event type`,
        );
      }
      criteria.eventTypes = types;
    }
  }
  return criteria;
}
