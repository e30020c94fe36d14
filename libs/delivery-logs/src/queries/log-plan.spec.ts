import { DELIVERY_STATUSES } from '@wirehook/contracts';
import { AttemptIndex, deliveryAttemptSchema } from '../attempts/delivery-attempt.schema';
import { DeliveryIndex, deliverySchema } from '../deliveries/delivery.schema';
import { EventTypeIndex, eventTypeSchema } from '../event-types/event-type.schema';
import { PayloadIndex, eventPayloadSchema } from '../payloads/event-payload.schema';
import { MAX_MERGED_POINTS, MAX_RESOLVED_EVENT_TYPES, planListQuery, type ListIndexes, type LogCriteria, type LogSort } from './log-plan';
import { LogQueryError } from './log-query.error';

const declaredNames = (schema: { indexes(): Array<[unknown, { name?: string }]> }) => schema.indexes().map(([, options]) => options.name);
const NEWEST: LogSort = { field: 'created_at', order: 'desc' };
const base: LogCriteria = { tenantId: 'acme' };

describe('index names', () => {
  it.each([
    ['delivery_attempts', AttemptIndex, deliveryAttemptSchema],
    ['deliveries', DeliveryIndex, deliverySchema],
    ['event_payloads', PayloadIndex, eventPayloadSchema],
    ['log_event_types', EventTypeIndex, eventTypeSchema],
  ])('every index name of %s that queries hint is declared by its schema, once', (_, names, schema) => {
    const declared = declaredNames(schema);
    expect(new Set(declared).size).toBe(declared.length);
    expect(declared.sort()).toEqual(Object.values(names).sort());
  });

  it('every list index starts with the tenant', () => {
    for (const schema of [deliveryAttemptSchema, deliverySchema, eventPayloadSchema, eventTypeSchema]) {
      for (const [key] of schema.indexes()) expect(Object.keys(key)[0]).toBe('tenantId');
    }
  });
});

