import type { PlannedQuery } from './log-plan';
import type { RowKey } from './log-cursor';

/**
 * The queries that read the rows after `after`, in order: each one a range of the planned index
 * (so it reads about the rows it returns), run one after the other until the page is full.
 * Sorting by time needs one: up to the last row's time, skipping the rows of that instant
 * already shown. Sorting by a field needs two or three: the rest of the last row's value
 * (time then id), then the values after it (HTTP statuses: numbers, then no status, which
 * sorts lowest).
 */
export function keysetSteps(query: PlannedQuery, after: RowKey): Array<Record<string, unknown>> {
  const towards = query.sortField === 'createdAt' ? query.direction : (-query.direction as 1 | -1);
  const timeBound = towards === 1 ? '$gte' : '$lte';
  const strictly = towards === 1 ? '$gt' : '$lt';
  const restOfInstant = (extra: Record<string, unknown>) =>
    and(
      query.filter,
      { ...extra, createdAt: { [timeBound]: after.createdAt } },
      { $or: [{ createdAt: { [strictly]: after.createdAt } }, { _id: { [strictly]: after.id } }] },
    );
  if (query.sortField === 'createdAt') return [restOfInstant({})];
  const field = query.sortField;
  const value = after.primary ?? null;
  const steps = [restOfInstant({ [field]: value })];
  if (query.direction === 1) {
    steps.push(and(query.filter, { [field]: value === null ? { $ne: null } : { $gt: value } }));
  } else if (value !== null) {
    steps.push(and(query.filter, { [field]: { $lt: value } }));
    if (field === 'httpStatus') steps.push(and(query.filter, { [field]: null }));
  }
  return steps;
}

/**
 * The planned filter narrowed by conditions. Conditions on a field the filter constrains too go
 * into `$and`, where MongoDB intersects their index bounds; the tenant stays at the top.
 */
function and(filter: Record<string, unknown>, ...conditions: Array<Record<string, unknown>>): Record<string, unknown> {
  const result: Record<string, unknown> = { ...filter };
  const clauses: Array<Record<string, unknown>> = [];
  for (const condition of conditions) {
    for (const [field, value] of Object.entries(condition)) {
      if (field in result || field === '$or') clauses.push({ [field]: value });
      else result[field] = value;
    }
  }
  if (clauses.length > 0) result.$and = clauses;
  return result;
}
