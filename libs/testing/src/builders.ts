import type { AttemptRecordedMessage } from '@wirehook/contracts';

let sequence = 0;

/** An attempt record with sensible values; override what the test is about. */
export function buildAttemptRecord(overrides: Partial<AttemptRecordedMessage> = {}): AttemptRecordedMessage {
  sequence += 1;
  const started = new Date(Date.parse('2026-03-01T12:00:00Z') + sequence * 1000);
  const status = overrides.status ?? 'success';
  const httpStatus = status === 'success' ? 200 : 500;
  return {
    tenantId: 'acme',
    endpointId: 'ep_000000000000000000000001',
    endpointName: 'CRM sync',
    endpointUrl: 'https://crm.example.com/hooks',
    deliveryId: `msg_${String(sequence)
      .padStart(26, 'a')
      .slice(-26)
      .replace(/[0-9]/g, (digit) => 'abcdefghij'[Number(digit)])}`,
    eventId: `evt_${sequence}`,
    eventType: 'resume.bulk_upload_parse.started',
    identifiers: { batchId: `batch-${sequence}` },
    attempt: 1,
    trigger: 'auto',
    status,
    request: {
      method: 'POST',
      url: 'https://crm.example.com/hooks',
      headers: { 'content-type': 'application/json' },
      body: '{"event":"resume.bulk_upload_parse.started"}',
    },
    response: { status: httpStatus, headers: { 'content-type': 'application/json' }, body: '{"received":true}', bodyTruncated: false },
    durationMs: 42,
    deliveryCreatedAt: started.toISOString(),
    startedAt: started.toISOString(),
    completedAt: new Date(started.getTime() + 42).toISOString(),
    ...overrides,
  };
}

/** One delivery's endpoint and event, as unit tests of log rows and views describe it. */
export const SAMPLE_DELIVERY = {
  endpointId: 'ep_000000000000000000000001',
  endpointName: 'CRM sync',
  endpointUrl: 'https://crm.example.com/hooks',
  deliveryId: 'msg_a',
  eventId: 'evt-1',
  eventType: 'resume.created',
  identifiers: { batchId: 'batch-42' },
};
