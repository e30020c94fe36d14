import { LOG_PREVIEW_CHARS, LOG_REPLY_BUDGET_BYTES } from '@wirehook/contracts';
import type { AttemptRow } from '@wirehook/delivery-logs';
import { attemptRecordsWithin, exportedRecord, toAttemptRecord } from './log-records';
import { SAMPLE_DELIVERY } from '@wirehook/testing';

const AT = new Date('2026-03-01T10:15:00.000Z');

function attemptRow(overrides: Partial<AttemptRow> = {}): AttemptRow {
  return {
    _id: 'msg_a_1',
    tenantId: 'acme',
    ...SAMPLE_DELIVERY,
    identifierValues: ['batch-42'],
    clientId: null,
    attempt: 1,
    trigger: 'auto',
    status: 'success',
    httpStatus: 200,
    statusClass: '2xx',
    payloadId: 'pl_1',
    request: { method: 'POST', url: 'https://crm.example.com/hooks', headers: {}, bodyLength: 8, bodyPreview: '{"id":1}' },
    response: { status: 200, headers: { 'content-type': 'text/plain' }, bodyTruncated: false, bodyLength: 2, bodyPreview: 'ok' },
    error: null,
    durationMs: 42,
    deliveryCreatedAt: AT,
    startedAt: AT,
    completedAt: new Date(AT.getTime() + 42),
    nextAttemptAt: null,
    createdAt: AT,
    ...overrides,
  };
}

describe('toAttemptRecord', () => {
  it('keeps previews whole when they fit, with times as ISO instants', () => {
    expect(toAttemptRecord(attemptRow())).toMatchObject({
      id: 'msg_a_1',
      payloadPreview: { text: '{"id":1}', cut: false },
      response: { bodyPreview: { text: 'ok', cut: false }, headers: { 'content-type': 'text/plain' }, headersCut: false },
      completedAt: '2026-03-01T10:15:00.042Z',
      createdAt: '2026-03-01T10:15:00.000Z',
      nextAttemptAt: null,
      traceId: null,
    });
  });

  it('cuts the payload, the response body and the response headers to the preview length, and says so', () => {
    const body = 'x'.repeat(LOG_PREVIEW_CHARS + 10);
    const record = toAttemptRecord(
      attemptRow({
        request: { method: 'POST', url: 'https://crm.example.com/hooks', headers: {}, bodyLength: body.length, bodyPreview: body },
        response: { status: 500, headers: { a: '1', long: 'y'.repeat(LOG_PREVIEW_CHARS) }, bodyTruncated: true, bodyLength: body.length, bodyPreview: body },
      }),
    );
    expect(record.payloadPreview).toEqual({ text: body.slice(0, LOG_PREVIEW_CHARS), cut: true });
    expect(record.response).toEqual({ bodyPreview: { text: body.slice(0, LOG_PREVIEW_CHARS), cut: true }, headers: { a: '1' }, headersCut: true });
  });

  it('has no response without one', () => {
    expect(toAttemptRecord(attemptRow({ response: null, httpStatus: null })).response).toBeNull();
  });
});

describe('attemptRecordsWithin', () => {
  it('cuts previews shorter until a page of text that escapes badly fits the reply budget', () => {
    const escaping = '\u0001'.repeat(LOG_PREVIEW_CHARS);
    const rows = Array.from({ length: 100 }, (_, index) =>
      attemptRow({
        _id: `msg_a_${index}`,
        request: { method: 'POST', url: 'https://crm.example.com/hooks', headers: {}, bodyLength: 100_000, bodyPreview: escaping },
        response: { status: 500, headers: {}, bodyTruncated: false, bodyLength: 100_000, bodyPreview: escaping },
      }),
    );
    const records = attemptRecordsWithin(rows);
    expect(records).toHaveLength(100);
    expect(Buffer.byteLength(JSON.stringify(records))).toBeLessThanOrEqual(LOG_REPLY_BUDGET_BYTES);
    expect(records[0].payloadPreview.text.length).toBeLessThan(LOG_PREVIEW_CHARS);
    expect(records[0].payloadPreview.cut).toBe(true);
  });
});

describe('exportedRecord', () => {
  it('carries the bodies whole when they fit the room left, else by their length only', () => {
    const row = attemptRow();
    expect(exportedRecord(row, '{"id":1}', 'ok', 10_000).record).toMatchObject({
      requestBody: { text: '{"id":1}', length: 8 },
      responseBody: { text: 'ok', length: 2 },
      responseHeaders: { 'content-type': 'text/plain' },
    });
    expect(exportedRecord(row, '{"id":1}', 'ok', 0).record).toMatchObject({ requestBody: { text: null, length: 8 }, responseBody: { text: null, length: 2 } });
    expect(exportedRecord(attemptRow({ response: null }), '', undefined, 0).record).toMatchObject({
      requestBody: { text: '', length: 0 },
      responseBody: null,
      responseHeaders: null,
    });
  });
});
