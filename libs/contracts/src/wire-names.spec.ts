import { attemptLogBatchSubject, attemptSubject, deliveriesCreatedSubject, parseAttemptSubject } from './wire-names';

describe('attempt-stream subjects', () => {
  it('tells attempt records from created deliveries, with their tenant', () => {
    expect(parseAttemptSubject(attemptSubject('acme'))).toEqual({ tenantId: 'acme', holds: 'attempt' });
    expect(parseAttemptSubject(deliveriesCreatedSubject('acme'))).toEqual({ tenantId: 'acme', holds: 'created' });
    expect(parseAttemptSubject(attemptLogBatchSubject('acme'))).toEqual({ tenantId: 'acme', holds: 'batch' });
  });

  it.each(['webhooks.attempts.v1', 'webhooks.attempts.v1.', 'webhooks.attempts.v1.acme.other', 'webhooks.attempts.v1.acme.created.x', 'webhooks.events.acme.created'])(
    'reads %s as no attempt-stream subject',
    (subject) => expect(parseAttemptSubject(subject)).toBeUndefined(),
  );
});
