import { jetstream, jetstreamManager, type JetStreamManager, type StoredMsg } from '@nats-io/jetstream';
import { load } from 'js-yaml';
import { DeadLetterReason, OperationalSubjects, RetentionSubjects, StreamNames, deadLetterSubject, eventSubject } from '@wirehook/contracts';
import { AsyncApiDocument, eventually } from '@wirehook/testing';
import { RunningSystem } from './support/running-system';

/** A message as a consumer of a stream reads it: subject, headers and JSON body. */
interface Captured {
  subject: string;
  headers: Record<string, string>;
  body: unknown;
}

/** A stored message as the document describes it. */
function captured(message: StoredMsg | null): Captured {
  if (!message) throw new Error('no such message in the stream');
  const headers = Object.fromEntries([...(message.header?.keys() ?? [])].map((name) => [name, message.header.get(name)]));
  return { subject: message.subject, headers, body: message.json() };
}

/** The last message on a subject of a stream, once there is one. */
async function lastOn(jsm: JetStreamManager, stream: string, subject: string): Promise<Captured> {
  return captured(await eventually(() => jsm.streams.getMessage(stream, { last_by_subj: subject }), { timeoutMs: 20_000 }));
}

describe('the AsyncAPI document against what the running platform carries', () => {
  let system: RunningSystem;
  let jsm: JetStreamManager;
  const asyncApi = AsyncApiDocument.load();

  beforeAll(async () => {
    system = await RunningSystem.start('e2e-asyncapi-conformance');
    jsm = await jetstreamManager(system.nc);
    // An endpoint that is gone: its first 410 disables it.
    system.receiver.respondWith((request) => (request.path === '/hooks/gone' ? { status: 410 } : { status: 200 }));
    const { admin } = await system.tenant('ops');
    expect((await admin.post('/api/v1/webhooks', { url: system.receiver.url('/hooks/gone'), events: ['*'] })).status).toBe(201);
  });

  afterAll(async () => {
    await system?.stop();
  });

  it('is served by config-api as YAML and JSON, as the build carries it', async () => {
    const yaml = await fetch(`${system.baseUrl}/api/asyncapi.yaml`);
    expect(yaml.status).toBe(200);
    expect(await yaml.text()).toBe(asyncApi.text);
    const json = await fetch(`${system.baseUrl}/api/asyncapi.json`);
    expect(await json.json()).toEqual(load(asyncApi.text));
  });

  it('describes the stored events, dead letters and operational events the apps publish', async () => {
    const published = await system.publisher.publish('ops', { event: 'order.created', data: { orderId: 'o-1' }, identifiers: { orderId: 'o-1' } });
    const js = jetstream(system.nc);
    await js.publish(eventSubject('ops', 'order.created'), Buffer.from('{not json'));
    await js.publish(eventSubject('ops', 'order.updated'), Buffer.from(JSON.stringify({ event: 'order.updated', data: ['not', 'an', 'object'] })));
    const run = await eventually(
      async () => {
        const answer = await system.operator.post<{ data: { result: string } }>('/api/v1/retention/runs', { dry_run: true });
        if (answer.status !== 200) throw new Error(`retention run: ${answer.status} ${JSON.stringify(answer.body)}\n${system.run.output.slice(-3000)}`);
        return answer;
      },
      { timeoutMs: 20_000, intervalMs: 500 },
    );
    expect(run.body.data.result).toBe('completed');

    const messages = {
      event: captured(await jsm.streams.getMessage(StreamNames.events, { seq: published.sequence })),
      malformed: await lastOn(jsm, StreamNames.deadLetters, deadLetterSubject(DeadLetterReason.malformedJson)),
      invalidFields: await lastOn(jsm, StreamNames.deadLetters, deadLetterSubject(DeadLetterReason.invalidFields)),
      endpointDisabled: await lastOn(jsm, StreamNames.operations, OperationalSubjects.endpointDisabled),
      retentionRun: await lastOn(jsm, StreamNames.operations, RetentionSubjects.runCompleted),
    };
    expect(messages.malformed.body).toMatchObject({ tenantId: 'ops', body: '{not json' });
    expect(messages.invalidFields.body).toMatchObject({ tenantId: 'ops', subject: eventSubject('ops', 'order.updated') });
    expect(messages.endpointDisabled.body).toMatchObject({ tenantId: 'ops', reason: 'gone' });
    expect(messages.retentionRun.body).toMatchObject({ dryRun: true, trigger: 'rpc', result: 'completed' });

    const checks = Object.fromEntries(
      Object.entries(messages).map(([name, message]) => [name, asyncApi.checkMessage(message.subject, message.body, message.headers)]),
    );
    expect(Object.fromEntries(Object.entries(checks).map(([name, check]) => [name, { channel: check.channel, problems: check.problems }]))).toEqual({
      event: { channel: 'events', problems: [] },
      malformed: { channel: 'deadLetters', problems: [] },
      invalidFields: { channel: 'deadLetters', problems: [] },
      endpointDisabled: { channel: 'endpointDisabled', problems: [] },
      retentionRun: { channel: 'retentionRunCompleted', problems: [] },
    });
    expect(checks.event.parameters).toEqual({ tenantId: 'ops', eventType: 'order.created' });
    expect(messages.event.headers).toEqual({ 'Nats-Msg-Id': published.eventId });
  });
});
