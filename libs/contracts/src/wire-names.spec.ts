import { attemptIdOf, attemptLogBatchSubject, attemptSubject, deliveriesCreatedSubject, isAttemptId, parseAttemptSubject, pendingAttemptIdOf } from './wire-names';

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

describe('attempt ids', () => {
  it('are the delivery id and the attempt number, 0 for a delivery not attempted yet', () => {
    expect(attemptIdOf({ deliveryId: 'msg_abc', attempt: 3 })).toBe('msg_abc_3');
    expect(pendingAttemptIdOf('msg_abc')).toBe('msg_abc_0');
  });

  it('tell themselves from delivery ids', () => {
    expect(isAttemptId(attemptIdOf({ deliveryId: 'msg_abc', attempt: 12 }))).toBe(true);
    expect(isAttemptId('msg_abc')).toBe(false);
    expect(isAttemptId('msg_abc_')).toBe(false);
  });
});
