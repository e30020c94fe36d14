import { AttemptIndex } from '../attempts/delivery-attempt.schema';
import { keysetSteps } from './keyset';
import { planListQuery, type LogSort } from './log-plan';

const at = new Date('2026-03-02T08:00:00.000Z');
const planFor = (sort: LogSort, statuses?: Array<'failed' | 'success'>) => planListQuery({ tenantId: 'acme', statuses }, sort, AttemptIndex);

describe('keysetSteps', () => {
  it('continues a time order up to the last instant, skipping the rows of it already shown', () => {
    expect(keysetSteps(planFor({ field: 'created_at', order: 'desc' }), { createdAt: at, id: 'm_1' })).toEqual([
      { tenantId: 'acme', createdAt: { $lte: at }, $and: [{ $or: [{ createdAt: { $lt: at } }, { _id: { $lt: 'm_1' } }] }] },
    ]);
    expect(keysetSteps(planFor({ field: 'created_at', order: 'asc' }), { createdAt: at, id: 'm_1' })[0]).toMatchObject({ createdAt: { $gte: at } });
  });

  it('continues a field order with the rest of the last value, then the values after it, each an index range', () => {
    const steps = keysetSteps(planFor({ field: 'status', order: 'asc' }, ['failed', 'success']), { primary: 'failed', createdAt: at, id: 'm_1' });
    expect(steps).toEqual([
      {
        tenantId: 'acme',
        status: { $in: ['failed', 'success'] },
        createdAt: { $lte: at },
        $and: [{ status: 'failed' }, { $or: [{ createdAt: { $lt: at } }, { _id: { $lt: 'm_1' } }] }],
      },
      { tenantId: 'acme', status: { $in: ['failed', 'success'] }, $and: [{ status: { $gt: 'failed' } }] },
    ]);
  });

  it('puts responses without a status below every status', () => {
    const descending = planListQuery({ tenantId: 'acme' }, { field: 'http_status', order: 'desc' }, AttemptIndex);
    expect(keysetSteps(descending, { primary: 500, createdAt: at, id: 'm_1' }).slice(1)).toEqual([
      { tenantId: 'acme', httpStatus: { $lt: 500 } },
      { tenantId: 'acme', httpStatus: null },
    ]);
    expect(keysetSteps(descending, { primary: null, createdAt: at, id: 'm_1' })).toHaveLength(1);
    const ascending = planListQuery({ tenantId: 'acme' }, { field: 'http_status', order: 'asc' }, AttemptIndex);
    expect(keysetSteps(ascending, { primary: null, createdAt: at, id: 'm_1' })[1]).toEqual({ tenantId: 'acme', httpStatus: { $ne: null } });
  });
});
