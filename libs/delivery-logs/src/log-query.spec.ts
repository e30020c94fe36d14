import type { ListLogsRequestMessage } from '@wirehook/contracts';
import { buildLogFilter, buildLogSort, escapeRegExp } from './log-query';

const base: ListLogsRequestMessage = { tenantId: 'acme', view: 'attempts', page: 1, perPage: 25, sort: 'created_at', order: 'desc' };
const fields = { nameField: 'endpointName', urlField: 'endpointUrl', statusClassField: 'statusClass' };

describe('buildLogFilter', () => {
  it('always starts with the tenant', () => {
    expect(buildLogFilter(base, fields)).toEqual({ tenantId: 'acme' });
  });

  it('combines every filter', () => {
    const filter = buildLogFilter(
      { ...base, webhookId: 'ep_x', status: ['failed', 'retrying'], statusClass: '5xx', event: 'resume.', from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z', q: 'crm' },
      fields,
    );
    expect(filter).toEqual({
      tenantId: 'acme',
      endpointId: 'ep_x',
      status: { $in: ['failed', 'retrying'] },
      statusClass: '5xx',
      eventType: { $regex: '^resume\\.' },
      createdAt: { $gte: new Date('2026-01-01T00:00:00Z'), $lte: new Date('2026-01-02T00:00:00Z') },
      $or: [
        { endpointName: { $regex: 'crm', $options: 'i' } },
        { endpointUrl: { $regex: 'crm', $options: 'i' } },
        { eventType: { $regex: 'crm', $options: 'i' } },
      ],
    });
  });

  it('treats search text literally', () => {
    expect(escapeRegExp('a.b*(c)?[d]^$|\\')).toBe('a\\.b\\*\\(c\\)\\?\\[d\\]\\^\\$\\|\\\\');
    const filter = buildLogFilter({ ...base, q: '.*' }, fields) as { $or: Array<Record<string, { $regex: string }>> };
    expect(filter.$or[0].endpointName.$regex).toBe('\\.\\*');
  });

  it('uses an exact event type unless it ends with a dot or the subscription wildcard', () => {
    expect(buildLogFilter({ ...base, event: 'resume.started' }, fields).eventType).toBe('resume.started');
    expect(buildLogFilter({ ...base, event: 'resume.*' }, fields).eventType).toEqual({ $regex: '^resume\\.' });
    expect(buildLogFilter({ ...base, event: 're(sume).' }, fields).eventType).toEqual({ $regex: '^re\\(sume\\)\\.' });
  });

  it('reads a date-only end as the whole of that day', () => {
    expect(buildLogFilter({ ...base, from: '2026-03-01', to: '2026-03-01' }, fields).createdAt).toEqual({
      $gte: new Date('2026-03-01T00:00:00Z'),
      $lt: new Date('2026-03-02T00:00:00Z'),
    });
  });
});

describe('buildLogSort', () => {
  it('sorts newest first by default and breaks ties', () => {
    expect(buildLogSort(base)).toEqual({ createdAt: -1, _id: -1 });
    expect(buildLogSort({ ...base, order: 'asc' })).toEqual({ createdAt: 1, _id: 1 });
    expect(buildLogSort({ ...base, sort: 'http_status', order: 'asc' })).toEqual({ httpStatus: 1, createdAt: -1, _id: -1 });
  });

  it('makes a descending sort the exact reverse of the ascending one, so one index serves both', () => {
    expect(buildLogSort({ ...base, sort: 'status', order: 'desc' })).toEqual({ status: -1, createdAt: 1, _id: 1 });
    expect(Object.keys(buildLogSort({ ...base, sort: 'status', order: 'desc' }))).toEqual(['status', 'createdAt', '_id']);
  });
});

describe('status class on deliveries', () => {
  it('uses the status range where the collection keeps no class', () => {
    expect(buildLogFilter({ ...base, statusClass: '4xx' }, { nameField: 'endpointName', urlField: 'endpointUrl' }).httpStatus).toEqual({ $gte: 400, $lt: 500 });
  });
});
