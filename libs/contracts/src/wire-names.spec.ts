import {
  attemptIdOf,
  attemptLogBatchSubject,
  attemptSubject,
  deadLetterMessageId,
  deliveriesCreatedSubject,
  endpointDisabledMessageId,
  isAttemptId,
  parkedTaskMessageId,
  parseAttemptSubject,
  pendingAttemptIdOf,
} from './wire-names';

describe('attempt-stream subjects', () => {
  it('tells attempt records from created deliveries, with their tenant', () => {
    expect(parseAttemptSubject(attemptSubject('acme'))).toEqual({ tenantId: 'acme', holds: 'attempt' });
    expect(parseAttemptSubject(deliveriesCreatedSubject('acme'))).toEqual({ tenantId: 'acme', holds: 'created' });
    expect(parseAttemptSubject(attemptLogBatchSubject('acme'))).toEqual({ tenantId: 'acme', holds: 'batch' });
  });

  it.each([
    'webhooks.attempts.v1',
    'webhooks.attempts.v1.',
    'webhooks.attempts.v1.acme.other',
    'webhooks.attempts.v1.acme.created.x',
    'webhooks.events.acme.created',
  ])('reads %s as no attempt-stream subject', (subject) => expect(parseAttemptSubject(subject)).toBeUndefined());
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

describe('JetStream message ids', () => {
  it('give each park of an attempt its own id, after the attempt id', () => {
    const attempt = { deliveryId: 'msg_abc', attempt: 2 };
    expect(parkedTaskMessageId(attempt, 1_767_225_600_000)).toBe('msg_abc_2_parked_1767225600000');
    expect(parkedTaskMessageId(attempt, 1_767_225_660_000)).not.toBe(parkedTaskMessageId(attempt, 1_767_225_600_000));
  });

  it('give one endpoint-disabled event per endpoint revision', () => {
    expect(endpointDisabledMessageId('ep_123', 7)).toBe('ep_123:7:disabled');
    expect(endpointDisabledMessageId('ep_123', 8)).not.toBe(endpointDisabledMessageId('ep_123', 7));
  });

  it('name a dead letter by the stream and sequence of what it keeps, and the batch entry when there is one', () => {
    expect(deadLetterMessageId({ stream: 'WEBHOOK_DELIVERIES', streamSequence: 42 })).toBe('WEBHOOK_DELIVERIES:42');
    expect(deadLetterMessageId({ stream: 'WEBHOOK_ATTEMPTS', streamSequence: 42 }, 'attempts[3]')).toBe('WEBHOOK_ATTEMPTS:42:attempts[3]');
  });
});
