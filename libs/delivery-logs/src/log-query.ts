import type { ListLogsRequestMessage } from '@wirehook/contracts';

/** Escapes text so it matches literally inside a regular expression. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Field names of the collection being queried (attempts and deliveries differ slightly). */
export interface LogFieldNames {
  nameField: string;
  urlField: string;
  /** Field holding `2xx`..`5xx`, when the collection has one. */
  statusClassField?: string;
}

/**
 * Builds the MongoDB filter for a logs request. The tenant always comes first so every query
 * uses a tenant-prefixed index; free text is escaped and never interpreted as a pattern.
 */
export function buildLogFilter(request: ListLogsRequestMessage, fields: LogFieldNames): Record<string, unknown> {
  const filter: Record<string, unknown> = { tenantId: request.tenantId };
  if (request.webhookId) filter.endpointId = request.webhookId;
  if (request.status?.length) filter.status = request.status.length === 1 ? request.status[0] : { $in: request.status };
  if (request.statusClass) {
    // Attempts keep their class; deliveries are filtered by the status of their last answer.
    if (fields.statusClassField) filter[fields.statusClassField] = request.statusClass;
    else filter.httpStatus = { $gte: Number(request.statusClass[0]) * 100, $lt: Number(request.statusClass[0]) * 100 + 100 };
  }
  if (request.event) {
    filter.eventType = request.event.endsWith('.') ? { $regex: `^${escapeRegExp(request.event)}` } : request.event;
  }
  if (request.from || request.to) {
    filter.createdAt = {
      ...(request.from ? { $gte: new Date(request.from) } : {}),
      ...(request.to ? { $lte: new Date(request.to) } : {}),
    };
  }
  if (request.q) {
    const text = { $regex: escapeRegExp(request.q), $options: 'i' };
    filter.$or = [{ [fields.nameField]: text }, { [fields.urlField]: text }, { eventType: text }];
  }
  return filter;
}

const SORT_FIELDS = { created_at: 'createdAt', status: 'status', http_status: 'httpStatus' } as const;

/** Sort for a logs request; time and id break ties so pages never overlap. */
export function buildLogSort(request: ListLogsRequestMessage): Record<string, 1 | -1> {
  const direction = request.order === 'asc' ? 1 : -1;
  const field = SORT_FIELDS[request.sort];
  return field === 'createdAt' ? { createdAt: direction, _id: direction } : { [field]: direction, createdAt: -1, _id: -1 };
}
