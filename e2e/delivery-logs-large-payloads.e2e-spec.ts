import type { AttemptLogView, AttemptRecordedMessage, LogDetailView, LogPagination } from '@wirehook/contracts';
import type { ApiClient } from '@wirehook/testing';
import { createWebhook, deliveryRecords, publishAttempts, startLogsSystem, waitForAttempts, type LogsSystem } from './support/delivery-log-fixtures';

type ListBody = { data: AttemptLogView[]; pagination: LogPagination };
const ROWS = 100;
const PAYLOAD_CHARS = 256 * 1024;

/** A JSON payload of about 256 KB that escapes badly in JSON (quotes and backslashes). */
function largePayload(label: string): string {
  return JSON.stringify({
    event: 'resume.parsed',
    tenantId: 'acme',
    data: { label, text: `"\\${label}`.repeat(PAYLOAD_CHARS / (label.length + 2)).slice(0, PAYLOAD_CHARS) },
  });
}

describe('delivery logs with 256 KB payloads through the public API', () => {
  let system: LogsSystem;
  let acme: ApiClient;
  let records: AttemptRecordedMessage[];

  beforeAll(async () => {
    system = await startLogsSystem('e2e-delivery-logs-large-payloads');
    const keys = await system.tenant('acme');
    acme = keys.viewer;
    const webhook = await createWebhook(keys.admin, 'Resume parser', 'https://127.0.0.1:9/hooks/resumes');
    records = Array.from({ length: ROWS }, (_, index) =>
      deliveryRecords('acme', `big${index}`, webhook, 'resume.parsed', [{ minute: index, status: 'failed', http: 500, responseBody: 'E'.repeat(60_000) }]).map(
        (record) => ({
          ...record,
          request: { ...record.request, body: largePayload(`big${index}`) },
        }),
      ),
    ).flat();
    await publishAttempts(system.js, records);
    await waitForAttempts(acme, ROWS);
  });

  afterAll(async () => {
    await system?.stop();
  });

  it('lists a page of 100 attempts with previews marked as cut', async () => {
    const answer = await acme.get<ListBody>('/api/v1/deliveries?per_page=100');
    expect(answer.status).toBe(200);
    expect(answer.body.data).toHaveLength(ROWS);
    for (const row of answer.body.data) {
      expect(row).toMatchObject({ request_payload_truncated: true, response_body_truncated: true });
      expect((row.request_payload as string).length).toBeLessThanOrEqual(1024);
    }
  });

  it('shows one attempt with its payload and response body whole', async () => {
    const record = records[37];
    const answer = await acme.get<{ data: LogDetailView }>(`/api/v1/logs/${record.deliveryId}_1`);
    expect(answer.status).toBe(200);
    expect(answer.body.data.request.body).toBe(record.request.body);
    expect(answer.body.data.request_payload).toEqual(JSON.parse(record.request.body));
    expect(answer.body.data.response?.body).toBe(record.response?.body);
  });

  it('exports every attempt whole, as NDJSON', async () => {
    const response = await fetch(`${system.baseUrl}/api/v1/deliveries/export`, { headers: { authorization: `Bearer ${acme.key}` } });
    expect(response.status).toBe(200);
    const rows = (await response.text())
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as AttemptLogView);
    expect(rows).toHaveLength(ROWS);
    const byId = new Map(records.map((record) => [`${record.deliveryId}_1`, record]));
    for (const row of rows) {
      expect(row.request_payload).toEqual(JSON.parse(byId.get(row.id)?.request.body ?? 'null'));
      expect(row.response_body).toBe(byId.get(row.id)?.response?.body);
      expect(row.request_payload_truncated).toBe(false);
    }
  });
});