describe('planListQuery', () => {
  const plan = (criteria: Partial<LogCriteria>, sort: LogSort = NEWEST, indexes: ListIndexes = AttemptIndex) =>
    planListQuery({ ...base, ...criteria }, sort, indexes);

  it('reads the whole tenant newest first on the time index', () => {
    expect(plan({})).toEqual({
      filter: { tenantId: 'acme' },
      hint: AttemptIndex.time,
      sort: { createdAt: -1, _id: -1 },
      sortField: 'createdAt',
      direction: -1,
    });
    expect(plan({}, { field: 'created_at', order: 'asc' }).sort).toEqual({ createdAt: 1, _id: 1 });
  });

  it('gives one webhook every status as points, so the endpoint index yields rows in time order', () => {
    expect(plan({ endpointIds: ['ep_1'] })).toMatchObject({
      filter: { tenantId: 'acme', endpointId: 'ep_1', status: { $in: [...DELIVERY_STATUSES] } },
      hint: AttemptIndex.endpointStatusTime,
    });
    expect(plan({ endpointIds: ['ep_1'], statuses: ['failed'] }).filter).toEqual({ tenantId: 'acme', endpointId: 'ep_1', status: 'failed' });
    expect(plan({ endpointIds: ['ep_1'] }, { field: 'status', order: 'asc' })).toMatchObject({
      filter: { tenantId: 'acme', endpointId: 'ep_1' },
      sort: { status: 1, createdAt: -1, _id: -1 },
    });
  });

  it('serves status, event and status class each on its own index, with the time window', () => {
    const window = { $gte: new Date('2026-03-01T00:00:00Z') };
    expect(plan({ statuses: ['failed', 'retrying'], createdAt: window })).toMatchObject({
      filter: { tenantId: 'acme', status: { $in: ['failed', 'retrying'] }, createdAt: window },
      hint: AttemptIndex.statusTime,
    });
    expect(plan({ eventTypes: ['a.b', 'a.c'], statuses: ['success'] })).toMatchObject({
      filter: { eventType: { $in: ['a.b', 'a.c'] }, status: 'success' },
      hint: AttemptIndex.eventStatusTime,
    });
    const byClass = plan({ httpStatus: { gte: 400, lt: 500 } });
    expect(byClass.hint).toBe(AttemptIndex.httpStatusTime);
    expect((byClass.filter.httpStatus as { $in: number[] }).$in).toHaveLength(100);
    expect(plan({ httpStatus: { gte: 400, lt: 500 } }, { field: 'http_status', order: 'desc' }).filter.httpStatus).toEqual({ $gte: 400, $lt: 500 });
  });

  it('serves one webhook and an event together on their own index', () => {
    expect(plan({ endpointIds: ['ep_1'], eventTypes: ['a.b', 'a.c'] })).toMatchObject({
      filter: { tenantId: 'acme', endpointId: 'ep_1', eventType: { $in: ['a.b', 'a.c'] }, status: { $in: [...DELIVERY_STATUSES] } },
      hint: AttemptIndex.endpointEventStatusTime,
    });
  });

  it('keeps every expansion within what MongoDB merges in order', () => {
    expect(MAX_RESOLVED_EVENT_TYPES * DELIVERY_STATUSES.length).toBeLessThanOrEqual(MAX_MERGED_POINTS);
    const types = Array.from({ length: MAX_RESOLVED_EVENT_TYPES }, (_, index) => `type.${index}`);
    const { filter } = plan({ eventTypes: types });
    expect((filter.eventType as { $in: string[] }).$in.length * (filter.status as { $in: string[] }).$in.length).toBeLessThanOrEqual(MAX_MERGED_POINTS);
  });

  it('applies the other filters to an exact lookup on its own index', () => {
    expect(plan({ statuses: ['failed'], lookup: { field: 'identifierValues', value: 'batch-42', index: AttemptIndex.identifierTime } })).toMatchObject({
      filter: { tenantId: 'acme', identifierValues: 'batch-42', status: 'failed' },
      hint: AttemptIndex.identifierTime,
    });
  });

  it.each<[string, Partial<LogCriteria>, LogSort, string]>([
    ['webhook and event sorted by HTTP status', { endpointIds: ['ep_1'], eventTypes: ['a.b'] }, { field: 'http_status', order: 'asc' }, 'sort'],
    [
      'more webhooks × event types than MongoDB merges in order',
      { endpointIds: ['ep_1', 'ep_2'], eventTypes: Array.from({ length: 26 }, (_, i) => `t.${i}`) },
      NEWEST,
      'event',
    ],
    ['status class and webhook', { endpointIds: ['ep_1'], httpStatus: { gte: 500, lt: 600 } }, NEWEST, 'status_class'],
    ['status class and status', { statuses: ['failed'], httpStatus: { gte: 500, lt: 600 } }, NEWEST, 'status_class'],
    ['status class sorted by status', { httpStatus: { gte: 500, lt: 600 } }, { field: 'status', order: 'asc' }, 'sort'],
    ['a webhook sorted by HTTP status', { endpointIds: ['ep_1'] }, { field: 'http_status', order: 'asc' }, 'sort'],
    ['status sorted by HTTP status', { statuses: ['failed'] }, { field: 'http_status', order: 'asc' }, 'sort'],
  ])('refuses %s, naming the parameter to change', (_, criteria, sort, parameter) => {
    expect(() => plan(criteria, sort)).toThrow(LogQueryError);
    try {
      plan(criteria, sort);
    } catch (error) {
      expect((error as LogQueryError).parameter).toBe(parameter);
      expect((error as LogQueryError).message).toContain(parameter);
    }
  });

  it('plans the delivery view on its own indexes', () => {
    expect(plan({ statuses: ['failed'] }, NEWEST, DeliveryIndex).hint).toBe(DeliveryIndex.statusTime);
  });
});
